/**
 * The Storage port's contract, as one suite every implementation runs
 * (memory, IndexedDB via localforage). Call inside a test file.
 */
import { describe, expect, it } from 'vitest';
import type { Storage } from '../ports';

/** Runs the contract against fresh, empty storages made by `create`. */
export function describeStorageContract(
	name: string,
	create: () => Promise<Storage> | Storage
): void {
	describe(`Storage contract: ${name}`, () => {
		it('reads back what was written, and undefined for an absent key', async () => {
			const s = await create();
			expect(await s.get('nope')).toBeUndefined();
			await s.set('a', { x: 1, list: [1, 'two', null, true] });
			expect(await s.get('a')).toEqual({ x: 1, list: [1, 'two', null, true] });
		});

		it('stores null, numbers and strings as themselves', async () => {
			const s = await create();
			await s.set('null', null);
			await s.set('n', 0);
			await s.set('s', '');
			expect(await s.get('null')).toBeNull();
			expect(await s.get('n')).toBe(0);
			expect(await s.get('s')).toBe('');
		});

		it('overwrites a key and removes it; removing an absent key is fine', async () => {
			const s = await create();
			await s.set('k', 1);
			await s.set('k', 2);
			expect(await s.get('k')).toBe(2);
			await s.remove('k');
			await s.remove('k');
			expect(await s.get('k')).toBeUndefined();
		});

		it('returns copies: mutating a read or a written value does not change storage', async () => {
			const s = await create();
			const value = { nested: { n: 1 } };
			await s.set('k', value);
			value.nested.n = 2;
			const read = await s.get<{ nested: { n: number } }>('k');
			expect(read?.nested.n).toBe(1);
			if (read) read.nested.n = 3;
			expect((await s.get<{ nested: { n: number } }>('k'))?.nested.n).toBe(1);
		});

		it('lists keys by prefix in ascending order', async () => {
			const s = await create();
			await s.setMany([
				['outbox/0003', 3],
				['outbox/0001', 1],
				['replica/results/x', 'r'],
				['outbox/0002', 2],
				['outbo', 0]
			]);
			expect(await s.keys('outbox/')).toEqual(['outbox/0001', 'outbox/0002', 'outbox/0003']);
			expect(await s.keys('')).toHaveLength(5);
			expect(await s.keys('none/')).toEqual([]);
		});

		it('setMany writes in order and removes keys given undefined', async () => {
			const s = await create();
			await s.setMany([
				['a', 1],
				['b', 2],
				['a', 3]
			]);
			expect(await s.get('a')).toBe(3);
			await s.setMany([['b', undefined]]);
			expect(await s.get('b')).toBeUndefined();
			expect(await s.keys('')).toEqual(['a']);
		});

		it('lists entries by prefix in ascending key order, with their values (when it has entries)', async () => {
			const s = await create();
			if (!s.entries) return;
			await s.setMany([
				['replica/b', { n: 2 }],
				['replica/a', { n: 1 }],
				['outbox/1', 'x'],
				['replica/c', null]
			]);
			await s.setMany([['replica/b', undefined]]);
			expect(await s.entries('replica/')).toEqual([
				['replica/a', { n: 1 }],
				['replica/c', null]
			]);
			expect(await s.entries('none/')).toEqual([]);
		});

		it('writes a thousand entries in one setMany and reads each back', async () => {
			const s = await create();
			const many: [string, unknown][] = [];
			for (let i = 0; i < 1000; i++) many.push([`r/${String(i).padStart(4, '0')}`, { i }]);
			await s.setMany(many);
			expect(await s.keys('r/')).toHaveLength(1000);
			expect(await s.get('r/0999')).toEqual({ i: 999 });
		});

		it('sees every write that resolved before a read was issued', async () => {
			const s = await create();
			const writes: Promise<void>[] = [];
			for (let i = 0; i < 20; i++) writes.push(s.set(`k/${String(i).padStart(2, '0')}`, i));
			await Promise.all(writes);
			expect(await s.keys('k/')).toHaveLength(20);
			expect(await s.get('k/19')).toBe(19);
		});
	});
}
