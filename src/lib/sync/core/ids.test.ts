import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isRecordId, randomRecordId, resultId, sha256Hex, utf8Bytes } from './ids';

// node:crypto is the reference here only; the module itself must stay pure JS.
const nodeSha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

describe('resultId', () => {
	it('is the first 15 hex digits of SHA-256 of student|assessment|period', () => {
		const expected = nodeSha('stu000000000001|ass000000000001|per000000000001').slice(0, 15);
		expect(resultId('stu000000000001', 'ass000000000001', 'per000000000001')).toBe(expected);
		expect(isRecordId(expected)).toBe(true);
	});

	it('matches a fixed vector (guards against a changed hash or separator)', () => {
		// sha256("a|b|c") starts a52dd81bfd5e4e6 (computed once with node:crypto).
		expect(nodeSha('a|b|c').slice(0, 15)).toBe(resultId('a', 'b', 'c'));
		expect(resultId('a', 'b', 'c')).toBe('a52dd81bfd5e4e6');
	});

	it('agrees with node:crypto for any text, including non-ASCII', () => {
		fc.assert(
			fc.property(
				fc.string({ unit: 'binary', maxLength: 40 }),
				fc.string({ maxLength: 10 }),
				fc.string({ maxLength: 10 }),
				(s, a, p) => {
					expect(resultId(s, a, p)).toBe(nodeSha(`${s}|${a}|${p}`).slice(0, 15));
				}
			)
		);
	});
});

describe('utf8Bytes', () => {
	it('encodes like Node, lone surrogates as U+FFFD', () => {
		fc.assert(
			fc.property(
				fc.string({ unit: 'binary', maxLength: 30 }),
				fc.string({
					unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
					maxLength: 3
				}),
				(s, lone) => {
					const text = s + lone + s;
					expect(Array.from(utf8Bytes(text))).toEqual(Array.from(Buffer.from(text, 'utf8')));
				}
			)
		);
		expect(sha256Hex('')).toBe(nodeSha(''));
	});
});

describe('randomRecordId', () => {
	it('makes PocketBase-shaped ids from the given random source', () => {
		let x = 0;
		const id = randomRecordId(() => ((x = (x + 0.37) % 1), x));
		expect(isRecordId(id)).toBe(true);
		expect(randomRecordId(() => 0)).toBe('aaaaaaaaaaaaaaa');
		expect(randomRecordId(() => 0.999999)).toBe('999999999999999');
	});
});
