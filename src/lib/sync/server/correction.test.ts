/**
 * The office's correction of a result (applyCorrection, parseCorrection) over
 * the memory store, with a teacher's push between the office reading the
 * result and its save: only the office's components are merged, and one
 * changed since it was read is refused.
 */
import { describe, expect, it } from 'vitest';
import { applyCorrection, correctionResultId, parseCorrection } from './correction';
import { C1, S1, T1, createSchool, opMaker, resultOf } from './school.test-helpers';

const OFFICE = { user: '', device: 'admin-ui:office@school.test' };

function setUp() {
	const school = createSchool();
	const r = resultOf(S1, C1);
	const ops = opMaker('dev_t1');
	const teacher = (fields: Record<string, number>) => {
		const res = school.push(T1, 'dev_t1', [
			ops.op('results', r.id, {
				...r.key,
				...Object.fromEntries(Object.entries(fields).map(([k, v]) => [`values.${k}`, v]))
			})
		]);
		expect(res.body.results[0]).toMatchObject({ status: 'applied' });
	};
	teacher({ a: 1, b: 1 });
	const request = (changes: Record<string, number | null>, base: Record<string, number | null>) => {
		const parsed = parseCorrection({ ...r.key, changes, base });
		if (!parsed.ok) throw new Error(parsed.reason);
		return parsed.request;
	};
	const correct = (changes: Record<string, number | null>, base: Record<string, number | null>) => {
		const edit = applyCorrection(request(changes, base), r.id, school.store, OFFICE);
		if (edit.ok) {
			school.store.putRecord('results', edit.record);
			if (edit.audit) school.store.addAudit(edit.audit);
		}
		return edit;
	};
	return { school, r, teacher, correct, request };
}

describe('applyCorrection', () => {
	it('merges only the office’s component onto the result as it is now, keeping a teacher’s later edit of another', () => {
		const { school, r, teacher, correct } = setUp();
		teacher({ b: 5 }); // after the office read { a: 1, b: 1 }
		const edit = correct({ a: 2 }, { a: 1 });
		if (!edit.ok) throw new Error(edit.reason);
		expect(school.store.getRecord('results', r.id)?.['values']).toEqual({ a: 2, b: 5 });
		expect(Object.keys(edit.audit?.changes ?? {}).filter((k) => k.startsWith('values.'))).toEqual([
			'values.a'
		]);
		expect(edit.audit).toMatchObject({ user: '', device: OFFICE.device, op: 'update' });
	});

	it('refuses a component changed since the office read it, naming it, and changes nothing', () => {
		const { school, r, teacher, correct } = setUp();
		teacher({ a: 7 });
		const before = school.store.getRecord('results', r.id);
		const seq = school.store.currentSeq();
		const edit = correct({ a: 2, b: 3 }, { a: 1, b: 1 });
		expect(edit).toMatchObject({ ok: false, status: 409, code: 'changed_since', changed: ['a'] });
		if (!edit.ok) expect(edit.reason).toMatch(/^“A” changed since you opened this result/);
		expect(school.store.getRecord('results', r.id)).toEqual(before);
		expect(school.store.currentSeq()).toBe(seq);
	});

	it('takes a component that already holds the office’s value as no conflict, storing nothing new', () => {
		const { teacher, correct } = setUp();
		teacher({ a: 2 });
		const edit = correct({ a: 2 }, { a: 1 });
		expect(edit).toMatchObject({ ok: true, audit: null });
	});

	it('refuses a result that was deleted (a tombstone), saying why, and changes nothing', () => {
		const { school, r, correct } = setUp();
		const dead = { ...school.store.getRecord('results', r.id)!, deleted: true };
		school.store.putRecord('results', dead);
		const seq = school.store.currentSeq();
		const edit = correct({ a: 2 }, { a: 1 });
		expect(edit).toMatchObject({ ok: false, status: 409, code: 'result_deleted', changed: [] });
		if (!edit.ok) expect(edit.reason).toMatch(/was deleted/);
		expect(school.store.getRecord('results', r.id)).toEqual(dead);
		expect(school.store.currentSeq()).toBe(seq);
	});

	it('clears a component the office sets to null', () => {
		const { school, r, correct } = setUp();
		expect(correct({ b: null }, { b: 1 })).toMatchObject({ ok: true });
		expect(school.store.getRecord('results', r.id)?.['values']).toEqual({ a: 1 });
	});

	it('creates a first result under the wire’s id, and refuses one a teacher made meanwhile', () => {
		const school = createSchool();
		const r = resultOf(S1, C1);
		const parsed = parseCorrection({ ...r.key, changes: { a: 3 }, base: { a: null } });
		if (!parsed.ok) throw new Error(parsed.reason);
		expect(correctionResultId(parsed.request)).toBe(r.id);
		const made = applyCorrection(parsed.request, r.id, school.store, OFFICE);
		if (!made.ok) throw new Error(made.reason);
		expect(made.record).toMatchObject({ id: r.id, values: { a: 3 }, total: 3 });
		expect(made.audit?.op).toBe('create');

		const { request, school: other } = setUp(); // a teacher recorded { a: 1, b: 1 }
		expect(
			applyCorrection(request({ a: 3 }, { a: null }), r.id, other.store, OFFICE)
		).toMatchObject({ ok: false, status: 409 });
	});

	it('refuses what a push would refuse, with the push’s reason', () => {
		const { correct } = setUp();
		expect(correct({ a: 11 }, { a: 1 })).toMatchObject({ ok: false, status: 400, field: 'values' });
	});
});

describe('parseCorrection', () => {
	const key = { student: S1, class: C1, assessment: 'asm000000000001', period: 'per000000000001' };
	it.each([
		['nothing', null, /not a correction/],
		['a bad id', { ...key, student: 'x', changes: { a: 1 }, base: { a: 1 } }, /“student”/],
		['no changes', { ...key, changes: {}, base: {} }, /at least one component/],
		['no base', { ...key, changes: { a: 1 } }, /“base” must give/],
		['a component not in base', { ...key, changes: { a: 1, b: 2 }, base: { a: 0 } }, /missing: b/],
		['a bad key', { ...key, changes: { __proto__x: 1, 'a.b': 1 }, base: {} }, /not a component key/]
	])('refuses %s with the reason', (_what, body, reason) => {
		const parsed = parseCorrection(body);
		expect(parsed.ok).toBe(false);
		if (!parsed.ok) expect(parsed.reason).toMatch(reason);
	});
});
