/**
 * The little of PouchDB's API the bench uses (pouchdb-node ships no types and
 * @types/pouchdb would be one more dependency for a few signatures).
 */
declare module 'pouchdb-node' {
	export interface Doc {
		_id: string;
		_rev?: string;
		_deleted?: boolean;
		_conflicts?: string[];
		[field: string]: unknown;
	}
	export interface SyncInfo {
		direction: 'push' | 'pull';
		change: { docs: Doc[] };
	}
	export interface Sync {
		on(event: 'change', cb: (info: SyncInfo) => void): Sync;
		on(event: string, cb: (info: unknown) => void): Sync;
		cancel(): void;
	}
	export interface Database {
		get(id: string, options?: { conflicts?: boolean; rev?: string }): Promise<Doc>;
		put(doc: Doc): Promise<{ ok: boolean; id: string; rev: string }>;
		remove(doc: Doc): Promise<unknown>;
		bulkDocs(docs: Doc[]): Promise<unknown[]>;
		allDocs(options: {
			include_docs: true;
			conflicts?: boolean;
		}): Promise<{ rows: { id: string; doc?: Doc }[] }>;
		info(): Promise<unknown>;
		replicate: { to(target: Database, options?: { batch_size?: number }): Promise<unknown> };
		sync(target: Database, options: { live?: boolean; retry?: boolean; batch_size?: number }): Sync;
		destroy(): Promise<void>;
		close(): Promise<void>;
	}
	interface PouchStatic {
		new (name: string, options?: { adapter?: string }): Database;
		plugin(plugin: unknown): PouchStatic;
		defaults(options: { prefix: string }): PouchStatic;
	}
	const PouchDB: PouchStatic;
	export default PouchDB;
}

declare module 'pouchdb-adapter-memory' {
	const plugin: unknown;
	export default plugin;
}

declare module 'express-pouchdb' {
	import type { RequestHandler } from 'express';
	export default function expressPouchDB(
		pouch: unknown,
		options?: { mode?: string; inMemoryConfig?: boolean }
	): RequestHandler;
}
