/**
 * The sync engine of one device: edits go to the outbox, then show in the
 * replica; a loop pushes them and pulls what others changed.
 *
 * The connection loop:
 *
 *                 edit / syncNow / online / PB_CONNECT
 *                               │
 *        ┌─────────┐  offline   ▼
 *        │ offline │◀──────── cycle ──── pending ops? ──▶ pushing (batches of
 *        └────┬────┘            │                         ≤ 500 ops, ≤ ~1 MB)
 *             │ online          │◀────────────────────────────┘
 *             └──────▶ cycle    ▼
 *                            pulling (pages until more = false)
 *                               │
 *              ┌────────────────┼──────────────────┬─────────────────┐
 *              ▼ ok             ▼ network / 5xx    ▼ 401             ▼ 403 / 426
 *            idle            backoff (ping,      needsSignIn       blocked
 *      (again if edits     1 s … 60 s, full     (resume() after   (resume() or a
 *       came meanwhile;     jitter) → cycle      sign-in)          new app version)
 *       catch-up timer:
 *       cycle in ~30 s while realtime is not live, see CATCH_UP_PULL_MS)
 *
 * Per-op rejections (a value out of range, not your class) are outcomes, not
 * failures: the op is marked rejected and the loop goes on.
 */
import { SCHEMAS } from '../domain/collections';
import { v7 as uuidv7 } from 'uuid';
import { backoffDelay } from './backoff';
import { createHlcState, hlcNow, hlcReceive, maxStamp, type HlcState } from './core/stamp';
import type { Change, FieldPath, Json, Stamp, SyncedCollection, WireRecord } from './core/types';
import {
	AuthError,
	EpochChangedError,
	NetworkError,
	RejectedError,
	isRetryableError
} from './errors';
import type { EditResult, SyncClient, SyncPhase, SyncSnapshot } from './client';
import { buildEdit } from './edit';
import { Outbox, opPaths, type RejectedOp } from './outbox';
import type {
	Clock,
	Log,
	OnlineSource,
	Random,
	Scheduler,
	Storage,
	TimerHandle,
	Transport
} from './ports';
import { loadPullState, markSeen, pullAll, type PullState } from './pull';
import { pushOps, type ClampReport } from './push';
import { Replica, type ChangedCollections, type SyncStatus } from './replica';
import { loadLost } from './lost';
import { rekeyResultsV2 } from './rekey';
import { CLOCK_MAX_AHEAD_MS, PUSH_MAX_BYTES, PUSH_MAX_OPS } from './core/types';

/** Wait after an edit before pushing, so a burst of keystrokes coalesces. */
export const PUSH_DEBOUNCE_MS = 300;
/**
 * While realtime is not connected (a proxy that kills SSE, a captive portal,
 * realtime off), the engine pulls this often (±20 % jitter), so colleagues'
 * edits still arrive.
 */
export const CATCH_UP_PULL_MS = 30_000;
/**
 * A realtime stream that gave no sign of life (a connect or a message) for
 * this long is taken as dead: PocketBase closes an idle SSE connection after
 * 5 minutes (apis/realtime.go) and the SDK reconnects, firing PB_CONNECT, so a
 * live stream is never silent longer. A dead one is subscribed again, and the
 * engine pulls on the catch-up timer until it shows life.
 */
export const REALTIME_STALE_MS = 6 * 60_000;
/** Storage key of the last successful sync time. */
export const LAST_SYNC_KEY = 'meta/lastSyncAt';
// Bytes kept free under the server's limit for the request envelope.
const PUSH_ENVELOPE_BYTES = 10_000;

export interface SyncEngineOptions {
	/** This device's id (letters, digits, `_`, `-`); it is the device part of every stamp. */
	device: string;
	clock: Clock;
	scheduler: Scheduler;
	transport: Transport;
	storage: Storage;
	random: Random;
	log: Log;
	/** navigator.onLine in a browser; always online when absent. */
	online?: OnlineSource;
	/** Subscribe to realtime changes (default true). */
	realtime?: boolean;
	pushDebounceMs?: number;
	maxBatchOps?: number;
	maxBatchBytes?: number;
}

const ALWAYS_ONLINE: OnlineSource = { isOnline: () => true, subscribe: () => () => undefined };

/** The engine. Make one with createSyncEngine, then `await start()`. */
export class SyncEngine implements SyncClient {
	#o: Required<Omit<SyncEngineOptions, 'online'>> & { online: OnlineSource };
	#outbox: Outbox | null = null;
	#replica: Replica | null = null;
	#pull: PullState = { cursor: 0, seen: null, epoch: null, reset: false };
	#hlc: HlcState;
	#started: Promise<void> | null = null;
	#ready = false;
	#closed = false;

	#phase: SyncPhase = 'idle';
	#reachable = true;
	#attempt = 0;
	#retryAt: number | null = null;
	#lastSyncAt: number | null = null;
	#lastError: SyncSnapshot['lastError'] = null;
	#blocked: SyncSnapshot['blocked'] = null;
	#clamped: ClampReport[] = [];
	#clockOffsetMs: number | null = null;

	#timer: TimerHandle | null = null;
	// An edit's debounce timer is redundant once a cycle pushed everything.
	#timerForEdit = false;
	#running: Promise<void> | null = null;
	#again = false;
	#unsubOnline: (() => void) | null = null;
	#unsubRealtime: (() => Promise<void>) | null = null;
	#subscribing = false;
	// The realtime stream: connected (PB_CONNECT seen, no disconnect since),
	// and when it last showed life. See REALTIME_STALE_MS.
	#realtimeUp = false;
	#realtimeAt = 0;
	// The catch-up timer (a pull while realtime is not live); see #schedulePoll.
	#pollTimer: TimerHandle | null = null;
	#listeners = new Set<(changed: ChangedCollections) => void>();
	#snapshot: SyncSnapshot | null = null;

	constructor(options: SyncEngineOptions) {
		this.#o = {
			realtime: true,
			pushDebounceMs: PUSH_DEBOUNCE_MS,
			maxBatchOps: PUSH_MAX_OPS,
			maxBatchBytes: PUSH_MAX_BYTES - PUSH_ENVELOPE_BYTES,
			...options,
			online: options.online ?? ALWAYS_ONLINE
		};
		this.#hlc = createHlcState(options.device);
	}

	/** Loads the outbox and replica (replaying edits over server state), then starts syncing. */
	start(): Promise<void> {
		this.#started ??= this.#load().then(() => {
			if (this.#closed) return;
			this.#ready = true;
			this.#unsubOnline = this.#o.online.subscribe((online) => this.#onOnline(online));
			void this.#subscribeRealtime();
			this.#schedule(0);
		});
		return this.#started;
	}

	async #load(): Promise<void> {
		const { storage, log } = this.#o;
		// Results queued or held under wire-v1 ids move to their v2 ids first (rekey.ts).
		await rekeyResultsV2(storage, log);
		// Lost values kept for a reset (lost.ts) expire with the server's receipts:
		// dropped at each start, so they never pile up between restores.
		await loadLost(storage, this.#o.clock.now());
		this.#outbox = await Outbox.open(storage, { log });
		this.#replica = await Replica.open(storage, this.#outbox, this.#o.device);
		this.#pull = await loadPullState(storage);
		this.#lastSyncAt = (await storage.get<number>(LAST_SYNC_KEY)) ?? null;
		// The clock never goes back across restarts: fold in every stamp we hold.
		const stamps: (Stamp | null)[] = [this.#replica.maxStamp()];
		for (const item of this.#outbox.items()) stamps.push(item.op.stamp);
		const latest = maxStamp(...stamps);
		if (latest) this.#hlc = hlcReceive(this.#hlc, latest, this.#stampClock());
		this.#outbox.subscribe(() => this.#changed());
	}

	#parts(): { outbox: Outbox; replica: Replica } {
		if (!this.#outbox || !this.#replica)
			throw new Error('sync engine not started: call start() first');
		return { outbox: this.#outbox, replica: this.#replica };
	}

	// ── observing ────────────────────────────────────────────────────────────

	/**
	 * Calls `listener` after any change of state or data, with the collections
	 * whose records changed since the previous call (empty: state only), so a
	 * page re-reads only what it shows. Returns an unsubscribe function.
	 */
	subscribe(listener: (changed: ChangedCollections) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	#changed(): void {
		this.#snapshot = null;
		const changed = this.#replica?.takeChanged() ?? null;
		for (const l of [...this.#listeners]) {
			try {
				l(changed);
			} catch (e) {
				this.#o.log.error('sync: a listener threw', e);
			}
		}
	}

	#setPhase(phase: SyncPhase): void {
		if (this.#phase === phase) return;
		this.#phase = phase;
		this.#changed();
	}

	/** A stable snapshot of the observable state (a new object after each change). */
	get state(): SyncSnapshot {
		this.#snapshot ??= {
			phase: this.#phase,
			online: this.online,
			pendingCount: this.pendingCount,
			lastSyncAt: this.#lastSyncAt,
			rejected: this.rejected,
			retryAt: this.#retryAt,
			lastError: this.#lastError,
			blocked: this.#blocked,
			clamped: [...this.#clamped],
			clockOffsetMs: this.#clockOffsetMs
		};
		return this.#snapshot;
	}
	get phase(): SyncPhase {
		return this.#phase;
	}
	get online(): boolean {
		return this.#o.online.isOnline() && this.#reachable;
	}
	get pendingCount(): number {
		return this.#outbox?.pendingCount ?? 0;
	}
	get lastSyncAt(): number | null {
		return this.#lastSyncAt;
	}
	get rejected(): RejectedOp[] {
		return this.#outbox?.rejected ?? [];
	}

	get(collection: SyncedCollection, id: string): WireRecord | undefined {
		return this.#parts().replica.get(collection, id);
	}
	list(collection: SyncedCollection, predicate?: (record: WireRecord) => boolean): WireRecord[] {
		return this.#parts().replica.list(collection, predicate);
	}
	status(collection: SyncedCollection, id: string, path?: FieldPath): SyncStatus {
		return this.#parts().replica.status(collection, id, path);
	}

	// ── editing ──────────────────────────────────────────────────────────────

	/**
	 * Records an edit: stamps it, checks it (a refusal comes back as a value and
	 * nothing is queued), writes it to the outbox, and only then shows it in the
	 * replica. Resolves once the edit is durable on the device.
	 */
	async edit(
		collection: SyncedCollection,
		id: string,
		fields: Record<FieldPath, Json>
	): Promise<EditResult> {
		return this.#edit(collection, id, fields, false);
	}

	/** Tombstones a record (rows are never hard-deleted by sync). */
	async remove(collection: SyncedCollection, id: string): Promise<EditResult> {
		return this.#edit(collection, id, {}, true);
	}

	async #edit(
		collection: SyncedCollection,
		id: string,
		fields: Record<FieldPath, Json>,
		del: boolean
	): Promise<EditResult> {
		// Once started, no await before the outbox: the write starts in the
		// keypress's own task (see Outbox#exclusive).
		if (!this.#ready) await this.start();
		const { outbox, replica } = this.#parts();
		if (this.#closed) throw new Error('sync engine is closed');
		const now = this.#o.clock.now();
		const next = hlcNow(this.#hlc, this.#stampClock());
		const built = buildEdit(replica, {
			device: this.#o.device,
			opId: this.#opId(now),
			stamp: next.stamp,
			collection,
			id,
			fields,
			delete: del
		});
		if (!built.ok) return built;
		const op = built.op;

		this.#hlc = next.state;
		// The outbox notifies (through #changed) once the op is durable: that is
		// when the edit shows, so no second notification here.
		await outbox.enqueue(op, now);
		this.#schedule(this.#o.pushDebounceMs, false);
		return { ok: true, opId: op.id };
	}

	#opId(now: number): string {
		const random = new Uint8Array(16);
		for (let i = 0; i < 16; i++) random[i] = Math.floor(this.#o.random.next() * 256) & 0xff;
		return uuidv7({ msecs: now, random });
	}

	/**
	 * Corrects a rejected op: a new edit with `value` at `path` (default: the
	 * op's only path) and the op's other fields, then the rejected op is dropped.
	 */
	async fix(opId: string, value: Json, path?: FieldPath): Promise<EditResult> {
		const { outbox } = this.#parts();
		const item = outbox.get(opId);
		if (!item || item.state !== 'rejected')
			return {
				ok: false,
				code: 'not_rejected',
				reason: 'That change is no longer waiting to be fixed.'
			};
		const paths = opPaths(item.op);
		const target = path ?? (paths.length === 1 ? paths[0] : undefined);
		if (target === undefined)
			return {
				ok: false,
				code: 'ambiguous_path',
				reason: 'Say which field of the change to correct.'
			};
		const fields: Record<FieldPath, Json> = { ...item.op.fields, [target]: value };
		const res = await this.#edit(
			item.op.collection,
			item.op.record,
			fields,
			item.op.delete === true
		);
		if (res.ok) await outbox.discard(opId);
		return res;
	}

	/** Drops a rejected op (or a pending one never sent). Resolves false when it cannot. */
	async discard(opId: string): Promise<boolean> {
		await this.start();
		return this.#parts().outbox.discard(opId);
	}

	// ── the loop ─────────────────────────────────────────────────────────────

	/** Syncs now, skipping any backoff wait; resolves when the cycle is over. */
	async syncNow(): Promise<void> {
		await this.start();
		this.#attempt = 0;
		this.#reachable = true;
		return this.#run();
	}

	/** Resumes after sign-in (needsSignIn) or after the office re-enabled this device (blocked). */
	resume(): void {
		if (this.#closed) return;
		this.#blocked = null;
		this.#attempt = 0;
		if (this.#phase === 'needsSignIn' || this.#phase === 'blocked') this.#setPhase('idle');
		// The session changed: subscribe again with it.
		this.#realtimeUp = false;
		this.#resubscribe();
		this.#schedule(0);
	}

	#paused(): boolean {
		return this.#closed || this.#phase === 'needsSignIn' || this.#phase === 'blocked';
	}

	// `force` replaces a backoff wait; an edit (not forced) does not cut it short.
	#schedule(ms: number, force = true): void {
		if (this.#paused()) return;
		if (!force && this.#phase === 'backoff' && this.#timer !== null) return;
		if (this.#timer !== null) this.#o.scheduler.clearTimeout(this.#timer);
		this.#timerForEdit = !force;
		this.#timer = this.#o.scheduler.setTimeout(() => {
			this.#timer = null;
			void this.#run();
		}, ms);
	}

	#run(): Promise<void> {
		if (this.#running) {
			this.#again = true;
			return this.#running;
		}
		this.#running = (async () => {
			do {
				this.#again = false;
				await this.#cycle();
			} while (this.#again && !this.#paused() && this.#phase !== 'backoff');
		})().finally(() => {
			this.#running = null;
		});
		return this.#running;
	}

	async #cycle(): Promise<void> {
		if (this.#paused()) return;
		if (this.#timer !== null) {
			this.#o.scheduler.clearTimeout(this.#timer);
			this.#timer = null;
		}
		const { outbox } = this.#parts();
		if (!this.#o.online.isOnline()) {
			this.#retryAt = null;
			this.#setPhase('offline');
			return;
		}
		try {
			if (!this.#reachable) {
				// Heartbeat before sending anything after a network failure.
				if (!(await this.#o.transport.ping()))
					throw new NetworkError('server unreachable (heartbeat)');
				this.#reachable = true;
			}
			try {
				await this.#pushAll();
			} catch (e) {
				// The server holds other data than the cursor's (a restore): nothing
				// was applied. Pull first (it resets and re-sends what the server
				// lost, set-once fields included), then push again.
				if (!(e instanceof EpochChangedError) || e.epoch === this.#pull.epoch) throw e;
				this.#o.log.info('sync: the server holds other data now; fetching it before pushing');
				this.#again = true;
			}
			if (this.#closed) return;
			this.#setPhase('pulling');
			await pullAll(this.#pullContext(), this.#pull);
			this.#succeeded();
			if (outbox.hasSendable) this.#again = true;
			if (!this.#unsubRealtime) void this.#subscribeRealtime();
		} catch (e) {
			this.#failed(e);
		}
	}

	/**
	 * Pushes batch after batch. The next batch leaves as soon as the server has
	 * answered the previous one (so the server applies them in order), while the
	 * device is still folding that answer in: the two overlap.
	 */
	async #pushAll(): Promise<void> {
		const { outbox } = this.#parts();
		const settling: Promise<void>[] = [];
		let error: unknown = null;
		try {
			while (outbox.hasSendable && !this.#closed) {
				this.#setPhase('pushing');
				const ops = await outbox.takeBatch(this.#o.maxBatchOps, this.#o.maxBatchBytes);
				let answered!: () => void;
				const answer = new Promise<void>((resolve) => (answered = resolve));
				const done = pushOps(this.#pushContext(), ops, answered).then(() => this.#changed());
				settling.push(done);
				await Promise.race([answer, done]);
			}
		} catch (e) {
			error = e;
		}
		// Every batch sent is settled (or released) before the cycle goes on.
		const outcomes = await Promise.allSettled(settling);
		const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
		if (error !== null) throw error;
		if (failed) throw failed.reason;
	}

	#succeeded(): void {
		const now = this.#o.clock.now();
		this.#attempt = 0;
		this.#retryAt = null;
		this.#lastError = null;
		this.#reachable = true;
		this.#lastSyncAt = now;
		if (this.#timer !== null && this.#timerForEdit && !this.#parts().outbox.hasSendable) {
			this.#o.scheduler.clearTimeout(this.#timer);
			this.#timer = null;
		}
		this.#o.storage
			.set(LAST_SYNC_KEY, now)
			.catch((e: unknown) => this.#o.log.warn('sync: could not store lastSyncAt', e));
		this.#phase = 'idle';
		this.#schedulePoll();
		this.#changed();
	}

	#realtimeLive(now: number): boolean {
		return this.#o.realtime && this.#realtimeUp && now - this.#realtimeAt < REALTIME_STALE_MS;
	}

	/**
	 * Arms the catch-up timer after a successful cycle. With realtime live it
	 * fires when the stream would turn stale (to check on it); otherwise in
	 * about CATCH_UP_PULL_MS, and then runs a cycle (which pulls). A backoff,
	 * sign-in or block replaces it; the next success arms it again.
	 */
	#schedulePoll(): void {
		this.#clearPoll();
		if (this.#paused()) return;
		const now = this.#o.clock.now();
		const live = this.#realtimeLive(now);
		const delay = live
			? this.#realtimeAt + REALTIME_STALE_MS - now
			: Math.round(CATCH_UP_PULL_MS * (0.8 + 0.4 * this.#o.random.next()));
		this.#pollTimer = this.#o.scheduler.setTimeout(() => {
			this.#pollTimer = null;
			this.#onPoll();
		}, delay);
	}

	#clearPoll(): void {
		if (this.#pollTimer !== null) this.#o.scheduler.clearTimeout(this.#pollTimer);
		this.#pollTimer = null;
	}

	#onPoll(): void {
		if (this.#paused()) return;
		if (this.#realtimeLive(this.#o.clock.now())) return this.#schedulePoll();
		if (this.#o.realtime && this.#realtimeUp) {
			// Silent for too long: take the stream as dead and subscribe again.
			this.#o.log.info(
				'sync: realtime has been silent too long; reconnecting, and pulling meanwhile'
			);
			this.#realtimeUp = false;
			this.#resubscribe();
		}
		void this.#run();
	}

	#resubscribe(): void {
		const unsub = this.#unsubRealtime;
		this.#unsubRealtime = null;
		if (unsub)
			unsub().catch((e: unknown) => this.#o.log.warn('sync: realtime unsubscribe failed', e));
		void this.#subscribeRealtime();
	}

	#failed(e: unknown): void {
		if (this.#closed) return;
		// The backoff (or sign-in, or unblocking) decides when to try again.
		this.#clearPoll();
		const error = e instanceof Error ? e : new Error(String(e));
		this.#lastError = { name: error.name, message: error.message };
		if (e instanceof AuthError) {
			this.#o.log.info('sync: signed out; waiting for sign-in');
			this.#phase = 'needsSignIn';
			this.#changed();
			return;
		}
		if (e instanceof RejectedError) {
			this.#o.log.warn(`sync: the server refuses this device (${e.status}): ${e.message}`);
			this.#blocked = { status: e.status, message: e.message };
			this.#phase = 'blocked';
			this.#changed();
			return;
		}
		if (e instanceof NetworkError) this.#reachable = false;
		if (!isRetryableError(e)) this.#o.log.error('sync: unexpected failure; retrying', e);
		this.#attempt++;
		const delay = backoffDelay(this.#attempt, this.#o.random);
		this.#retryAt = this.#o.clock.now() + delay;
		this.#phase = 'backoff';
		this.#changed();
		this.#schedule(delay);
	}

	#onOnline(online: boolean): void {
		this.#changed();
		if (online) {
			this.#attempt = 0;
			this.#reachable = true;
			this.#schedule(0);
		} else if (!this.#running && !this.#paused()) {
			this.#setPhase('offline');
		}
	}

	#pushContext(): Parameters<typeof pushOps>[0] {
		const { outbox, replica } = this.#parts();
		const transport = this.#o.transport;
		return {
			device: this.#o.device,
			// Each push names the epoch of the cursor (see PushRequest.epoch) and
			// carries the outbox counts as of sending.
			transport: {
				...transport,
				push: (req) => {
					const counted = { ...req, ...this.#counts() };
					return transport.push(
						this.#pull.epoch === null ? counted : { ...counted, epoch: this.#pull.epoch }
					);
				}
			},
			outbox,
			replica,
			storage: this.#o.storage,
			log: this.#o.log,
			now: () => this.#o.clock.now(),
			receive: (stamps) => this.#receive(stamps),
			onRecords: (changes) => markSeen(this.#pull, changes),
			onClamp: (report) => {
				this.#o.log.warn(
					`sync: the server clamped stamp ${report.from} to ${report.to}; this device's clock runs ahead`
				);
				this.#clamped = [...this.#clamped.slice(-19), report];
			},
			onServerTime: (serverTime, at) => {
				this.#clockOffsetMs = serverTime - at;
				if (this.#clockOffsetMs < -CLOCK_MAX_AHEAD_MS && this.#hlc.ms > serverTime) {
					// The clock ran ahead: bring the HLC back to the server's time, or
					// every later stamp would stay a day ahead (see #stampClock).
					this.#hlc = { ...this.#hlc, ms: serverTime, counter: 0 };
				}
			}
		};
	}

	/**
	 * What the outbox holds as of a request: the server stores it on the
	 * device's row (the Overview's sync health). The pull after every push
	 * carries the counts that push's answer left.
	 */
	#counts(): { pending: number; failed: number } {
		const outbox = this.#outbox;
		return outbox
			? { pending: outbox.pendingCount, failed: outbox.rejectedCount }
			: { pending: 0, failed: 0 };
	}

	#pullContext(): Parameters<typeof pullAll>[0] {
		const { outbox, replica } = this.#parts();
		const transport = this.#o.transport;
		return {
			transport: {
				...transport,
				pull: (params) => transport.pull({ ...params, ...this.#counts() })
			},
			storage: this.#o.storage,
			replica,
			outbox,
			log: this.#o.log,
			now: () => this.#o.clock.now(),
			receive: (stamps) => this.#receive(stamps),
			onPage: () => this.#changed(),
			resend: {
				device: this.#o.device,
				newOpId: () => this.#opId(this.#o.clock.now()),
				newStamp: () => {
					const next = hlcNow(this.#hlc, this.#stampClock());
					this.#hlc = next.state;
					return next.stamp;
				}
			}
		};
	}

	/**
	 * The wall time to stamp edits with. A device clock known (from the
	 * server's answers) to run ahead by more than the clamp bound would stamp
	 * offline edits later than colleagues' real later edits — the server can
	 * only clamp to the time of the push — so it stamps with the server's time.
	 */
	#stampClock(): number {
		const now = this.#o.clock.now();
		const offset = this.#clockOffsetMs;
		return offset !== null && offset < -CLOCK_MAX_AHEAD_MS ? now + offset : now;
	}

	#receive(stamps: Record<string, Stamp>): void {
		const latest = maxStamp(...Object.keys(stamps).map((k) => stamps[k]));
		if (latest) this.#hlc = hlcReceive(this.#hlc, latest, this.#stampClock());
	}

	// ── realtime ─────────────────────────────────────────────────────────────

	async #subscribeRealtime(): Promise<void> {
		if (!this.#o.realtime || this.#unsubRealtime || this.#subscribing || this.#closed) return;
		this.#subscribing = true;
		try {
			const unsub = await this.#o.transport.subscribe(
				(change) => void this.#onRemote(change),
				() => this.#onConnect(),
				() => this.#onDisconnect()
			);
			if (this.#closed) await unsub();
			else this.#unsubRealtime = unsub;
		} catch (e) {
			this.#o.log.warn('sync: realtime subscribe failed; will retry after the next sync', e);
		} finally {
			this.#subscribing = false;
		}
	}

	// Every (re)connect may follow missed events: pull from the cursor now.
	#onConnect(): void {
		this.#realtimeUp = true;
		this.#realtimeAt = this.#o.clock.now();
		this.#reachable = true;
		this.#attempt = 0;
		this.#changed();
		this.#schedule(0);
	}

	// Lost (when the transport can tell): catch up on the timer until the next connect.
	#onDisconnect(): void {
		if (this.#closed || !this.#realtimeUp) return;
		this.#realtimeUp = false;
		if (this.#pollTimer !== null) this.#schedulePoll();
	}

	// Realtime changes arrive in bursts (one server message carries a whole
	// push's worth): those of one tick are merged and stored in one write.
	#remoteQueue: Change[] = [];
	#remoteFlush: Promise<void> | null = null;

	#onRemote(change: Change): Promise<void> {
		if (this.#closed || !this.#replica) return Promise.resolve();
		if (
			!change ||
			!change.record ||
			typeof change.record.id !== 'string' ||
			!(change.collection in SCHEMAS)
		) {
			this.#o.log.warn('sync: ignoring a malformed realtime change', change);
			return Promise.resolve();
		}
		this.#realtimeAt = this.#o.clock.now();
		this.#remoteQueue.push(change);
		this.#remoteFlush ??= Promise.resolve().then(() => this.#applyRemote());
		return this.#remoteFlush;
	}

	async #applyRemote(): Promise<void> {
		const batch = this.#remoteQueue.splice(0);
		this.#remoteFlush = null;
		if (this.#closed || !this.#replica || batch.length === 0) return;
		try {
			for (const change of batch) this.#receive(change.record.stamps ?? {});
			await this.#replica.applyServer(batch, this.#o.clock.now());
			markSeen(this.#pull, batch);
			this.#changed();
		} catch (e) {
			this.#o.log.error('sync: could not apply a realtime change', e);
		}
	}

	/** Stops the loop and realtime, and waits for storage writes under way. */
	async close(): Promise<void> {
		if (this.#closed) return;
		this.#closed = true;
		if (this.#timer !== null) this.#o.scheduler.clearTimeout(this.#timer);
		this.#timer = null;
		this.#clearPoll();
		this.#unsubOnline?.();
		const unsub = this.#unsubRealtime;
		this.#unsubRealtime = null;
		if (unsub)
			await unsub().catch((e: unknown) => this.#o.log.warn('sync: realtime unsubscribe failed', e));
		this.#listeners.clear();
		await this.#outbox?.close();
		await this.#replica?.close();
	}
}

/** Makes a sync engine from its ports. Call `start()` on it. */
export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
	return new SyncEngine(options);
}
