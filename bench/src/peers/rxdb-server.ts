/**
 * RxDB's own replication server (`rxdb-server`), in a process of its own.
 *
 * Storage: RxDB's in-memory storage. The free (non-premium) storages that run
 * in Node are memory, the SQLite *trial* (capped at ~500 documents, so it
 * cannot hold the workloads) and Dexie/IndexedDB (which in Node is
 * fake-indexeddb, in memory too). So the RxDB server is NOT durable: a class
 * below PocketBase (SQLite on disk) and PouchDB (LevelDB on disk). That favours
 * RxDB; the results say so.
 *
 * Scope: a client sends the classes it may see in a header; the query
 * modifier limits pulls to them, as PocketBase's API rules do for Markbook.
 *
 * Env: PORT. Prints READY_PREFIX + port once listening.
 */
import express from 'express';
import { createRxDatabase, type RxJsonSchema } from 'rxdb/plugins/core';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { createRxServer } from 'rxdb-server/plugins/server';
import { RxServerAdapterExpress } from 'rxdb-server/plugins/adapter-express';
import { CLASSES_HEADER, READY_PREFIX, type ResultDoc } from './protocol';
import { RESULT_SCHEMA } from './rxdb-schema';

interface Auth {
	classes: string[];
}

async function main(): Promise<void> {
	const port = Number(process.env['PORT']);
	const db = await createRxDatabase({
		name: 'benchserver',
		storage: getRxStorageMemory(),
		multiInstance: false
	});
	const { results } = await db.addCollections({
		results: { schema: RESULT_SCHEMA as RxJsonSchema<ResultDoc> }
	});
	const app = express();
	// The adapter's default body limit (100 kB) is below a push batch of the workloads.
	app.use(express.json({ limit: '50mb' }));
	// A bench-only dump of every live document, to check convergence.
	app.get('/dump', async (_req, res) => {
		const docs = await results.find().exec();
		res.json(docs.map((d) => d.toJSON()));
	});
	const server = await createRxServer<unknown, Auth>({
		database: db,
		adapter: RxServerAdapterExpress,
		serverApp: app,
		port,
		hostname: '127.0.0.1',
		authHandler: (headers) => ({
			data: {
				classes: String(headers[CLASSES_HEADER] ?? '')
					.split(',')
					.filter(Boolean)
			},
			validUntil: Date.now() + 24 * 3600_000
		})
	});
	server.addReplicationEndpoint<ResultDoc>({
		name: 'results',
		collection: results,
		queryModifier: (auth, query) => ({
			...query,
			selector: { ...query.selector, class: { $in: auth.data.classes } }
		})
	});
	await server.start();
	process.stdout.write(READY_PREFIX + port + '\n');
}

main().catch((e: unknown) => {
	console.error(e);
	process.exit(1);
});
