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
import { A_OWN, BALANCE, HOP, ITEMS, SHARED, TERM1, TERM2, TERM3 } from '../harness/demo';
import { DEMO_IDS } from '../../scripts/lib/seed.mjs';

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
		const create = resultOp({
			...key,
			fields: { 'values.c1': 0 },
			stamp: stamp(t0, 0, 'dev_race')
		});
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

describe('an office delete racing a push', () => {
	it('tombstones the record as it is in the transaction, keeping the push', async () => {
		const students = studentsOf('shared');
		const lost: string[] = [];
		for (let round = 1; round <= 4; round++) {
			const target = students[24 - round] as string;
			const key = { student: target, cls: SHARED, assessment: HOP, period: TERM3 };
			const t = Date.now();
			const create = resultOp({
				...key,
				fields: { 'values.c1': 0 },
				stamp: stamp(t, 0, 'dev_race')
			});
			expect((await push(a, { device: 'dev_race', ops: [create] })).status).toBe(200);
			const ops: Op[] = [
				resultOp({ ...key, fields: { 'values.c1': 1 }, stamp: stamp(t + 1, 0, 'dev_race') })
			];
			for (let i = 0; ops.length < 500; i++) {
				ops.push(
					resultOp({
						student: students[i % 20] as string,
						cls: SHARED,
						assessment: ITEMS,
						period: TERM3,
						fields: { [`values.q${1 + (i % 3)}`]: (round + i) % 2 },
						stamp: stamp(t + 1, 1 + i, 'dev_race')
					})
				);
			}
			const pushing = push(a, { device: 'dev_race', ops });
			await sleep(15 + 25 * round);
			const deleting = answer(admin.collection('results').delete(create.record));
			const [pushed, deleted] = await Promise.all([pushing, deleting]);
			expect(pushed.body.results[0]).toMatchObject({ status: 'applied' });
			expect(deleted).toBe('ok');
			const stored = await admin.collection('results').getOne(create.record);
			expect(stored['deleted']).toBe(true);
			if ((stored['values'] as Record<string, number>)['c1'] !== 1) {
				lost.push(`round ${round}: values ${JSON.stringify(stored['values'])}`);
			}
		}
		expect(lost).toEqual([]);
	}, 120_000);
});

/** A result made by a push, as the office then reads it. */
async function pushedResult(
	student: string,
	fields: Record<string, number>,
	assessment = ITEMS,
	period = TERM2
): Promise<RecordModel> {
	const create = resultOp({
		student,
		cls: A_OWN,
		assessment,
		period,
		fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [`values.${k}`, v])),
		stamp: stamp(Date.now(), 0, 'dev_office_tests')
	});
	const res = await push(a, { device: 'dev_office_tests', ops: [create] });
	expect(res.body.results[0]).toMatchObject({ status: 'applied' });
	return admin.collection('results').getOne(create.record);
}

/** Everything the office could break: the record and its audit trail, as stored. */
async function snapshot(collection: string, id: string) {
	const record = await admin.collection(collection).getOne(id);
	const { updated: _updated, ...rest } = record;
	return { record: rest, audit: (await auditOf(id)).map((e) => e.id) };
}

/**
 * The admin UI's save: every field of the record as it was read (not
 * `expand`), JSON fields as the text of its JSON editor, with the office's changes.
 */
function adminUiPayload(record: RecordModel, changes: Record<string, unknown>) {
	const { expand: _expand, ...fields } = record;
	for (const key of ['values', 'stamps']) fields[key] = JSON.stringify(fields[key], null, 2);
	return { ...fields, ...changes };
}

// The office's tests use teacherA's own students, whom the races above leave alone.
describe('server-owned fields', () => {
	const students = studentsOf('teacherA');

	it.each([
		['stamps', {}],
		['stamps', { 'values.q1': '253402300799000:00000:dev_office' }],
		['seq', 1],
		['deleted', true],
		['total', 20],
		['level', 'Above expected'],
		['best_time', 1.5]
	] as const)('refuses an office edit setting %s to %j, changing nothing', async (field, value) => {
		const result = await pushedResult(students[10] as string, { q1: 1 });
		const before = await snapshot('results', result.id);
		const got = await answer(
			admin.collection('results').update(result.id, { notes: 'and this', [field]: value })
		);
		expect(got).toMatchObject({ status: 400 });
		if (got === 'ok') return;
		expect(got.message).toContain(`“${field}” is kept by the server`);
		expect(got.data[field]).toMatchObject({ message: got.message });
		expect(await snapshot('results', result.id)).toEqual(before);
	});

	it('accepts the admin UI sending the whole record back with one field changed, and audits only it', async () => {
		const result = await pushedResult(students[11] as string, { q1: 1, q4: 2 });
		const saved = await admin
			.collection('results')
			.update(result.id, adminUiPayload(result, { notes: 'Re-tested in May.' }));
		expect(saved['notes']).toBe('Re-tested in May.');
		expect(saved['values']).toEqual({ q1: 1, q4: 2 });
		expect(saved['seq']).toBeGreaterThan(result['seq'] as number);
		expect((saved['stamps'] as Record<string, string>)['notes']).toMatch(/:server$/);
		expect(saved['stamps']).toMatchObject({
			'values.q1': (result['stamps'] as Record<string, string>)['values.q1']
		});
		const audit = await auditOf(result.id);
		expect(audit).toHaveLength(2); // the push's create, and this
		expect(audit[1]).toMatchObject({
			op: 'update',
			device: expect.stringMatching(/^admin-ui:/),
			changes: { notes: ['', 'Re-tested in May.'] }
		});
	});

	it('refuses an admin-UI save made from a form opened before a push changed the record', async () => {
		const result = await pushedResult(students[12] as string, { q1: 1 });
		// The office opens the record; then a teacher's push changes it.
		const later = resultOp({
			student: students[12] as string,
			cls: A_OWN,
			assessment: ITEMS,
			period: TERM2,
			fields: { 'values.q2': 1 },
			stamp: stamp(Date.now() + 1, 0, 'dev_office_tests')
		});
		expect((await push(a, { device: 'dev_office_tests', ops: [later] })).status).toBe(200);
		const before = await snapshot('results', result.id);
		const got = await answer(
			admin.collection('results').update(result.id, adminUiPayload(result, { notes: 'stale' }))
		);
		expect(got).toMatchObject({ status: 400 });
		if (got !== 'ok') expect(got.message).toMatch(/reload it and make your edit again/);
		expect(await snapshot('results', result.id)).toEqual(before);
		expect(before.record['values']).toEqual({ q1: 1, q2: 1 });
	});

	it('creates a record from the admin UI form (empty stamps, default seq) with server stamps', async () => {
		const made = await admin.collection('results').create({
			student: students[13],
			class: A_OWN,
			assessment: ITEMS,
			period: TERM3,
			values: { q1: 1 },
			notes: '',
			stamps: {},
			seq: 0,
			deleted: false,
			total: 0,
			level: '',
			best_time: 0
		});
		expect(made['total']).toBe(1);
		expect(made['seq']).toBeGreaterThan(0);
		expect((made['stamps'] as Record<string, string>)['values.q1']).toMatch(/:server$/);
	});
});

/** JSON nested `depth` arrays deep. */
function deepJson(depth: number): unknown {
	let value: unknown = 0;
	for (let i = 0; i < depth; i++) value = [value];
	return value;
}

describe('JSON depth', () => {
	it.each([
		['results', 'values'],
		['assessments', 'components'],
		['assessments', 'levels']
	] as const)('refuses %s.%s nested 1,100 deep, changing nothing', async (collection, field) => {
		const id =
			collection === 'results'
				? (await pushedResult(studentsOf('teacherA')[14] as string, { q1: 1 })).id
				: ITEMS;
		const before = await snapshot(collection, id);
		const value = field === 'values' ? { q1: deepJson(1100) } : deepJson(1100);
		const got = await answer(admin.collection(collection).update(id, { [field]: value }));
		expect(got).toMatchObject({ status: 400 });
		if (got !== 'ok') expect(got.message).toMatch(/nested too deeply/);
		expect(await snapshot(collection, id)).toEqual(before);
	});
});

describe('office edits pass the same validation as a push', () => {
	const students = studentsOf('teacherA');

	it.each([
		['an out-of-range item', { values: { q1: 7 } }, /Item 1.*0–1 points; 7 is too many/],
		['an unknown component', { values: { q1: 1, q99: 1 } }, /has no component “q99”/],
		['notes that are too long', { notes: 'x'.repeat(2001) }, /up to 2000 characters/],
		['moving the result to another class', { class: SHARED }, /set once/]
	])('refuses %s on a result with the reason, changing nothing', async (_what, data, reason) => {
		const result = await pushedResult(students[15] as string, { q1: 1 });
		const before = await snapshot('results', result.id);
		const got = await answer(admin.collection('results').update(result.id, data));
		expect(got).toMatchObject({ status: 400 });
		if (got !== 'ok') expect(got.message).toMatch(reason);
		expect(await snapshot('results', result.id)).toEqual(before);
	});

	it('refuses an observation that is too long, and one with no text', async () => {
		const base = { student: students[16], class: A_OWN, by: login('teacherA').id };
		const tooLong = await answer(
			admin.collection('observations').create({ ...base, text: 'y'.repeat(1001) })
		);
		expect(tooLong).toMatchObject({ status: 400 });
		if (tooLong !== 'ok') expect(tooLong.message).toMatch(/up to 1000 characters/);
		const blank = await answer(admin.collection('observations').create({ ...base, text: '   ' }));
		expect(blank).toMatchObject({ status: 400 });
		if (blank !== 'ok') expect(blank.message).toMatch(/needs some text/);
		const list = await admin.collection('observations').getFullList({
			filter: admin.filter('student = {:s}', { s: students[16] })
		});
		expect(list).toEqual([]);
	});

	it('refuses attempts on an assessment that is not timed, and of impossible length', async () => {
		const base = {
			student: students[17],
			class: A_OWN,
			period: TERM1,
			taken_at: '2026-03-01 01:00:00.000Z',
			by: login('teacherA').id
		};
		const cases = [
			[{ ...base, assessment: BALANCE, seconds: 9 }, /not a timed assessment/],
			[{ ...base, assessment: SPRINT, seconds: -1 }, /more than 0/],
			[{ ...base, assessment: SPRINT, seconds: 0 }, /more than 0/]
		] as const;
		for (const [data, reason] of cases) {
			const got = await answer(admin.collection('attempts').create(data));
			expect(got, JSON.stringify(data)).toMatchObject({ status: 400 });
			if (got !== 'ok') expect(got.message).toMatch(reason);
		}
		const list = await admin.collection('attempts').getFullList({
			filter: admin.filter('student = {:s}', { s: students[17] })
		});
		expect(list).toEqual([]);
		// A good one goes through, and derives the result's best time.
		const ok = await answer(
			admin.collection('attempts').create({ ...base, assessment: SPRINT, seconds: 8.1 })
		);
		expect(ok).toBe('ok');
	});

	it('refuses changing an attempt once recorded', async () => {
		const made = await admin.collection('attempts').create({
			student: students[18],
			class: A_OWN,
			assessment: SPRINT,
			period: TERM1,
			seconds: 8.4,
			taken_at: '2026-03-01 01:00:00.000Z',
			by: login('teacherA').id
		});
		const before = await snapshot('attempts', made.id);
		const got = await answer(admin.collection('attempts').update(made.id, { seconds: 7.2 }));
		expect(got).toMatchObject({ status: 400 });
		if (got !== 'ok') expect(got.message).toMatch(/“seconds” is set once/);
		expect(await snapshot('attempts', made.id)).toEqual(before);
	});
});

describe('an office edit of an attempt', () => {
	it('derives the best time of its result again, when it is made and when it is deleted', async () => {
		const student = studentsOf('teacherA')[21] as string;
		const result = await pushedResult(student, {}, SPRINT, TERM1);
		expect(result['best_time']).toBeFalsy();
		const attempt = (seconds: number) => ({
			student,
			class: A_OWN,
			assessment: SPRINT,
			period: TERM1,
			seconds,
			taken_at: '2026-03-02 01:00:00.000Z',
			by: login('teacherA').id
		});
		const slow = await admin.collection('attempts').create(attempt(8.6));
		const fast = await admin.collection('attempts').create(attempt(7.4));
		let now = await admin.collection('results').getOne(result.id);
		expect(now['best_time']).toBe(7.4);
		expect(now['level']).toBe('Above expected level');
		expect(now['seq']).toBeGreaterThan(result['seq'] as number);
		expect((now['stamps'] as Record<string, string>)['best_time']).toMatch(/:server$/);

		await admin.collection('attempts').delete(fast.id);
		now = await admin.collection('results').getOne(result.id);
		expect(now['best_time']).toBe(8.6);
		expect(now['level']).toBe('Working towards');
		await admin.collection('attempts').delete(slow.id);
		expect((await admin.collection('results').getOne(result.id))['best_time']).toBeFalsy();
	});
});

describe('the audit entry records exactly what was stored', () => {
	it.each([
		['items', ITEMS, { q1: 1 }],
		['a checklist below any level', BALANCE, { c1: 1 }],
		['a timed assessment without attempts', SPRINT, {}]
	] as const)(
		'makes no entry and no new seq for an edit that stores no difference (%s)',
		async (_kind, assessment, values) => {
			const result = await pushedResult(studentsOf('teacherA')[19] as string, values, assessment);
			const first = await admin.collection('results').update(result.id, { notes: 'Same' });
			const audits = (await auditOf(result.id)).length;
			const again = await admin.collection('results').update(result.id, { notes: 'Same' });
			expect(again['seq']).toBe(first['seq']);
			expect(again['stamps']).toEqual(first['stamps']);
			expect(await auditOf(result.id)).toHaveLength(audits);
			// Sending the values back as they are is no change either.
			await admin.collection('results').update(result.id, { values });
			expect(await auditOf(result.id)).toHaveLength(audits);
		}
	);

	it('audits the components changed and the derived fields the server moved', async () => {
		const result = await pushedResult(studentsOf('teacherA')[20] as string, { q1: 1, q4: 1 });
		await admin.collection('results').update(result.id, { values: { q1: 1, q5: 2 } });
		const entry = (await auditOf(result.id)).at(-1)!;
		expect(entry['changes']).toEqual({
			'values.q4': [1, null],
			'values.q5': [null, 2],
			total: [2, 3]
		});
	});
});

describe("the office's edit of an assessment's definition", () => {
	it('takes a component hint and sends it to devices; refuses an over-long one with the reason, changing nothing', async () => {
		const before = await snapshot('assessments', HOP);
		const components = (before.record['components'] as Record<string, unknown>[]).map((c) => ({
			...c
		}));
		const long = [{ ...components[0], hint: 'x'.repeat(201) }, ...components.slice(1)];
		const got = await answer(admin.collection('assessments').update(HOP, { components: long }));
		expect(got).toMatchObject({ status: 400 });
		if (got !== 'ok') {
			expect(got.message).toMatch(/a hint takes at most 200/);
			expect(got.data['components']).toMatchObject({ code: 'markbook_bad_assessment' });
		}
		expect(await snapshot('assessments', HOP)).toEqual(before);

		const hinted = [
			{ ...components[0], hint: 'Lands softly and springs up again.' },
			...components.slice(1)
		];
		expect(await answer(admin.collection('assessments').update(HOP, { components: hinted }))).toBe(
			'ok'
		);
		const pulled = await a.send('/api/sync/pull', {
			method: 'GET',
			query: { device: 'dev_hint_reader', since: 0, limit: 2000 },
			requestKey: null
		});
		const hop = (
			pulled.changes as {
				collection: string;
				record: { id: string; components: { hint?: string }[] };
			}[]
		).find((c) => c.collection === 'assessments' && c.record.id === HOP);
		expect(hop?.record.components[0]?.hint).toBe('Lands softly and springs up again.');
		// Put back as seeded (other tests read HOP's definition).
		await admin.collection('assessments').update(HOP, { components });
	});
});
