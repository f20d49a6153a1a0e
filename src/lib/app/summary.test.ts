import { describe, expect, it } from 'vitest';
import { HOP, SPRINT } from '$lib/domain/fixtures.test-helpers';
import { resultId } from '$lib/sync/core/ids';
import type { Json, SyncedCollection, WireRecord } from '$lib/sync/core/types';
import type { Reader } from './data';
import { classSummary } from './summary';

const CLASS = 'cls000000000001';
const PERIOD = 'per000000000001';

function wire(id: string, fields: Record<string, Json>): WireRecord {
	return { id, stamps: {}, seq: 1, deleted: false, ...fields } as WireRecord;
}

function reader(records: Partial<Record<SyncedCollection, WireRecord[]>>): Reader {
	return {
		get: (c, id) => records[c]?.find((r) => r.id === id),
		list: (c, p) => (records[c] ?? []).filter((r) => (p ? p(r) : true))
	};
}

const student = (n: number, family: string) =>
	wire(`stu00000000000${n}`, {
		given_name: `Kid${n}`,
		family_name: family,
		student_number: `S${n}`,
		classes: [CLASS]
	});
const result = (s: string, values: Record<string, Json>, period = PERIOD, status: Json = null) =>
	wire(resultId(s, CLASS, HOP.id, period), {
		student: s,
		class: CLASS,
		assessment: HOP.id,
		period,
		values,
		status
	});

describe('classSummary', () => {
	it('counts each child of the class once per skill, by the domain’s level, in class order', () => {
		const kids = [student(1, 'Avery'), student(2, 'Brown'), student(3, 'Chen'), student(4, 'Diaz')];
		const db = reader({
			students: [
				...kids,
				wire('stu000000000009', { given_name: 'Other', family_name: 'X', classes: ['elsewhere'] })
			],
			results: [
				result('stu000000000001', { c1: 1, c2: 1, c3: 1, c4: 1 }), // mastery
				result('stu000000000002', { c1: 1, c2: 1, c3: 1, c4: 0 }), // near mastery
				result('stu000000000003', { c1: 0 }), // developing
				// Another period's result does not count for this one.
				result('stu000000000004', { c1: 1, c2: 1, c3: 1, c4: 1 }, 'per000000000002')
			]
		});
		const [hop, ...rest] = classSummary(db, CLASS, PERIOD, [HOP, SPRINT]);
		expect(rest).toEqual([]); // only checklists (movement skills)
		const names = (k: keyof NonNullable<typeof hop>['children']) =>
			hop!.children[k].map((s) => s.familyName);
		expect(names('mastery')).toEqual(['Avery']);
		expect(names('near_mastery')).toEqual(['Brown']);
		expect(names('developing')).toEqual(['Chen']);
		expect(names('not_observed')).toEqual(['Diaz']);
	});

	it('counts a child who was away with nothing entered as away, not as not observed', () => {
		const kids = [1, 2, 3, 4, 5].map((n) => student(n, `F${n}`));
		const on = '2026-03-02';
		const db = reader({
			students: kids,
			results: [
				result('stu000000000001', {}, PERIOD, { kind: 'absent', on }),
				result('stu000000000002', {}, PERIOD, { kind: 'injured', on }),
				result('stu000000000003', {}, PERIOD, { kind: 'excused', on }),
				// Marks entered count by their level, whatever the status says.
				result('stu000000000004', { c1: 1, c2: 1, c3: 1, c4: 1 }, PERIOD, { kind: 'absent', on }),
				// A malformed status is no status.
				result('stu000000000005', {}, PERIOD, { kind: 'gone', on })
			]
		});
		const hop = classSummary(db, CLASS, PERIOD, [HOP])[0]!;
		const names = (k: keyof typeof hop.children) => hop.children[k].map((s) => s.familyName);
		expect(names('absent')).toEqual(['F1']);
		expect(names('injured')).toEqual(['F2']);
		expect(names('excused')).toEqual(['F3']);
		expect(names('mastery')).toEqual(['F4']);
		expect(names('not_observed')).toEqual(['F5']);
	});
});
