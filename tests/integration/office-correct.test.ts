/**
 * The Office page's "Correct a result" against a real PocketBase, with a
 * teacher's push landing between the moment the office read the result and
 * the moment its save arrives: the teacher's edit of another component is
 * kept, and an edit of the same component is never overwritten unseen.
 */
import type { RecordModel } from 'pocketbase';
import { describe, expect, it } from 'vitest';
import type { Json } from '../../src/lib/sync/core/types';
import { sendCorrection } from '../../src/lib/app/correction';
import { seededSchool } from '../harness/school';
import { login, push, resultId, resultOp, stamp, studentsOf } from '../harness/sync';
import { A_OWN, BALANCE, TERM3 } from '../harness/demo';
import { DEMO_SUPERUSER } from '../../scripts/lib/seed.mjs';

const school = seededSchool();

const students = studentsOf('teacherA');
const keyOf = (seen: RecordModel | null) => ({
	student: String(seen?.['student'] ?? ''),
	class: A_OWN,
	assessment: BALANCE,
	period: TERM3
});

/** The teacher's device pushes `fields` (component → value) of a student's Balance result. */
async function teacherPushes(student: string, fields: Record<string, Json>): Promise<void> {
	const op = resultOp({
		student,
		cls: A_OWN,
		assessment: BALANCE,
		period: TERM3,
		fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [`values.${k}`, v])),
		stamp: stamp(Date.now(), 0, 'dev_correct')
	});
	const res = await push(school.teacher, { device: 'dev_correct', ops: [op] });
	expect(res.status).toBe(200);
	expect(res.body.results[0]).toMatchObject({ status: 'applied' });
}

/** What the office reads when it opens the result (null: none yet). */
async function officeOpens(student: string): Promise<RecordModel | null> {
	const id = resultId(student, A_OWN, BALANCE, TERM3);
	return school.admin
		.collection('results')
		.getOne(id)
		.catch(() => null);
}

/** The office saves `changes`, made on the result as it read it (`seen`), as the Office page does. */
function officeSaves(seen: RecordModel | null, changes: Record<string, Json>, key = keyOf(seen)) {
	return sendCorrection(
		school.server.url,
		school.admin.authStore.token,
		key,
		changes,
		seen?.['values'] as Record<string, Json> | undefined
	);
}

async function stored(student: string): Promise<RecordModel> {
	return school.admin.collection('results').getOne(resultId(student, A_OWN, BALANCE, TERM3));
}

/** Who changed which components of a student's result, entry by entry (derived fields left out). */
async function whoChanged(student: string): Promise<[string, string, Record<string, unknown>][]> {
	const audit = await school.admin.collection('audit_log').getFullList({
		filter: school.admin.filter('record = {:r}', { r: resultId(student, A_OWN, BALANCE, TERM3) }),
		sort: 'created'
	});
	return audit.map((a) => {
		const changes = a['changes'] as Record<string, unknown>;
		const components = Object.keys(changes).filter((k) => k.startsWith('values.'));
		return [
			String(a['user']),
			String(a['device']),
			Object.fromEntries(components.map((k) => [k, changes[k]]))
		];
	});
}

const TEACHER = login('teacherA').id;
const OFFICE = 'admin-ui:' + DEMO_SUPERUSER.email;

describe('the office corrects a result while a teacher edits it', () => {
	it('keeps the teacher’s edit of another component pushed after the office opened the result', async () => {
		const kid = students[20] as string;
		await teacherPushes(kid, { c1: 0, c2: 0 });
		const seen = await officeOpens(kid);
		await teacherPushes(kid, { c2: 1 });
		expect(await officeSaves(seen, { c1: 1 })).toMatchObject({ ok: true });

		expect((await stored(kid))['values']).toEqual({ c1: 1, c2: 1 });
		expect(await whoChanged(kid)).toEqual([
			[TEACHER, 'dev_correct', { 'values.c1': [null, 0], 'values.c2': [null, 0] }],
			[TEACHER, 'dev_correct', { 'values.c2': [0, 1] }],
			['', OFFICE, { 'values.c1': [0, 1] }]
		]);
	});
});

describe('the office and a teacher change the same component', () => {
	it('refuses the office’s save of a component changed since it opened the result, storing nothing', async () => {
		const kid = students[21] as string;
		await teacherPushes(kid, { c1: 0, c2: 0 });
		const seen = await officeOpens(kid);
		await teacherPushes(kid, { c1: 1 });
		const before = await stored(kid);

		const got = await officeSaves(seen, { c1: 0, c2: 1 });
		expect(got).toMatchObject({ ok: false, status: 409, changed: ['c1'] });
		if (got.ok) return;
		expect(got.message).toBe(
			'“Support leg still, foot flat on the ground” changed since you opened this result (someone saved it meanwhile); nothing was saved. Look at it as it is now, and save again if your correction still stands.'
		);
		const after = await stored(kid);
		expect(after['values']).toEqual({ c1: 1, c2: 0 });
		expect(after['seq']).toBe(before['seq']);
		expect(after['stamps']).toEqual(before['stamps']);
		expect(await whoChanged(kid)).toHaveLength(2);

		// Read again, the teacher's value in view: saving again replaces it knowingly.
		const again = await officeOpens(kid);
		expect(await officeSaves(again, { c1: 0, c2: 1 })).toMatchObject({
			ok: true,
			record: { values: { c1: 0, c2: 1 } }
		});
		expect((await whoChanged(kid)).at(-1)).toEqual([
			'',
			OFFICE,
			{ 'values.c1': [1, 0], 'values.c2': [0, 1] }
		]);
	});

	it('takes a component the teacher already set to the office’s value as no conflict', async () => {
		const kid = students[22] as string;
		await teacherPushes(kid, { c1: 0 });
		const seen = await officeOpens(kid);
		await teacherPushes(kid, { c1: 1 });
		expect(await officeSaves(seen, { c1: 1 })).toMatchObject({ ok: true });
		expect((await stored(kid))['values']).toEqual({ c1: 1 });
		expect(await whoChanged(kid)).toHaveLength(2); // nothing stored changed: no entry
	});

	it('refuses a first result when a teacher recorded one since the office looked', async () => {
		const kid = students[23] as string;
		const seen = await officeOpens(kid);
		expect(seen).toBeNull();
		const key = { student: kid, class: A_OWN, assessment: BALANCE, period: TERM3 };
		await teacherPushes(kid, { c1: 1 });
		expect(await officeSaves(seen, { c1: 0 }, key)).toMatchObject({ ok: false, status: 409 });
		expect((await stored(kid))['values']).toEqual({ c1: 1 });
	});
});

describe('POST /api/office/results/correct', () => {
	it('records a first result under the wire’s id, derived and audited as the office', async () => {
		const kid = students[24] as string;
		const key = { student: kid, class: A_OWN, assessment: BALANCE, period: TERM3 };
		const got = await officeSaves(null, { c1: 1, c3: 1 }, key);
		expect(got).toMatchObject({ ok: true, record: { id: resultId(kid, A_OWN, BALANCE, TERM3) } });
		const made = await stored(kid);
		expect(made['values']).toEqual({ c1: 1, c3: 1 });
		expect(made['total']).toBe(2);
		expect((made['stamps'] as Record<string, string>)['values.c1']).toMatch(/:server$/);
		expect(await whoChanged(kid)).toEqual([
			['', OFFICE, { 'values.c1': [null, 1], 'values.c3': [null, 1] }]
		]);
	});

	it('refuses a value the push’s rules refuse, with the reason, storing nothing', async () => {
		const kid = students[19] as string;
		await teacherPushes(kid, { c1: 1 });
		const seen = await officeOpens(kid);
		const got = await officeSaves(seen, { c2: 7 });
		expect(got).toMatchObject({ ok: false, status: 400 });
		if (!got.ok)
			expect(got.message).toContain(
				'(Static balance) is 1 (demonstrated), 0 (not yet) or left empty (not observed); 7 is none of those.'
			);
		expect((await stored(kid))['seq']).toBe(seen?.['seq']);
	});

	const post = (token: string, body: unknown) =>
		fetch(`${school.server.url}/api/office/results/correct`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) },
			body: typeof body === 'string' ? body : JSON.stringify(body)
		});
	const valid = {
		student: students[18],
		class: A_OWN,
		assessment: BALANCE,
		period: TERM3,
		changes: { c1: 1 },
		base: { c1: null }
	};

	it('is the office’s alone', async () => {
		expect((await post('', valid)).status).toBe(401);
		expect((await post(school.teacher.authStore.token, valid)).status).toBe(403);
	});

	it.each([
		['not JSON', '{', /not a correction/],
		['no changes', { ...valid, changes: {} }, /at least one component/],
		['no base', { ...valid, base: undefined }, /“base” must give/],
		['a changed component missing from base', { ...valid, base: {} }, /missing: c1/],
		[
			'a bad component key',
			{ ...valid, changes: { 'c.1': 1 }, base: { 'c.1': null } },
			/not a component key/
		],
		['a bad id', { ...valid, student: 'nope' }, /“student” must be a record id/]
	])('refuses %s with a reason, storing nothing', async (_what, body, reason) => {
		const res = await post(school.admin.authStore.token, body);
		expect(res.status).toBe(400);
		expect(((await res.json()) as { message: string }).message).toMatch(reason);
		expect(await officeOpens(students[18] as string)).toBeNull();
	});

	it('refuses a student that does not exist', async () => {
		const res = await post(school.admin.authStore.token, { ...valid, student: 'zzzzzzzzzzzzzzz' });
		expect(res.status).toBe(404);
	});
});
