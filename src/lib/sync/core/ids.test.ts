import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
	isRecordId,
	randomRecordId,
	resultId,
	resultIdOfKey,
	resultIdV1,
	resultKey,
	sha256Hex,
	utf8Bytes
} from './ids';

// node:crypto is the reference here only; the module itself must stay pure JS.
const nodeSha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

describe('resultId', () => {
	it('is the first 15 hex digits of SHA-256 of student|class|assessment|period (wire v2)', () => {
		const key = 'stu000000000001|cls000000000001|ass000000000001|per000000000001';
		const expected = nodeSha(key).slice(0, 15);
		expect(
			resultId('stu000000000001', 'cls000000000001', 'ass000000000001', 'per000000000001')
		).toBe(expected);
		expect(
			resultKey('stu000000000001', 'cls000000000001', 'ass000000000001', 'per000000000001')
		).toBe(key);
		expect(isRecordId(expected)).toBe(true);
	});

	it('matches a fixed vector (guards against a changed hash or separator)', () => {
		// sha256("a|b|c|d") starts b54856b7a870595 (computed once with node:crypto).
		expect(nodeSha('a|b|c|d').slice(0, 15)).toBe(resultId('a', 'b', 'c', 'd'));
		expect(resultId('a', 'b', 'c', 'd')).toBe('b54856b7a870595');
	});

	it('gives each class its own result for one student, assessment and period', () => {
		expect(resultId('s', 'class_a', 'x', 'p')).not.toBe(resultId('s', 'class_b', 'x', 'p'));
	});

	it('keeps the version-1 id (student|assessment|period) for migrating old records', () => {
		expect(resultIdV1('a', 'b', 'c')).toBe('a52dd81bfd5e4e6');
	});

	it('takes a native hash that agrees with the JS one', () => {
		const key = resultKey('s', 'c', 'a', 'p');
		expect(resultIdOfKey(key, nodeSha)).toBe(resultId('s', 'c', 'a', 'p'));
	});

	it('agrees with node:crypto for any text, including non-ASCII', () => {
		fc.assert(
			fc.property(
				fc.string({ unit: 'binary', maxLength: 40 }),
				fc.string({ maxLength: 10 }),
				fc.string({ maxLength: 10 }),
				fc.string({ maxLength: 10 }),
				(s, c, a, p) => {
					expect(resultId(s, c, a, p)).toBe(nodeSha(`${s}|${c}|${a}|${p}`).slice(0, 15));
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
