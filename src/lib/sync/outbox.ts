/**
 * The outbox: the durable log of edits not yet acknowledged by the server, and
 * the source of truth for them (the replica's overlays are computed from it).
 *
 * An op's life:
 *
 *          enqueue (durable before the replica shows it)
 *               │
 *               ▼
 *           pending ──── a newer edit takes all its paths ──────▶ (removed)
 *               │    └── a newer edit takes some: it shrinks, keeps id and stamp
 *               │
 *     takeBatch │ (first persists "sent through seq": from here on the op may
 *               ▼  be on the server, so it is never coalesced into again)
 *   ┌──────▶ in flight ── applied | duplicate | superseded ─────▶ (removed; its
 *   │           │   │                                   effect folded into the
 *   │           │   │ network error / 5xx / no answer     replica first)
 *   │ takeBatch │   ▼
 *   └─────── sent, unacked (pending again; re-sent with the same id)
 *               │
 *               │ rejected (per op; or a lone op refused with 400/413)
 *               ▼
 *           rejected (code, reason) ── discard ──▶ (removed)
 *               │
 *               └── fix: a new edit with the corrected value, then discard
 *
 * Invariants that make any crash between two storage writes safe:
 * - an op is written (write-ahead) before anything else refers to it, and its
 *   id and stamp never change afterwards;
 * - once written, an op only ever loses paths (coalescing), and only while it
 *   has never been sent; it never gains or changes a value. A re-sent op is
 *   answered from the server's receipt and applied once;
 * - "in flight" lives in memory only; the "sent through" mark is durable, so
 *   after a restart every unacked op is pending again, re-sent with its id, and
 *   still never coalesced into;
 * - coalescing writes the newer op first and shrinks the older one after; a
 *   crash in between leaves the path in both, which `open` repairs (the newer
 *   op carries the older op's base for the path, which identifies the pair);
 * - set-once fields (a result's student, assessment…) are never taken from an
 *   older op, so every op can create its record on its own.
 *
 * All mutations run one at a time (a queue), memory changing only after the
 * storage write resolved, so memory never claims more than disk holds.
 */
import { ruleFor } from '../domain/collections';
import { jsonEqual, utf8Length } from './core/json';
import { DELETED_PATH } from './core/schema';
import type { FieldPath, Json, Op, OpResult, Stamp, SyncedCollection } from './core/types';
import type { Log, Storage } from './ports';
import { readAll } from './storage/read-all';

/** Storage key prefix of outbox entries; the suffix is a zero-padded local sequence number. */
export const OUTBOX_PREFIX = 'outbox/';
const SEQ_DIGITS = 12;
/** Storage key of the highest seq ever taken into a push (ops up to it may have reached the server). */
export const OUTBOX_SENT_KEY = 'outbox-sent';

/** An entry as stored. */
export interface OutboxEntry {
	/** Local order of enqueueing; also the storage key. */
	seq: number;
	op: Op;
	state: 'pending' | 'rejected';
	/** Wall-clock ms of the edit. */
	enqueuedAt: number;
	/** Set when rejected: a code a program branches on, and words a teacher reads. */
	code?: string;
	reason?: string;
	/**
	 * Sent before the other pending ops: an op that gives a restored server back
	 * what it lost (reset.ts) may re-create a record older queued ops edit.
	 */
	first?: true;
}

/** An entry as the rest of the engine sees it. */
export interface OutboxItem extends Readonly<OutboxEntry> {
	/** Sent and not yet answered. */
	readonly inflight: boolean;
}

/** A rejected op, for the teacher to fix or discard. */
export interface RejectedOp {
	op: Op;
	code: string;
	reason: string;
}

/** The paths an op writes, `deleted` included for a delete. */
export function opPaths(op: Op): FieldPath[] {
	const paths = Object.keys(op.fields);
	if (op.delete === true && paths.indexOf(DELETED_PATH) < 0) paths.push(DELETED_PATH);
	return paths;
}

// Set-once fields (a result's student, assessment…) are never taken from an
// older op: every op on a record the server has not confirmed carries them, so
// each op can create the record on its own, in any batch.
function isCoalescedPath(op: Op, path: FieldPath): boolean {
	return ruleFor(op.collection, path) !== 'immutable';
}

function keyOf(seq: number): string {
	return OUTBOX_PREFIX + String(seq).padStart(SEQ_DIGITS, '0');
}

function recordKey(collection: SyncedCollection, record: string): string {
	return collection + '/' + record;
}

/** The op without `paths` (a coalesced-away part); null when nothing is left. */
function withoutPaths(op: Op, paths: readonly FieldPath[]): Op | null {
	const fields: Record<FieldPath, Json> = {};
	const base: Record<FieldPath, Stamp | null> = {};
	for (const p of Object.keys(op.fields)) {
		if (paths.indexOf(p) < 0) fields[p] = op.fields[p] as Json;
	}
	for (const p of Object.keys(op.base)) {
		if (paths.indexOf(p) < 0) base[p] = op.base[p] as Stamp | null;
	}
	const keepDelete = op.delete === true && paths.indexOf(DELETED_PATH) < 0;
	if (Object.keys(fields).length === 0 && !keepDelete) return null;
	const out: Op = {
		id: op.id,
		collection: op.collection,
		record: op.record,
		fields,
		stamp: op.stamp,
		base
	};
	if (keepDelete) out.delete = true;
	return out;
}

function baseOf(op: Op, path: FieldPath): Stamp | null {
	return Object.prototype.hasOwnProperty.call(op.base, path) ? (op.base[path] ?? null) : null;
}

/** Options of Outbox.open. */
export interface OutboxOptions {
	log: Log;
	/** A follower tab reads the outbox but never writes it (the leader tab does). */
	readOnly?: boolean;
}

/** The durable op log. Open with `Outbox.open`; `close()` when done. */
export class Outbox {
	#storage: Storage;
	#log: Log;
	#readOnly: boolean;
	// Entries by seq. Insertion order is seq order: new entries always take the
	// largest seq, a replaced entry keeps its place, and the rare restore after
	// a failed write rebuilds the map in order. So no read ever sorts.
	#entries = new Map<number, OutboxEntry>();
	// Indexes, so an edit or a lookup touches only its record's few entries
	// (queueing thousands of edits offline stays linear).
	#byRecord = new Map<string, number[]>();
	#byId = new Map<string, number>();
	#pending = 0;
	#inflight = new Set<number>();
	#nextSeq = 1;
	#sentThrough = 0;
	#queue: Promise<unknown> = Promise.resolve();
	// Mutations queued or under way.
	#running = 0;
	#listeners = new Set<(collection: SyncedCollection, record: string) => void>();
	#closed = false;

	private constructor(storage: Storage, options: OutboxOptions) {
		this.#storage = storage;
		this.#log = options.log;
		this.#readOnly = options.readOnly === true;
	}

	/** Loads the outbox from storage and finishes any coalescing a crash interrupted. */
	static async open(storage: Storage, options: OutboxOptions): Promise<Outbox> {
		const outbox = new Outbox(storage, options);
		await outbox.#load();
		return outbox;
	}

	async #load(): Promise<void> {
		this.#sentThrough = (await this.#storage.get<number>(OUTBOX_SENT_KEY)) ?? 0;
		for (const [key, entry] of await readAll<OutboxEntry>(this.#storage, OUTBOX_PREFIX)) {
			if (!entry || typeof entry.seq !== 'number' || !entry.op) {
				this.#log.warn(`outbox: ignoring unreadable entry ${key}`);
				continue;
			}
			this.#put(entry);
			this.#nextSeq = Math.max(this.#nextSeq, entry.seq + 1);
		}
		// Repair: a pending op that shares a path with an older pending op AND
		// carries that op's base for it was coalesced from it; shrink the older.
		const writes: [string, unknown][] = [];
		for (const newer of this.#sorted()) {
			if (!this.#coalescable(newer)) continue;
			for (const w of this.#shrinkOlder(
				newer,
				(older, path) => baseOf(older.op, path) === baseOf(newer.op, path)
			)) {
				writes.push(w);
			}
		}
		if (writes.length > 0) {
			this.#log.info(`outbox: finishing ${writes.length} interrupted coalesce write(s)`);
			if (!this.#readOnly) await this.#storage.setMany(writes);
		}
	}

	#sorted(): OutboxEntry[] {
		return [...this.#entries.values()];
	}

	// The entries of one record, oldest first.
	#ofRecord(collection: SyncedCollection, record: string): OutboxEntry[] {
		const seqs = this.#byRecord.get(recordKey(collection, record));
		if (!seqs) return [];
		const out: OutboxEntry[] = [];
		for (const seq of seqs) out.push(this.#entries.get(seq) as OutboxEntry);
		return out;
	}

	// Adds or replaces an entry, keeping the indexes. A new entry must carry a
	// seq larger than every other (see #entries), except in #restore.
	#put(entry: OutboxEntry): void {
		const prev = this.#entries.get(entry.seq);
		if (prev) {
			if (prev.state === 'pending') this.#pending--;
			if (prev.op.id !== entry.op.id) this.#byId.delete(prev.op.id);
		} else {
			const key = recordKey(entry.op.collection, entry.op.record);
			const seqs = this.#byRecord.get(key);
			if (!seqs) this.#byRecord.set(key, [entry.seq]);
			else {
				let i = seqs.length;
				while (i > 0 && (seqs[i - 1] as number) > entry.seq) i--;
				seqs.splice(i, 0, entry.seq);
			}
		}
		this.#entries.set(entry.seq, entry);
		this.#byId.set(entry.op.id, entry.seq);
		if (entry.state === 'pending') this.#pending++;
	}

	#drop(seq: number): void {
		const e = this.#entries.get(seq);
		if (!e) return;
		this.#entries.delete(seq);
		if (this.#byId.get(e.op.id) === seq) this.#byId.delete(e.op.id);
		if (e.state === 'pending') this.#pending--;
		const key = recordKey(e.op.collection, e.op.record);
		const seqs = this.#byRecord.get(key);
		if (seqs) {
			const i = seqs.indexOf(seq);
			if (i >= 0) seqs.splice(i, 1);
			if (seqs.length === 0) this.#byRecord.delete(key);
		}
	}

	// Puts back entries as they were (a failed write), keeping seq order.
	#restore(entries: readonly OutboxEntry[]): void {
		const missing = entries.some((e) => !this.#entries.has(e.seq));
		for (const e of entries) this.#put(e);
		if (missing) this.#entries = new Map([...this.#entries].sort((a, b) => a[0] - b[0]));
	}

	// Whether an op may still give paths to a newer edit: pending and never
	// taken into a push (one that may have reached the server keeps its content,
	// so the base of the newer edit is the stamp the server may already hold).
	#coalescable(e: OutboxEntry): boolean {
		return e.state === 'pending' && e.seq > this.#sentThrough;
	}

	// Removes `newer`'s paths from older coalescable ops of the same record
	// (where `match` agrees), in memory; returns the storage writes.
	#shrinkOlder(
		newer: OutboxEntry,
		match: (older: OutboxEntry, path: FieldPath) => boolean
	): [string, unknown][] {
		const writes: [string, unknown][] = [];
		const paths = opPaths(newer.op);
		for (const older of this.#ofRecord(newer.op.collection, newer.op.record)) {
			if (older.seq >= newer.seq) break;
			if (!this.#coalescable(older)) continue;
			let taken = opPaths(older.op).filter(
				(p) => paths.indexOf(p) >= 0 && isCoalescedPath(older.op, p) && match(older, p)
			);
			if (taken.length === 0) continue;
			// Left with only set-once fields the newer op repeats: nothing of its own.
			const rest = opPaths(older.op).filter((p) => taken.indexOf(p) < 0);
			const fields = newer.op.fields;
			if (
				rest.every(
					(p) =>
						!isCoalescedPath(older.op, p) && p in fields && jsonEqual(fields[p], older.op.fields[p])
				)
			) {
				taken = opPaths(older.op);
			}
			const shrunk = withoutPaths(older.op, taken);
			if (shrunk === null) {
				this.#drop(older.seq);
				writes.push([keyOf(older.seq), undefined]);
			} else {
				const entry: OutboxEntry = { ...older, op: shrunk };
				this.#put(entry);
				writes.push([keyOf(older.seq), entry]);
			}
		}
		return writes;
	}

	// Runs mutations one at a time; a failed one does not stop the next. When
	// none is under way, `fn` starts at once: an edit's storage write is issued
	// in the keypress's own task, not after whatever the page renders next.
	#exclusive<T>(fn: () => Promise<T>): Promise<T> {
		if (this.#closed) return Promise.reject(new Error('outbox is closed'));
		const idle = this.#running === 0;
		this.#running++;
		const run = idle ? fn() : this.#queue.then(fn);
		this.#queue = run
			.catch(() => undefined)
			.then(() => {
				this.#running--;
			});
		return run;
	}

	#assertWritable(): void {
		if (this.#readOnly) throw new Error('outbox: this tab does not own the outbox (read-only)');
	}

	#emit(collection: SyncedCollection, record: string): void {
		for (const l of this.#listeners) l(collection, record);
	}

	/** Calls `listener` after each change to a record's ops. Returns an unsubscribe function. */
	subscribe(listener: (collection: SyncedCollection, record: string) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	/**
	 * Durably appends an op, coalescing: the earlier pending (not in flight, not
	 * rejected) ops of the record give up the paths this op writes, and this op
	 * takes over their base for those paths (what the teacher saw before the
	 * first of the edits). Resolves once the op is on disk (the older ops'
	 * shrink is written after, before any other mutation).
	 */
	enqueue(op: Op, enqueuedAt: number, options: { first?: boolean } = {}): Promise<OutboxItem> {
		return new Promise<OutboxItem>((resolve, reject) => {
			this.#exclusive(async () => {
				this.#assertWritable();
				const paths = opPaths(op);
				const base: Record<FieldPath, Stamp | null> = { ...op.base };
				const taken = new Set<FieldPath>();
				for (const older of this.#ofRecord(op.collection, op.record)) {
					if (!this.#coalescable(older)) continue;
					for (const p of opPaths(older.op)) {
						// The earliest op of a path holds the oldest base (after a crash
						// mid-coalesce two ops may share a path).
						if (paths.indexOf(p) >= 0 && isCoalescedPath(older.op, p) && !taken.has(p)) {
							base[p] = baseOf(older.op, p);
							taken.add(p);
						}
					}
				}
				const entry: OutboxEntry = {
					seq: this.#nextSeq,
					op: { ...op, base },
					state: 'pending',
					enqueuedAt,
					...(options.first === true ? { first: true as const } : {})
				};
				// Write-ahead: the new op is durable before the older ones shrink.
				await this.#storage.set(keyOf(entry.seq), entry);
				this.#nextSeq++;
				this.#put(entry);
				const snapshot = this.#ofRecord(op.collection, op.record);
				const writes = this.#shrinkOlder(entry, () => true);
				this.#emit(op.collection, op.record);
				// The edit is durable now, so it shows now. Shrinking the older ops is
				// cleanup (`open` finishes it after a crash): it holds the queue, so no
				// other mutation overtakes it, but not the teacher's edit.
				resolve({ ...entry, inflight: false });
				if (writes.length === 0) return;
				try {
					await this.#storage.setMany(writes);
				} catch (e) {
					// The edit itself is durable, so it stands. The older ops may still hold
					// the paths on disk: keep them in memory too (sending a path twice is
					// safe, the newer stamp wins), and `open` finishes the shrink later.
					this.#restore(snapshot);
					this.#emit(op.collection, op.record);
					this.#log.warn('outbox: could not shrink coalesced ops; open() will repair', e);
				}
			}).catch(reject);
		});
	}

	/**
	 * Marks up to `maxOps` pending ops (at most `maxBytes` of JSON, but always at
	 * least one) as in flight, oldest first (those marked `first` before all
	 * others), and returns them. In-flight ops are never coalesced into, so an
	 * edit made during a push becomes a new op.
	 */
	takeBatch(maxOps: number, maxBytes: number): Promise<Op[]> {
		return this.#exclusive(async () => {
			const ops: Op[] = [];
			const taken: number[] = [];
			let maxSeq = 0;
			let bytes = 0;
			const sendable = this.#sorted().filter(
				(e) => e.state === 'pending' && !this.#inflight.has(e.seq)
			);
			const ordered = sendable.some((e) => e.first === true)
				? [...sendable.filter((e) => e.first === true), ...sendable.filter((e) => e.first !== true)]
				: sendable;
			for (const e of ordered) {
				const size = utf8Length(JSON.stringify(e.op));
				if (ops.length >= maxOps || (ops.length > 0 && bytes + size > maxBytes)) break;
				bytes += size;
				ops.push(e.op);
				taken.push(e.seq);
				maxSeq = Math.max(maxSeq, e.seq);
			}
			if (maxSeq > this.#sentThrough) {
				// Before the ops leave: from now on they are never coalesced into.
				await this.#storage.set(OUTBOX_SENT_KEY, maxSeq);
				this.#sentThrough = maxSeq;
			}
			for (const s of taken) this.#inflight.add(s);
			for (const op of ops) this.#emit(op.collection, op.record);
			return ops;
		});
	}

	/** Puts in-flight ops back to pending (the push failed or did not answer for them). */
	release(opIds: readonly string[]): void {
		for (const id of opIds) {
			const e = this.#findById(id);
			if (e && this.#inflight.delete(e.seq)) this.#emit(e.op.collection, e.op.record);
		}
	}

	/**
	 * Settles answered ops: applied, duplicate and superseded ones are removed,
	 * rejected ones kept with their code and reason. Call only after their effect
	 * is durable in the replica (an op removed here is no longer replayed).
	 */
	settle(results: readonly OpResult[]): Promise<void> {
		return this.#exclusive(async () => {
			this.#assertWritable();
			const writes: [string, unknown][] = [];
			// Applied to memory only once the writes resolved.
			const next: [number, OutboxEntry | null][] = [];
			const touched: OutboxEntry[] = [];
			for (const r of results) {
				const e = this.#findById(r.id);
				if (!e) continue;
				touched.push(e);
				if (r.status === 'rejected') {
					const entry: OutboxEntry = {
						...e,
						state: 'rejected',
						code: r.code ?? 'rejected',
						reason: r.reason ?? 'The server refused this change.'
					};
					next.push([e.seq, entry]);
					writes.push([keyOf(e.seq), entry]);
				} else {
					next.push([e.seq, null]);
					writes.push([keyOf(e.seq), undefined]);
				}
			}
			await this.#storage.setMany(writes);
			for (const [seq, entry] of next) {
				if (entry) this.#put(entry);
				else this.#drop(seq);
			}
			for (const e of touched) {
				this.#inflight.delete(e.seq);
				this.#emit(e.op.collection, e.op.record);
			}
		});
	}

	/** Marks one op rejected (a whole request refused for it alone, e.g. 413). */
	reject(opId: string, code: string, reason: string): Promise<void> {
		return this.settle([{ id: opId, status: 'rejected', code, reason }]);
	}

	/**
	 * Drops a rejected op the teacher gave up on, or a pending one never sent
	 * (an undo). Resolves false otherwise: an op that may have reached the
	 * server cannot be unsent.
	 */
	discard(opId: string): Promise<boolean> {
		return this.#exclusive(async () => {
			this.#assertWritable();
			const e = this.#findById(opId);
			if (!e || (e.state !== 'rejected' && !this.#coalescable(e))) return false;
			await this.#storage.remove(keyOf(e.seq));
			this.#drop(e.seq);
			this.#emit(e.op.collection, e.op.record);
			return true;
		});
	}

	#findById(opId: string): OutboxEntry | undefined {
		const seq = this.#byId.get(opId);
		return seq === undefined ? undefined : this.#entries.get(seq);
	}

	#item(e: OutboxEntry): OutboxItem {
		return { ...e, inflight: this.#inflight.has(e.seq) };
	}

	/** Every op, oldest first. */
	items(): OutboxItem[] {
		return this.#sorted().map((e) => this.#item(e));
	}

	/** The ops of one record, oldest first. */
	itemsFor(collection: SyncedCollection, record: string): OutboxItem[] {
		return this.#ofRecord(collection, record).map((e) => this.#item(e));
	}

	/** Ids of the records of `collection` that have ops. */
	recordIds(collection: SyncedCollection): string[] {
		const ids = new Set<string>();
		for (const e of this.#entries.values())
			if (e.op.collection === collection) ids.add(e.op.record);
		return [...ids];
	}

	/** One op by id. */
	get(opId: string): OutboxItem | undefined {
		const e = this.#findById(opId);
		return e && this.#item(e);
	}

	/** Ops not yet acknowledged and not rejected (in flight included). */
	get pendingCount(): number {
		return this.#pending;
	}

	/** Rejected ops kept for the teacher to fix or discard (every entry is pending or rejected). */
	get rejectedCount(): number {
		return this.#entries.size - this.#pending;
	}

	/** Whether some pending op is not in flight. */
	get hasSendable(): boolean {
		for (const e of this.#entries.values())
			if (e.state === 'pending' && !this.#inflight.has(e.seq)) return true;
		return false;
	}

	/** Rejected ops, oldest first. */
	get rejected(): RejectedOp[] {
		return this.#sorted()
			.filter((e) => e.state === 'rejected')
			.map((e) => ({ op: e.op, code: e.code ?? 'rejected', reason: e.reason ?? '' }));
	}

	/** Waits for queued writes, then refuses further mutations. */
	async close(): Promise<void> {
		if (this.#closed) return;
		this.#closed = true;
		this.#listeners.clear();
		await this.#queue;
	}
}

/** Bytes of a string in UTF-8 (the one count, shared with the server's push limit). */
export { utf8Length };
