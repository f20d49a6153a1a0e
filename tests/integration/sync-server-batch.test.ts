/**
 * The batched push (one write per record per batch, bulk SQL) against a real
 * PocketBase: every op still gets its own outcome, audit entry and receipt,
 * and a batch ends exactly where the same ops sent one by one end.
 */
import type PocketBase from 'pocketbase';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Op } from '../../src/lib/sync/core/types';
import { startTestServer, type TestServer } from '../harness/pocketbase';
import { wireOf } from '../harness/devices';
import { login, pullAll, push, resultId, resultOp, stamp, studentsOf } from '../harness/sync';
import { BALANCE, HOP, SHARED, TERM1, TERM2 } from '../harness/demo';

let server: TestServer;
let a: PocketBase;
let admin: PocketBase;

beforeAll(async () => {
	server = await startTestServer({ seed: true });
	a = await server.as(login('teacherA').email, login('teacherA').password);
	admin = await server.admin();
});
afterAll(() => server?.stop());

async function count(collection: string, filter: string): Promise<number> {
	return (await admin.collection(collection).getList(1, 1, { filter })).totalItems;
}

/** Five ops on one result: create, ticks, a stale write that loses, and a re-sent op id. */
function opsFor(student: string, period: string, device: string, t: number): Op[] {
	const key = { student, cls: SHARED, assessment: BALANCE, period };
	const create = resultOp({ ...key, fields: { 'values.c1': 1 }, stamp: stamp(t, 1, device) });
	const c2 = resultOp({ ...key, fields: { 'values.c2': 1 }, stamp: stamp(t, 2, device) });
	const c3 = resultOp({
		...key,
		fields: { 'values.c3': 1, notes: 'late' },
		stamp: stamp(t, 4, device)
	});
	// Older than c3's stamp: its notes lose (superseded), c4 is new (applied).
	const stale = resultOp({
		...key,
		fields: { notes: 'early', 'values.c4': 1 },
		stamp: stamp(t, 3, device)
	});
	const staleNotesOnly = resultOp({
		...key,
		fields: { notes: 'earlier' },
		stamp: stamp(t, 3, device)
	});
	return [create, c2, c3, stale, staleNotesOnly];
}

describe('a batched push', () => {
	it('answers each op on its own, audits and receipts each, and derives once from the final values', async () => {
		const student = studentsOf('shared')[0] as string;
		const ops = opsFor(student, TERM1, 'dev_batch1', Date.now());
		const res = await push(a, { device: 'dev_batch1', ops: [...ops, ops[1]] });
		expect(res.status).toBe(200);
		expect(res.body.results.map((r) => r.status)).toEqual([
			'applied',
			'applied',
			'applied',
			'applied',
			'superseded',
			'duplicate'
		]);
		const id = resultId(student, BALANCE, TERM1);
		const onServer = wireOf(await admin.collection('results').getOne(id));
		expect(onServer['values']).toEqual({ c1: 1, c2: 1, c3: 1, c4: 1 });
		expect(onServer['notes']).toBe('late');
		expect(onServer['total']).toBe(4);
		// Every answer carries the record as the server holds it after the batch.
		// (A merged record may leave out fields it never set that the row holds as null.)
		const set = (rec: Record<string, unknown>) =>
			Object.fromEntries(Object.entries(rec).filter(([, v]) => v !== null));
		for (const r of res.body.results) expect(set(wireOf(r.record as never))).toEqual(set(onServer));
		// One audit entry per op that changed the record; one receipt per op id.
		expect(await count('audit_log', admin.filter('record = {:r}', { r: id }))).toBe(4);
		for (const op of ops) {
			expect(await count('sync_receipts', admin.filter('op_id = {:o}', { o: op.id }))).toBe(1);
		}
		// The whole batch is one change for pullers: one seq.
		const { changes } = await pullAll(a, 'dev_batch1_pull', 0, 2000);
		const mine = changes.filter((c) => c.record.id === id);
		expect(mine).toHaveLength(1);
		expect(wireOf(mine[0]?.record as never)).toEqual(onServer);
	});

	it('ends where the same ops sent one request each end (values, stamps, derived fields)', async () => {
		const [s1, s2] = studentsOf('shared').slice(1, 3) as [string, string];
		const t = Date.now();
		const batched = opsFor(s1, TERM2, 'dev_batch2', t);
		const single = opsFor(s2, TERM2, 'dev_batch2', t);
		await push(a, { device: 'dev_batch2', ops: batched });
		const statuses: string[] = [];
		for (const op of single) {
			const r = await push(a, { device: 'dev_batch2', ops: [op] });
			statuses.push(r.body.results[0]?.status ?? '');
		}
		expect(statuses).toEqual(['applied', 'applied', 'applied', 'applied', 'superseded']);
		const strip = (rec: Record<string, unknown>) => {
			const { id: _id, student: _s, seq: _q, stamps, ...rest } = rec;
			// Derived fields carry server stamps, which differ between the runs.
			const own = Object.fromEntries(
				Object.entries(stamps as Record<string, string>).filter(([, v]) => !v.endsWith(':server'))
			);
			return { ...rest, stamps: own };
		};
		const x = wireOf(await admin.collection('results').getOne(resultId(s1, BALANCE, TERM2)));
		const y = wireOf(await admin.collection('results').getOne(resultId(s2, BALANCE, TERM2)));
		expect(strip(x)).toEqual(strip(y));
	});

	it('keeps one bad op from blocking the rest of its batch, writing nothing for it', async () => {
		const student = studentsOf('shared')[3] as string;
		const t = Date.now();
		const opAt = (counter: number, fields: Record<string, number>, period = TERM1) =>
			resultOp({
				student,
				cls: SHARED,
				assessment: HOP,
				period,
				fields,
				stamp: stamp(t, counter, 'dev_batch3')
			});
		const good = opAt(1, { 'values.c1': 1 });
		const bad = opAt(2, { 'values.c2': 7 });
		// A period that does not exist (records are written with SQL, so the hooks check it).
		const noPeriod = opAt(3, { 'values.c1': 1 }, 'nosuchperiod000');
		const res = await push(a, { device: 'dev_batch3', ops: [bad, good, noPeriod] });
		expect(res.body.results.map((r) => r.status)).toEqual(['rejected', 'applied', 'rejected']);
		expect(res.body.results[2]).toMatchObject({ code: 'unknown_period' });
		await expect(admin.collection('results').getOne(noPeriod.record)).rejects.toMatchObject({
			status: 404
		});
		const rec = wireOf(await admin.collection('results').getOne(good.record));
		expect(rec['values']).toEqual({ c1: 1 });
		expect(await count('audit_log', admin.filter('record = {:r}', { r: good.record }))).toBe(1);
	});
});

describe('records the office writes in one transaction', () => {
	it('each get their own seq, so a pull page never ends inside the group and skips the rest', async () => {
		// PocketBase's batch API runs every request of a batch in one transaction.
		await admin.settings.update({
			batch: { enabled: true, maxRequests: 100, timeout: 30, maxBodySize: 0 }
		});
		const batch = admin.createBatch();
		const students = studentsOf('shared');
		for (let i = 0; i < 30; i++) {
			batch.collection('observations').create({
				student: students[i % students.length],
				class: SHARED,
				text: `office note ${i}`,
				by: login('teacherA').id
			});
		}
		const created = await batch.send();
		expect(created.map((r) => r.status)).toEqual(Array(30).fill(200));
		const ids = created.map((r) => (r.body as { id: string }).id);
		const seqs = created.map((r) => (r.body as { seq: number }).seq);
		expect(new Set(seqs).size).toBe(30);

		// Pages of 7 from the cursor before the batch: every record arrives once.
		const { cursor: before } = await pullAll(a, 'dev_office_batch');
		const got = (await pullAll(a, 'dev_office_batch', Math.min(...seqs) - 1, 7)).changes.map(
			(c) => c.record.id
		);
		expect(before).toBeGreaterThanOrEqual(Math.max(...seqs));
		expect(got.filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());

		// Deleting in one batch: a tombstone each, each with its own seq, none skipped.
		const removal = admin.createBatch();
		for (const id of ids.slice(0, 5)) removal.collection('observations').delete(id);
		expect((await removal.send()).map((r) => r.status)).toEqual(Array(5).fill(204));
		const tombstones = (await pullAll(a, 'dev_office_batch', before, 2)).changes.map(
			(c) => c.record
		);
		expect(tombstones.map((r) => r.id).sort()).toEqual(ids.slice(0, 5).sort());
		expect(tombstones.every((r) => r.deleted === true)).toBe(true);
		expect(new Set(tombstones.map((r) => r.seq)).size).toBe(5);
	});
});
