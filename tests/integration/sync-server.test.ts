/**
 * The server side of the sync wire contract, spoken over HTTP to a real
 * PocketBase: receipts, validation, authorization, merge, derivation,
 * conflicts, clock clamping, natural keys, pull scope and whole-request errors.
 */
import type PocketBase from 'pocketbase';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../../scripts/lib/seed.mjs';
import { randomRecordId } from '../../src/lib/sync/core/ids';
import { startTestServer, type TestServer } from '../harness/pocketbase';
import {
	login,
	op,
	pull,
	pullAll,
	push,
	resultId,
	resultOp,
	stamp,
	studentsOf
} from '../harness/sync';
import { BALANCE, ITEMS, TERM1, SHARED, A_OWN } from '../harness/demo';

let server: TestServer;
let a: PocketBase;
let b: PocketBase;
let admin: PocketBase;
const now = () => Date.now();

beforeAll(async () => {
	server = await startTestServer({ seed: true });
	a = await server.as(login('teacherA').email, login('teacherA').password);
	b = await server.as(login('teacherB').email, login('teacherB').password);
	admin = await server.admin();
});
afterAll(() => server?.stop());

async function auditCount(record: string): Promise<number> {
	const list = await admin
		.collection('audit_log')
		.getList(1, 1, { filter: admin.filter('record = {:r}', { r: record }) });
	return list.totalItems;
}

describe('push', () => {
	it('applies a checklist tick, derives the total and level, and audits it once', async () => {
		const student = studentsOf('shared')[0] as string;
		const tick = resultOp({
			student,
			cls: SHARED,
			assessment: BALANCE,
			period: TERM1,
			fields: { 'values.c1': 1, 'values.c2': 1, 'values.c3': 1, 'values.c4': 1 },
			stamp: stamp(now(), 0, 'dev_a1')
		});
		const res = await push(a, { device: 'dev_a1', ops: [tick] });
		expect(res.status).toBe(200);
		expect(res.body.results).toHaveLength(1);
		expect(res.body.results[0]).toMatchObject({ id: tick.id, status: 'applied' });
		const record = res.body.results[0]?.record;
		expect(record?.['values']).toEqual({ c1: 1, c2: 1, c3: 1, c4: 1 });
		expect(record?.['total']).toBe(4);
		expect(record?.['level']).toBe('near_mastery');
		expect(record?.seq).toBeGreaterThan(0);
		expect(await auditCount(tick.record)).toBe(1);

		// The same op again (the answer was lost): a no-op answered from its receipt.
		const again = await push(a, { device: 'dev_a1', ops: [tick] });
		expect(again.body.results[0]).toMatchObject({ id: tick.id, status: 'duplicate' });
		expect(again.body.results[0]?.record?.['total']).toBe(4);
		expect(await auditCount(tick.record)).toBe(1);
	});

	it('rejects each invalid op of a batch with a readable reason and applies the rest', async () => {
		const [s1, s2] = studentsOf('shared') as [string, string];
		const good = resultOp({
			student: s2,
			cls: SHARED,
			assessment: ITEMS,
			period: TERM1,
			fields: { 'values.q4': 2 },
			stamp: stamp(now(), 0, 'dev_a1')
		});
		const outOfRange = resultOp({
			student: s1,
			cls: SHARED,
			assessment: ITEMS,
			period: TERM1,
			fields: { 'values.q1': 7 },
			stamp: stamp(now(), 1, 'dev_a1')
		});
		const unknownComponent = resultOp({
			student: s1,
			cls: SHARED,
			assessment: ITEMS,
			period: TERM1,
			fields: { 'values.q99': 1 },
			stamp: stamp(now(), 2, 'dev_a1')
		});
		const bStudent = studentsOf('teacherB')[0] as string;
		const notMyClass = resultOp({
			student: bStudent,
			cls: DEMO_IDS.classes.teacherB,
			assessment: ITEMS,
			period: TERM1,
			fields: { 'values.q1': 1 },
			stamp: stamp(now(), 3, 'dev_a1')
		});
		const res = await push(a, {
			device: 'dev_a1',
			ops: [outOfRange, good, unknownComponent, notMyClass]
		});
		expect(res.status).toBe(200);
		const [r1, r2, r3, r4] = res.body.results;
		expect(r1).toMatchObject({ status: 'rejected', code: 'out_of_range' });
		expect(r1?.reason).toMatch(/Item 1/);
		expect(r2).toMatchObject({ status: 'applied' });
		expect(r3).toMatchObject({ status: 'rejected', code: 'unknown_component' });
		expect(r4).toMatchObject({ status: 'rejected', code: 'not_your_class' });
		expect(r4?.reason).toMatch(/do not teach/);
		// Nothing of the rejected ops reached the database.
		await expect(
			admin
				.collection('results')
				.getOne(resultId(bStudent, DEMO_IDS.classes.teacherB, ITEMS, TERM1))
		).rejects.toMatchObject({ status: 404 });
		await expect(admin.collection('results').getOne(outOfRange.record)).rejects.toMatchObject({
			status: 404
		});
	});

	it('keeps both components when two teachers tick different ones concurrently', async () => {
		const student = studentsOf('shared')[2] as string;
		const t = now();
		const fromA = resultOp({
			student,
			cls: SHARED,
			assessment: BALANCE,
			period: TERM1,
			fields: { 'values.c1': 1 },
			stamp: stamp(t, 0, 'dev_a1')
		});
		const fromB = resultOp({
			student,
			cls: SHARED,
			assessment: BALANCE,
			period: TERM1,
			fields: { 'values.c2': 0 },
			stamp: stamp(t - 5, 0, 'dev_b1')
		});
		expect((await push(b, { device: 'dev_b1', ops: [fromB] })).body.results[0]?.status).toBe(
			'applied'
		);
		const res = await push(a, { device: 'dev_a1', ops: [fromA] });
		// One record (natural-key id), both edits merged.
		expect(res.body.results[0]?.record?.['values']).toEqual({ c1: 1, c2: 0 });
		const conflicts = await a
			.collection('conflicts')
			.getFullList({ filter: a.filter('record = {:r}', { r: fromA.record }) });
		expect(conflicts).toHaveLength(0);
	});

	it('lets the later stamp win the same cell and sends the loser a notice naming the winner', async () => {
		const student = studentsOf('shared')[3] as string;
		const t = now();
		const fromA = resultOp({
			student,
			cls: SHARED,
			assessment: BALANCE,
			period: TERM1,
			fields: { 'values.c3': 1 },
			stamp: stamp(t, 0, 'dev_a1'),
			base: { 'values.c3': null }
		});
		const fromB = resultOp({
			student,
			cls: SHARED,
			assessment: BALANCE,
			period: TERM1,
			fields: { 'values.c3': 0 },
			stamp: stamp(t + 10, 0, 'dev_b1'),
			base: { 'values.c3': null }
		});
		await push(a, { device: 'dev_a1', ops: [fromA] });
		const res = await push(b, { device: 'dev_b1', ops: [fromB] });
		expect(res.body.results[0]?.status).toBe('applied');
		expect(res.body.results[0]?.record?.['values']).toEqual({ c3: 0 });

		const notices = await a
			.collection('conflicts')
			.getFullList({ filter: a.filter('record = {:r}', { r: fromA.record }) });
		expect(notices).toHaveLength(1);
		expect(notices[0]).toMatchObject({
			field: 'values.c3',
			mine: 1,
			theirs: 0,
			theirs_by: login('teacherB').id,
			status: 'open'
		});
		// B's value won: B has nothing to review.
		expect(
			await b
				.collection('conflicts')
				.getFullList({ filter: b.filter('record = {:r}', { r: fromA.record }) })
		).toHaveLength(0);

		// A's late retry of an older edit is superseded and carries the server's value.
		const stale = resultOp({
			student,
			cls: SHARED,
			assessment: BALANCE,
			period: TERM1,
			fields: { 'values.c3': 1 },
			stamp: stamp(t + 5, 0, 'dev_a1'),
			base: { 'values.c3': null }
		});
		const late = await push(a, { device: 'dev_a1', ops: [stale] });
		expect(late.body.results[0]).toMatchObject({ status: 'superseded' });
		expect(late.body.results[0]?.record?.['values']).toEqual({ c3: 0 });
	});

	it('clamps a stamp from a clock a day ahead, so a later correct edit still wins', async () => {
		const student = studentsOf('shared')[4] as string;
		const ahead = resultOp({
			student,
			cls: SHARED,
			assessment: BALANCE,
			period: TERM1,
			fields: { 'values.c5': 1 },
			stamp: stamp(now() + 86_400_000, 0, 'dev_a1')
		});
		const res = await push(a, { device: 'dev_a1', ops: [ahead] });
		expect(res.body.results[0]?.status).toBe('applied');
		const clamped = res.body.results[0]?.clamped;
		expect(clamped?.from).toBe(ahead.stamp);
		expect(Number(clamped?.to.slice(0, 13))).toBeLessThanOrEqual(res.body.serverTime + 1);

		await new Promise((r) => setTimeout(r, 5));
		const later = resultOp({
			student,
			cls: SHARED,
			assessment: BALANCE,
			period: TERM1,
			fields: { 'values.c5': 0 },
			stamp: stamp(now(), 0, 'dev_b1')
		});
		const res2 = await push(b, { device: 'dev_b1', ops: [later] });
		expect(res2.body.results[0]?.status).toBe('applied');
		expect(res2.body.results[0]?.record?.['values']).toEqual({ c5: 0 });
	});

	it('refuses whole requests it cannot read, changing nothing', async () => {
		expect((await push(a, '{not json')).status).toBe(400);
		const noOps = await push(a, { device: 'dev_a1' });
		expect(noOps.status).toBe(400);
		expect(noOps.body.message).toMatch(/ops/);
		const newer = await push(a, { v: 3, device: 'dev_a1', ops: [] });
		expect(newer.status).toBe(426);
		expect(newer.body.message).toMatch(/Update the app/);
		const tooMany = await push(a, {
			device: 'dev_a1',
			ops: Array.from({ length: 501 }, () => ({}))
		});
		expect(tooMany.status).toBe(413);
		expect((await push(server.anon(), { device: 'dev_x', ops: [] })).status).toBe(401);
		// Another teacher's device id is not yours to push from.
		expect((await push(b, { device: 'dev_a1', ops: [] })).status).toBe(403);
	});

	it('refuses pushes from a deactivated device and keeps its data untouched', async () => {
		const student = studentsOf('teacherA')[0] as string;
		const first = resultOp({
			student,
			cls: A_OWN,
			assessment: BALANCE,
			period: TERM1,
			fields: { 'values.c1': 1 },
			stamp: stamp(now(), 0, 'dev_lost')
		});
		expect((await push(a, { device: 'dev_lost', ops: [first] })).status).toBe(200);
		const device = await a
			.collection('devices')
			.getFirstListItem(a.filter('device_id = {:d}', { d: 'dev_lost' }));
		await a.collection('devices').update(device.id, { active: false });
		const second = resultOp({
			student,
			cls: A_OWN,
			assessment: BALANCE,
			period: TERM1,
			fields: { 'values.c1': 0 },
			stamp: stamp(now(), 1, 'dev_lost')
		});
		// Switching a device off ends every session of its user (issue 11.9)…
		expect((await push(a, { device: 'dev_lost', ops: [second] })).status).toBe(401);
		// …and signed in again, the switched-off device is still refused.
		await a
			.collection('users')
			.authWithPassword(login('teacherA').email, login('teacherA').password);
		const res = await push(a, { device: 'dev_lost', ops: [second] });
		expect(res.status).toBe(403);
		expect(res.body.message).toMatch(/deactivated/);
		expect((await admin.collection('results').getOne(first.record))['values']).toEqual({ c1: 1 });
	});
});

describe('pull', () => {
	it('returns only the user’s scope, page by page, with a cursor that never skips', async () => {
		const student = studentsOf('teacherA')[5] as string;
		await push(a, {
			device: 'dev_a1',
			ops: [
				resultOp({
					student,
					cls: A_OWN,
					assessment: BALANCE,
					period: TERM1,
					fields: { 'values.c1': 1 },
					stamp: stamp(now(), 0, 'dev_a1')
				})
			]
		});

		const paged = await pullAll(b, 'dev_b_pull', 0, 7);
		const once = await pullAll(b, 'dev_b_pull2', 0, 2000);
		expect(paged.changes.map((c) => c.record.id)).toEqual(once.changes.map((c) => c.record.id));
		const seqs = paged.changes.map((c) => c.record.seq);
		expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
		const classIds = paged.changes
			.filter((c) => c.collection === 'classes')
			.map((c) => c.record.id)
			.sort();
		expect(classIds).toEqual([SHARED, DEMO_IDS.classes.teacherB].sort());
		// Teacher A's own class, its students and results are not B's to see.
		expect(paged.changes.some((c) => c.record['class'] === A_OWN)).toBe(false);
		expect(paged.changes.filter((c) => c.collection === 'students')).toHaveLength(50);
		// Nothing new: an empty page at the same cursor.
		const idle = await pull(b, 'dev_b_pull', paged.cursor);
		expect(idle.body).toMatchObject({ changes: [], more: false, scopeChanged: false });
	});

	it('says the scope changed when the teacher is added to a class, and a full pull then brings it', async () => {
		const before = await pullAll(b, 'dev_b_scope', 0);
		expect(before.changes.some((c) => c.record.id === A_OWN)).toBe(false);
		const cls = await admin.collection('classes').getOne(A_OWN);
		await admin
			.collection('classes')
			.update(A_OWN, { teachers: [...(cls['teachers'] as string[]), login('teacherB').id] });
		try {
			const next = await pull(b, 'dev_b_scope', before.cursor);
			expect(next.body.scopeChanged).toBe(true);
			const full = await pullAll(b, 'dev_b_scope', 0);
			expect(full.changes.some((c) => c.record.id === A_OWN)).toBe(true);
			expect(full.changes.filter((c) => c.collection === 'students')).toHaveLength(75);
			expect((await pull(b, 'dev_b_scope', full.cursor)).body.scopeChanged).toBe(false);
		} finally {
			await admin.collection('classes').update(A_OWN, { teachers: cls['teachers'] });
		}
	});
});

describe('edits outside the app', () => {
	it('stamps an admin UI edit with the server clock so an older offline edit cannot overwrite it', async () => {
		const student = studentsOf('shared')[6] as string;
		const offlineAt = now();
		const create = resultOp({
			student,
			cls: SHARED,
			assessment: ITEMS,
			period: TERM1,
			fields: { 'values.q1': 0 },
			stamp: stamp(offlineAt - 60_000, 0, 'dev_a1')
		});
		await push(a, { device: 'dev_a1', ops: [create] });
		const { cursor } = await pullAll(a, 'dev_a1', 0, 2000);

		await admin
			.collection('results')
			.update(create.record, { values: { q1: 1 }, notes: 'Checked by office' });
		const changed = await pullAll(a, 'dev_a1', cursor);
		const rec = changed.changes.find((c) => c.record.id === create.record)?.record;
		expect(rec?.['values']).toEqual({ q1: 1 });
		expect(rec?.['notes']).toBe('Checked by office');
		expect(rec?.['total']).toBe(1);
		expect(rec?.stamps['values.q1']).toMatch(/:server$/);
		expect(await auditCount(create.record)).toBe(2);

		// The offline edit was made before the office's: it loses, and says so.
		const offline = resultOp({
			student,
			cls: SHARED,
			assessment: ITEMS,
			period: TERM1,
			fields: { 'values.q1': 0 },
			stamp: stamp(offlineAt, 0, 'dev_a1'),
			base: { 'values.q1': create.stamp }
		});
		const res = await push(a, { device: 'dev_a1', ops: [offline] });
		expect(res.body.results[0]?.status).toBe('superseded');
		expect(res.body.results[0]?.record?.['values']).toEqual({ q1: 1 });
	});

	it('turns an API delete into a tombstone that devices receive', async () => {
		const student = studentsOf('shared')[7] as string;
		const create = resultOp({
			student,
			cls: SHARED,
			assessment: ITEMS,
			period: TERM1,
			fields: { 'values.q2': 1 },
			stamp: stamp(now(), 0, 'dev_a1')
		});
		await push(a, { device: 'dev_a1', ops: [create] });
		const { cursor } = await pullAll(b, 'dev_b1', 0, 2000);
		await admin.collection('results').delete(create.record);
		const after = await pullAll(b, 'dev_b1', cursor);
		const tomb = after.changes.find((c) => c.record.id === create.record)?.record;
		expect(tomb?.deleted).toBe(true);
		expect(tomb?.['values']).toEqual({ q2: 1 });
	});
});

describe('observations and attempts', () => {
	it('appends two teachers’ notes on one student without overwriting either, in their own names', async () => {
		const student = studentsOf('shared')[8] as string;
		const note = (by: string, text: string, device: string) =>
			op({
				collection: 'observations',
				record: randomRecordId(Math.random),
				fields: { student, class: SHARED, text, by },
				stamp: stamp(now(), 0, device)
			});
		const fromA = note(login('teacherA').id, 'Great catch technique today', 'dev_a1');
		const fromB = note(login('teacherB').id, 'Needs work on balance', 'dev_b1');
		const ra = await push(a, { device: 'dev_a1', ops: [fromA] });
		expect(ra.body.results[0], JSON.stringify(ra.body)).toMatchObject({ status: 'applied' });
		expect((await push(b, { device: 'dev_b1', ops: [fromB] })).body.results[0]?.status).toBe(
			'applied'
		);
		const notes = await admin
			.collection('observations')
			.getFullList({ filter: admin.filter('student = {:s}', { s: student }) });
		expect(notes.map((n) => n['text']).sort()).toEqual([
			'Great catch technique today',
			'Needs work on balance'
		]);
		// Rewriting a note is refused.
		const rewrite = op({
			collection: 'observations',
			record: fromA.record,
			fields: { text: 'changed' },
			stamp: stamp(now(), 5, 'dev_a1')
		});
		const res = await push(a, { device: 'dev_a1', ops: [rewrite] });
		expect(res.body.results[0]?.status).toBe('rejected');
		// Nobody records a note in a colleague's name.
		const forged = note(login('teacherB').id, 'forged', 'dev_a1');
		expect((await push(a, { device: 'dev_a1', ops: [forged] })).body.results[0]).toMatchObject({
			status: 'rejected',
			code: 'wrong_author'
		});
	});
});
