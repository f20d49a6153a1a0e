import { describe, expect, it } from 'vitest';
import { getPath, isValidPath, setPath, splitPath } from './paths';
import type { WireRecord } from './types';

const rec: WireRecord = {
	id: 'r',
	stamps: {},
	seq: 1,
	deleted: false,
	notes: 'hi',
	values: { run_1: 1, run_2: 0 }
};

describe('isValidPath', () => {
	it('accepts top-level and one-level nested paths', () => {
		for (const p of ['notes', 'values.run_3', 'best_time', 'values.A-1'])
			expect(isValidPath(p)).toBe(true);
	});
	it('refuses deeper, empty, odd or prototype paths', () => {
		for (const p of [
			'',
			'values.',
			'.x',
			'a.b.c',
			'Notes',
			'values.__proto__',
			'__proto__',
			'constructor',
			'values.a b',
			3
		]) {
			expect(isValidPath(p)).toBe(false);
		}
		expect(splitPath('values.run_3')).toEqual({ field: 'values', component: 'run_3' });
	});
});

describe('getPath', () => {
	it('reads top-level and nested values; absent is undefined', () => {
		expect(getPath(rec, 'notes')).toBe('hi');
		expect(getPath(rec, 'values.run_2')).toBe(0);
		expect(getPath(rec, 'values.run_9')).toBeUndefined();
		expect(getPath(rec, 'missing.x')).toBeUndefined();
		expect(getPath(rec, 'notes.x')).toBeUndefined();
		expect(getPath(rec, 'values.toString')).toBeUndefined();
	});
});

describe('setPath', () => {
	it('returns a new record and leaves the input untouched', () => {
		const before = JSON.stringify(rec);
		const next = setPath(rec, 'values.run_3', 1);
		expect(next).not.toBe(rec);
		expect(next['values']).toEqual({ run_1: 1, run_2: 0, run_3: 1 });
		expect(JSON.stringify(rec)).toBe(before);
	});
	it('null removes a component ("not observed")', () => {
		const next = setPath(rec, 'values.run_1', null);
		expect(next['values']).toEqual({ run_2: 0 });
		expect('run_1' in (next['values'] as object)).toBe(false);
	});
	it('stores null at the top level, creates a missing parent, refuses bad paths', () => {
		expect(setPath(rec, 'notes', null)['notes']).toBeNull();
		expect(setPath({ id: 'x' }, 'values.a', 1)).toEqual({ id: 'x', values: { a: 1 } });
		expect(() => setPath(rec, 'a.b.c', 1)).toThrow(RangeError);
	});
});
