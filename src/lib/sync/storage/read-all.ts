import type { Storage } from '../ports';

/** Every entry under `prefix`, by key: in one pass when the storage can, else key by key. */
export async function readAll<T>(
	storage: Storage,
	prefix: string
): Promise<[string, T | undefined][]> {
	if (storage.entries) return (await storage.entries(prefix)) as [string, T][];
	const out: [string, T | undefined][] = [];
	for (const key of await storage.keys(prefix)) out.push([key, await storage.get<T>(key)]);
	return out;
}
