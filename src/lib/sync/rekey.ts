/**
 * Wire version 2 put the class in a result's natural key, so every result id
 * changed (the server's migration moved its rows). A device that was offline
 * across the update may still hold results under their version-1 ids: in its
 * replica, and in outbox ops the teacher typed before the app updated. On
 * start, before the outbox and replica are opened, this moves them to their
 * v2 ids, so nothing the teacher typed is lost and every op addresses the
 * record the server now has.
 *
 * What is moved, and how its v2 id is known:
 * - a replica result whose id is the v1 id of its own key → resultId(key);
 * - a pending or rejected results op that carries its key fields and is
 *   addressed by their v1 id → resultId(key); one without them (an edit of a
 *   result the server had) → the id its replica record moved to;
 * - conflict notices naming a moved result → the new id.
 *
 * Crash safety: one ordered write (new records, then ops, then removal of the
 * old records), and every step is idempotent — a v2 id is never a v1 id of
 * the same key — so a restart after a partial write finishes the job. A mark
 * makes later starts skip the scan.
 */
import { resultId, resultIdV1 } from './core/ids';
import type { WireRecord } from './core/types';
import { OUTBOX_PREFIX, type OutboxEntry } from './outbox';
import type { Log, Storage } from './ports';
import { REPLICA_PREFIX, type StoredRecord } from './replica';
import { readAll } from './storage/read-all';

/** Storage key set once every result on the device has its v2 id. */
export const REKEY_V2_DONE_KEY = 'rekey-v2-done';

const RESULTS_PREFIX = REPLICA_PREFIX + 'results/';
const CONFLICTS_PREFIX = REPLICA_PREFIX + 'conflicts/';

interface Key {
	student: string;
	class: string;
	assessment: string;
	period: string;
}

function keyOf(fields: { [k: string]: unknown }): Key | null {
	const { student, assessment, period } = fields;
	const cls = fields['class'];
	if (
		typeof student !== 'string' ||
		typeof cls !== 'string' ||
		typeof assessment !== 'string' ||
		typeof period !== 'string'
	)
		return null;
	return { student, class: cls, assessment, period };
}

/** The v2 id of a record or op addressed by the v1 id of `key`; null when it is not. */
function movedId(id: string, key: Key | null): string | null {
	if (!key || id !== resultIdV1(key.student, key.assessment, key.period)) return null;
	const next = resultId(key.student, key.class, key.assessment, key.period);
	return next === id ? null : next;
}

/**
 * Moves the device's results from v1 to v2 ids (see the module comment).
 * Returns how many records and ops moved. Call before Outbox.open and
 * Replica.open, in the tab that writes storage.
 */
export async function rekeyResultsV2(storage: Storage, log: Log): Promise<number> {
	if ((await storage.get<boolean>(REKEY_V2_DONE_KEY)) === true) return 0;
	const writes: [string, unknown][] = [];
	const removals: [string, undefined][] = [];
	const moved = new Map<string, string>();

	const records = await readAll<StoredRecord>(storage, RESULTS_PREFIX);
	const present = new Set(records.map(([key]) => key));
	for (const [key, stored] of records) {
		const record = stored?.record;
		if (!record) continue;
		const next = movedId(record.id, keyOf(record));
		if (!next) continue;
		moved.set(record.id, next);
		const nextKey = RESULTS_PREFIX + next;
		// Already pulled under its new id (the server moved it first): that copy is newer.
		if (!present.has(nextKey))
			writes.push([nextKey, { ...stored, record: { ...record, id: next } }]);
		removals.push([key, undefined]);
	}

	let ops = 0;
	for (const [key, entry] of await readAll<OutboxEntry>(storage, OUTBOX_PREFIX)) {
		const op = entry?.op;
		if (!op || op.collection !== 'results') continue;
		const next = movedId(op.record, keyOf(op.fields)) ?? moved.get(op.record) ?? null;
		if (!next) continue;
		writes.push([key, { ...entry, op: { ...op, record: next } }]);
		ops++;
	}

	if (moved.size > 0) {
		for (const [key, stored] of await readAll<StoredRecord>(storage, CONFLICTS_PREFIX)) {
			const notice: WireRecord | undefined = stored?.record;
			if (!notice || notice['collection'] !== 'results') continue;
			const next = moved.get(String(notice['record']));
			if (next) writes.push([key, { ...stored, record: { ...notice, record: next } }]);
		}
	}

	const all: [string, unknown][] = [...writes, ...removals, [REKEY_V2_DONE_KEY, true]];
	await storage.setMany(all);
	if (moved.size + ops > 0)
		log.info(`sync: moved ${moved.size} result(s) and ${ops} queued edit(s) to wire-v2 ids`);
	return moved.size + ops;
}
