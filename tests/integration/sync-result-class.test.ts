/**
 * A result belongs to the class it was recorded in (issue 11.10), against a
 * real PocketBase: a student in two classes has one result per class, each
 * class's teachers write only theirs; attempts carry their class, and a
 * result's best time derives from its own class's attempts. The key change
 * is wire version 2: a version-1 push is answered 426 and changes nothing.
 */
import type PocketBase from 'pocketbase';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Json, Op } from '../../src/lib/sync/core/types';
import { startTestServer, type TestServer } from '../harness/pocketbase';
import { login, pullAll, push, resultId, resultOp, stamp } from '../harness/sync';
import { A_OWN, A_STUDENTS, BALANCE, SHARED, TERM1, TERM2 } from '../harness/demo';
import { DEMO_IDS } from '../../scripts/lib/seed.mjs';

const SPRINT = DEMO_IDS.assessments['sprint'] as string;
/** In 3 Banksia (teacher A's own class) and, from beforeAll, in the shared class too. */
const BOTH = A_STUDENTS[0] as string;

let server: TestServer;
let admin: PocketBase;
let a: PocketBase;
let b: PocketBase;
const now = () => Date.now();

beforeAll(async () => {
	server = await startTestServer({ seed: true });
	admin = await server.admin();
	await admin.collection('students').update(BOTH, { classes: [A_OWN, SHARED] });
	a = await server.as(login('teacherA').email, login('teacherA').password);
	b = await server.as(login('teacherB').email, login('teacherB').password);
});
afterAll(() => server?.stop());

function attemptOp(
	cls: string,
	seconds: number,
	device: string,
	user: 'teacherA' | 'teacherB',
	period = TERM1
): Op {
	return {
		id: uuidv7(),
		collection: 'attempts',
		record: 'att' + uuidv7().replace(/-/g, '').slice(-12),
		fields: {
			student: BOTH,
			class: cls,
			assessment: SPRINT,
			period,
			seconds,
			taken_at: '2026-03-02 01:00:00.000Z',
			by: login(user).id
		},
		stamp: stamp(now(), 0, device),
		base: {}
	};
}

async function result(cls: string, assessment: string, period: string) {
	return admin.collection('results').getOne(resultId(BOTH, cls, assessment, period));
}

describe("another class's teacher cannot touch class A's timed results", () => {
	it("teacher B cannot tombstone class A's attempt nor lower its best time", async () => {
		const mine = attemptOp(A_OWN, 9.1, 'dev_cls_a', 'teacherA');
		const made = await push(a, {
			v: 2,
			device: 'dev_cls_a',
			ops: [
				resultOp({
					student: BOTH,
					cls: A_OWN,
					assessment: SPRINT,
					period: TERM1,
					fields: { notes: 'class A' },
					stamp: stamp(now(), 0, 'dev_cls_a')
				}),
				mine
			]
		});
		expect(made.status).toBe(200);
		expect(made.body.results.map((r) => r.status)).toEqual(['applied', 'applied']);
		expect((await result(A_OWN, SPRINT, TERM1))['best_time']).toBe(9.1);

		// B teaches the shared class, which BOTH is also in: B still may not remove A's attempt…
		const tomb = await push(b, {
			v: 2,
			device: 'dev_cls_b',
			ops: [
				{
					id: uuidv7(),
					collection: 'attempts',
					record: mine.record,
					fields: {},
					delete: true,
					stamp: stamp(now(), 0, 'dev_cls_b'),
					base: {}
				}
			]
		});
		expect(tomb.body.results[0]).toMatchObject({ status: 'rejected', code: 'not_your_class' });
		expect(tomb.body.results[0]?.record).toBeUndefined();
		// …nor record one in class A's name…
		const forged = await push(b, {
			v: 2,
			device: 'dev_cls_b',
			ops: [attemptOp(A_OWN, 4.2, 'dev_cls_b', 'teacherB')]
		});
		expect(forged.body.results[0]).toMatchObject({ status: 'rejected', code: 'not_your_class' });
		// …and an attempt in the shared class leaves class A's best time alone.
		const own = await push(b, {
			v: 2,
			device: 'dev_cls_b',
			ops: [attemptOp(SHARED, 5.3, 'dev_cls_b', 'teacherB')]
		});
		expect(own.body.results[0]?.status).toBe('applied');

		const stored = await admin.collection('attempts').getOne(mine.record);
		expect(stored['deleted']).toBe(false);
		expect(stored['class']).toBe(A_OWN);
		expect((await result(A_OWN, SPRINT, TERM1))['best_time']).toBe(9.1);
	});

	it("the shared class's result derives its best time from the shared class's attempts only", async () => {
		await push(a, {
			v: 2,
			device: 'dev_cls_a',
			ops: [attemptOp(A_OWN, 6.0, 'dev_cls_a', 'teacherA', TERM2)]
		});
		const res = await push(b, {
			v: 2,
			device: 'dev_cls_b',
			ops: [
				resultOp({
					student: BOTH,
					cls: SHARED,
					assessment: SPRINT,
					period: TERM2,
					fields: { notes: 'shared class' },
					stamp: stamp(now(), 0, 'dev_cls_b')
				}),
				attemptOp(SHARED, 8.8, 'dev_cls_b', 'teacherB', TERM2)
			]
		});
		expect(res.body.results.map((r) => r.status)).toEqual(['applied', 'applied']);
		expect((await result(SHARED, SPRINT, TERM2))['best_time']).toBe(8.8);
	});

	it("teacher B reads neither class A's attempts nor its results", async () => {
		const { changes } = await pullAll(b, 'dev_cls_b_pull');
		const about = changes.filter(
			(c) =>
				(c.collection === 'attempts' || c.collection === 'results') && c.record['student'] === BOTH
		);
		expect(about.length).toBeGreaterThan(0);
		for (const c of about) expect(c.record['class']).toBe(SHARED);
		const rest = await b.collection('attempts').getFullList({
			filter: b.filter('student = {:s}', { s: BOTH })
		});
		expect(rest.map((r) => r['class'] as string)).not.toContain(A_OWN);
	});
});

describe('each class has its own result for the same student, assessment and period', () => {
	const edit = (cls: string, device: string, fields: Record<string, Json>) =>
		resultOp({
			student: BOTH,
			cls,
			assessment: BALANCE,
			period: TERM1,
			fields,
			stamp: stamp(now(), 0, device)
		});

	it('makes two results, each with its class, and neither class is refused', async () => {
		const byA = await push(a, {
			v: 2,
			device: 'dev_cls_a',
			ops: [edit(A_OWN, 'dev_cls_a', { 'values.c1': 1 })]
		});
		const byB = await push(b, {
			v: 2,
			device: 'dev_cls_b',
			ops: [edit(SHARED, 'dev_cls_b', { 'values.c1': 0 })]
		});
		expect(byA.body.results[0]?.status).toBe('applied');
		expect(byB.body.results[0]?.status).toBe('applied');
		expect(resultId(BOTH, A_OWN, BALANCE, TERM1)).not.toBe(resultId(BOTH, SHARED, BALANCE, TERM1));
		const ra = await result(A_OWN, BALANCE, TERM1);
		const rb = await result(SHARED, BALANCE, TERM1);
		expect([ra['class'], (ra['values'] as Record<string, Json>)['c1']]).toEqual([A_OWN, 1]);
		expect([rb['class'], (rb['values'] as Record<string, Json>)['c1']]).toEqual([SHARED, 0]);
	});

	it("refuses a result under class A's id that names the shared class", async () => {
		const forged = { ...edit(SHARED, 'dev_cls_b', { 'values.c2': 1 }) };
		forged.record = resultId(BOTH, A_OWN, BALANCE, TERM1);
		const res = await push(b, { v: 2, device: 'dev_cls_b', ops: [forged] });
		expect(res.body.results[0]).toMatchObject({ status: 'rejected' });
		expect(['id_mismatch', 'not_your_class']).toContain(res.body.results[0]?.code);
		// The answer says nothing of what class A's result holds.
		expect(res.body.results[0]?.reason).not.toContain(A_OWN);
		expect(res.body.results[0]?.record).toBeUndefined();
		const ra = await result(A_OWN, BALANCE, TERM1);
		expect((ra['values'] as Record<string, Json>)['c2']).toBeUndefined();
	});
});

describe('wire version 2', () => {
	const fresh = () =>
		resultOp({
			student: A_STUDENTS[1] as string,
			cls: A_OWN,
			assessment: BALANCE,
			period: TERM2,
			fields: { 'values.c1': 1 },
			stamp: stamp(now(), 0, 'dev_v1')
		});

	it('answers a version-1 push (v absent or 1) 426 with the update message, changing nothing', async () => {
		const op = fresh();
		const absent = await push(a, JSON.stringify({ device: 'dev_v1', ops: [op] }));
		const one = await push(a, { v: 1, device: 'dev_v1', ops: [op] });
		for (const res of [absent, one]) {
			expect(res.status).toBe(426);
			expect(res.body.message).toMatch(/Update the app/);
			expect(res.body.message).toMatch(/unsynced edits stay on this device/);
		}
		await expect(admin.collection('results').getOne(op.record)).rejects.toMatchObject({
			status: 404
		});
		const devices = await admin.collection('devices').getFullList({
			filter: admin.filter('device_id = {:d}', { d: 'dev_v1' })
		});
		expect(devices).toEqual([]);
		// The same op at version 2 goes through.
		const two = await push(a, { v: 2, device: 'dev_v1', ops: [op] });
		expect(two.body.results[0]?.status).toBe('applied');
	});
});
