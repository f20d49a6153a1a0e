/**
 * Office edits (the admin UI, the REST API as a superuser) go through the same
 * door as pushes, against a real PocketBase: they merge only the fields the
 * office changed onto the record as it is inside the transaction, never take
 * a server-owned field from the request, pass the same validation as a push,
 * and are audited as stored.
 */
import type PocketBase from 'pocketbase';
import { ClientResponseError, type RecordModel } from 'pocketbase';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Op } from '../../src/lib/sync/core/types';
import { startTestServer, type TestServer } from '../harness/pocketbase';
import { login, push, resultOp, stamp, studentsOf } from '../harness/sync';
import { BALANCE, HOP, ITEMS, SHARED, TERM1, TERM2, TERM3 } from '../harness/demo';

let server: TestServer;
let a: PocketBase;
let admin: PocketBase;

beforeAll(async () => {
	server = await startTestServer({ seed: true });
	a = await server.as(login('teacherA').email, login('teacherA').password);
	admin = await server.admin();
});
afterAll(() => server?.stop());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a request answered: 'ok' or the error's status, message and field errors. */
async function answer(
	request: Promise<unknown>
): Promise<'ok' | { status: number; message: string; data: Record<string, unknown> }> {
	try {
		await request;
		return 'ok';
	} catch (error) {
		if (!(error instanceof ClientResponseError)) throw error;
		return {
			status: error.status,
			message: String(error.response['message'] ?? ''),
			data: (error.response['data'] ?? {}) as Record<string, unknown>
		};
	}
}

async function auditOf(record: string): Promise<RecordModel[]> {
	return admin.collection('audit_log').getFullList({
		filter: admin.filter('record = {:r}', { r: record }),
		sort: 'created'
	});
}

describe('an office edit racing a push', () => {
	it('never reverts a push that committed after PocketBase loaded the record', async () => {
		// A big push holds the write transaction for a while; an office PATCH of
		// the notes sent meanwhile is loaded by PocketBase before that commit and
		// reaches its hook after it. Each round, the push's value must survive.
		const students = studentsOf('shared');
		const target = students[0] as string;
		const key = { student: target, cls: SHARED, assessment: BALANCE, period: TERM1 };
		const t0 = Date.now();
		const create = resultOp({ ...key, fields: { 'values.c1': 0 }, stamp: stamp(t0, 0, 'dev_race') });
		expect((await push(a, { device: 'dev_race', ops: [create] })).status).toBe(200);
		const lost: string[] = [];
		const rounds = 8;
		for (let round = 1; round <= rounds; round++) {
			const t = Date.now();
			const value = round % 2;
			const ops: Op[] = [
				resultOp({ ...key, fields: { 'values.c1': value }, stamp: stamp(t, 0, 'dev_race') })
			];
			// Filler: 499 more ops over other results, so the transaction takes time.
			for (let i = 0; ops.length < 500; i++) {
				const student = students[1 + (i % 24)] as string;
				const assessment = [BALANCE, HOP, ITEMS][Math.floor(i / 24) % 3] as string;
				const period = [TERM1, TERM2, TERM3][Math.floor(i / 72) % 3] as string;
				const component = assessment === ITEMS ? `q${1 + (round % 3)}` : `c${1 + (round % 5)}`;
				ops.push(
					resultOp({
						student,
						cls: SHARED,
						assessment,
						period,
						fields: { [`values.${component}`]: round % 2 },
						stamp: stamp(t, 1 + i, 'dev_race')
					})
				);
			}
			const pushing = push(a, { device: 'dev_race', ops });
			await sleep(15 + 25 * (round % 4));
			const patching = answer(
				admin.collection('results').update(create.record, { notes: `office round ${round}` })
			);
			const [pushed, patched] = await Promise.all([pushing, patching]);
			expect(pushed.status).toBe(200);
			expect(pushed.body.results[0]).toMatchObject({ status: 'applied' });
			expect(patched).toBe('ok');
			const stored = await admin.collection('results').getOne(create.record);
			expect(stored['notes']).toBe(`office round ${round}`);
			if ((stored['values'] as Record<string, number>)['c1'] !== value) {
				lost.push(`round ${round}: values.c1 is ${JSON.stringify(stored['values'])}`);
			}
		}
		expect(lost).toEqual([]);
	}, 240_000);
});
