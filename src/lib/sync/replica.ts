/**
 * The local replica: the server's state of every record in scope, as last
 * pulled (stored per record), with the outbox's ops laid over it. Pages read
 * only from here.
 *
 * Overlays are computed, never stored: `get` replays the record's outbox ops
 * over its server state with the core's applyOp, the same merge the server
 * runs. So an edit is durable as soon as the outbox has it, and a crash
 * between the outbox write and anything else loses nothing.
 *
 * Server state is merged with the core's applyRemote, so pulls, realtime events
 * and push answers may arrive in any order, any number of times.
 */
import { SCHEMAS } from '../domain/collections';
import { applyOp, applyRemote } from './core/apply';
import { maxStamp, parseStamp } from './core/stamp';
import { getPath } from './core/paths';
import { DELETED_PATH, ruleForPath } from './core/schema';
import { jsonEqual } from './core/json';
import { displacedEntry } from './lost';
import type {
	Change,
	FieldPath,
	Json,
	Op,
	Stamp,
	SyncedCollection,
	WireRecord
} from './core/types';
import { opPaths, type Outbox, type OutboxItem } from './outbox';
import type { Storage } from './ports';
import { readAll } from './storage/read-all';

/** Storage key prefix of server records: `replica/<collection>/<id>`. */
export const REPLICA_PREFIX = 'replica/';

/** A server record as stored, with when the device last received it. */
export interface StoredRecord {
	record: WireRecord;
	/** Wall-clock ms when this device last merged server state into it. */
	syncedAt: number;
}

/**
 * What a teacher sees next to a field or a row:
 * - `pending`: an edit is waiting for the server (`inflight`: being sent now);
 * - `rejected`: the server refused an edit (`code`, `reason`, `opId` to fix or discard);
 * - `conflict`: an open conflict notice: someone else's concurrent value won, or yours overwrote theirs;
 * - `synced`: what the server holds, as of `syncedAt`.
 */
export type RecordSyncStatus = 'synced' | 'pending' | 'rejected' | 'conflict';

export interface SyncStatus {
	status: RecordSyncStatus;
	/** When the server state of the record was last received; null if never. */
	syncedAt: number | null;
	inflight?: boolean;
	opId?: string;
	code?: string;
	reason?: string;
	/** The `conflicts` record id when status is `conflict`. */
	conflictId?: string;
}

/**
 * The collections whose records (as `get` and `list` see them) may have changed
 * since the last notification; null when any may have (a reload, a new source).
 */
export type ChangedCollections = ReadonlySet<SyncedCollection> | null;

function storageKey(collection: SyncedCollection, id: string): string {
	return REPLICA_PREFIX + collection + '/' + id;
}

/** The replica. Open with `Replica.open` after the outbox. */
export class Replica {
	#storage: Storage;
	#outbox: Outbox;
	#server = new Map<SyncedCollection, Map<string, StoredRecord>>();
	#overlays = new Map<string, WireRecord | null>();
	// Collections changed since the last takeChanged(): pages re-read only those.
	#changed = new Set<SyncedCollection>();
	// Open conflict notices, which every status() consults; rebuilt after they change.
	#openConflicts: WireRecord[] | null = null;
	#writes: Promise<unknown> = Promise.resolve();
	#unsubscribe: () => void;
	#closed = false;
	/** This device's id: its values a colleague's edit displaces are kept (lost.ts). */
	#device: string | null;

	private constructor(storage: Storage, outbox: Outbox, device: string | null) {
		this.#storage = storage;
		this.#outbox = outbox;
		this.#device = device;
		this.#unsubscribe = outbox.subscribe((c, id) => {
			this.#overlays.delete(c + '/' + id);
			this.#touch(c);
		});
	}

	/** Loads server state from storage; overlays replay `outbox` lazily on read. */
	static async open(storage: Storage, outbox: Outbox, device?: string): Promise<Replica> {
		const replica = new Replica(storage, outbox, device ?? null);
		for (const [key, stored] of await readAll<StoredRecord>(storage, REPLICA_PREFIX)) {
			const [collection] = key.slice(REPLICA_PREFIX.length).split('/') as [SyncedCollection];
			if (!stored || !stored.record || !(collection in SCHEMAS)) continue;
			replica.#table(collection).set(stored.record.id, stored);
		}
		return replica;
	}

	/** The collections changed (server state or local ops) since the last call; clears them. */
	takeChanged(): Set<SyncedCollection> {
		const out = this.#changed;
		this.#changed = new Set();
		return out;
	}

	#touch(collection: SyncedCollection): void {
		this.#changed.add(collection);
		if (collection === 'conflicts') this.#openConflicts = null;
	}

	#table(collection: SyncedCollection): Map<string, StoredRecord> {
		let t = this.#server.get(collection);
		if (!t) this.#server.set(collection, (t = new Map()));
		return t;
	}

	/** The record as the server last told us, without local edits. */
	serverRecord(collection: SyncedCollection, id: string): WireRecord | undefined {
		return this.#table(collection).get(id)?.record;
	}

	/**
	 * The record as the teacher sees it: server state with pending and rejected
	 * edits over it. The object is shared with later reads: treat it as read-only.
	 */
	get(collection: SyncedCollection, id: string): WireRecord | undefined {
		const key = collection + '/' + id;
		const cached = this.#overlays.get(key);
		if (cached !== undefined) return cached ?? undefined;
		let rec = this.serverRecord(collection, id);
		for (const item of this.#outbox.itemsFor(collection, id)) {
			rec = applyOp(rec, item.op, SCHEMAS[collection]).record;
		}
		this.#overlays.set(key, rec ?? null);
		return rec;
	}

	/** Live (not deleted) records of a collection as the teacher sees them, by id. */
	list(collection: SyncedCollection, predicate?: (record: WireRecord) => boolean): WireRecord[] {
		const ids = new Set<string>(this.#table(collection).keys());
		for (const id of this.#outbox.recordIds(collection)) ids.add(id);
		const out: WireRecord[] = [];
		for (const id of [...ids].sort()) {
			const rec = this.get(collection, id);
			if (rec && rec.deleted !== true && (!predicate || predicate(rec))) out.push(rec);
		}
		return out;
	}

	/**
	 * The stamp an edit of `path` is based on: what the teacher saw, i.e. the
	 * latest of the server's stamp and the stamps of our own unrejected ops on
	 * that path (a rejected value never reached the server).
	 */
	baseStamp(collection: SyncedCollection, id: string, path: FieldPath): Stamp | null {
		const server = this.serverRecord(collection, id);
		const stamps: (Stamp | undefined)[] = [server?.stamps[path]];
		for (const item of this.#outbox.itemsFor(collection, id)) {
			if (item.state !== 'rejected' && opPaths(item.op).indexOf(path) >= 0)
				stamps.push(item.op.stamp);
		}
		return maxStamp(...stamps);
	}

	/** The sync state of a record, or of one field path of it. */
	status(collection: SyncedCollection, id: string, path?: FieldPath): SyncStatus {
		const syncedAt = this.#table(collection).get(id)?.syncedAt ?? null;
		const items = this.#outbox
			.itemsFor(collection, id)
			.filter((i) => path === undefined || opPaths(i.op).indexOf(path) >= 0);
		const rejected = items.filter((i) => i.state === 'rejected').pop();
		if (rejected) {
			return {
				status: 'rejected',
				syncedAt,
				opId: rejected.op.id,
				code: rejected.code ?? 'rejected',
				reason: rejected.reason ?? ''
			};
		}
		const pending: OutboxItem | undefined = items.filter((i) => i.state === 'pending').pop();
		if (pending)
			return {
				status: 'pending',
				syncedAt,
				opId: pending.op.id,
				inflight: items.some((i) => i.inflight)
			};
		this.#openConflicts ??= this.list('conflicts', (c) => c['status'] === 'open');
		const conflict = this.#openConflicts.find(
			(c) =>
				c['collection'] === collection &&
				c['record'] === id &&
				(path === undefined || c['field'] === path)
		);
		if (conflict) return { status: 'conflict', syncedAt, conflictId: conflict.id };
		return { status: 'synced', syncedAt };
	}

	// Storage writes one at a time, in the order their changes were made.
	#write(entries: [string, unknown][]): Promise<void> {
		if (this.#closed) return Promise.reject(new Error('replica is closed'));
		const run = this.#writes.then(() => this.#storage.setMany(entries));
		this.#writes = run.catch(() => undefined);
		return run;
	}

	/**
	 * Merges records from the server (a pull page, a realtime event, a push
	 * answer). Resolves once they are durable. Returns the merged records.
	 */
	async applyServer(changes: readonly Change[], now: number): Promise<WireRecord[]> {
		const writes = new Map<string, unknown>();
		const merged = this.#mergeServer(changes, now, writes);
		if (writes.size > 0) await this.#write([...writes]);
		return merged;
	}

	// Merges in memory; the storage write of each record (the last state, once) goes to `writes`.
	// A record that comes back as it is held (the realtime echo of a push answer,
	// a pull page repeating it) gets its new syncedAt but names no collection:
	// nothing a page shows changed, so nothing re-renders (issue 15).
	#mergeServer(
		changes: readonly Change[],
		now: number,
		writes: Map<string, unknown>
	): WireRecord[] {
		const merged: WireRecord[] = [];
		for (const change of changes) {
			const table = this.#table(change.collection);
			const prev = table.get(change.record.id);
			const record = applyRemote(prev?.record, change.record, SCHEMAS[change.collection]);
			if (prev) this.#keepDisplaced(change.collection, prev.record, record, now, writes);
			const same =
				prev !== undefined && jsonEqual(prev.record as unknown as Json, record as unknown as Json);
			const stored: StoredRecord = { record: same ? prev.record : record, syncedAt: now };
			table.set(record.id, stored);
			if (!same) {
				this.#overlays.delete(change.collection + '/' + record.id);
				this.#touch(change.collection);
			}
			writes.set(storageKey(change.collection, record.id), stored);
			merged.push(stored.record);
		}
		return merged;
	}

	// This device's lww values a colleague's value replaced (the server made the
	// notice then): kept, in the same write, for a reset (lost.ts).
	#keepDisplaced(
		collection: SyncedCollection,
		prev: WireRecord,
		next: WireRecord,
		now: number,
		writes: Map<string, unknown>
	): void {
		const device = this.#device;
		if (device === null) return;
		const schema = SCHEMAS[collection];
		for (const path of Object.keys(prev.stamps)) {
			const mine = prev.stamps[path] as Stamp;
			const theirs = next.stamps[path];
			if (theirs === undefined || theirs <= mine || parseStamp(mine)?.device !== device) continue;
			if (parseStamp(theirs)?.device === device || ruleForPath(schema, path) !== 'lww') continue;
			if (path === DELETED_PATH) continue; // an undelete is left to the teacher (reset.ts)
			const value = getPath(prev, path) ?? null;
			if (jsonEqual(value, getPath(next, path) ?? null)) continue;
			const [key, entry] = displacedEntry(collection, prev.id, path, value, mine, now);
			writes.set(key, entry);
		}
	}

	/**
	 * Folds ops the server acknowledged into server state, as the server merged
	 * them (`stamps` overrides an op's stamp when the server clamped it), so the
	 * value does not flicker back between the answer and the next pull; then
	 * merges the records the answer carried (`changes`). One storage write.
	 */
	async foldAcked(ops: readonly Op[], now: number, changes: readonly Change[] = []): Promise<void> {
		const writes = new Map<string, unknown>();
		for (const op of ops) {
			const table = this.#table(op.collection);
			const prev = table.get(op.record);
			const { record } = applyOp(prev?.record, op, SCHEMAS[op.collection]);
			const stored: StoredRecord = { record, syncedAt: prev?.syncedAt ?? now };
			table.set(op.record, stored);
			this.#overlays.delete(op.collection + '/' + op.record);
			this.#touch(op.collection);
			writes.set(storageKey(op.collection, op.record), stored);
		}
		this.#mergeServer(changes, now, writes);
		if (writes.size > 0) await this.#write([...writes]);
	}

	/**
	 * Replaces server state with records as the server holds them now, without
	 * merging (a reset: what the device held came from other data, see reset.ts).
	 * Resolves once they are durable.
	 */
	async replaceServer(changes: readonly Change[], now: number): Promise<void> {
		const writes = new Map<string, unknown>();
		for (const change of changes) {
			const record = applyRemote(undefined, change.record, SCHEMAS[change.collection]);
			const stored: StoredRecord = { record, syncedAt: now };
			// A value of this device the restored server holds under a colleague's
			// later one: that edit may not have seen it (lost.ts decides at the reset's end).
			const prev = this.#table(change.collection).get(record.id);
			if (prev) this.#keepDisplaced(change.collection, prev.record, record, now, writes);
			this.#table(change.collection).set(record.id, stored);
			this.#overlays.delete(change.collection + '/' + record.id);
			this.#touch(change.collection);
			writes.set(storageKey(change.collection, record.id), stored);
		}
		if (writes.size > 0) await this.#write([...writes]);
	}

	/** Ids of the server records of a collection. */
	serverIds(collection: SyncedCollection): string[] {
		return [...this.#table(collection).keys()];
	}

	/** Forgets server records (out of scope after a full re-fetch). */
	async forget(collection: SyncedCollection, ids: readonly string[]): Promise<void> {
		const table = this.#table(collection);
		for (const id of ids) {
			table.delete(id);
			this.#overlays.delete(collection + '/' + id);
		}
		if (ids.length > 0) this.#touch(collection);
		if (ids.length > 0) await this.#write(ids.map((id) => [storageKey(collection, id), undefined]));
	}

	/** The latest stamp the replica holds (to restore the clock at start-up). */
	maxStamp(): Stamp | null {
		let best: Stamp | null = null;
		for (const table of this.#server.values()) {
			for (const { record } of table.values()) {
				for (const p of Object.keys(record.stamps)) best = maxStamp(best, record.stamps[p]);
			}
		}
		return best;
	}

	/** Waits for writes in progress and stops following the outbox. */
	async close(): Promise<void> {
		this.#closed = true;
		this.#unsubscribe();
		await this.#writes;
	}
}
