/**
 * Storage in memory: for tests and for a session that must not persist.
 * Values are deep-copied through JSON on the way in and out, as IndexedDB's
 * structured clone would, so a caller can never mutate stored state by accident.
 */
import type { Storage } from '../ports';

function copy<T>(value: T): T {
	return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** A fresh, empty in-memory Storage. */
export function createMemoryStorage(): Storage {
	const data = new Map<string, string>();
	return {
		async get<T>(key: string): Promise<T | undefined> {
			const raw = data.get(key);
			return raw === undefined ? undefined : (JSON.parse(raw) as T);
		},
		async set(key, value) {
			if (value === undefined) data.delete(key);
			else data.set(key, JSON.stringify(copy(value)));
		},
		async remove(key) {
			data.delete(key);
		},
		async keys(prefix) {
			return [...data.keys()].filter((k) => k.startsWith(prefix)).sort();
		},
		async entries(prefix) {
			return [...data.keys()]
				.filter((k) => k.startsWith(prefix))
				.sort()
				.map((k) => [k, JSON.parse(data.get(k) as string) as unknown] as [string, unknown]);
		},
		async setMany(entries) {
			for (const [key, value] of entries) {
				if (value === undefined) data.delete(key);
				else data.set(key, JSON.stringify(value));
			}
		}
	};
}
