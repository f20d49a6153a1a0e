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
	return {
		async get<T>(key: string): Promise<T | undefined> {
			const boxed = await store.getItem<Boxed<T>>(key);
			return boxed === null ? undefined : boxed.v;
		},
		async set(key, value) {
			if (value === undefined) await store.removeItem(key);
			else await store.setItem(key, { v: value });
		},
		async remove(key) {
			await store.removeItem(key);
		},
		async keys(prefix) {
			const all = await store.keys();
			return all.filter((k) => k.startsWith(prefix)).sort();
		},
		async entries(prefix) {
			// One cursor over the store (localforage's iterate), not a transaction per key.
			const out: [string, unknown][] = [];
			await store.iterate<Boxed<unknown>, void>((boxed, key) => {
				if (key.startsWith(prefix) && boxed !== null) out.push([key, boxed.v]);
			});
			return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
		},
		async setMany(entries) {
			if (entries.length === 0) return;
			// localforage has no batch API, and one IndexedDB transaction per key
			// costs a few ms each: thousands of records (a pull page, a push answer)
			// go in ONE readwrite transaction on localforage's own database and
			// store, in localforage's key and value format. All or nothing, which
			// is stronger than the port asks (any prefix).
			const db = await databaseOf(store);
			if (!db) {
				for (const [key, value] of entries) {
					if (value === undefined) await store.removeItem(key);
					else await store.setItem(key, { v: value });
				}
				return;
			}
			await new Promise<void>((resolve, reject) => {
				const tx = db.db.transaction(db.storeName, 'readwrite');
				const objects = tx.objectStore(db.storeName);
				for (const [key, value] of entries) {
					if (value === undefined) objects.delete(key);
					else objects.put({ v: value }, key);
				}
				// Resolves once committed (oncomplete), as localforage's setItem does.
				tx.oncomplete = () => resolve();
				tx.onerror = () => reject(tx.error ?? new Error('IndexedDB write failed'));
				tx.onabort = () => reject(tx.error ?? new Error('IndexedDB write aborted'));
			});
		}
	};
}

// What localforage's IndexedDB driver keeps once ready (not in its typings).
interface IdbInfo {
	db?: IDBDatabase;
	storeName?: string;
}

/** The IndexedDB database and store behind a localforage instance; null for other drivers. */
async function databaseOf(
	store: LocalForage
): Promise<{ db: IDBDatabase; storeName: string } | null> {
	await store.ready();
	if (store.driver() !== localforage.INDEXEDDB) return null;
	const info = (store as unknown as { _dbInfo?: IdbInfo })._dbInfo;
	if (!info?.db || typeof info.storeName !== 'string') return null;
	return { db: info.db, storeName: info.storeName };
}
