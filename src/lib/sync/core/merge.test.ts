import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson } from './json';
import { mergeField, summarizeOutcomes, type FieldState, type MergeRule } from './merge';
import { formatStamp } from './stamp';
import type { Json } from './types';

const T = 1_767_225_600_000;
const st = (ms: number, counter = 0, device = 'a') => formatStamp(T + ms, counter, device);

// A small stamp space, so equal stamps (and equal values under different
// stamps) come up often.
const arbStamp = fc
	.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 1 }), fc.constantFrom('a', 'b'))
	.map(([m, c, d]) => st(m, c, d));

const arbScalar: fc.Arbitrary<Json> = fc.oneof(
	fc.constant(null),
	fc.integer({ min: 0, max: 3 }),
	fc.constantFrom('x', 'y'),
	fc.boolean()
);
const arbItem = fc
	.record(
		{ id: fc.constantFrom('i1', 'i2', 'i3'), v: fc.integer({ min: 0, max: 2 }), stamp: arbStamp },
		{ requiredKeys: ['id', 'v'] }
	)
	.map((x) => x as unknown as Json);
const arbValueFor = (rule: MergeRule): fc.Arbitrary<Json> =>
	rule === 'append' ? fc.array(arbItem, { maxLength: 4 }) : arbScalar;
const arbState = (rule: MergeRule): fc.Arbitrary<FieldState> =>
	fc.record({ value: arbValueFor(rule), stamp: arbStamp });

// The state part of a merge, as canonical text (outcome is advice, not state).
const join = (rule: MergeRule, a: FieldState, b: FieldState): FieldState => {
	const m = mergeField(rule, a, b);
	return { value: m.value, stamp: m.stamp as string };
};
const text = (s: FieldState) => canonicalJson(s as unknown as Json);

const JOIN_RULES: MergeRule[] = ['lww', 'min', 'max', 'append', 'immutable'];

describe.each(JOIN_RULES)('mergeField %s is a join', (rule) => {
	it('is commutative', () => {
		fc.assert(
			fc.property(
				arbState(rule),
				arbState(rule),
				(a, b) => text(join(rule, a, b)) === text(join(rule, b, a))
			)
		);
	});
	it('is associative', () => {
		fc.assert(
			fc.property(arbState(rule), arbState(rule), arbState(rule), (a, b, c) => {
				return text(join(rule, join(rule, a, b), c)) === text(join(rule, a, join(rule, b, c)));
			})
		);
	});
	it('is idempotent (merging a state into itself, or a write twice, changes nothing)', () => {
		fc.assert(
			fc.property(arbState(rule), arbState(rule), (a, b) => {
				const ab = join(rule, a, b);
				expect(text(join(rule, ab, ab))).toBe(text(ab));
				expect(text(join(rule, ab, b))).toBe(text(ab));
				const again = mergeField(rule, ab, ab);
				expect(again.outcome).toBe('unchanged');
			})
		);
	});
	it('treats a never-written field as the identity', () => {
		fc.assert(
			fc.property(arbState(rule), arbState(rule), (a, b) => {
				const first = mergeField(rule, undefined, a);
				expect(first.outcome).toBe('applied');
				const s = { value: first.value, stamp: first.stamp as string };
				expect(text(join(rule, s, b))).toBe(text(join(rule, b, s)));
			})
		);
	});
});

describe('mergeField server', () => {
	it('refuses every client write, so the state never moves whatever the order', () => {
		fc.assert(
			fc.property(
				fc.option(arbState('server'), { nil: undefined }),
				fc.array(arbState('server')),
				(start, writes) => {
					let cur = start;
					for (const w of writes) {
						const m = mergeField('server', cur, w);
						expect(m.outcome).toBe('refused');
						cur = m.stamp === null ? undefined : { value: m.value, stamp: m.stamp };
					}
					expect(cur).toEqual(start);
				}
			)
		);
	});
});

describe('mergeField outcomes', () => {
	it('lww: the larger stamp wins, an older write is superseded, a replay is unchanged', () => {
		const cur = { value: 1, stamp: st(1) };
		expect(mergeField('lww', cur, { value: 0, stamp: st(2) })).toEqual({
			value: 0,
			stamp: st(2),
			outcome: 'applied'
		});
		expect(mergeField('lww', cur, { value: 0, stamp: st(0) })).toEqual({
			value: 1,
			stamp: st(1),
			outcome: 'superseded'
		});
		expect(mergeField('lww', cur, { ...cur })).toEqual({ ...cur, outcome: 'unchanged' });
		// The device id breaks a tie on time and counter.
		expect(
			mergeField('lww', { value: 1, stamp: st(1, 0, 'a') }, { value: 2, stamp: st(1, 0, 'b') })
				.value
		).toBe(2);
	});

	it('min/max keep the smaller/larger number whatever the order; a number beats none', () => {
		expect(mergeField('min', { value: 9.5, stamp: st(2) }, { value: 9.8, stamp: st(3) })).toEqual({
			value: 9.5,
			stamp: st(2),
			outcome: 'superseded'
		});
		expect(mergeField('min', { value: 9.8, stamp: st(3) }, { value: 9.5, stamp: st(1) })).toEqual({
			value: 9.5,
			stamp: st(1),
			outcome: 'applied'
		});
		expect(mergeField('max', { value: 2, stamp: st(3) }, { value: 5, stamp: st(1) }).value).toBe(5);
		expect(mergeField('max', { value: 2, stamp: st(1) }, { value: null, stamp: st(3) }).value).toBe(
			2
		);
		// Equal values: the larger stamp is kept, so replicas agree on the stamp too.
		expect(mergeField('min', { value: 4, stamp: st(1) }, { value: 4, stamp: st(2) })).toEqual({
			value: 4,
			stamp: st(2),
			outcome: 'unchanged'
		});
	});

	it('append: unions items by id, sorted, first writer of an id wins', () => {
		const m = mergeField(
			'append',
			{ value: [{ id: 'b', v: 1 }], stamp: st(1) },
			{
				value: [
					{ id: 'a', v: 2 },
					{ id: 'b', v: 9 }
				],
				stamp: st(2)
			}
		);
		expect(m.value).toEqual([
			{ id: 'a', v: 2 },
			{ id: 'b', v: 1 }
		]);
		expect(m.stamp).toBe(st(2));
		expect(m.outcome).toBe('applied');
		const early = { id: 'b', v: 7, stamp: st(0) };
		expect(
			mergeField(
				'append',
				{ value: [{ id: 'b', v: 1, stamp: st(1) }], stamp: st(1) },
				{ value: [early], stamp: st(2) }
			).value
		).toEqual([early]);
		expect(
			mergeField(
				'append',
				{ value: [{ id: 'b', v: 1 }], stamp: st(1) },
				{ value: [{ id: 'b', v: 1 }], stamp: st(1) }
			).outcome
		).toBe('unchanged');
		expect(
			mergeField(
				'append',
				{ value: [{ id: 'b', v: 1, stamp: st(0) }], stamp: st(1) },
				{ value: [{ id: 'b', v: 2, stamp: st(1) }], stamp: st(2) }
			).outcome
		).toBe('superseded');
	});

	it('immutable: set once; a later different write is refused, the same value is unchanged', () => {
		const cur = { value: 'stu1', stamp: st(1) };
		expect(mergeField('immutable', undefined, cur).outcome).toBe('applied');
		expect(mergeField('immutable', cur, { value: 'stu2', stamp: st(2) })).toEqual({
			...cur,
			outcome: 'refused'
		});
		expect(mergeField('immutable', cur, { value: 'stu1', stamp: st(3) })).toEqual({
			...cur,
			outcome: 'unchanged'
		});
	});

	it('summarizeOutcomes: refused beats applied beats superseded beats unchanged', () => {
		expect(summarizeOutcomes({ a: 'applied', b: 'refused' })).toBe('refused');
		expect(summarizeOutcomes({ a: 'superseded', b: 'applied' })).toBe('applied');
		expect(summarizeOutcomes({ a: 'superseded', b: 'unchanged' })).toBe('superseded');
		expect(summarizeOutcomes({})).toBe('unchanged');
	});
});
