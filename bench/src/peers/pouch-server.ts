/**
 * PouchDB's CouchDB-protocol server (`express-pouchdb`) over `pouchdb-node`,
 * whose default adapter is LevelDB (leveldown) on disk: the same durability
 * class as PocketBase's SQLite on disk.
 *
 * Env: PORT, DATA_DIR. Serves the CouchDB API at /db/…; prints READY_PREFIX +
 * port once listening.
 */
import express from 'express';
import expressPouchDB from 'express-pouchdb';
import PouchDB from 'pouchdb-node';
import { mkdirSync } from 'node:fs';
import { READY_PREFIX } from './protocol';

function main(): void {
	const port = Number(process.env['PORT']);
	const dataDir = String(process.env['DATA_DIR']);
	mkdirSync(dataDir, { recursive: true });
	const DiskPouch = PouchDB.defaults({ prefix: dataDir.replace(/\/?$/, '/') });
	const app = express();
	// minimumForPouchDB: only what PouchDB replication needs (no Fauxton, no config file).
	app.use('/db', expressPouchDB(DiskPouch, { mode: 'minimumForPouchDB', inMemoryConfig: true }));
	app.listen(port, '127.0.0.1', () => process.stdout.write(READY_PREFIX + port + '\n'));
}

main();
