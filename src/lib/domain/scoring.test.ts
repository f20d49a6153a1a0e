import { describe, expect, it } from 'vitest';
import { ENGLISH, HOP, RUNS, SPRINT } from './fixtures.test-helpers';
import { deriveResult, levelLabel, LEVEL_LABELS } from './scoring';

describe('deriveResult: checklist', () => {
	it('mastery when every component is demonstrated', () => {
		expect(deriveResult(HOP, { c1: 1, c2: 1, c3: 1, c4: 1 }, [])).toEqual({
			total: 4,
			level: 'mastery',
			best_time: null
		});
	});
	it('near mastery when all but one are demonstrated (not yet or not observed)', () => {
		expect(deriveResult(HOP, { c1: 1, c2: 1, c3: 1, c4: 0 }, []).level).toBe('near_mastery');
		expect(deriveResult(HOP, { c1: 1, c2: 1, c3: 1 }, [])).toEqual({
			total: 3,
			level: 'near_mastery',
			best_time: null
		});
	});
	it('developing when something is observed, nothing while nothing is', () => {
		expect(deriveResult(HOP, { c1: 0, c2: 1 }, [])).toEqual({
			total: 1,
			level: 'developing',
			best_time: null
		});
		expect(deriveResult(HOP, { c1: 0 }, [])).toEqual({
			total: 0,
			level: 'developing',
			best_time: null
		});
		expect(deriveResult(HOP, {}, [])).toEqual({ total: null, level: null, best_time: null });
		expect(deriveResult(HOP, undefined, [])).toEqual({ total: null, level: null, best_time: null });
	});
	it('ignores components the assessment does not have', () => {
		expect(deriveResult(HOP, { c1: 1, c2: 1, c3: 1, c4: 1, old: 0 }, []).level).toBe('mastery');
		expect(deriveResult(HOP, { old: 1 }, []).level).toBeNull();
	});
	it('a one-component checklist is never "near mastery"', () => {
		const one = { ...HOP, components: [{ key: 'c1', label: 'x' }] };
		expect(deriveResult(one, { c1: 0 }, []).level).toBe('developing');
	});
});

describe('deriveResult: items', () => {
	it('sums points and picks the highest threshold reached', () => {
		expect(deriveResult(RUNS, { run_1: 4, run_2: 3, run_3: 3 }, [])).toEqual({
			total: 10,
			level: 'established',
			best_time: null
		});
		expect(deriveResult(RUNS, { run_1: 4, run_2: 1 }, [])).toEqual({
			total: 5,
			level: 'consolidating',
			best_time: null
		});
		expect(deriveResult(RUNS, { run_1: 0 }, [])).toEqual({
			total: 0,
			level: 'beginning',
			best_time: null
		});
		expect(deriveResult(RUNS, {}, []).total).toBeNull();
	});
	it('no level when no threshold is reached', () => {
		expect(
			deriveResult({ ...RUNS, levels: [{ min: 3, level: 'ok' }] }, { run_1: 2 }, []).level
		).toBeNull();
	});
});

describe('deriveResult: timed', () => {
	it('best time is the fastest attempt or typed time; level by max seconds (lower is better)', () => {
		expect(deriveResult(SPRINT, {}, [9.9, 8.4, 12])).toEqual({
			total: null,
			level: 'fast',
			best_time: 8.4
		});
		expect(deriveResult(SPRINT, { time: 9.1 }, [9.9])).toEqual({
			total: null,
			level: 'typical',
			best_time: 9.1
		});
		expect(deriveResult(SPRINT, {}, [10.01]).level).toBe('developing');
		expect(deriveResult(SPRINT, {}, [10]).level).toBe('typical');
	});
	it('ignores impossible times; nothing when there are none', () => {
		expect(deriveResult(SPRINT, {}, [0, -3, NaN, 4000])).toEqual({
			total: null,
			level: null,
			best_time: null
		});
	});
});

describe('deriveResult: grade', () => {
	it('level is the grade; total stays null', () => {
		expect(deriveResult(ENGLISH, { grade: 'B' }, [])).toEqual({
			total: null,
			level: 'B',
			best_time: null
		});
		expect(deriveResult(ENGLISH, { grade: 'Z' }, []).level).toBeNull();
		expect(deriveResult(ENGLISH, {}, []).level).toBeNull();
	});
});

describe('levelLabel', () => {
	it('names the fixed levels and shows other levels as they are', () => {
		expect(levelLabel('near_mastery')).toBe('Near mastery');
		expect(LEVEL_LABELS['mastery']).toBe('Mastery');
		expect(levelLabel('B')).toBe('B');
		expect(levelLabel(null)).toBe('');
		expect(levelLabel('toString')).toBe('toString');
	});
});
