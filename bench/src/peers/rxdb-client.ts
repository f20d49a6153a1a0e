/**
 * An RxDB client replicating with the RxDB server (`rxdb-server`'s
 * replicateServer: a checkpointed pull, a conflict-checked push, an
 * EventSource stream for live changes).
 *
 * Storage: RxDB's in-memory storage, like every client in the comparisons
 * (see bench/README.md, "Durability").
 *
 * Conflicts: the default handler keeps the server's document and drops the
 * client's edits; here the collection merges field by field with the
 * per-component stamps (mergeFieldLww), which is what a careful RxDB app does.
 */
import {
	createRxDatabase,
	type RxCollection,
	type RxConflictHandler,
	type RxDatabase,
	type RxJsonSchema
} from 'rxdb/plugins/core';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import {
	replicateServer,
	type RxServerReplicationState
} from 'rxdb-server/plugins/replication-server';
import { CLASSES_HEADER, mergeFieldLww, type ResultDoc } from './protocol';
import { RESULT_SCHEMA } from './rxdb-schema';

// RxDB 15's handler shape (rxdb-server 15.22 works only with RxDB 15).
const FIELD_LWW: RxConflictHandler<ResultDoc> = async (i) => {
	const mine = i.newDocumentState;
	const master = i.realMasterState;
	if (
		JSON.stringify(mine.stamps) === JSON.stringify(master.stamps) &&
		mine._deleted === master._deleted
	)
		return { isEqual: true };
	const merged = mergeFieldLww(master as ResultDoc, mine as ResultDoc);
	// A deletion wins over edits it has seen; a tombstone is never merged back to life.
	return {
		isEqual: false,
		documentData: { ...master, ...merged, _deleted: master._deleted || mine._deleted }
	};
};

export interface RxClient {
	db: RxDatabase;
	results: RxCollection<ResultDoc>;
	replicate(options: {
		pull: boolean;
		push: boolean;
		live: boolean;
	}): RxServerReplicationState<ResultDoc>;
	close(): Promise<void>;
}

let counter = 0;

export async function createRxClient(o: {
	url: string;
	name: string;
	classes: string[];
}): Promise<RxClient> {
	const db = await createRxDatabase({
		name: `rxclient${++counter}${o.name.replace(/[^a-z0-9]/gi, '').toLowerCase()}`,
		storage: getRxStorageMemory(),
		multiInstance: false
	});
	const { results } = await db.addCollections({
		results: {
			schema: RESULT_SCHEMA as unknown as RxJsonSchema<ResultDoc>,
			conflictHandler: FIELD_LWW
		}
	});
	const states: RxServerReplicationState<ResultDoc>[] = [];
	return {
		db,
		results: results as RxCollection<ResultDoc>,
		replicate(r) {
			const state = replicateServer<ResultDoc>({
				collection: results,
				// Stable per client: a changed identifier makes RxDB forget what it
				// already pushed and pulled (the known way to lose edits).
				replicationIdentifier: `bench-${o.name}`,
				url: `${o.url}/results/0`,
				headers: { [CLASSES_HEADER]: o.classes.join(',') },
				live: r.live,
				waitForLeadership: false,
				retryTime: 500,
				...(r.pull ? { pull: { batchSize: 500 } } : {}),
				...(r.push ? { push: { batchSize: 500 } } : {})
			});
			states.push(state);
			return state;
		},
		async close() {
			for (const s of states) await s.cancel();
			await db.destroy();
		}
	};
}

/** A plain copy of a document as the comparisons see it (no RxDB meta fields). */
export function plainDoc(d: { toJSON(): unknown }): ResultDoc {
	const j = d.toJSON() as ResultDoc;
	return {
		id: j.id,
		student: j.student,
		class: j.class,
		assessment: j.assessment,
		period: j.period,
		values: j.values,
		stamps: j.stamps
	};
}
