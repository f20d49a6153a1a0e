/**
 * Sync integrity and ownership bugs found from outside (issues 10 and 11),
 * each against a real PocketBase: a replay gets the answer it first got,
 * receipts are their owner's, every lost value is reported, clamping keeps a
 * device's order, edits to deleted terms are refused, observations are their
 * author's, reserved device ids are refused.
 */
import type PocketBase from 'pocketbase';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../harness/pocketbase';
import { login, push, resultOp, stamp, studentsOf } from '../harness/sync';
import { A_OWN, B_OWN, BALANCE, ITEMS, SHARED, TERM1, TERM3 } from '../harness/demo';

let server: TestServer;
let a: PocketBase;
let b: PocketBase;
const now = () => Date.now();

beforeAll(async () => {
	server = await startTestServer({ seed: true });
	a = await server.as(login('teacherA').email, login('teacherA').password);
	b = await server.as(login('teacherB').email, login('teacherB').password);
});
afterAll(() => server?.stop());

describe('replays (10.1)', () => {
	it('answers a rejected op replayed exactly as first: rejected with its code and reason', async () => {
		const student = studentsOf('teacherA')[0] as string;
		const bad = resultOp({
			student,
			cls: A_OWN,
			assessment: ITEMS,
			period: TERM1,
			fields: { 'values.q1': 7 },
			stamp: stamp(now(), 0, 'dev_replay')
		});
		const first = await push(a, { device: 'dev_replay', ops: [bad] });
		expect(first.body.results[0]).toMatchObject({ status: 'rejected', code: 'out_of_range' });
		const again = await push(a, { device: 'dev_replay', ops: [bad] });
		expect(again.body.results[0]).toEqual(first.body.results[0]);
	});
});

describe('receipts belong to their user and device (11.1)', () => {
	it("refuses an op under a colleague's op id, and her receipt still answers her", async () => {
		const mine = resultOp({
			student: studentsOf('teacherA')[1] as string,
			cls: A_OWN,
			assessment: ITEMS,
			period: TERM1,
			fields: { 'values.q1': 1 },
			stamp: stamp(now(), 0, 'dev_owner_a')
		});
		expect((await push(a, { device: 'dev_owner_a', ops: [mine] })).body.results[0]?.status).toBe(
			'applied'
		);
		const theirs = resultOp({
			student: studentsOf('teacherB')[1] as string,
			cls: B_OWN,
			assessment: ITEMS,
			period: TERM1,
			fields: { 'values.q1': 1 },
			stamp: stamp(now(), 0, 'dev_owner_b')
		});
		const res = await push(b, { device: 'dev_owner_b', ops: [{ ...theirs, id: mine.id }] });
		expect(res.body.results[0]).toMatchObject({ status: 'rejected', code: 'op_id_taken' });
		expect(res.body.results[0]?.record).toBeUndefined();
		const hers = await push(a, { device: 'dev_owner_a', ops: [mine] });
		expect(hers.body.results[0]?.status).toBe('duplicate');
	});

	it('never answers a replay with a record of a class the caller does not teach', async () => {
		const secret = resultOp({
			student: studentsOf('teacherB')[2] as string,
			cls: B_OWN,
			assessment: BALANCE,
			period: TERM1,
			fields: { notes: 'only for 6 Grevillea' },
			stamp: stamp(now(), 0, 'dev_secret_b')
		});
		expect((await push(b, { device: 'dev_secret_b', ops: [secret] })).body.results[0]?.status).toBe(
			'applied'
		);
		const mine = resultOp({
			student: studentsOf('teacherA')[2] as string,
			cls: A_OWN,
			assessment: ITEMS,
			period: TERM1,
			fields: { 'values.q1': 9 }, // rejected: a receipt all the same
			stamp: stamp(now(), 0, 'dev_reader_a')
		});
		const ok = resultOp({
			student: studentsOf('teacherA')[2] as string,
			cls: A_OWN,
			assessment: ITEMS,
			period: TERM1,
			fields: { 'values.q1': 1 },
			stamp: stamp(now(), 1, 'dev_reader_a')
		});
		await push(a, { device: 'dev_reader_a', ops: [mine, ok] });
		const replay = await push(a, {
			device: 'dev_reader_a',
			ops: [
				{ ...mine, record: secret.record },
				{ ...ok, record: secret.record }
			]
		});
		expect(replay.status).toBe(200);
		expect(replay.body.results.map((r) => r.record)).toEqual([undefined, undefined]);
		expect(JSON.stringify(replay.body)).not.toContain('Grevillea');
	});
});

describe('clamping (10.4)', () => {
	it('keeps the order of one device: taps on and off from a clock 2 minutes ahead, each later one wins', async () => {
		const ahead = now() + 120_000;
		const student = studentsOf('teacherA')[3] as string;
		const taps = [];
		let base: string | null = null;
		for (let i = 0; i < 12; i++) {
			const tap = resultOp({
				student,
				cls: A_OWN,
				assessment: BALANCE,
				period: TERM1,
				fields: { 'values.c1': i % 2 === 0 ? 1 : 0 },
				stamp: stamp(ahead + i * 150, 0, 'dev_ahead'),
				base: { 'values.c1': base }
			});
			base = tap.stamp;
			taps.push(tap);
		}
		const res = await push(a, { device: 'dev_ahead', ops: taps });
		expect(res.body.results.map((r) => r.status)).toEqual(taps.map(() => 'applied'));
		const clamped = res.body.results.map((r) => r.clamped?.to ?? '');
		expect(clamped.every((c, i) => c !== '' && (i === 0 || c > (clamped[i - 1] as string)))).toBe(
			true
		);
		expect(res.body.results[11]?.record?.['values']).toEqual({ c1: 0 });
	});
});

describe('conflict notices (10.2)', () => {
	async function noticesOf(pb: PocketBase, record: string) {
		return pb
			.collection('conflicts')
			.getFullList({ filter: pb.filter('record = {:r}', { r: record }) });
	}

	it('tells the teacher whose earlier edit arrived after a later one (answered superseded), once', async () => {
		const student = studentsOf('shared')[5] as string;
		const t = now() - 60_000;
		const make = resultOp({
			student,
			cls: SHARED,
			assessment: ITEMS,
			period: TERM1,
			fields: { notes: 'made' },
			stamp: stamp(t, 0, 'dev_make_a')
		});
		await push(a, { device: 'dev_make_a', ops: [make] });
		// Both offline; B's edit is later but reaches the server first.
		const edit = (value: string, ms: number, device: string) => ({
			...make,
			id: crypto.randomUUID(),
			fields: { notes: value },
			stamp: stamp(ms, 0, device),
			base: { notes: make.stamp }
		});
		const early = edit('from A', t + 1_000, 'dev_early_a');
		const late = edit('from B', t + 2_000, 'dev_late_b');
		expect((await push(b, { device: 'dev_late_b', ops: [late] })).body.results[0]?.status).toBe(
			'applied'
		);
		const answer = await push(a, { device: 'dev_early_a', ops: [early] });
		expect(answer.body.results[0]?.status).toBe('superseded');
		await push(a, { device: 'dev_early_a', ops: [early] }); // a replay: no second notice
		const mine = await noticesOf(a, make.record);
		expect(mine.map((n) => [n['field'], n['mine'], n['theirs']])).toEqual([
			['notes', 'from A', 'from B']
		]);
		expect(await noticesOf(b, make.record)).toEqual([]);
	});
});

describe('refusals (10.5, 11.11, 11.12)', () => {
	it('refuses an edit of a result whose term the office deleted, with a readable reason', async () => {
		const student = studentsOf('teacherA')[6] as string;
		const t = now();
		const first = resultOp({
			student,
			cls: A_OWN,
			assessment: ITEMS,
			period: TERM3,
			fields: { 'values.q1': 1 },
			stamp: stamp(t, 0, 'dev_term_a')
		});
		expect((await push(a, { device: 'dev_term_a', ops: [first] })).body.results[0]?.status).toBe(
			'applied'
		);
		const admin = await server.admin();
		await admin.collection('periods').delete(TERM3);
		const later = {
			...first,
			id: crypto.randomUUID(),
			fields: { 'values.q1': 0 },
			stamp: stamp(t + 10, 0, 'dev_term_a')
		};
		const res = await push(a, { device: 'dev_term_a', ops: [later] });
		expect(res.body.results[0]).toMatchObject({ status: 'rejected', code: 'period_deleted' });
		expect(res.body.results[0]?.reason).toMatch(/deleted this term/);
	});

	it("refuses a teacher's tombstone of a colleague's observation in a shared class", async () => {
		const id = 'obsintegrity001';
		const student = studentsOf('shared')[7] as string;
		const note = {
			id: crypto.randomUUID(),
			collection: 'observations',
			record: id,
			fields: { student, class: SHARED, text: 'Lovely skipping', by: login('teacherA').id },
			stamp: stamp(now(), 0, 'dev_note_a'),
			base: {}
		};
		expect((await push(a, { device: 'dev_note_a', ops: [note] })).body.results[0]?.status).toBe(
			'applied'
		);
		const del = {
			id: crypto.randomUUID(),
			collection: 'observations',
			record: id,
			fields: {},
			delete: true,
			stamp: stamp(now() + 5, 0, 'dev_note_b'),
			base: {}
		};
		const res = await push(b, { device: 'dev_note_b', ops: [del] });
		expect(res.body.results[0]).toMatchObject({ status: 'rejected', code: 'not_author' });
		const stored = await a.collection('observations').getOne(id);
		expect(stored['deleted']).toBe(false);
	});

	it('refuses reserved device ids on push and pull, and registers none', async () => {
		for (const device of ['server', 'rest-api', 'anonymous', 'admin-ui']) {
			const res = await push(a, { device, ops: [] });
			expect(res.status, device).toBe(400);
			const pulled = await fetch(`${a.baseURL}/api/sync/pull?device=${device}&since=0`, {
				headers: { authorization: a.authStore.token }
			});
			expect(pulled.status, device).toBe(400);
		}
		// Nor through the REST API.
		const me = login('teacherA').id;
		await expect(
			a.collection('devices').create({ user: me, device_id: 'rest-api', name: 'x', active: true })
		).rejects.toMatchObject({ status: 400 });
		const ok = await a
			.collection('devices')
			.create({ user: me, device_id: 'dev_rest_ok', name: 'x', active: true });
		expect(ok['device_id']).toBe('dev_rest_ok');
		const admin = await server.admin();
		const rows = await admin.collection('devices').getFullList({
			filter:
				"device_id = 'server' || device_id = 'rest-api' || device_id = 'anonymous' || device_id = 'admin-ui'"
		});
		expect(rows).toEqual([]);
	});
});
