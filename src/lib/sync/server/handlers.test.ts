/**
 * handlePull, handleStatus and applyExternalEdit in Node, through the memory
 * store (push has its own suites: push.test.ts, push.property.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { applyExternalEdit } from './external';
import { handlePull, handleStatus } from './pull';
import {
	A,
	C1,
	C2,
	COORD,
	createSchool,
	opMaker,
	resultOf,
	S1,
	S12,
	S2,
	T1,
	T2
} from './school.test-helpers';

const ids = (changes: { collection: string; record: { id: string } }[], collection: string) =>
	changes
		.filter((c) => c.collection === collection)
		.map((c) => c.record.id)
		.sort();

describe('handlePull through the memory store', () => {
	it("sends a teacher only her classes' records, a coordinator everything", () => {
		const school = createSchool();
		const r1 = resultOf(S1, C1);
		const r2 = resultOf(S2, C2);
		school.push(T1, 'dev_t1', [opMaker('dev_t1').op('results', r1.id, { ...r1.key, notes: 'a' })]);
		school.push(T2, 'dev_t2', [opMaker('dev_t2').op('results', r2.id, { ...r2.key, notes: 'b' })]);
		const t1 = school.pull(T1, 'dev_t1');
		expect(ids(t1, 'classes')).toEqual([C1]);
		expect(ids(t1, 'students')).toEqual([S1, S12].sort());
		expect(ids(t1, 'results')).toEqual([r1.id]);
		expect(ids(t1, 'assessments')).toContain(A);
		const coord = school.pull(COORD, 'dev_coord');
		expect(ids(coord, 'results')).toEqual([r1.id, r2.id].sort());
		expect(ids(coord, 'classes')).toEqual([C1, C2].sort());
	});

	it('pages by seq and ends at the current cursor', () => {
		const school = createSchool();
		const actor = { id: T1, role: 'teacher' as const };
		const first = handlePull({ device: 'dev_t1', since: '0', limit: '2' }, actor, school.store);
		expect(first.body).toMatchObject({ more: true });
		const changes = first.body['changes'] as { record: { seq: number } }[];
		expect(changes.map((c) => c.record.seq)).toEqual([1, 3]);
		const rest = handlePull(
			{ device: 'dev_t1', since: String(first.body['cursor']), limit: '100' },
			actor,
			school.store
		);
		expect(rest.body).toMatchObject({ more: false, cursor: school.store.currentSeq() });
	});

	it('says the scope changed when the teacher is given another class', () => {
		const school = createSchool();
		const actor = { id: T1, role: 'teacher' as const };
		const full = handlePull({ device: 'dev_t1', since: '0' }, actor, school.store);
		const cls = school.store.getRecord('classes', C2)!;
		school.store.putRecord('classes', { ...cls, teachers: [T2, T1], seq: school.store.nextSeq() });
		const next = handlePull(
			{ device: 'dev_t1', since: String(full.body['cursor']) },
			actor,
			school.store
		);
		expect(next.body).toMatchObject({ scopeChanged: true, changes: [] });
	});

	it("refuses another teacher's device and a deactivated one", () => {
		const school = createSchool();
		school.pull(T1, 'dev_t1');
		expect(handlePull({ device: 'dev_t1' }, { id: T2, role: 'teacher' }, school.store).status).toBe(
			403
		);
		school.store.setDeviceActive('dev_t1', false);
		expect(
			handleStatus({ device: 'dev_t1' }, { id: T1, role: 'teacher' }, school.store).status
		).toBe(403);
	});
});

describe('applyExternalEdit through the memory store', () => {
	it('stamps only the changed fields with the server clock, derives the total, and orders after pushed stamps', () => {
		const school = createSchool();
		const r = resultOf(S1, C1);
		school.push(T1, 'dev_t1', [opMaker('dev_t1').op('results', r.id, { ...r.key, 'values.a': 2 })]);
		const before = school.store.getRecord('results', r.id)!;
		const edit = applyExternalEdit(
			{
				collection: 'results',
				loaded: before,
				requested: { ...before, values: { a: 2, b: 5 } },
				current: before
			},
			school.store,
			{ user: '', device: 'admin-ui' }
		);
		if (!edit.ok || !edit.audit) throw new Error('the office edit was refused');
		expect(Object.keys(edit.audit.changes)).toContain('values.b');
		expect(Object.keys(edit.audit.changes)).not.toContain('values.a');
		expect(edit.record['total']).toBe(7);
		expect(edit.record.stamps['values.a']).toBe(before.stamps['values.a']);
		expect(edit.record.stamps['values.b']! > before.stamps['values.a']!).toBe(true);
		expect(edit.record.seq).toBe(school.store.currentSeq());
	});
});

describe('memory store restore', () => {
	it('puts back a snapshot and changes the epoch', () => {
		const school = createSchool();
		const epoch = school.store.epoch();
		const snap = school.store.snapshot();
		const r = resultOf(S1, C1);
		school.push(T1, 'dev_t1', [
			opMaker('dev_t1').op('results', r.id, { ...r.key, notes: 'later' })
		]);
		expect(school.store.getRecord('results', r.id)).not.toBeNull();
		school.store.restore(snap);
		expect(school.store.getRecord('results', r.id)).toBeNull();
		expect(school.store.currentSeq()).toBe(snap.seq);
		expect(school.store.epoch()).not.toBe(epoch);
	});
});
