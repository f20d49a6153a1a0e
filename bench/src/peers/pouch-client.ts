/**
 * A PouchDB client replicating with express-pouchdb (the CouchDB replication
 * protocol: revision trees, _revs_diff, _bulk_docs, _changes).
 *
 * Storage: pouchdb-adapter-memory, like every client in the comparisons.
 *
 * Conflicts: CouchDB keeps every concurrent revision and picks a winner
 * deterministically; the loser's edits are hidden, not merged. Here the app
 * resolves each conflict the way Markbook merges (field by field, later stamp
 * wins: mergeFieldLww) and deletes the losing revisions. PouchDB's
 * deterministic revision ids make two clients' identical resolutions one
 * revision, not a new conflict.
 */
import PouchDB, { type Database, type Doc } from 'pouchdb-node';
import memoryAdapter from 'pouchdb-adapter-memory';
import { mergeFieldLww, type ResultDoc } from './protocol';

PouchDB.plugin(memoryAdapter);

export type PouchDoc = Omit<ResultDoc, 'id'> & Doc;
export type PouchDatabase = Database;

export interface PouchClient {
	db: PouchDatabase;
	remote: PouchDatabase;
	/** Docs of the client's classes the server holds that the client does not match, resolved. */
	resolveConflicts(ids: readonly string[]): Promise<number>;
	/** Finds every document with conflicts and resolves them; returns how many had one. */
	sweepConflicts(): Promise<number>;
	close(): Promise<void>;
}

let counter = 0;

export function remoteDb(url: string): PouchDatabase {
	return new PouchDB(`${url}/db/results`);
}

export function createPouchClient(o: { url: string; name: string }): PouchClient {
	const db = new PouchDB(`pouchclient${++counter}${o.name}`, { adapter: 'memory' });
	const remote = remoteDb(o.url);
	return {
		db,
		remote,
		resolveConflicts: (ids) => resolveConflicts(db, ids),
		async sweepConflicts() {
			const all = await db.allDocs({ include_docs: true, conflicts: true });
			const ids = all.rows.filter((r) => (r.doc?._conflicts?.length ?? 0) > 0).map((r) => r.id);
			return ids.length > 0 ? resolveConflicts(db, ids) : 0;
		},
		async close() {
			await db.destroy();
			await remote.close();
		}
	};
}

/** Resolves the conflicts of `ids` (field-by-field LWW); returns how many docs had one. */
async function resolveConflicts(db: PouchDatabase, ids: readonly string[]): Promise<number> {
	let resolved = 0;
	for (const id of ids) {
		const winner = (await db.get(id, { conflicts: true }).catch(() => null)) as PouchDoc | null;
		if (!winner || !winner._conflicts || winner._conflicts.length === 0) continue;
		resolved++;
		let merged = toResult(winner);
		const losers = [...winner._conflicts].sort();
		for (const rev of losers) {
			const other = (await db.get(id, { rev })) as PouchDoc;
			merged = mergeFieldLww(merged, toResult(other));
		}
		const { id: _id, ...body } = merged;
		await db.bulkDocs([
			{ ...body, _id: id, _rev: winner._rev as string },
			...losers.map((rev): Doc => ({ _id: id, _rev: rev, _deleted: true }))
		]);
	}
	return resolved;
}

export function toResult(d: PouchDoc): ResultDoc {
	return {
		id: d._id,
		student: d.student,
		class: d.class,
		assessment: d.assessment,
		period: d.period,
		values: d.values,
		stamps: d.stamps ?? {}
	};
}
