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
		async setMany(entries) {
			// One transaction per key (localforage has no batch API). Issued in order
			// and awaited in order, so a crash leaves a prefix of the entries written.
			for (const [key, value] of entries) {
				if (value === undefined) await store.removeItem(key);
				else await store.setItem(key, { v: value });
			}
		}
	};
}
