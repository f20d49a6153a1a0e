/**
 * The one place the real ports are wired: Date.now, window timers,
 * Math.random, console, IndexedDB (one database per user), the PocketBase SDK
 * and navigator.onLine.
 *
 * One tab per user syncs (Web Locks: the lock holder is the leader); the others
 * follow through a BroadcastChannel: they forward edits to the leader and
 * re-read storage when it says something changed. When the leader tab closes,
 * the lock passes to a follower, which starts the engine from storage.
 * https://developer.mozilla.org/docs/Web/API/Web_Locks_API
 */
import type PocketBase from 'pocketbase';
import type { EditResult, SyncClient, SyncPhase, SyncSnapshot } from './client';
import { createSyncEngine, type SyncEngine } from './engine';
import type { FieldPath, Json, SyncedCollection, WireRecord } from './core/types';
import {
	FollowerClient,
	LEADER_REPLY_TIMEOUT_MS,
	type LeaderMethod,
	type TabMessage
} from './follower';
import type { RejectedOp } from './outbox';
import type { Log, OnlineSource, Random, Storage } from './ports';
import type { ChangedCollections, SyncStatus } from './replica';
import { createLocalforageStorage } from './storage/localforage';
import { createHttpTransport } from './transport/http';

/** Storage key of this device's id (per user database). */
export const DEVICE_KEY = 'meta/device';
// Followers re-read storage at most this often while the leader is busy.
const BROADCAST_THROTTLE_MS = 250;

const consoleLog: Log = {
	info: (m, ...d) => console.info(m, ...d),
	warn: (m, ...d) => console.warn(m, ...d),
	error: (m, ...d) => console.error(m, ...d)
};

const mathRandom: Random = { next: () => Math.random() };

/** navigator.onLine and its online/offline events. */
export function createNavigatorOnlineSource(): OnlineSource {
	return {
		isOnline: () => (typeof navigator === 'undefined' ? true : navigator.onLine),
		subscribe(cb) {
			const on = () => cb(true);
			const off = () => cb(false);
			window.addEventListener('online', on);
			window.addEventListener('offline', off);
			return () => {
				window.removeEventListener('online', on);
				window.removeEventListener('offline', off);
			};
		}
	};
}

/**
 * Asks the browser to keep this origin's storage under pressure (otherwise
 * IndexedDB is "best effort" and may be evicted with unsynced edits in it).
 * Resolves true if persisted, false if refused, null if the API is missing.
 * The app warns when this is false while edits are pending.
 */
export async function requestPersistentStorage(): Promise<boolean | null> {
	if (typeof navigator === 'undefined' || !navigator.storage?.persist) return null;
	try {
		if (await navigator.storage.persisted()) return true;
		return await navigator.storage.persist();
	} catch {
		return false;
	}
}

/** This device's id for the user, made once and kept in their storage. */
export async function loadDeviceId(storage: Storage, random: Random): Promise<string> {
	const existing = await storage.get<string>(DEVICE_KEY);
	if (typeof existing === 'string' && existing !== '') return existing;
	const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
	let id = 'dev_';
	for (let i = 0; i < 16; i++) id += alphabet.charAt(Math.floor(random.next() * alphabet.length));
	await storage.set(DEVICE_KEY, id);
	return id;
}

export interface BrowserSyncOptions {
	/** The signed-in user; names their database, lock and channel. */
	userId: string;
	log?: Log;
}

/** The app's sync handle: the engine in the leading tab, a follower elsewhere. */
export interface BrowserSync extends SyncClient {
	/**
	 * Calls `listener` after any change of state or data, with the collections
	 * whose records changed (empty: state only; null: any may have).
	 */
	subscribe(listener: (changed: ChangedCollections) => void): () => void;
	/** Whether this tab runs the engine. */
	readonly leader: boolean;
	/** This device's id (as the `devices` collection knows it). */
	readonly device: string;
}

/**
 * Starts sync for `userId` in this tab: opens their storage, elects the
 * syncing tab and resolves once the replica is readable.
 */
export async function createBrowserSyncEngine(
	pb: PocketBase,
	options: BrowserSyncOptions
): Promise<BrowserSync> {
	const log = options.log ?? consoleLog;
	const name = `markbook-${options.userId}`;
	const storage = createLocalforageStorage({ name });
	const device = await loadDeviceId(storage, mathRandom);
	const sync = new TabSync(pb, storage, device, name, log);
	await sync.start();
	return sync;
}

class TabSync implements BrowserSync {
	#pb: PocketBase;
	#storage: Storage;
	#log: Log;
	#name: string;
	#channel: BroadcastChannel | null;
	#follower: FollowerClient;
	#engine: SyncEngine | null = null;
	#listeners = new Set<(changed: ChangedCollections) => void>();
	#unsubDelegate: () => void = () => undefined;
	#pending = new Map<
		string,
		{
			method: LeaderMethod;
			args: unknown[];
			resolve: (v: unknown) => void;
			reject: (e: Error) => void;
			timer: ReturnType<typeof setTimeout>;
		}
	>();
	#releaseLock: (() => void) | null = null;
	#broadcastTimer: ReturnType<typeof setTimeout> | null = null;
	#callSeq = 0;
	#closed = false;
	readonly device: string;

	constructor(pb: PocketBase, storage: Storage, device: string, name: string, log: Log) {
		this.#pb = pb;
		this.#storage = storage;
		this.device = device;
		this.#name = name;
		this.#log = log;
		this.#channel =
			typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(`${name}-sync`);
		this.#channel?.addEventListener(
			'message',
			(e: MessageEvent<TabMessage>) => void this.#onMessage(e.data)
		);
		this.#follower = new FollowerClient(storage, log, (method, args) =>
			this.#callLeader(method, args)
		);
		this.#follow(this.#follower);
	}

	async start(): Promise<void> {
		await this.#follower.reload();
		this.#post({ t: 'hello' });
		const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
		if (!locks) {
			// No Web Locks (very old browser): assume one tab.
			await this.#lead();
			return;
		}
		// Take the lock at once if it is free, and only then resolve: a lone tab
		// leads from its first edit (a follower's edit needs a leader to answer).
		if (await this.#requestLock(locks, true)) return;
		// Another tab leads: follow it, and queue to take over when it goes.
		void this.#requestLock(locks, false);
	}

	/**
	 * Requests the sync lock (`ifAvailable`: only if free now). Resolves true
	 * once this tab leads, false if the lock was taken; the callback holding
	 * its promise open keeps the lock until close() or the tab goes away.
	 */
	#requestLock(locks: LockManager, ifAvailable: boolean): Promise<boolean> {
		return new Promise<boolean>((resolveLed) => {
			locks
				.request(`${this.#name}-lock`, { ifAvailable }, async (lock) => {
					if (!lock || this.#closed) {
						resolveLed(false);
						return;
					}
					await this.#lead();
					resolveLed(true);
					await new Promise<void>((resolve) => (this.#releaseLock = resolve));
				})
				.catch((e: unknown) => {
					this.#log.error('sync: could not take the sync lock', e);
					resolveLed(false);
				});
		});
	}

	async #lead(): Promise<void> {
		const engine = createSyncEngine({
			device: this.device,
			clock: { now: () => Date.now() },
			scheduler: {
				setTimeout: (fn, ms) => setTimeout(fn, ms),
				clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>)
			},
			transport: createHttpTransport(this.#pb, { device: this.device, log: this.#log }),
			storage: this.#storage,
			random: mathRandom,
			log: this.#log,
			online: createNavigatorOnlineSource()
		});
		await engine.start();
		if (this.#closed) {
			await engine.close();
			return;
		}
		this.#engine = engine;
		this.#follow(engine);
		engine.subscribe(() => this.#scheduleBroadcast());
		await this.#follower.close();
		this.#runUnansweredCalls(engine);
		this.#log.info('sync: this tab syncs');
	}

	// Calls this tab sent while following that no leader answered (the leading
	// tab was closing: its lock is how we got here) are run here now, so an edit
	// made during a handover is never lost. A call the old leader ran but could
	// not answer runs twice: an edit sets the same values again, which is harmless.
	#runUnansweredCalls(engine: SyncEngine): void {
		for (const [id, call] of [...this.#pending]) {
			this.#pending.delete(id);
			clearTimeout(call.timer);
			this.#invoke(engine, call.method, call.args).then(call.resolve, call.reject);
		}
	}

	// Points our listeners at `client` (the follower first, the engine once
	// leading); everything may read differently from the new one.
	#follow(client: SyncEngine | FollowerClient): void {
		this.#unsubDelegate();
		this.#unsubDelegate = client.subscribe((changed) => {
			for (const l of [...this.#listeners]) l(changed);
		});
		for (const l of [...this.#listeners]) l(null);
	}

	#scheduleBroadcast(): void {
		if (this.#broadcastTimer !== null || !this.#channel) return;
		this.#broadcastTimer = setTimeout(() => {
			this.#broadcastTimer = null;
			if (this.#engine) this.#post({ t: 'changed', state: this.#engine.state });
		}, BROADCAST_THROTTLE_MS);
	}

	#post(message: TabMessage): void {
		try {
			this.#channel?.postMessage(message);
		} catch (e) {
			this.#log.warn('sync: could not message other tabs', e);
		}
	}

	async #onMessage(msg: TabMessage): Promise<void> {
		if (this.#closed || !msg) return;
		if (msg.t === 'changed' && !this.#engine) {
			this.#follower.setState(msg.state);
			await this.#follower
				.reload()
				.catch((e: unknown) => this.#log.warn('sync: could not re-read storage', e));
		} else if (msg.t === 'hello' && this.#engine) {
			this.#post({ t: 'changed', state: this.#engine.state });
		} else if (msg.t === 'call' && this.#engine) {
			try {
				const value = await this.#invoke(this.#engine, msg.method, msg.args);
				this.#post({ t: 'reply', id: msg.id, ok: true, value: value === undefined ? null : value });
			} catch (e) {
				this.#post({
					t: 'reply',
					id: msg.id,
					ok: false,
					error: e instanceof Error ? e.message : String(e)
				});
			}
		} else if (msg.t === 'reply') {
			const p = this.#pending.get(msg.id);
			if (!p) return;
			this.#pending.delete(msg.id);
			clearTimeout(p.timer);
			if (msg.ok) p.resolve(msg.value);
			else p.reject(new Error(msg.error));
		}
	}

	#invoke(engine: SyncEngine, method: LeaderMethod, args: unknown[]): Promise<unknown> {
		const a = args as [never, never, never];
		switch (method) {
			case 'edit':
				return engine.edit(...a);
			case 'remove':
				return engine.remove(a[0], a[1]);
			case 'fix':
				return engine.fix(...a);
			case 'discard':
				return engine.discard(a[0]);
			case 'syncNow':
				return engine.syncNow();
			case 'resume':
				engine.resume();
				return Promise.resolve();
		}
	}

	#callLeader(method: LeaderMethod, args: unknown[]): Promise<unknown> {
		if (this.#engine) return this.#invoke(this.#engine, method, args);
		if (!this.#channel) return Promise.reject(new Error('sync: no way to reach the syncing tab'));
		const id = `${this.device}-${Date.now()}-${this.#callSeq++}`;
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				this.#pending.delete(id);
				reject(new Error('The tab that syncs did not answer. Try again, or reload this tab.'));
			}, LEADER_REPLY_TIMEOUT_MS);
			this.#pending.set(id, { method, args, resolve, reject, timer });
			this.#post({ t: 'call', id, method, args });
		});
	}

	#client(): SyncClient {
		return this.#engine ?? this.#follower;
	}

	get leader(): boolean {
		return this.#engine !== null;
	}
	subscribe(listener: (changed: ChangedCollections) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}
	get state(): SyncSnapshot {
		return this.#client().state;
	}
	get phase(): SyncPhase {
		return this.#client().phase;
	}
	get online(): boolean {
		return this.#client().online;
	}
	get pendingCount(): number {
		return this.#client().pendingCount;
	}
	get lastSyncAt(): number | null {
		return this.#client().lastSyncAt;
	}
	get rejected(): RejectedOp[] {
		return this.#client().rejected;
	}
	get(collection: SyncedCollection, id: string): WireRecord | undefined {
		return this.#client().get(collection, id);
	}
	list(collection: SyncedCollection, predicate?: (record: WireRecord) => boolean): WireRecord[] {
		return this.#client().list(collection, predicate);
	}
	status(collection: SyncedCollection, id: string, path?: FieldPath): SyncStatus {
		return this.#client().status(collection, id, path);
	}
	edit(
		collection: SyncedCollection,
		id: string,
		fields: Record<FieldPath, Json>
	): Promise<EditResult> {
		return this.#client().edit(collection, id, fields);
	}
	remove(collection: SyncedCollection, id: string): Promise<EditResult> {
		return this.#client().remove(collection, id);
	}
	fix(opId: string, value: Json, path?: FieldPath): Promise<EditResult> {
		return this.#client().fix(opId, value, path);
	}
	discard(opId: string): Promise<boolean> {
		return this.#client().discard(opId);
	}
	syncNow(): Promise<void> {
		return this.#client().syncNow();
	}
	resume(): void {
		this.#client().resume();
	}

	/** Stops syncing in this tab (sign-out); another tab may take over. */
	async close(): Promise<void> {
		if (this.#closed) return;
		this.#closed = true;
		this.#unsubDelegate();
		this.#listeners.clear();
		if (this.#broadcastTimer !== null) clearTimeout(this.#broadcastTimer);
		for (const p of this.#pending.values()) {
			clearTimeout(p.timer);
			p.reject(new Error('sync closed'));
		}
		this.#pending.clear();
		await this.#engine?.close();
		await this.#follower.close();
		this.#channel?.close();
		this.#releaseLock?.();
	}
}
