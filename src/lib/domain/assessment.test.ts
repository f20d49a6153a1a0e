import { describe, expect, it } from 'vitest';
import { componentMax, componentScale, parseAssessment, DEFAULT_GRADE_SCALE } from './assessment';

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
