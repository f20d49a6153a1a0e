/**
 * handlePull, handleStatus and applyExternalEdit in Node, through the memory
 * store (push has its own suites: push.test.ts, push.property.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { DEVICE_COUNT_MAX, WIRE_VERSION } from '../core/types';
import { applyExternalEdit } from './external';
import { handlePush } from './push';
import { handlePull, handleStatus } from './pull';
import {
	A,
	C1,
	C2,
	COORD,
	createSchool,
	opMaker,
	resultOf,
	S1,
	S12,
	S2,
	T1,
	T2
} from './school.test-helpers';

const ids = (changes: { collection: string; record: { id: string } }[], collection: string) =>
	changes
		.filter((c) => c.collection === collection)
		.map((c) => c.record.id)
		.sort();

describe('handlePull through the memory store', () => {
	it("sends a teacher only her classes' records, a coordinator everything", () => {
		const school = createSchool();
		const r1 = resultOf(S1, C1);
		const r2 = resultOf(S2, C2);
		school.push(T1, 'dev_t1', [opMaker('dev_t1').op('results', r1.id, { ...r1.key, notes: 'a' })]);
		school.push(T2, 'dev_t2', [opMaker('dev_t2').op('results', r2.id, { ...r2.key, notes: 'b' })]);
		const t1 = school.pull(T1, 'dev_t1');
		expect(ids(t1, 'classes')).toEqual([C1]);
		expect(ids(t1, 'students')).toEqual([S1, S12].sort());
		expect(ids(t1, 'results')).toEqual([r1.id]);
		expect(ids(t1, 'assessments')).toContain(A);
		const coord = school.pull(COORD, 'dev_coord');
		expect(ids(coord, 'results')).toEqual([r1.id, r2.id].sort());
		expect(ids(coord, 'classes')).toEqual([C1, C2].sort());
	});

	it('pages by seq and ends at the current cursor', () => {
		const school = createSchool();
		const actor = { id: T1, role: 'teacher' as const };
		const first = handlePull({ device: 'dev_t1', since: '0', limit: '2' }, actor, school.store);
		expect(first.body).toMatchObject({ more: true });
		const changes = first.body['changes'] as { record: { seq: number } }[];
		expect(changes.map((c) => c.record.seq)).toEqual([1, 3]);
		const rest = handlePull(
			{ device: 'dev_t1', since: String(first.body['cursor']), limit: '100' },
			actor,
			school.store
		);
		expect(rest.body).toMatchObject({ more: false, cursor: school.store.currentSeq() });
	});

	it('says the scope changed when the teacher is given another class', () => {
		const school = createSchool();
		const actor = { id: T1, role: 'teacher' as const };
		const full = handlePull({ device: 'dev_t1', since: '0' }, actor, school.store);
		const cls = school.store.getRecord('classes', C2)!;
		school.store.putRecord('classes', { ...cls, teachers: [T2, T1], seq: school.store.nextSeq() });
		const next = handlePull(
			{ device: 'dev_t1', since: String(full.body['cursor']) },
			actor,
			school.store
		);
		expect(next.body).toMatchObject({ scopeChanged: true, changes: [] });
	});

	it("refuses another teacher's device and a deactivated one", () => {
		const school = createSchool();
		school.pull(T1, 'dev_t1');
		expect(handlePull({ device: 'dev_t1' }, { id: T2, role: 'teacher' }, school.store).status).toBe(
			403
		);
		school.store.setDeviceActive('dev_t1', false);
		expect(
			handleStatus({ device: 'dev_t1' }, { id: T1, role: 'teacher' }, school.store).status
		).toBe(403);
	});
});

describe('applyExternalEdit through the memory store', () => {
	it('stamps only the changed fields with the server clock, derives the total, and orders after pushed stamps', () => {
		const school = createSchool();
		const r = resultOf(S1, C1);
		school.push(T1, 'dev_t1', [opMaker('dev_t1').op('results', r.id, { ...r.key, 'values.a': 2 })]);
		const before = school.store.getRecord('results', r.id)!;
		const edit = applyExternalEdit(
			{
				collection: 'results',
				loaded: before,
				requested: { ...before, values: { a: 2, b: 5 } },
				current: before
			},
			school.store,
			{ user: '', device: 'admin-ui' }
		);
		if (!edit.ok || !edit.audit) throw new Error('the office edit was refused');
		expect(Object.keys(edit.audit.changes)).toContain('values.b');
		expect(Object.keys(edit.audit.changes)).not.toContain('values.a');
		expect(edit.record['total']).toBe(7);
		expect(edit.record.stamps['values.a']).toBe(before.stamps['values.a']);
		expect(edit.record.stamps['values.b']! > before.stamps['values.a']!).toBe(true);
		expect(edit.record.seq).toBe(school.store.currentSeq());
	});
});

describe('memory store restore', () => {
	it('puts back a snapshot and changes the epoch', () => {
		const school = createSchool();
		const epoch = school.store.epoch();
		const snap = school.store.snapshot();
		const r = resultOf(S1, C1);
		school.push(T1, 'dev_t1', [
			opMaker('dev_t1').op('results', r.id, { ...r.key, notes: 'later' })
		]);
		expect(school.store.getRecord('results', r.id)).not.toBeNull();
		school.store.restore(snap);
		expect(school.store.getRecord('results', r.id)).toBeNull();
		expect(school.store.currentSeq()).toBe(snap.seq);
		expect(school.store.epoch()).not.toBe(epoch);
	});
});

describe("a device's outbox counts ride on its sync requests", () => {
	const t1 = { id: T1, role: 'teacher' as const };
	const status = (store: ReturnType<typeof createSchool>['store'], device: string) =>
		handleStatus({ device }, t1, store).body['device'] as {
			pending: number;
			failed: number;
			last_sync_at: string;
		};

	it('a push stores pending and failed on the device row, with the time of the sync', () => {
		const school = createSchool();
		const r = resultOf(S1, C1);
		const op = opMaker('dev_t1').op('results', r.id, { ...r.key, notes: 'a' });
		const body = { v: WIRE_VERSION, device: 'dev_t1', ops: [op], pending: 3, failed: 2 };
		const answer = handlePush(body, JSON.stringify(body).length, t1, school.store);
		expect(answer.status).toBe(200);
		expect(status(school.store, 'dev_t1')).toMatchObject({ pending: 3, failed: 2 });
		school.clock.ms += 60_000;
		const later = { ...body, ops: [], pending: 0, failed: 1 };
		handlePush(later, JSON.stringify(later).length, t1, school.store);
		const row = status(school.store, 'dev_t1');
		expect(row).toMatchObject({ pending: 0, failed: 1 });
		expect(Date.parse(row.last_sync_at)).toBe(school.clock.ms);
	});

	it('a pull stores them too (the pull after a push carries the counts the answer left)', () => {
		const school = createSchool();
		handlePull({ device: 'dev_t1', since: '0', pending: '4', failed: '1' }, t1, school.store);
		expect(status(school.store, 'dev_t1')).toMatchObject({ pending: 4, failed: 1 });
		handlePull({ device: 'dev_t1', since: '0', pending: '0', failed: '0' }, t1, school.store);
		expect(status(school.store, 'dev_t1')).toMatchObject({ pending: 0, failed: 0 });
	});

	it('a request without them (an older app) keeps the last counts', () => {
		const school = createSchool();
		handlePull({ device: 'dev_t1', since: '0', pending: '5', failed: '2' }, t1, school.store);
		school.push(T1, 'dev_t1', []);
		handlePull({ device: 'dev_t1', since: '0' }, t1, school.store);
		expect(status(school.store, 'dev_t1')).toMatchObject({ pending: 5, failed: 2 });
	});

	const badPush: [string, unknown][] = [
		['negative', -1],
		['fractional', 1.5],
		['a string', '3'],
		['null', null],
		['too large', DEVICE_COUNT_MAX + 1]
	];
	for (const [what, value] of badPush) {
		it(`a push whose count is ${what} is refused as a whole (400) and changes nothing`, () => {
			const school = createSchool();
			school.pull(T1, 'dev_t1');
			const before = status(school.store, 'dev_t1');
			const r = resultOf(S1, C1);
			const op = opMaker('dev_t1').op('results', r.id, { ...r.key, notes: 'a' });
			for (const field of ['pending', 'failed']) {
				school.clock.ms += 1000;
				const body = { v: WIRE_VERSION, device: 'dev_t1', ops: [op], [field]: value };
				const answer = handlePush(body, JSON.stringify(body).length, t1, school.store);
				expect(answer.status).toBe(400);
				expect(String(answer.body['message'])).toContain(`"${field}"`);
				expect(school.store.getRecord('results', r.id)).toBeNull();
				expect(status(school.store, 'dev_t1')).toEqual(before);
			}
		});
	}

	it('a push with a bad count from a device never seen registers nothing', () => {
		const school = createSchool();
		const body = { v: WIRE_VERSION, device: 'dev_new', ops: [], pending: -2 };
		expect(handlePush(body, JSON.stringify(body).length, t1, school.store).status).toBe(400);
		expect(school.store.getDevice('dev_new')).toBeNull();
	});

	for (const value of ['-1', '1.5', 'abc', ' 2', String(DEVICE_COUNT_MAX + 1), '1e3']) {
		it(`a pull whose count is ${JSON.stringify(value)} is refused (400) and changes nothing`, () => {
			const school = createSchool();
			school.pull(T1, 'dev_t1');
			const before = status(school.store, 'dev_t1');
			school.clock.ms += 1000;
			for (const field of ['pending', 'failed']) {
				const answer = handlePull(
					{ device: 'dev_t1', since: '0', [field]: value },
					t1,
					school.store
				);
				expect(answer.status).toBe(400);
				expect(String(answer.body['message'])).toContain(`"${field}"`);
				expect(status(school.store, 'dev_t1')).toEqual(before);
			}
			expect(
				handlePull({ device: 'dev_fresh', since: '0', failed: '-1' }, t1, school.store).status
			).toBe(400);
			expect(school.store.getDevice('dev_fresh')).toBeNull();
		});
	}
});
