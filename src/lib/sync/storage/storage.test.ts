import 'fake-indexeddb/auto';
import localforage from 'localforage';
import { describe, expect, it } from 'vitest';
import { createLocalforageStorage } from './localforage';
import { createMemoryStorage } from './memory';
import { describeStorageContract } from './storage-contract';

let n = 0;

describeStorageContract('memory', () => createMemoryStorage());
describeStorageContract('localforage (IndexedDB)', () =>
	createLocalforageStorage({ name: `contract-${n++}`, driver: localforage.INDEXEDDB })
);

describe('localforage storage', () => {
	it('keeps two users on one device apart', async () => {
		const a = createLocalforageStorage({ name: 'markbook-user-a' });
		const b = createLocalforageStorage({ name: 'markbook-user-b' });
		await a.set('outbox/1', 'a');
		expect(await b.get('outbox/1')).toBeUndefined();
		expect(await b.keys('')).toEqual([]);
	});

	it('outlives the instance that wrote it (a reload)', async () => {
		await createLocalforageStorage({ name: 'markbook-reload' }).set('meta/cursor', 42);
		expect(await createLocalforageStorage({ name: 'markbook-reload' }).get('meta/cursor')).toBe(42);
	});
});
