/**
 * This device's edits the server answered `superseded`: a newer value stayed,
 * and (when the two were concurrent) the server made the teacher a conflicts
 * notice in the same transaction. Their values live nowhere else: not in the
 * replica (which holds the winner), not in the outbox (settled).
 *
 * A restore from a backup made before that answer takes the notice with it,
 * and nothing the reset re-sends from the replica brings it back. So each is
 * kept here, with the stamp the server decided it under, and a reset sends
 * it again under its own op id: a server that still holds its receipt answers
 * from it (no second notice); one that lost it decides again, exactly as the
 * first time (the notice is made again, or the value is applied and the
 * colleague's re-sent edit overwrites it with a notice).
 *
 * The same holds for a value of this device that was applied and then
 * replaced by a colleague's later, different value (the notice was made
 * then): the replica keeps it when it folds the colleague's value in
 * (`displacedEntry`), and a reset sends it again, under a new op id, unless
 * the restored server holds the value itself or its notice.
 *
 * Kept as long as the server keeps receipts (30 days); older ones are dropped.
 */
import { DELETED_PATH, ruleForPath } from './core/schema';
import type { FieldPath, Json, Op, Stamp, SyncedCollection, WireRecord } from './core/types';
import { SCHEMAS } from '../domain/collections';
import type { Storage } from './ports';

/** Storage key prefix of the superseded ops, by op id. */
export const LOST_PREFIX = 'lost/';
/** How long one is kept: the server's receipt lifetime (sync_receipts are cleaned after 30 days). */
export const LOST_KEEP_MS = 30 * 24 * 3600 * 1000;

export interface LostEntry {
	/** A displaced value's op has no id (a reset gives it one). */
	op: Op;
	/** Wall-clock ms of the answer. */
	at: number;
	/**
	 * True: the value was applied, and a colleague's later value then replaced
	 * it in the replica (the server made the notice then). The op holds that
	 * one path and the stamp it was applied under.
	 */
	displaced?: true;
}

/** The storage entry that keeps a displaced value (see LostEntry). */
export function displacedEntry(
	collection: SyncedCollection,
	record: string,
	path: FieldPath,
	value: Json,
	stamp: Stamp,
	at: number
): [string, LostEntry] {
	const op: Op = { id: '', collection, record, fields: { [path]: value }, stamp, base: {} };
	return [`${LOST_PREFIX}~${collection}/${record}/${path}/${stamp}`, { op, at, displaced: true }];
}

/**
 * Durably remembers ops the server answered superseded (`at`: when). One
 * already kept (answered again from its receipt after a reset) keeps its
 * first time: the server's receipt dates from then.
 */
export async function rememberLost(
	storage: Storage,
	ops: readonly Op[],
	at: number
): Promise<void> {
	if (ops.length === 0) return;
	const writes: [string, LostEntry][] = [];
	for (const op of ops) {
		const key = LOST_PREFIX + op.id;
		if ((await storage.get(key)) === undefined) writes.push([key, { op, at }]);
	}
	if (writes.length > 0) await storage.setMany(writes);
}

/** The remembered entries, oldest stamp first; drops those older than LOST_KEEP_MS. */
export async function loadLost(storage: Storage, now: number): Promise<LostEntry[]> {
	const entries: [string, unknown][] = storage.entries
		? await storage.entries(LOST_PREFIX)
		: await Promise.all(
				(await storage.keys(LOST_PREFIX)).map(
					async (k): Promise<[string, unknown]> => [k, await storage.get(k)]
				)
			);
	const ops: LostEntry[] = [];
	const stale: [string, undefined][] = [];
	for (const [key, value] of entries) {
		const e = value as LostEntry | undefined;
		if (!e || !e.op || typeof e.at !== 'number' || now - e.at > LOST_KEEP_MS)
			stale.push([key, undefined]);
		else ops.push(e);
	}
	if (stale.length > 0) await storage.setMany(stale);
	return ops.sort((a, b) => (a.op.stamp < b.op.stamp ? -1 : a.op.stamp > b.op.stamp ? 1 : 0));
}

/**
 * The op to send again after a reset, or null: without the paths the outbox
 * already has ops for (`queued`: the teacher's later edits, which must not be
 * coalesced into it), and with the record's set-once fields from `local` (its
 * last known copy) so it can create the record if the server lost it.
 */
export function lostResend(
	op: Op,
	queued: ReadonlySet<FieldPath>,
	local: WireRecord | undefined
): Op | null {
	const schema = SCHEMAS[op.collection];
	const fields: Record<FieldPath, Json> = {};
	let own = false;
	for (const path of Object.keys(op.fields)) {
		if (queued.has(path)) continue;
		fields[path] = op.fields[path] as Json;
		if (ruleForPath(schema, path) !== 'immutable') own = true;
	}
	const del = op.delete === true && !queued.has(DELETED_PATH);
	if (!own && !del) return null;
	if (local) {
		for (const f of Object.keys(schema.fields)) {
			const value = local[f];
			if (schema.fields[f]?.rule === 'immutable' && value !== undefined && !(f in fields))
				fields[f] = value;
		}
	}
	const out: Op = {
		id: op.id,
		collection: op.collection,
		record: op.record,
		fields,
		stamp: op.stamp,
		base: {}
	};
	for (const path of Object.keys(fields))
		if (path in op.base) out.base[path] = op.base[path] ?? null;
	if (del) {
		out.delete = true;
		if (DELETED_PATH in op.base) out.base[DELETED_PATH] = op.base[DELETED_PATH] ?? null;
	}
	return out;
}
