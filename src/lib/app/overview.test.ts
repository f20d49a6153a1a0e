import { describe, expect, test } from 'vitest';
import type { SyncedCollection, WireRecord } from '$lib/sync/core/types';
import { componentEdit, type Reader } from './data';
import { completion, skillSpread } from './overview';
import { statusEdit } from './status';

const rec = (id: string, fields: Record<string, unknown>): WireRecord =>
	({ id, stamps: {}, seq: 1, deleted: false, ...fields }) as WireRecord;

/** A school of two classes: 3W (3 children) and 4K (1 child), one checklist skill of 2 components. */
function school(): Reader {
	const db = new Map<SyncedCollection, WireRecord[]>([
		[
			'classes',
			[
				rec('c3', { name: '3 Wattle', year_level: 3, teachers: [] }),
				rec('c4', { name: '4 Kurrajong', year_level: 4, teachers: [] })
			]
		],
		[
			'students',
			[
				rec('s1', { given_name: 'Al', family_name: 'Ng', classes: ['c3'] }),
				rec('s2', { given_name: 'Bo', family_name: 'Ng', classes: ['c3'] }),
				rec('s3', { given_name: 'Cy', family_name: 'Ng', classes: ['c3'] }),
				rec('s4', { given_name: 'Di', family_name: 'Ng', classes: ['c4'] })
			]
		],
		[
			'assessments',
			[
				rec('catch', {
					name: 'Catch',
					framework: 'Vic FMS',
					kind: 'checklist',
					active: true,
					components: [
						{ key: 'c1', label: 'Eyes on ball' },
						{ key: 'c2', label: 'Hands ready' }
					],
					levels: []
				})
			]
		],
		['results', []]
	]);
	const set = (student: string, cls: string, values: Record<string, number>) => {
		const key = { student, class: cls, assessment: 'catch', period: 't1' };
		const { id } = componentEdit(key, 'c1', 0);
		db.get('results')?.push(rec(id, { ...key, values }));
	};
	set('s1', 'c3', { c1: 1, c2: 1 }); // mastery
	set('s2', 'c3', { c1: 1, c2: 0 }); // near mastery
	set('s4', 'c4', { c1: 0, c2: 0 }); // developing
	return readerOf(db);
}

function readerOf(db: Map<SyncedCollection, WireRecord[]>): Reader {
	return {
		get: (c, id) => db.get(c)?.find((r) => r.id === id),
		list: (c, p) => (db.get(c) ?? []).filter((r) => !p || p(r))
	};
}

describe('the coordinator’s overview', () => {
	test('completion counts children with anything recorded, per class', () => {
		const rows = completion(school(), 't1');
		expect(
			rows.map((r) => [r.class.name, r.cells.map((c) => [c.assessment.name, c.recorded, c.size])])
		).toEqual([
			['3 Wattle', [['Catch', 2, 3]]],
			['4 Kurrajong', [['Catch', 1, 1]]]
		]);
		expect(rows[0]?.cells[0]?.away).toBe(0);
		expect(completion(school(), 't2')[0]?.cells[0]?.recorded).toBe(0);
	});

	test('the spread of a skill, and the children behind on it', () => {
		const [catchSkill] = skillSpread(school(), 't1');
		expect(
			catchSkill?.classes.map((c) => [
				c.class.name,
				c.mastery,
				c.nearMastery,
				c.developing,
				c.notObserved,
				c.behind.map((s) => s.givenName)
			])
		).toEqual([
			['3 Wattle', 1, 1, 0, 1, ['Bo']],
			['4 Kurrajong', 0, 0, 1, 0, ['Di']]
		]);
	});

	test('a child away on the day with nothing entered is away, not missing or not observed', () => {
		const db = school();
		const key = { student: 's3', class: 'c3', assessment: 'catch', period: 't1' };
		const { id, fields } = statusEdit(key, { kind: 'injured', on: '2026-03-02' });
		const list = db.list('results');
		const withAway: Reader = {
			get: (c, rid) => (c === 'results' && rid === id ? rec(id, fields) : db.get(c, rid)),
			list: (c, p) =>
				c === 'results' ? [...list, rec(id, fields)].filter((r) => !p || p(r)) : db.list(c, p)
		};
		const cell = completion(withAway, 't1')[0]?.cells[0];
		expect([cell?.recorded, cell?.away, cell?.size]).toEqual([2, 1, 3]);
		const wattle = skillSpread(withAway, 't1')[0]?.classes[0];
		expect([wattle?.injured, wattle?.absent, wattle?.excused, wattle?.notObserved]).toEqual([
			1, 0, 0, 0
		]);
	});
});
