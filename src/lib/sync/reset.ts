/**
 * After the server's data was restored from a backup or replaced (a pull
 * answered `reset`), the device fetches everything again. Its copy of server
 * state may hold values the server no longer has: its own acknowledged edits
 * made after the backup. Those are re-sent as new ops, with their original
 * stamps, so the server's merge decides exactly as it did the first time:
 * nothing the teacher typed is lost, and nothing the server holds now is
 * overwritten by an older value (a larger stamp still wins).
 *
 * Other devices' values the server lost are not re-sent from here (their
 * devices re-send them); the device takes the server's state for them.
 */
import { SCHEMAS } from '../domain/collections';
import { getPath } from './core/paths';
import { DELETED_PATH, ruleForPath } from './core/schema';
import { parseStamp } from './core/stamp';
import type { FieldPath, Json, Op, Stamp, SyncedCollection, WireRecord } from './core/types';

/** What building re-send ops needs from the engine. */
export interface ResendContext {
	device: string;
	/** A new op id (UUIDv7). */
	newOpId(): string;
	/** A new stamp of this device's clock (for a create that carries only set-once fields). */
	newStamp(): Stamp;
}

/**
 * The ops that give the server back this device's edits it lacks: every
 * field path of `local` (the device's copy of server state) stamped by this
 * device with a stamp newer than the server's (`server`: the record the
 * server holds now; undefined when it holds none), skipping paths the outbox
 * already has ops for (`queued`: they are sent anyway, and a newer edit must
 * not be coalesced away). One op per stamp, as the edits were made.
 *
 * When the server lost the whole record, each op also carries the record's
 * set-once fields (a result's student, class, assessment, period) so it can
 * create it; `hasQueued` says the outbox holds ops for the record, which then
 * need those fields too, even when nothing else is re-sent.
 */
export function resendOps(
	collection: SyncedCollection,
	local: WireRecord,
	server: WireRecord | undefined,
	queued: ReadonlySet<FieldPath>,
	hasQueued: boolean,
	ctx: ResendContext
): Op[] {
	const schema = SCHEMAS[collection];
	if (!schema.clientWritable) return [];
	if (!server && !schema.clientCreates) return [];
	const byStamp = new Map<Stamp, FieldPath[]>();
	for (const path of Object.keys(local.stamps).sort()) {
		const stamp = local.stamps[path] as Stamp;
		const rule = ruleForPath(schema, path);
		if (rule === null || rule === 'server' || queued.has(path)) continue;
		if (parseStamp(stamp)?.device !== ctx.device) continue;
		const held = server?.stamps[path];
		if (held !== undefined && held >= stamp) continue;
		// Re-creating a record: its set-once fields travel with every op anyway.
		if (!server && rule === 'immutable') continue;
		// An undelete of a record the server still holds deleted is left to the teacher.
		if (path === DELETED_PATH && local.deleted !== true) continue;
		let paths = byStamp.get(stamp);
		if (!paths) byStamp.set(stamp, (paths = []));
		paths.push(path);
	}

	const setOnce: Record<FieldPath, Json> = {};
	// The stamp of a set-once field this device wrote (it created the record).
	let ownCreate: Stamp | null = null;
	if (!server) {
		for (const f of Object.keys(schema.fields)) {
			const value = local[f];
			const stamp = local.stamps[f];
			if (schema.fields[f]?.rule !== 'immutable' || stamp === undefined || value === undefined)
				continue;
			setOnce[f] = value;
			if (parseStamp(stamp)?.device === ctx.device) ownCreate = stamp;
		}
	}
	const ops: Op[] = [];
	// In the order the edits were made.
	for (const [stamp, paths] of [...byStamp].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
		const op: Op = {
			id: ctx.newOpId(),
			collection,
			record: local.id,
			fields: { ...setOnce },
			stamp,
			base: {}
		};
		for (const path of paths) {
			if (path === DELETED_PATH) op.delete = true;
			else {
				const value = getPath(local, path);
				op.fields[path] = value === undefined ? null : value;
			}
			// The restore took with it whether this device had seen a colleague's
			// value before its edit (and any notice that edit made): it goes as
			// concurrent, so a notice the restore lost is made again rather than a
			// lost value left unreported. Over its own older value it is no conflict.
			const held = server?.stamps[path];
			op.base[path] = held !== undefined && parseStamp(held)?.device === ctx.device ? held : null;
		}
		ops.push(op);
	}
	if (
		ops.length === 0 &&
		!server &&
		(hasQueued || ownCreate !== null) &&
		Object.keys(setOnce).length > 0
	) {
		// A record the server lost that this device created, or has queued edits
		// of: something must create it again.
		ops.push({
			id: ctx.newOpId(),
			collection,
			record: local.id,
			fields: setOnce,
			stamp: ownCreate ?? ctx.newStamp(),
			base: {}
		});
	}
	return ops;
}
