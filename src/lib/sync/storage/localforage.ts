/**
 * Storage on IndexedDB through localforage. Each signed-in user gets a database
 * of their own (`name`), so two teachers sharing one tablet never mix their
 * outboxes or replicas.
 *
 * Durability: localforage's IndexedDB driver resolves a setItem when its
 * readwrite transaction completes (`oncomplete`), which is the point IndexedDB
 * guarantees the write is committed. (Browsers may still relax flushing to disk
 * unless storage is persistent; see requestPersistentStorage in browser.ts.)
 */
import localforage from 'localforage';
import type { Storage } from '../ports';

export interface LocalforageStorageOptions {
	/** Database name; one per user, e.g. `markbook-<userId>`. */
	name: string;
	/** Object store name inside it. */
	storeName?: string;
	/** Drivers in order of preference; defaults to IndexedDB only (no silent fallback to localStorage). */
	driver?: string | string[];
}

// Values are boxed because localforage answers null for an absent key, so a
// stored null would otherwise read back as "absent".
interface Boxed<T> {
	v: T;
}

/** Storage backed by a localforage instance of its own. */
export function createLocalforageStorage(options: LocalforageStorageOptions): Storage {
	const store = localforage.createInstance({
		name: options.name,
		storeName: options.storeName ?? 'sync',
		driver: options.driver ?? localforage.INDEXEDDB
	});
	// Set once localforage is ready: from then on writes open their IndexedDB
	// transaction synchronously, in the caller's task (an edit's write then
	// starts before the page renders the keypress, not after).
	let ready = false;

	/** localforage's key/value calls, one transaction per key (any driver). */
	async function writeEach(entries: ReadonlyArray<readonly [string, unknown]>): Promise<void> {
		for (const [key, value] of entries) {
			if (value === undefined) await store.removeItem(key);
			else await store.setItem(key, { v: value });
		}
	}

	/**
	 * Writes entries in ONE readwrite transaction on localforage's own database
	 * and store, in localforage's key and value format: localforage has no batch
	 * API, and one transaction per key costs a few ms each (a pull page, a push
	 * answer). All or nothing, which is stronger than the port asks (any prefix).
	 */
	function writeAll(entries: ReadonlyArray<readonly [string, unknown]>): Promise<void> {
		const db = ready ? databaseOf(store) : null;
		let tx: IDBTransaction;
		try {
			if (!db) throw new Error('not an open IndexedDB database');
			tx = db.db.transaction(db.storeName, 'readwrite');
		} catch {
			// Not ready yet, another driver, or a connection the browser closed:
			// localforage opens (or reopens) it.
			return writeEach(entries).then(() => {
				ready = true;
			});
		}
		return new Promise<void>((resolve, reject) => {
			const objects = tx.objectStore(db.storeName);
			try {
				for (const [key, value] of entries) {
					if (value === undefined) objects.delete(key);
					else objects.put({ v: value }, key);
				}
			} catch (e) {
				// A value IndexedDB cannot store (DataCloneError): write none of them.
				tx.abort();
				throw e;
			}
			// Nothing more goes in: commit now rather than when the browser has
			// delivered every request's success event to this (busy) page and
			// found no new request. Browsers without commit() (Safari < 15) commit
			// on their own. https://w3c.github.io/IndexedDB/#dom-idbtransaction-commit
			if (typeof tx.commit === 'function') tx.commit();
			// Resolves once committed (oncomplete), as localforage's setItem does.
			tx.oncomplete = () => resolve();
			tx.onerror = () => reject(tx.error ?? new Error('IndexedDB write failed'));
			tx.onabort = () => reject(tx.error ?? new Error('IndexedDB write aborted'));
		});
	}

	return {
		async get<T>(key: string): Promise<T | undefined> {
			const boxed = await store.getItem<Boxed<T>>(key);
			ready = true;
			return boxed === null ? undefined : boxed.v;
		},
		set(key, value) {
			return writeAll([[key, value]]);
		},
		remove(key) {
			return writeAll([[key, undefined]]);
		},
		async keys(prefix) {
			const all = await store.keys();
			ready = true;
			return all.filter((k) => k.startsWith(prefix)).sort();
		},
		async entries(prefix) {
			// One cursor over the store (localforage's iterate), not a transaction per key.
			const out: [string, unknown][] = [];
			await store.iterate<Boxed<unknown>, void>((boxed, key) => {
				if (key.startsWith(prefix) && boxed !== null) out.push([key, boxed.v]);
			});
			ready = true;
			return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
		},
		setMany(entries) {
			if (entries.length === 0) return Promise.resolve();
			return writeAll(entries);
		}
	};
}

// What localforage's IndexedDB driver keeps once ready (not in its typings).
interface IdbInfo {
	db?: IDBDatabase;
	storeName?: string;
}

/** The IndexedDB database and store behind a ready localforage instance; null for other drivers. */
function databaseOf(store: LocalForage): { db: IDBDatabase; storeName: string } | null {
	if (store.driver() !== localforage.INDEXEDDB) return null;
	const info = (store as unknown as { _dbInfo?: IdbInfo })._dbInfo;
	if (!info?.db || typeof info.storeName !== 'string') return null;
	return { db: info.db, storeName: info.storeName };
}
