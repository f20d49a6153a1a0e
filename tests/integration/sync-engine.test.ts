/**
 * The REAL sync engine (HTTP transport, localforage over fake-indexeddb, real
 * clock and timers) against the REAL server (PocketBase with the project's
 * hooks): offline edits, pushes in flight, coalescing, lost answers,
 * concurrent edits and conflict notices, natural-key creates, admin edits,
 * clock clamping and rejected ops. Bulk and property tests live in
 * sync-engine-bulk.test.ts and sync-engine-property.test.ts.
 */
import 'fake-indexeddb/auto';
import type PocketBase from 'pocketbase';
import { beforeAll, describe, expect, it } from 'vitest';
import { PUSH_DEBOUNCE_MS } from '../../src/lib/sync/index';
import { parseStamp } from '../../src/lib/sync/core/stamp';
import type { Json, WireRecord } from '../../src/lib/sync/core/types';
import {
	auditCount,
	canonical,
	receiptCount,
	serverRecord,
	waitFor,
	type Device,
	useSchool
} from '../harness/devices';
import { resultId } from '../harness/sync';
import {
	BALANCE,
	HOP,
	ITEMS,
	TERM1,
	TERM2,
	TERM3,
	SHARED,
	A_OWN,
	B_OWN,
	SHARED_STUDENTS,
	A_STUDENTS,
	B_STUDENTS,
	TEACHER_A,
	TEACHER_B
} from '../harness/demo';

const school = useSchool();
const device = school.device;
let admin: PocketBase;
beforeAll(() => {
	({ admin } = school);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A result cell: its record id and the fields that create it. */
function cell(student: string, cls: string, assessment: string, period: string) {
	return {
		id: resultId(student, cls, assessment, period),
		key: { student, class: cls, assessment, period } as Record<string, Json>
	};
}

function valuesOf(record: WireRecord | undefined): Record<string, Json> {
	return (record?.['values'] ?? {}) as Record<string, Json>;
}

/** Every device's replica record equals the server's, byte for byte (canonical JSON). */
async function expectConverged(id: string, ...ds: Device[]): Promise<WireRecord> {
	const onServer = await serverRecord(admin, 'results', id);
	expect(onServer).toBeDefined();
	for (const d of ds)
		expect(canonical(d.engine.get('results', id)), d.id).toBe(canonical(onServer));
	return onServer as WireRecord;
}

async function conflictsOf(user: string, record: string): Promise<WireRecord[]> {
	const rows = await admin
		.collection('conflicts')
		.getFullList({ filter: admin.filter('user = {:u} && record = {:r}', { u: user, r: record }) });
	return rows as unknown as WireRecord[];
}

describe('the engine against the real server', () => {
	it('an edit made offline reaches the server and the other teacher’s device after reconnecting', async () => {
		const a = await device('teacherA');
		const b = await device('teacherB');
		await a.sync();
		await b.sync();
		const c = cell(SHARED_STUDENTS[0] as string, SHARED, BALANCE, TERM1);

		a.net.offline = true;
		expect(
			await a.engine.edit('results', c.id, { ...c.key, 'values.c1': 1, 'values.c3': 0 })
		).toMatchObject({ ok: true });
		await a.engine.syncNow(); // fails: offline
		expect(a.engine.state.phase).toBe('backoff');
		expect(a.engine.pendingCount).toBe(1);
		expect(valuesOf(a.engine.get('results', c.id))).toEqual({ c1: 1, c3: 0 });
		expect(await serverRecord(admin, 'results', c.id)).toBeUndefined();

		a.net.offline = false;
		await a.sync();
		expect(a.engine.pendingCount).toBe(0);
		await b.sync();
		const onServer = await expectConverged(c.id, a, b);
		expect(valuesOf(onServer)).toEqual({ c1: 1, c3: 0 });
		expect(onServer['total']).toBe(1);
		expect(b.engine.status('results', c.id).status).toBe('synced');
	});

	it.each(['request', 'answer'] as const)(
		'an edit made while a push is in flight (held at its %s) is neither lost nor sent twice',
		async (when) => {
			const a = await device('teacherA');
			await a.sync();
			const c = cell(SHARED_STUDENTS[when === 'request' ? 1 : 9] as string, SHARED, BALANCE, TERM1);
			await a.engine.edit('results', c.id, { ...c.key, 'values.c1': 1 });

			const gate = a.net.hold(when);
			const first = a.engine.syncNow();
			await gate.arrived;
			// The first op is in flight: these become new ops, not coalesced into it.
			await a.engine.edit('results', c.id, { 'values.c1': 0 });
			await a.engine.edit('results', c.id, { 'values.c2': 1 });
			expect(a.engine.pendingCount).toBe(3);
			gate.release();
			await first;
			await a.sync();

			expect(a.engine.pendingCount).toBe(0);
			const sent = a.net.opsSent.filter((o) => o.record === c.id);
			const ids = sent.map((o) => o.id);
			expect(new Set(ids).size, 'an op was sent twice').toBe(ids.length);
			expect(ids).toHaveLength(3);
			for (const id of ids) expect(await receiptCount(admin, id)).toBe(1);
			expect(await auditCount(admin, c.id)).toBe(3);
			const onServer = await expectConverged(c.id, a);
			expect(valuesOf(onServer)).toEqual({ c1: 0, c2: 1 });
		}
	);

	it('fifty rapid edits to one cell push one coalesced op and leave one final value everywhere', async () => {
		const a = await device('teacherA');
		const b = await device('teacherB');
		await a.sync();
		await b.sync();
		const c = cell(SHARED_STUDENTS[2] as string, SHARED, ITEMS, TERM1);
		const gaps: number[] = [];
		let last = Date.now();
		for (let i = 1; i <= 50; i++) {
			const fields: Record<string, Json> =
				i === 1 ? { ...c.key, notes: `draft ${i}` } : { notes: `draft ${i}` };
			expect(await a.engine.edit('results', c.id, fields)).toMatchObject({ ok: true });
			gaps.push(Date.now() - last);
			last = Date.now();
		}
		// No sync call: the engine pushes on its own once the burst is over.
		await waitFor(
			() => a.engine.pendingCount === 0 && a.engine.phase === 'idle',
			10_000,
			'the push'
		);
		await b.sync();

		const pushedOps = a.net.opsSent.filter((o) => o.record === c.id);
		// A push can only start in a pause longer than the debounce.
		const allowed = 1 + gaps.filter((g) => g >= PUSH_DEBOUNCE_MS - 50).length;
		console.log(
			`[coalesce] 50 edits → ${pushedOps.length} op(s) pushed in ${a.net.pushes.length} push(es); longest gap ${Math.max(...gaps)} ms`
		);
		expect(pushedOps.length).toBeGreaterThanOrEqual(1);
		expect(pushedOps.length).toBeLessThanOrEqual(allowed);
		expect(pushedOps.at(-1)?.fields['notes']).toBe('draft 50');
		expect(await auditCount(admin, c.id)).toBe(pushedOps.length);
		const onServer = await expectConverged(c.id, a, b);
		expect(onServer['notes']).toBe('draft 50');
	});

	it('a push whose answer is lost is retried, applied once and audited once', async () => {
		const a = await device('teacherA');
		await a.sync();
		const c = cell(SHARED_STUDENTS[3] as string, SHARED, BALANCE, TERM1);
		a.net.loseAnswers = 1;
		const edit = await a.engine.edit('results', c.id, { ...c.key, 'values.c1': 1, 'values.c2': 1 });
		if (!edit.ok) throw new Error(edit.reason);
		await a.engine.syncNow();
		// The server applied it; the device does not know.
		expect(a.engine.state.phase).toBe('backoff');
		expect(a.engine.pendingCount).toBe(1);
		expect(valuesOf(await serverRecord(admin, 'results', c.id))).toEqual({ c1: 1, c2: 1 });

		// No sync call: the backoff retries on its own (first retry within 1 s).
		await waitFor(
			() => a.engine.pendingCount === 0 && a.engine.phase === 'idle',
			15_000,
			'the retry'
		);
		const attempts = a.net.pushes.filter((p) => p.ops.some((o) => o.id === edit.opId));
		expect(
			attempts.map((p) => p.error ?? p.results?.find((r) => r.id === edit.opId)?.status)
		).toEqual(['answer lost', 'duplicate']);
		expect(await receiptCount(admin, edit.opId)).toBe(1);
		expect(await auditCount(admin, c.id)).toBe(1);
		await a.sync();
		await expectConverged(c.id, a);
	});

	it('two teachers offline change the same cell: one value everywhere, and the loser gets a notice naming the winner and value', async () => {
		const a = await device('teacherA');
		const b = await device('teacherB');
		await a.sync();
		await b.sync();
		// x: the loser pushes first (its stored value is overwritten);
		// y: the winner pushes first (the loser's op is superseded).
		const x = cell(SHARED_STUDENTS[4] as string, SHARED, BALANCE, TERM1);
		const y = cell(SHARED_STUDENTS[8] as string, SHARED, BALANCE, TERM1);
		a.net.offline = true;
		b.net.offline = true;
		await a.engine.edit('results', x.id, { ...x.key, 'values.c1': 1, 'values.c2': 1 });
		await a.engine.edit('results', y.id, { ...y.key, 'values.c1': 1 });
		await sleep(5); // B edits later: B's value wins both cells
		await b.engine.edit('results', x.id, { ...x.key, 'values.c1': 0, 'values.c3': 1 });
		await b.engine.edit('results', y.id, { ...y.key, 'values.c1': 0 });

		a.net.offline = false;
		b.net.offline = false;
		await a.sync();
		await b.sync();
		await a.sync();

		const sx = await expectConverged(x.id, a, b);
		const sy = await expectConverged(y.id, a, b);
		// Different components of one student, edited concurrently: both kept.
		expect(valuesOf(sx)).toEqual({ c1: 0, c2: 1, c3: 1 });
		expect(valuesOf(sy)).toEqual({ c1: 0 });

		for (const r of [x.id, y.id]) {
			const notices = await conflictsOf(TEACHER_A, r);
			expect(notices, `notice for ${r}`).toHaveLength(1);
			expect(notices[0]).toMatchObject({
				field: 'values.c1',
				mine: 1,
				theirs: 0,
				theirs_by: TEACHER_B,
				status: 'open'
			});
			expect(await conflictsOf(TEACHER_B, r)).toHaveLength(0);
			// Teacher A's device shows it.
			const onDevice = a.engine.list('conflicts', (n) => n['record'] === r);
			expect(onDevice.map((n) => n.id)).toEqual(notices.map((n) => n.id));
			expect(a.engine.status('results', r, 'values.c1')).toMatchObject({
				status: 'conflict',
				conflictId: notices[0]?.id
			});
			expect(b.engine.status('results', r, 'values.c1').status).toBe('synced');
		}
	});

	it('two teachers offline create the same student’s result for one assessment and period: one record, both edits merged', async () => {
		const a = await device('teacherA');
		const b = await device('teacherB');
		await a.sync();
		await b.sync();
		const student = SHARED_STUDENTS[5] as string;
		const c = cell(student, SHARED, HOP, TERM2);
		a.net.offline = true;
		b.net.offline = true;
		await a.engine.edit('results', c.id, { ...c.key, 'values.c1': 1, 'values.c2': 1 });
		await b.engine.edit('results', c.id, {
			...c.key,
			'values.c4': 1,
			notes: 'hops on the left foot only'
		});
		a.net.offline = false;
		b.net.offline = false;
		await a.sync();
		await b.sync();
		await a.sync();

		const rows = await admin.collection('results').getFullList({
			filter: admin.filter('student = {:s} && assessment = {:a} && period = {:p}', {
				s: student,
				a: HOP,
				p: TERM2
			})
		});
		expect(rows.map((r) => r.id)).toEqual([c.id]);
		const onServer = await expectConverged(c.id, a, b);
		expect(valuesOf(onServer)).toEqual({ c1: 1, c2: 1, c4: 1 });
		expect(onServer['notes']).toBe('hops on the left foot only');
		expect(onServer['total']).toBe(3);
		expect(
			a.engine.list('results', (r) => r['student'] === student && r['assessment'] === HOP)
		).toHaveLength(1);
	});

	it('an edit made through the REST API as the admin UI would reaches an offline device, and its older offline edit does not overwrite it', async () => {
		const a = await device('teacherA');
		await a.sync();
		const c = cell(SHARED_STUDENTS[6] as string, SHARED, ITEMS, TERM1);
		await a.engine.edit('results', c.id, { ...c.key, 'values.q1': 1, 'values.q8': 1 });
		await a.sync();

		a.net.offline = true;
		await a.engine.edit('results', c.id, {
			'values.q8': 2,
			'values.q10': 1,
			notes: 'typed on the oval'
		});
		await sleep(5);
		const current = await admin.collection('results').getOne(c.id);
		await admin.collection('results').update(c.id, {
			values: { ...(current['values'] as Record<string, Json>), q8: 3, q9: 2 },
			notes: 'corrected by the office'
		});
		expect(valuesOf(a.engine.get('results', c.id))['q9']).toBeUndefined(); // offline: not there yet

		a.net.offline = false;
		await a.sync();
		const onServer = await expectConverged(c.id, a);
		expect(valuesOf(onServer)).toEqual({ q1: 1, q8: 3, q9: 2, q10: 1 });
		expect(onServer['notes']).toBe('corrected by the office');
		expect(onServer['total']).toBe(7);
		// The teacher is told her values lost, to the office.
		const notices = await conflictsOf(TEACHER_A, c.id);
		expect(notices.map((n) => [n['field'], n['mine'], n['theirs'], n['theirs_by']]).sort()).toEqual(
			[
				['notes', 'typed on the oval', 'corrected by the office', ''],
				['values.q8', 2, 3, '']
			]
		);
	});

	it('a device whose clock is a day ahead is clamped, says so, and cannot override later edits from correct clocks', async () => {
		const DAY = 86_400_000;
		const fast = await device('teacherA', { clockOffsetMs: DAY });
		const right = await device('teacherB');
		await fast.sync();
		await right.sync();
		const c = cell(SHARED_STUDENTS[7] as string, SHARED, BALANCE, TERM3);

		const before = Date.now();
		const edit = await fast.engine.edit('results', c.id, { ...c.key, 'values.c1': 1 });
		if (!edit.ok) throw new Error(edit.reason);
		await fast.sync();
		const after = Date.now();
		const clamp = fast.engine.state.clamped.find((r) => r.opId === edit.opId);
		expect(clamp, 'the clamp is reported').toBeDefined();
		expect(parseStamp(clamp?.from)?.ms).toBeGreaterThanOrEqual(before + DAY);
		const to = parseStamp(clamp?.to)?.ms ?? 0;
		expect(to).toBeGreaterThanOrEqual(before - 1000);
		expect(to).toBeLessThanOrEqual(after + 1000);
		const stamped = await serverRecord(admin, 'results', c.id);
		expect(parseStamp(stamped?.stamps['values.c1'])?.ms).toBeLessThanOrEqual(after + 1000);

		await sleep(5);
		await right.engine.edit('results', c.id, { 'values.c1': 0 });
		await right.sync();
		await fast.sync();
		const onServer = await expectConverged(c.id, fast, right);
		expect(valuesOf(onServer)['c1']).toBe(0);
		// No stamp on the server runs ahead of its clock by more than the bound.
		for (const s of Object.values(onServer.stamps))
			expect(parseStamp(s)?.ms ?? 0).toBeLessThanOrEqual(Date.now() + 60_000);
	});

	it('a device whose clock is a day ahead, editing offline, cannot override a later edit from a correct clock when it reconnects', async () => {
		const DAY = 86_400_000;
		const fast = await device('teacherA', { clockOffsetMs: DAY });
		const right = await device('teacherB');
		const c = cell(SHARED_STUDENTS[11] as string, SHARED, BALANCE, TERM3);
		// The fast device has synced before: it has been clamped and knows its clock runs ahead.
		await fast.engine.edit('results', c.id, { ...c.key, 'values.c2': 1 });
		await fast.sync();
		await right.sync();
		expect(fast.engine.state.clamped.length).toBeGreaterThan(0);
		expect(fast.engine.state.clockOffsetMs).toBeLessThan(-DAY + 60_000);

		fast.net.offline = true;
		await fast.engine.edit('results', c.id, { 'values.c1': 1 }); // earlier, on the wrong clock
		await sleep(20);
		await right.engine.edit('results', c.id, { ...c.key, 'values.c1': 0 }); // later, on a correct clock
		await right.sync();
		await sleep(20);
		fast.net.offline = false;
		await fast.sync();
		await right.sync();
		const onServer = await expectConverged(c.id, fast, right);
		expect(valuesOf(onServer)['c1'], 'the later edit from the correct clock stands').toBe(0);
	});

	it('a batch with invalid ops rejects each with a readable reason, never retries them, and applies the rest', async () => {
		// On the device: what the device can check is refused at once, nothing queued.
		const a = await device('teacherA');
		await a.sync();
		const own = cell(A_STUDENTS[0] as string, A_OWN, ITEMS, TERM1);
		expect(await a.engine.edit('results', own.id, { ...own.key, 'values.q1': 7 })).toMatchObject({
			ok: false,
			code: 'out_of_range',
			reason: expect.stringMatching(/Item 1/)
		});
		expect(await a.engine.edit('results', own.id, { ...own.key, 'values.q99': 1 })).toMatchObject({
			ok: false,
			code: 'unknown_component'
		});
		expect(a.engine.pendingCount).toBe(0);

		// A new device, offline before its first pull, knows no assessment: the server judges.
		const fresh = await device('teacherA', { offline: true });
		const good1 = cell(A_STUDENTS[1] as string, A_OWN, ITEMS, TERM2);
		const range = cell(A_STUDENTS[2] as string, A_OWN, ITEMS, TERM2);
		const good2 = cell(A_STUDENTS[3] as string, A_OWN, ITEMS, TERM2);
		const component = cell(A_STUDENTS[4] as string, A_OWN, ITEMS, TERM2);
		const notMine = cell(B_STUDENTS[0] as string, B_OWN, ITEMS, TERM2);
		const good3 = cell(SHARED_STUDENTS[10] as string, SHARED, ITEMS, TERM2);
		const edits: [typeof good1, Record<string, Json>][] = [
			[good1, { 'values.q4': 2 }],
			[range, { 'values.q1': 7 }],
			[good2, { 'values.q10': 3 }],
			[component, { 'values.q99': 1 }],
			[notMine, { 'values.q1': 1 }],
			[good3, { 'values.q2': 1 }]
		];
		const opIds: string[] = [];
		for (const [c, fields] of edits) {
			const r = await fresh.engine.edit('results', c.id, { ...c.key, ...fields });
			if (!r.ok) throw new Error(`the device refused ${JSON.stringify(fields)}: ${r.reason}`);
			opIds.push(r.opId);
		}
		fresh.net.offline = false;
		await fresh.sync();
		await fresh.sync();
		await fresh.sync();

		const rejected = fresh.engine.state.rejected;
		expect(rejected.map((r) => [r.op.record, r.code])).toEqual([
			[range.id, 'out_of_range'],
			[component.id, 'unknown_component'],
			[notMine.id, 'not_your_class']
		]);
		expect(rejected[0]?.reason).toMatch(/Item 1/);
		expect(rejected[2]?.reason).toMatch(/do not teach/);
		for (const r of rejected) expect(r.reason.length).toBeGreaterThan(10);
		expect(fresh.engine.status('results', notMine.id)).toMatchObject({
			status: 'rejected',
			code: 'not_your_class'
		});
		expect(fresh.engine.pendingCount).toBe(0);
		// Each op was sent exactly once: the rejected ones are not retried.
		for (const id of opIds)
			expect(
				fresh.net.opsSent.filter((o) => o.id === id),
				id
			).toHaveLength(1);
		for (const c of [range, component, notMine])
			expect(await serverRecord(admin, 'results', c.id)).toBeUndefined();
		expect(valuesOf(await serverRecord(admin, 'results', good1.id))).toEqual({ q4: 2 });
		expect(valuesOf(await serverRecord(admin, 'results', good2.id))).toEqual({ q10: 3 });
		expect(valuesOf(await serverRecord(admin, 'results', good3.id))).toEqual({ q2: 1 });
		await expectConverged(good1.id, fresh);
		await expectConverged(good3.id, fresh);
	});
});
