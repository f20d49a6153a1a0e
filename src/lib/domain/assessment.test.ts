import { describe, expect, it } from 'vitest';
import {
	componentMax,
	componentScale,
	parseAssessment,
	secondsBounds,
	COMPONENT_HINT_MAX_CHARS,
	DEFAULT_GRADE_SCALE,
	TIMED_MAX_SECONDS
} from './assessment';

describe('component hints', () => {
	const withHint = (hint: unknown) =>
		parseAssessment({
			id: 'c',
			name: 'Catch',
			kind: 'checklist',
			components: [
				{ key: 'c1', label: 'Eyes on the ball', hint },
				{ key: 'c2', label: 'Hands meet it' }
			]
		});

	it('keeps a hint, trimmed, on its component; a component without one has none', () => {
		const r = withHint('  Watches the ball into the hands. ');
		if (!r.ok) throw new Error(r.reason);
		expect(r.assessment.components).toEqual([
			{ key: 'c1', label: 'Eyes on the ball', hint: 'Watches the ball into the hands.' },
			{ key: 'c2', label: 'Hands meet it' }
		]);
		for (const none of [undefined, null, '', '   ']) {
			const n = withHint(none);
			expect(n.ok && n.assessment.components[0]).toEqual({ key: 'c1', label: 'Eyes on the ball' });
		}
	});

	it(`takes up to ${COMPONENT_HINT_MAX_CHARS} characters, counted as people count them`, () => {
		expect(withHint('é'.repeat(COMPONENT_HINT_MAX_CHARS)).ok).toBe(true);
		expect(withHint('👀'.repeat(COMPONENT_HINT_MAX_CHARS)).ok).toBe(true);
		expect(withHint('x'.repeat(COMPONENT_HINT_MAX_CHARS + 1))).toMatchObject({
			ok: false,
			code: 'bad_assessment',
			reason: expect.stringContaining(
				`the hint of “Eyes on the ball” has ${COMPONENT_HINT_MAX_CHARS + 1} characters; a hint takes at most ${COMPONENT_HINT_MAX_CHARS}.`
			)
		});
	});

	it('refuses a hint that is not text', () => {
		expect(withHint(42)).toMatchObject({
			ok: false,
			reason: expect.stringContaining('the hint of “Eyes on the ball” must be text')
		});
	});
});

describe('parseAssessment', () => {
	it('reads components and levels given as JSON text (as PocketBase hooks get them)', () => {
		const r = parseAssessment({
			id: 'a1',
			name: 'Runs',
			framework: 'ASTS',
			kind: 'items',
			components: JSON.stringify([{ key: 'run_1', label: 'Run 1', max: 4 }]),
			levels: JSON.stringify([{ min: 3, level: 'ok' }]),
			active: true
		});
		expect(r).toEqual({
			ok: true,
			assessment: {
				id: 'a1',
				name: 'Runs',
				framework: 'ASTS',
				kind: 'items',
				components: [{ key: 'run_1', label: 'Run 1', max: 4 }],
				levels: [{ min: 3, level: 'ok' }],
				active: true
			}
		});
	});

	it('reads timed thresholds as max seconds and grade scales from components', () => {
		const t = parseAssessment({
			id: 't',
			name: 'Sprint',
			kind: 'timed',
			components: [{ key: 'time', label: 'Time' }],
			levels: [{ max: 9, level: 'fast' }]
		});
		expect(t.ok && t.assessment.levels).toEqual([{ max: 9, level: 'fast' }]);
		const g = parseAssessment({
			id: 'g',
			name: 'Maths',
			kind: 'grade',
			components: [{ key: 'grade', label: 'Grade', scale: ['5', '4', '3', '2', '1'] }],
			levels: null
		});
		expect(g.ok && componentScale(g.assessment.components[0]!)).toEqual(['5', '4', '3', '2', '1']);
	});

	it('reads the office’s plausible times of a timed assessment; 0 or empty is no bound', () => {
		const base = {
			id: 't',
			name: 'Sprint',
			kind: 'timed',
			components: [{ key: 'time', label: 'Time' }],
			levels: []
		};
		const both = parseAssessment({ ...base, min_seconds: 4, max_seconds: 90 });
		expect(both.ok && both.assessment.seconds).toEqual({ min: 4, max: 90 });
		expect(both.ok && secondsBounds(both.assessment)).toEqual({ min: 4, max: 90 });
		const minOnly = parseAssessment({ ...base, min_seconds: 4, max_seconds: 0 });
		expect(minOnly.ok && minOnly.assessment.seconds).toEqual({ min: 4, max: TIMED_MAX_SECONDS });
		const none = parseAssessment({ ...base, min_seconds: 0, max_seconds: null });
		expect(none.ok && none.assessment.seconds).toBeUndefined();
		expect(none.ok && secondsBounds(none.assessment)).toEqual({ min: 0, max: TIMED_MAX_SECONDS });
		const crossed = parseAssessment({ ...base, min_seconds: 9, max_seconds: 5 });
		expect(crossed).toMatchObject({ ok: false, code: 'bad_assessment' });
		expect(!crossed.ok && crossed.reason).toContain('must be below its slowest');
		expect(parseAssessment({ ...base, min_seconds: -1 })).toMatchObject({ ok: false });
	});

	it('defaults: items max 1, grade scale A–E', () => {
		expect(componentMax({ key: 'k', label: 'K' })).toBe(1);
		expect(componentScale({ key: 'k', label: 'K' })).toEqual(DEFAULT_GRADE_SCALE);
	});

	it('refuses broken definitions with a reason naming the assessment', () => {
		const bad = [
			{ id: 'x', name: 'X', kind: 'essay', components: [{ key: 'a', label: 'A' }] },
			{ id: 'x', name: 'X', kind: 'checklist', components: [] },
			{
				id: 'x',
				name: 'X',
				kind: 'checklist',
				components: [
					{ key: 'a', label: 'A' },
					{ key: 'a', label: 'B' }
				]
			},
			{ id: 'x', name: 'X', kind: 'items', components: [{ key: 'a', label: 'A', max: 0 }] },
			{
				id: 'x',
				name: 'X',
				kind: 'grade',
				components: [{ key: 'a', label: 'A', scale: ['A', 'A'] }]
			},
			{
				id: 'x',
				name: 'X',
				kind: 'timed',
				components: [{ key: 'a', label: 'A' }],
				levels: [{ min: 3, level: 'x' }]
			},
			{ id: 'x', name: 'X', kind: 'checklist', components: '{not json' }
		];
		for (const raw of bad) {
			const r = parseAssessment(raw);
			expect(r.ok).toBe(false);
			if (!r.ok) {
				expect(r.code).toBe('bad_assessment');
				expect(r.reason).toContain('“X”');
			}
		}
	});
});
