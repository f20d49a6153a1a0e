import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { jsonDepthWithin, utf8Length } from './json';
import { JSON_MAX_DEPTH } from './json-depth';
import { PUSH_MAX_DEPTH } from './types';
import type { Json } from './types';

/** The nesting depth of a parsed value: a scalar is 0, `[]` and `{}` are 1. */
function depthOf(value: Json): number {
	if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
	if (value !== null && typeof value === 'object')
		return 1 + Math.max(0, ...Object.values(value).map(depthOf));
	return 0;
}

// Strings full of the characters the scanner must not be fooled by.
const trickyString = fc.string({
	unit: fc.constantFrom('[', ']', '{', '}', '"', '\\', 'a', '€', '\u2028', '\n', '😀')
});
const arbJson: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
	value: fc.oneof(
		{ maxDepth: 8, depthIdentifier: 'json' },
		fc.oneof(trickyString, fc.integer(), fc.boolean(), fc.constant(null)),
		fc.array(tie('value'), { maxLength: 3 }),
		fc.dictionary(trickyString, tie('value'), { maxKeys: 3 })
	)
})).value;

describe('jsonDepthWithin', () => {
	it('agrees with the depth of the parsed value, for any JSON and any limit', () => {
		fc.assert(
			fc.property(arbJson, fc.integer({ min: 0, max: 10 }), fc.boolean(), (value, max, pretty) => {
				const text = pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value);
				expect(jsonDepthWithin(text, max)).toBe(depthOf(value) <= max);
			}),
			{ numRuns: 2000 }
		);
	});

	it('refuses brackets nested past the limit, and counts none inside strings', () => {
		expect(jsonDepthWithin('['.repeat(33) + ']'.repeat(33), 32)).toBe(false);
		expect(jsonDepthWithin('['.repeat(32) + ']'.repeat(32), 32)).toBe(true);
		expect(jsonDepthWithin(JSON.stringify({ a: '[[[[{{{{' }), 1)).toBe(true);
		expect(jsonDepthWithin(JSON.stringify({ a: 'x\\"[[[' }), 1)).toBe(true);
		// Malformed text that only opens brackets is refused all the same.
		expect(jsonDepthWithin('{"a":' + '['.repeat(400_000), 32)).toBe(false);
	});
});

describe('PUSH_MAX_DEPTH', () => {
	it('lets through a push whose values are as deep as a stored value may be, so its op says why', () => {
		let value: Json = 1;
		for (let i = 0; i < JSON_MAX_DEPTH + 1; i++) value = [value];
		const body = JSON.stringify({ device: 'd', ops: [{ fields: { values: value } }] });
		expect(jsonDepthWithin(body, PUSH_MAX_DEPTH)).toBe(true);
	});
});

describe('utf8Length', () => {
	it('is the length of the UTF-8 encoding, for any string', () => {
		fc.assert(
			fc.property(fc.string({ unit: 'grapheme' }), (text) => {
				expect(utf8Length(text)).toBe(new TextEncoder().encode(text).length);
			}),
			{ numRuns: 1000 }
		);
	});

	it('counts bytes, not UTF-16 units: € is 3 bytes, 😀 is 4, a lone surrogate 3', () => {
		expect(utf8Length('€'.repeat(400_000))).toBe(1_200_000);
		expect(utf8Length('😀')).toBe(4);
		expect(utf8Length('\ud800')).toBe(new TextEncoder().encode('\ud800').length);
		expect(utf8Length('\ud800x')).toBe(new TextEncoder().encode('\ud800x').length);
	});
});
