/**
 * A child's status on the day (absent, injured, excused: issue 12) against a
 * REAL PocketBase with the project's hooks and the real sync engine: pushed by
 * one device and pulled by another, refused with its reason when malformed
 * (changing nothing), merged last-write-wins as one unit between two offline
 * devices with a notice for the loser, audited, and checked on the office's
 * REST path too.
 */
import 'fake-indexeddb/auto';
import type PocketBase from 'pocketbase';
import { ClientResponseError } from 'pocketbase';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Json, WireRecord } from '../../src/lib/sync/core/types';
import { canonical, serverRecord, useSchool, type Device } from '../harness/devices';
import { login, push, resultId, resultOp, stamp } from '../harness/sync';
import { HOP, SHARED, SHARED_STUDENTS, TEACHER_A, TEACHER_B, TERM3 } from '../harness/demo';

const school = useSchool();
let admin: PocketBase;
beforeAll(() => {
	({ admin } = school);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function cell(n: number) {
	const student = SHARED_STUDENTS[n] as string;
	return {
		id: resultId(student, SHARED, HOP, TERM3),
		student,
		key: { student, class: SHARED, assessment: HOP, period: TERM3 } as Record<string, Json>
	};
}

async function expectConverged(id: string, ...ds: Device[]): Promise<WireRecord> {
	const onServer = await serverRecord(admin, 'results', id);
	expect(onServer).toBeDefined();
	for (const d of ds)
		expect(canonical(d.engine.get('results', id)), d.id).toBe(canonical(onServer));
	return onServer as WireRecord;
}

describe('a result’s status on the day, through the real server', () => {
	it('pushed by one device, pulled by the other teacher’s, audited as one change', async () => {
		const a = await school.device('teacherA');
		const b = await school.device('teacherB');
		await a.sync();
		await b.sync();
		const c = cell(0);
		const absent = { kind: 'absent', on: '2026-08-03' };
		expect(await a.engine.edit('results', c.id, { ...c.key, status: absent })).toMatchObject({
			ok: true
		});
		await a.sync();
		await b.sync();
		const onServer = await expectConverged(c.id, a, b);
		expect(onServer['status']).toEqual(absent);
		expect(onServer['values'] ?? {}).toEqual({});
		expect(onServer['level'] ?? null).toBeNull();
		expect(Object.keys(onServer.stamps).filter((p) => p.startsWith('status'))).toEqual(['status']);
		const audit = await admin.collection('audit_log').getFullList({
			filter: admin.filter('record = {:r}', { r: c.id })
		});
		expect(audit.map((e) => (e['changes'] as Record<string, unknown>)['status'])).toEqual([
			[null, absent]
		]);

		// Cleared on B's device: null everywhere.
		await b.engine.edit('results', c.id, { status: null });
		await b.sync();
		await a.sync();
		expect((await expectConverged(c.id, a, b))['status']).toBeNull();
	});

	it('a malformed status is refused with its reason and changes nothing', async () => {
		const pb = await school.server.as(login('teacherA').email, login('teacherA').password);
		const c = cell(1);
		const t = Date.now();
		const good = resultOp({
			cls: SHARED,
			student: c.student,
			assessment: HOP,
			period: TERM3,
			fields: { 'values.c1': 1, status: { kind: 'injured', on: '2026-08-03' } },
			stamp: stamp(t, 0, 'dev_status_raw')
		});
		const bad = (status: Json, n: number) =>
			resultOp({
				student: c.student,
				cls: SHARED,
				assessment: HOP,
				period: TERM3,
				fields: { 'values.c2': 1, status },
				stamp: stamp(t, n, 'dev_status_raw')
			});
		const answer = await push(pb, {
			device: 'dev_status_raw',
			ops: [
				good,
				bad({ kind: 'sick', on: '2026-08-03' }, 1),
				bad({ kind: 'absent', on: '2026-02-30' }, 2),
				bad('absent', 3)
			]
		});
		expect(answer.status).toBe(200);
		expect(answer.body.results.map((r) => [r.status, r.reason ?? ''])).toEqual([
			['applied', ''],
			['rejected', 'A child is absent, injured or excused on a day; “sick” is none of those.'],
			[
				'rejected',
				'The day a child was absent is a date like 2026-03-02; “2026-02-30” is not one.'
			],
			['rejected', expect.stringMatching(/^A child’s status is \{ kind, on \}/)]
		]);
		const row = await admin.collection('results').getOne(c.id);
		// The refused ops changed nothing: not the status, not the value beside it.
		expect(row['status']).toEqual({ kind: 'injured', on: '2026-08-03' });
		expect(row['values']).toEqual({ c1: 1 });

		// The office's REST path runs the same check.
		let refused: ClientResponseError | null = null;
		try {
			await admin
				.collection('results')
				.update(c.id, { status: { kind: 'away', on: '2026-08-03' } });
		} catch (e) {
			if (!(e instanceof ClientResponseError)) throw e;
			refused = e;
		}
		expect(refused?.status).toBe(400);
		expect(JSON.stringify(refused?.response)).toContain('“away” is none of those');
		expect((await admin.collection('results').getOne(c.id))['status']).toEqual({
			kind: 'injured',
			on: '2026-08-03'
		});
		// A good office edit is stored, stamped and audited.
		await admin
			.collection('results')
			.update(c.id, { status: { kind: 'excused', on: '2026-08-04' } });
		const after = await admin.collection('results').getOne(c.id);
		expect(after['status']).toEqual({ kind: 'excused', on: '2026-08-04' });
		expect((after['stamps'] as Record<string, string>)['status']).toMatch(/:server$/);
	});

	it('two teachers offline: the later status wins whole, the other teacher is told', async () => {
		const a = await school.device('teacherA');
		const b = await school.device('teacherB');
		await a.sync();
		await b.sync();
		const c = cell(2);
		a.net.offline = true;
		b.net.offline = true;
		await a.engine.edit('results', c.id, {
			...c.key,
			'values.c1': 1,
			status: { kind: 'absent', on: '2026-08-03' }
		});
		await sleep(5); // B's edit is later: it wins
		await b.engine.edit('results', c.id, {
			...c.key,
			'values.c2': 0,
			status: { kind: 'excused', on: '2026-08-04' }
		});
		a.net.offline = false;
		b.net.offline = false;
		await a.sync();
		await b.sync();
		await a.sync();

		const onServer = await expectConverged(c.id, a, b);
		// One unit: B's kind with B's day, never "excused on 3 August".
		expect(onServer['status']).toEqual({ kind: 'excused', on: '2026-08-04' });
		// The marks beside it merge component by component, as always.
		expect(onServer['values']).toEqual({ c1: 1, c2: 0 });
		const notices = await admin.collection('conflicts').getFullList({
			filter: admin.filter('record = {:r} && field = "status"', { r: c.id })
		});
		expect(notices.map((n) => [n['user'], n['mine'], n['theirs'], n['theirs_by']])).toEqual([
			[
				TEACHER_A,
				{ kind: 'absent', on: '2026-08-03' },
				{ kind: 'excused', on: '2026-08-04' },
				TEACHER_B
			]
		]);
		expect(a.engine.status('results', c.id, 'status').status).toBe('conflict');
	});
});
