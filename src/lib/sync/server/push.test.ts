import { describe, expect, it } from 'vitest';
import { handlePull, handleStatus } from './pull';
import {
	A,
	C1,
	C2,
	createSchool,
	opMaker,
	P,
	resultOf,
	S1,
	S12,
	S2,
	T0,
	T1,
	T2
} from './school.test-helpers';

const T3 = 'usrteacher00003';

describe('handlePush replays (10.1, 11.1)', () => {
	it('answers a rejected op replayed exactly as first: rejected, same code and reason, never duplicate', () => {
		const school = createSchool();
		const dev = opMaker('dev_t1');
		const r = resultOf(S1, C1);
		const bad = dev.op('results', r.id, { ...r.key, 'values.a': 11 });
		const first = school.push(T1, 'dev_t1', [bad]).body.results[0];
		expect(first).toMatchObject({ status: 'rejected', code: 'out_of_range' });
		const again = school.push(T1, 'dev_t1', [bad]).body.results[0];
		expect(again).toEqual(first);
		expect(school.store.getRecord('results', r.id)).toBeNull();
	});

	it('answers an applied op replayed as duplicate, with the record as it is now', () => {
		const school = createSchool();
		const dev = opMaker('dev_t1');
		const r = resultOf(S1, C1);
		const op = dev.op('results', r.id, { ...r.key, 'values.a': 3 });
		expect(school.push(T1, 'dev_t1', [op]).body.results[0]?.status).toBe('applied');
		school.push(T1, 'dev_t1', [dev.op('results', r.id, { 'values.b': 4 })]);
		const again = school.push(T1, 'dev_t1', [op]).body.results[0];
		expect(again?.status).toBe('duplicate');
		expect(again?.record?.['values']).toEqual({ a: 3, b: 4 });
	});

	it("refuses an op under a colleague's op id (op_id_taken): her receipt neither answers nor drops it, and stays hers", () => {
		const school = createSchool();
		const r1 = resultOf(S1, C1);
		const r2 = resultOf(S2, C2);
		const mine = opMaker('dev_t1').op('results', r1.id, { ...r1.key, 'values.a': 3 });
		school.push(T1, 'dev_t1', [mine]);
		const theirs = {
			...opMaker('dev_t2').op('results', r2.id, { ...r2.key, 'values.a': 5 }),
			id: mine.id
		};
		const answer = school.push(T2, 'dev_t2', [theirs]).body.results[0];
		expect(answer).toMatchObject({ status: 'rejected', code: 'op_id_taken' });
		expect(answer?.record).toBeUndefined();
		expect(school.store.getRecord('results', r2.id)).toBeNull();
		// The first owner's replay is still answered from her receipt.
		expect(school.push(T1, 'dev_t1', [mine]).body.results[0]?.status).toBe('duplicate');
		// The same user on another device is another owner too.
		expect(school.push(T1, 'dev_t1b', [mine]).body.results[0]?.code).toBe('op_id_taken');
	});

	it("never returns another class's record to a replay that names it", () => {
		const school = createSchool();
		const r1 = resultOf(S1, C1);
		const r2 = resultOf(S2, C2);
		school.push(T2, 'dev_t2', [
			opMaker('dev_t2').op('results', r2.id, { ...r2.key, notes: 'secret' })
		]);
		const dev = opMaker('dev_t1');
		const mine = dev.op('results', r1.id, { ...r1.key, 'values.a': 11 }); // rejected, still a receipt
		const ok = dev.op('results', r1.id, { ...r1.key, 'values.a': 2 });
		school.push(T1, 'dev_t1', [mine, ok]);
		for (const op of [mine, ok]) {
			for (const target of [
				{ collection: 'results', record: r2.id },
				{ collection: 'students', record: S2 },
				{ collection: 'classes', record: C2 }
			]) {
				const answer = school.push(T1, 'dev_t1', [{ ...op, ...target }]);
				expect(answer.status).toBe(200);
				const res = answer.body.results[0];
				expect(JSON.stringify(res)).not.toContain('secret');
				expect(res?.record).toBeUndefined();
			}
		}
	});

	it('answers a replay without its record once the caller may no longer read it', () => {
		const school = createSchool();
		const r1 = resultOf(S1, C1);
		const op = opMaker('dev_t1').op('results', r1.id, { ...r1.key, 'values.a': 2 });
		school.push(T1, 'dev_t1', [op]);
		const cls = school.store.getRecord('classes', C1)!;
		school.store.putRecord('classes', { ...cls, teachers: [T2] });
		const again = school.push(T1, 'dev_t1', [op]).body.results[0];
		expect(again?.status).toBe('duplicate');
		expect(again?.record).toBeUndefined();
	});
});

describe('handlePush clamping (10.4)', () => {
	it("keeps one device's order when it clamps: two edits of a field in one batch from a clock 2 minutes ahead, the later wins and is applied", () => {
		const school = createSchool();
		const dev = opMaker('dev_ahead', school.clock.ms + 120_000);
		const r = resultOf(S1, C1);
		const on = dev.op('results', r.id, { ...r.key, 'values.a': 1 });
		const off = dev.op('results', r.id, { 'values.a': 0 }, { 'values.a': on.stamp });
		const res = school.push(T1, 'dev_ahead', [on, off]).body.results;
		expect(res.map((x) => x.status)).toEqual(['applied', 'applied']);
		expect(res[0]?.clamped && res[1]?.clamped).toBeTruthy();
		expect(res[0]!.clamped!.to < res[1]!.clamped!.to).toBe(true);
		expect(school.store.getRecord('results', r.id)?.['values']).toEqual({ a: 0 });
		// The clamped stamps still name the device, and are not ahead of the server.
		expect(res[1]!.clamped!.to.endsWith(':dev_ahead')).toBe(true);
		expect(Number(res[1]!.clamped!.to.slice(0, 13))).toBeLessThanOrEqual(school.clock.ms + 1);
	});

	it('orders clamped stamps after everything the server has stamped, across batches', () => {
		const school = createSchool();
		const dev = opMaker('dev_ahead', school.clock.ms + 3_600_000);
		const r = resultOf(S1, C1);
		const first = school.push(T1, 'dev_ahead', [dev.op('results', r.id, { ...r.key, notes: 'x' })]);
		const second = school.push(T1, 'dev_ahead', [dev.op('results', r.id, { notes: 'y' })]);
		const a = first.body.results[0]!.clamped!.to;
		const b = second.body.results[0]!.clamped!.to;
		expect(a < b).toBe(true);
		expect(second.body.results[0]?.status).toBe('applied');
		expect(school.store.getRecord('results', r.id)?.['notes']).toBe('y');
	});
});

describe('handlePush conflict notices (10.2)', () => {
	/** C1 taught by T1, T2 and T3: three teachers who can edit one cell. */
	function shared() {
		const school = createSchool();
		school.store.addUser({ id: T3, role: 'teacher' });
		const cls = school.store.getRecord('classes', C1)!;
		school.store.putRecord('classes', { ...cls, teachers: [T1, T2, T3] });
		return school;
	}
	const r = resultOf(S1, C1);

	for (const order of ['earlier first', 'later first'] as const) {
		it(`tells the teacher whose value lost, once, when the ${order === 'earlier first' ? 'earlier' : 'later'} edit arrives first`, () => {
			const school = shared();
			// The result exists on both devices; both teachers edit one cell offline.
			school.push(T3, 'dev_t3', [
				opMaker('dev_t3', T0 + 1_000).op('results', r.id, { ...r.key, notes: 'made' })
			]);
			const early = opMaker('dev_t1', T0 + 5_000).op('results', r.id, { 'values.a': 1 });
			const late = opMaker('dev_t2', T0 + 6_000).op('results', r.id, { 'values.a': 2 });
			const sends: [string, string, typeof early][] = [
				[T1, 'dev_t1', early],
				[T2, 'dev_t2', late]
			];
			if (order === 'later first') sends.reverse();
			const answers = sends.map(([u, d, op]) => school.push(u, d, [op]).body.results[0]?.status);
			expect(answers).toEqual(
				order === 'earlier first' ? ['applied', 'applied'] : ['applied', 'superseded']
			);
			// Replays change nothing.
			for (const [u, d, op] of sends) school.push(u, d, [op]);
			expect(school.store.getRecord('results', r.id)?.['values']).toEqual({ a: 2 });
			expect(school.notices(T2)).toEqual([]);
			expect(
				school.notices(T1).map((n) => [n['field'], n['mine'], n['theirs'], n['theirs_by']])
			).toEqual([['values.a', 1, 2, T2]]);
		});
	}

	it('tells each of three writers whose value lost exactly once, in every arrival order', () => {
		const orders = [
			[0, 1, 2],
			[0, 2, 1],
			[1, 0, 2],
			[1, 2, 0],
			[2, 0, 1],
			[2, 1, 0]
		];
		for (const order of orders) {
			const school = shared();
			const writers = [
				{
					user: T1,
					device: 'dev_t1',
					op: opMaker('dev_t1', T0 + 5_000).op('results', r.id, { ...r.key, notes: 'one' })
				},
				{
					user: T2,
					device: 'dev_t2',
					op: opMaker('dev_t2', T0 + 6_000).op('results', r.id, { ...r.key, notes: 'two' })
				},
				{
					user: T3,
					device: 'dev_t3',
					op: opMaker('dev_t3', T0 + 7_000).op('results', r.id, { ...r.key, notes: 'three' })
				}
			];
			for (const i of order) {
				const w = writers[i]!;
				school.push(w.user, w.device, [w.op]);
			}
			const context = `order ${order.join(',')}`;
			expect(school.store.getRecord('results', r.id)?.['notes'], context).toBe('three');
			expect(
				school.notices(T1).map((n) => n['mine']),
				context
			).toEqual(['one']);
			expect(
				school.notices(T2).map((n) => n['mine']),
				context
			).toEqual(['two']);
			expect(school.notices(T3), context).toEqual([]);
		}
	});
});

describe('handlePush refusals (10.5, 11.11, 11.12)', () => {
	it('refuses an edit of a result whose term the office deleted (period_deleted), and one whose assessment it deleted (assessment_deleted)', () => {
		const school = createSchool();
		const r = resultOf(S1, C1);
		const dev = opMaker('dev_t1');
		school.push(T1, 'dev_t1', [dev.op('results', r.id, { ...r.key, 'values.a': 1 })]);
		const period = school.store.getRecord('periods', P)!;
		school.store.putRecord('periods', { ...period, deleted: true });
		const late = school.push(T1, 'dev_t1', [dev.op('results', r.id, { 'values.a': 2 })]).body
			.results[0];
		expect(late).toMatchObject({ status: 'rejected', code: 'period_deleted' });
		expect(late?.reason).toMatch(/deleted this term/);
		school.store.putRecord('periods', period);
		const asm = school.store.getRecord('assessments', A)!;
		school.store.putRecord('assessments', { ...asm, deleted: true });
		const r2 = resultOf(S12, C1);
		const fresh = school.push(T1, 'dev_t1', [
			dev.op('results', r2.id, { ...r2.key, 'values.a': 2 })
		]).body.results[0];
		expect(fresh).toMatchObject({ status: 'rejected', code: 'assessment_deleted' });
		expect(school.store.getRecord('results', r.id)?.['values']).toEqual({ a: 1 });
		expect(school.store.getRecord('results', r2.id)).toBeNull();
	});

	it("refuses to let a teacher tombstone a colleague's observation (not_author); its author may", () => {
		const school = createSchool();
		const cls = school.store.getRecord('classes', C1)!;
		school.store.putRecord('classes', { ...cls, teachers: [T1, T2] });
		const note = opMaker('dev_t1').op('observations', 'obs000000000001', {
			student: S1,
			class: C1,
			text: 'Great catch',
			by: T1
		});
		expect(school.push(T1, 'dev_t1', [note]).body.results[0]?.status).toBe('applied');
		const del = opMaker('dev_t2').op('observations', 'obs000000000001', {}, {}, { delete: true });
		expect(school.push(T2, 'dev_t2', [del]).body.results[0]).toMatchObject({
			status: 'rejected',
			code: 'not_author'
		});
		expect(school.store.getRecord('observations', 'obs000000000001')?.deleted).toBe(false);
		const own = opMaker('dev_t1', T0 + 9_000).op(
			'observations',
			'obs000000000001',
			{},
			{},
			{ delete: true }
		);
		expect(school.push(T1, 'dev_t1', [own]).body.results[0]?.status).toBe('applied');
		expect(school.store.getRecord('observations', 'obs000000000001')?.deleted).toBe(true);
	});

	it('refuses reserved device ids (server, rest-api, anonymous, admin-ui…) on push, pull and status, registering nothing', () => {
		const school = createSchool();
		for (const device of ['server', 'rest-api', 'anonymous', 'admin-ui', 'admin-ui-x', 'SERVER']) {
			const r = resultOf(S1, C1);
			const answer = school.push(T1, device, [
				opMaker(device).op('results', r.id, { ...r.key, notes: 'x' })
			]);
			expect(answer.status, device).toBe(400);
			expect(answer.body.message, device).toMatch(/server uses/);
			const pulled = handlePull({ device, since: '0' }, { id: T1, role: 'teacher' }, school.store);
			expect(pulled.status, device).toBe(400);
			expect(
				handleStatus({ device }, { id: T1, role: 'teacher' }, school.store).status,
				device
			).toBe(400);
			expect(school.store.getDevice(device), device).toBeNull();
		}
		expect(school.push(T1, 'dev_ok', []).status).toBe(200);
	});
});
