import { describe, expect, test } from 'vitest';
import type { SyncedCollection, WireRecord } from '$lib/sync/core/types';
import { componentEdit, periods, type Reader } from './data';
import { NOT_OBSERVED, progressOf, yearPeriods } from './progress';
import { statusEdit } from './status';

const rec = (id: string, fields: Record<string, unknown>): WireRecord =>
	({ id, stamps: {}, seq: 1, deleted: false, ...fields }) as WireRecord;

const checklist = (id: string, name: string) =>
	rec(id, {
		name,
		framework: 'Vic FMS',
		kind: 'checklist',
		active: true,
		components: [
			{ key: 'c1', label: 'One' },
			{ key: 'c2', label: 'Two' },
			{ key: 'c3', label: 'Three' }
		],
		levels: []
	});

/** Two checklist skills and one timed run; four terms of 2026 (listed out of order) and one of 2027. */
function school(): Reader {
	const db = new Map<SyncedCollection, WireRecord[]>([
		[
			'periods',
			[
				rec('t3', { name: 'Term 3 2026', starts: '2026-07-13 00:00:00.000Z', ends: '' }),
				rec('t1', { name: 'Term 1 2026', starts: '2026-01-27 00:00:00.000Z', ends: '' }),
				rec('t4', { name: 'Term 4 2026', starts: '2026-10-05 00:00:00.000Z', ends: '' }),
				rec('t2', { name: 'Term 2 2026', starts: '2026-04-20 00:00:00.000Z', ends: '' }),
				rec('n1', { name: 'Term 1 2027', starts: '2027-01-28 00:00:00.000Z', ends: '' })
			]
		],
		[
			'assessments',
			[
				checklist('catch', 'Catch'),
				checklist('kick', 'Kick'),
				rec('run', {
					name: 'Run',
					framework: 'Fitness',
					kind: 'timed',
					active: true,
					components: [],
					levels: [{ level: 'fast', max: 10 }]
				})
			]
		],
		['results', []]
	]);
	const set = (
		student: string,
		cls: string,
		assessment: string,
		period: string,
		values: Record<string, number>
	) => {
		const key = { student, class: cls, assessment, period };
		const { id } = componentEdit(key, 'c1', 0);
		db.get('results')?.push(rec(id, { ...key, values }));
	};
	set('s1', 'c3', 'catch', 't1', { c1: 1, c2: 0, c3: 0 }); // developing
	set('s1', 'c3', 'catch', 't3', { c1: 1, c2: 1, c3: 1 }); // mastery
	set('s1', 'c3', 'kick', 't2', { c1: 1, c2: 1, c3: 0 }); // near mastery
	set('s1', 'c4', 'kick', 't4', { c1: 1, c2: 1, c3: 1 }); // another class: not this report
	set('s2', 'c3', 'kick', 't4', { c1: 1, c2: 1, c3: 1 }); // another child
	// Away: absent for Kick in Term 1 with nothing entered; injured for Catch in
	// Term 3, where marks were entered anyway (the level shows).
	const away = (assessment: string, period: string, kind: string) => {
		const key = { student: 's1', class: 'c3', assessment, period };
		const { id, fields } = statusEdit(key, { kind: kind as 'absent', on: '2026-03-02' });
		const results = db.get('results') ?? [];
		const i = results.findIndex((r) => r.id === id);
		if (i >= 0) results[i] = { ...(results[i] as WireRecord), status: fields['status'] };
		else results.push(rec(id, fields));
	};
	away('kick', 't1', 'absent');
	away('catch', 't3', 'injured');
	return {
		get: (c, id) => db.get(c)?.find((r) => r.id === id),
		list: (c, p) => (db.get(c) ?? []).filter((r) => !p || p(r))
	};
}

describe('a child’s progress across terms', () => {
	test('each checklist skill’s level per term of the year, in calendar order', () => {
		const db = school();
		const term2 = periods(db).find((p) => p.id === 't2') ?? null;
		const p = progressOf(db, 's1', 'c3', term2);
		expect(p.periods.map((x) => x.name)).toEqual([
			'Term 1 2026',
			'Term 2 2026',
			'Term 3 2026',
			'Term 4 2026'
		]);
		expect(p.skills.map((s) => [s.assessment.name, s.cells.map((c) => c.label)])).toEqual([
			['Catch', ['Developing', NOT_OBSERVED, 'Mastery', NOT_OBSERVED]],
			['Kick', ['Absent', 'Near mastery', NOT_OBSERVED, NOT_OBSERVED]]
		]);
		expect(p.skills[1]?.cells.map((c) => c.away)).toEqual(['absent', null, null, null]);
		expect(p.skills[0]?.cells[2]?.away).toBeNull();
		expect(p.skills[0]?.cells.map((c) => c.mastery)).toEqual([false, false, true, false]);
		expect(p.skills[0]?.cells[1]?.level).toBeNull();
	});

	test('another year’s terms are left out; without a period every term is shown', () => {
		const db = school();
		const next = periods(db).find((p) => p.id === 'n1') ?? null;
		expect(progressOf(db, 's1', 'c3', next).periods.map((x) => x.id)).toEqual(['n1']);
		expect(progressOf(db, 's1', 'c3').periods.map((x) => x.id)).toEqual([
			't1',
			't2',
			't3',
			't4',
			'n1'
		]);
	});

	test('a period without a start date is kept in every year', () => {
		const list = [
			{ id: 'a', name: 'A', starts: Date.UTC(2026, 1, 1), ends: null },
			{ id: 'x', name: 'X', starts: null, ends: null },
			{ id: 'b', name: 'B', starts: Date.UTC(2027, 1, 1), ends: null }
		];
		expect(yearPeriods(list, list[0] ?? null).map((p) => p.id)).toEqual(['a', 'x']);
		expect(yearPeriods(list, list[1] ?? null).map((p) => p.id)).toEqual(['a', 'x', 'b']);
	});
});
