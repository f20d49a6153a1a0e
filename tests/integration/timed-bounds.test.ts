/**
 * The office's plausible times for a timed assessment, in a real PocketBase:
 * the hooks run the domain's validateSeconds, so a push of an impossible time
 * is refused with the bounds in words, and a time within them is applied.
 * (The demo 40 m sprint takes 4–90 s.)
 */
import type PocketBase from 'pocketbase';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../../scripts/lib/seed.mjs';
import { randomRecordId } from '../../src/lib/sync/core/ids';
import { startTestServer, type TestServer } from '../harness/pocketbase';
import { login, op, push, stamp, studentsOf } from '../harness/sync';
import { A_OWN, TERM1 } from '../harness/demo';

const SPRINT = DEMO_IDS.assessments['sprint'] as string;
let server: TestServer;
let a: PocketBase;
let admin: PocketBase;

beforeAll(async () => {
	server = await startTestServer({ seed: true });
	a = await server.as(login('teacherA').email, login('teacherA').password);
	admin = await server.admin();
});
afterAll(() => server?.stop());

const attempt = (seconds: number, counter: number) =>
	op({
		collection: 'attempts',
		record: randomRecordId(Math.random),
		fields: {
			student: studentsOf('teacherA')[3] as string,
			class: A_OWN,
			assessment: SPRINT,
			period: TERM1,
			seconds,
			taken_at: '2026-02-10 01:00:00.000Z',
			by: login('teacherA').id
		},
		stamp: stamp(Date.now(), counter, 'dev_bounds')
	});

describe('plausible times', () => {
	it('the seeded sprint carries the office’s bounds', async () => {
		expect(await admin.collection('assessments').getOne(SPRINT)).toMatchObject({
			min_seconds: 4,
			max_seconds: 90
		});
	});

	it('a push of 0.5 s for a 40 m sprint is refused in words; 7.9 s is applied; nothing else stored', async () => {
		const slip = attempt(0.5, 0);
		const slow = attempt(95, 1);
		const good = attempt(7.9, 2);
		const res = await push(a, { device: 'dev_bounds', ops: [slip, slow, good] });
		expect(res.status, JSON.stringify(res.body)).toBe(200);
		expect(res.body.results[0]).toMatchObject({ status: 'rejected', code: 'implausible' });
		expect(res.body.results[0]?.reason).toContain(
			'0.5 s is not a plausible time for “40 m sprint”: the school expects more than 4 s'
		);
		expect(res.body.results[1]).toMatchObject({ status: 'rejected', code: 'implausible' });
		expect(res.body.results[1]?.reason).toContain('at most 90 s');
		expect(res.body.results[2]).toMatchObject({ status: 'applied' });
		const stored = await admin.collection('attempts').getFullList({
			filter: admin.filter('assessment = {:a} && period = {:p}', { a: SPRINT, p: TERM1 })
		});
		expect(stored.map((r) => r['seconds'])).toEqual([7.9]);
	});
});
