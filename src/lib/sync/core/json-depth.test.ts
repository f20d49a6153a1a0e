import { describe, expect, it } from 'vitest';
import { JSON_MAX_DEPTH, jsonTooDeep } from './json-depth';

/** `[[[…1…]]]`, `depth` arrays deep (built without recursion). */
function nested(depth: number): unknown {
	let value: unknown = 1;
	for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { k: value };
	return value;
}

describe('jsonTooDeep', () => {
	it('counts each object and array as one level', () => {
		expect(jsonTooDeep(1, 0)).toBe(false);
		expect(jsonTooDeep(null, 0)).toBe(false);
		expect(jsonTooDeep({}, 0)).toBe(true);
		expect(jsonTooDeep({}, 1)).toBe(false);
		expect(jsonTooDeep({ values: { c1: 1 } }, 2)).toBe(false);
		expect(jsonTooDeep({ values: { c1: 1 } }, 1)).toBe(true);
		expect(jsonTooDeep([{ key: 'c1', max: 1 }], 2)).toBe(false);
		expect(jsonTooDeep([{ key: 'c1', tags: [] }], 2)).toBe(true);
	});

	it('allows exactly JSON_MAX_DEPTH levels and refuses one more', () => {
		expect(jsonTooDeep(nested(JSON_MAX_DEPTH))).toBe(false);
		expect(jsonTooDeep(nested(JSON_MAX_DEPTH + 1))).toBe(true);
	});

	it('refuses a value nested 100,000 deep without running out of stack', () => {
		expect(jsonTooDeep(nested(100_000))).toBe(true);
	});

	it('looks at every member, not only the first', () => {
		const deepLast = { a: 1, b: [1, 2, nested(JSON_MAX_DEPTH)] };
		expect(jsonTooDeep(deepLast)).toBe(true);
		expect(jsonTooDeep({ a: 1, b: [1, 2, nested(JSON_MAX_DEPTH - 2)] })).toBe(false);
	});
});
