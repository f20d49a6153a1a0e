// The API-rule matrix (ARCHITECTURE.md, "Who sees what"), against a real
// PocketBase with the demo school: every collection × list / view / create /
// update / delete × anonymous, teacherA, teacherB and the coordinator.
//
//   teacherA teaches the shared class and their own; teacherB the shared class
//   and theirs; the coordinator teaches none and reads everything.
//
// PocketBase answers a locked rule (null) with 403, an unmet create rule with
// 400, an unmet view/update/delete rule with 404, and an unmet list rule with
// 200 and fewer rows.
//
// Every write goes through one door: nobody but the office writes a synced
// collection over REST (teachers and coordinators write through
// /api/sync/push), so every create/update/delete cell of a synced collection
// is 403 for every actor, while reads keep their scope.
import type PocketBase from 'pocketbase';
import { ClientResponseError, type RecordModel } from 'pocketbase';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_IDS, DEMO_USERS } from '../../scripts/lib/seed.mjs';
import { startTestServer, type TestServer } from '../harness/pocketbase';

const ACTORS = ['anon', 'teacherA', 'teacherB', 'coordinator'] as const;
type Actor = (typeof ACTORS)[number];
type SignedIn = Exclude<Actor, 'anon'>;
type Outcome = 'ok' | 400 | 403 | 404;

const STUDENTS = DEMO_IDS.students as string[];
const CLASS = DEMO_IDS.classes;
const TERM = DEMO_IDS.periods;
const ASSESS = DEMO_IDS.assessments;
/** A student of each class: [0, 25) shared, [25, 50) teacherA's own, [50, 75) teacherB's own. */
const STUDENT = { shared: STUDENTS[0]!, ownA: STUDENTS[25]!, ownB: STUDENTS[50]! };

let server: TestServer;
let admin: PocketBase;
const client = {} as Record<Actor, PocketBase>;
const userId = {} as Record<SignedIn, string>;

/** Fixture records made by the office, by key. */
const fx: Record<string, { collection: string; id: string }> = {};

async function outcome(request: Promise<unknown>): Promise<Outcome> {
	try {
		await request;
		return 'ok';
	} catch (error) {
		if (error instanceof ClientResponseError && [400, 403, 404].includes(error.status)) {
			return error.status as Outcome;
		}
		throw error;
	}
}

const login = (key: SignedIn) => DEMO_USERS.find((u) => u.key === key)!;

/** `[[[…0…]]]`, `depth` arrays deep. */
function deepJson(depth: number): unknown {
	let value: unknown = 0;
	for (let i = 0; i < depth; i++) value = [value];
	return value;
}

beforeAll(async () => {
	server = await startTestServer({ seed: true });
	admin = await server.admin();
	client.anon = server.anon();
	for (const key of ['teacherA', 'teacherB', 'coordinator'] as const) {
		client[key] = await server.as(login(key).email, login(key).password);
		userId[key] = client[key].authStore.record!.id;
	}
	const { teacherA: a, teacherB: b, coordinator: c } = userId;
	// Fixtures carry their own ids, as records made on a device do (the server
	// may still replace a result's id with its natural-key id).
	let serial = 0;
	const make = async (key: string, collection: string, data: Record<string, unknown>) => {
		const id = `rulesfixture${String(++serial).padStart(3, '0')}`;
		fx[key] = { collection, id: (await admin.collection(collection).create({ id, ...data })).id };
	};
	const at = '2026-02-10 01:00:00.000Z';
	const result = (student: string, cls: string) => ({
		student,
		class: cls,
		assessment: ASSESS.static_balance,
		period: TERM.term1,
		values: { c1: 1 }
	});
	const attempt = (student: string, cls: string) => ({
		student,
		class: cls,
		assessment: ASSESS.sprint,
		period: TERM.term1,
		seconds: 8.2,
		taken_at: at,
		by: a
	});
	const observation = (student: string, cls: string) => ({
		student,
		class: cls,
		text: 'Keen.',
		by: a
	});
	const conflict = (user: string) => ({
		user,
		collection: 'results',
		record: 'x',
		field: 'values.c1',
		mine: 1,
		theirs: 0,
		theirs_by: b,
		at,
		status: 'open'
	});
	await make('resultShared', 'results', result(STUDENT.shared, CLASS.shared));
	await make('resultOwnA', 'results', result(STUDENT.ownA, CLASS.teacherA));
	await make('resultOwnB', 'results', result(STUDENT.ownB, CLASS.teacherB));
	await make('attemptShared', 'attempts', attempt(STUDENT.shared, CLASS.shared));
	await make('attemptOwnA', 'attempts', attempt(STUDENT.ownA, CLASS.teacherA));
	await make('attemptOwnB', 'attempts', attempt(STUDENT.ownB, CLASS.teacherB));
	await make('observationShared', 'observations', observation(STUDENT.shared, CLASS.shared));
	await make('observationOwnA', 'observations', observation(STUDENT.ownA, CLASS.teacherA));
	await make('observationOwnB', 'observations', observation(STUDENT.ownB, CLASS.teacherB));
	// Nobody may write the audit log, the office included (issue 11.3): the
	// office's create of the shared result above wrote this entry.
	const auditRow = await admin
		.collection('audit_log')
		.getFirstListItem(admin.filter('record = {:r}', { r: fx.resultShared!.id }));
	fx['audit'] = { collection: 'audit_log', id: auditRow.id };
	await make('deviceA', 'devices', { user: a, device_id: 'dev_a', name: 'iPad', active: true });
	await make('deviceAOff', 'devices', {
		user: a,
		device_id: 'dev_a_lost',
		name: 'Old iPad',
		active: false
	});
	await make('deviceB', 'devices', { user: b, device_id: 'dev_b', name: 'Laptop', active: true });
	await make('deviceC', 'devices', { user: c, device_id: 'dev_c', name: 'Laptop', active: true });
	await make('conflictA', 'conflicts', conflict(a));
	await make('conflictB', 'conflicts', conflict(b));
	await make('conflictC', 'conflicts', conflict(c));
	await make('receipt', 'sync_receipts', {
		op_id: '0190b2c4-0000-7000-8000-000000000001',
		user: a,
		device: 'dev_a',
		result: { status: 'applied' }
	});
	for (const [key, id] of Object.entries(CLASS)) fx[`class_${key}`] = { collection: 'classes', id };
	for (const [key, id] of Object.entries(STUDENT))
		fx[`student_${key}`] = { collection: 'students', id };
	fx.period = { collection: 'periods', id: TERM.term1 };
	fx.assessment = { collection: 'assessments', id: ASSESS.catch };
	for (const key of ['teacherA', 'teacherB', 'coordinator'] as const)
		fx[`user_${key}`] = { collection: 'users', id: userId[key] };
}, 120_000);

afterAll(() => server?.stop());

// ---------------------------------------------------------------------------
// list: exactly which records come back. The expected set is the office's full
// list filtered by the rule restated in plain code, so records that hooks add
// (derived rows, audit entries) cannot make the test drift.
// ---------------------------------------------------------------------------

const LOCKED = 'locked' as const;

/** Whether `actor` may see `r`, as the design states it; `locked` for superuser-only collections. */
type Visible = (
	actor: SignedIn,
	r: RecordModel,
	ctx: { teaches: (cls: string) => boolean; studentClasses: (id: string) => string[] }
) => boolean;
const SEES: Record<string, Visible | typeof LOCKED> = {
	users: () => true,
	classes: (who, r, { teaches }) => who === 'coordinator' || teaches(r.id),
	students: (who, r, { teaches }) => who === 'coordinator' || (r.classes as string[]).some(teaches),
	periods: () => true,
	assessments: () => true,
	results: (who, r, { teaches }) => who === 'coordinator' || teaches(r.class),
	// An attempt is its class's (wire v2), like a result.
	attempts: (who, r, { teaches }) => who === 'coordinator' || teaches(r.class),
	observations: (who, r, { teaches }) => who === 'coordinator' || teaches(r.class),
	audit_log: (who) => who === 'coordinator',
	// Coordinators read every device's sync health (the Overview page).
	devices: (who, r) => who === 'coordinator' || r.user === userId[who],
	conflicts: (who, r) => r.user === userId[who],
	sync_receipts: LOCKED
};

/** The fixtures each actor must find in its list (a check that the filter is not vacuous). */
const LISTS: Record<string, Record<SignedIn, string[]>> = {
	classes: {
		teacherA: ['class_shared', 'class_teacherA'],
		teacherB: ['class_shared', 'class_teacherB'],
		coordinator: ['class_shared', 'class_teacherA', 'class_teacherB']
	},
	students: {
		teacherA: ['student_shared', 'student_ownA'],
		teacherB: ['student_shared', 'student_ownB'],
		coordinator: ['student_shared', 'student_ownA', 'student_ownB']
	},
	results: {
		teacherA: ['resultShared', 'resultOwnA'],
		teacherB: ['resultShared', 'resultOwnB'],
		coordinator: ['resultShared', 'resultOwnA', 'resultOwnB']
	},
	attempts: {
		teacherA: ['attemptShared', 'attemptOwnA'],
		teacherB: ['attemptShared', 'attemptOwnB'],
		coordinator: ['attemptShared', 'attemptOwnA', 'attemptOwnB']
	},
	observations: {
		teacherA: ['observationShared', 'observationOwnA'],
		teacherB: ['observationShared', 'observationOwnB'],
		coordinator: ['observationShared', 'observationOwnA', 'observationOwnB']
	},
	audit_log: { teacherA: [], teacherB: [], coordinator: ['audit'] },
	devices: {
		teacherA: ['deviceA', 'deviceAOff'],
		teacherB: ['deviceB'],
		coordinator: ['deviceA', 'deviceAOff', 'deviceB', 'deviceC']
	},
	conflicts: { teacherA: ['conflictA'], teacherB: ['conflictB'], coordinator: ['conflictC'] },
	users: {
		teacherA: ['user_teacherA', 'user_teacherB', 'user_coordinator'],
		teacherB: ['user_teacherA', 'user_teacherB', 'user_coordinator'],
		coordinator: ['user_teacherA', 'user_teacherB', 'user_coordinator']
	},
	periods: { teacherA: ['period'], teacherB: ['period'], coordinator: ['period'] },
	assessments: { teacherA: ['assessment'], teacherB: ['assessment'], coordinator: ['assessment'] }
};

const ids = async (pb: PocketBase, collection: string) =>
	(await pb.collection(collection).getFullList({ fields: 'id' })).map((r) => r.id).sort();

describe('list', () => {
	for (const [collection, sees] of Object.entries(SEES)) {
		if (sees === LOCKED) {
			test.each(ACTORS)(`%s cannot list ${collection} (superusers only)`, async (actor) => {
				expect(await outcome(client[actor].collection(collection).getList())).toBe(403);
			});
			continue;
		}
		test(`anonymous lists no ${collection}`, async () => {
			expect(await ids(client.anon, collection)).toEqual([]);
		});
		test.each(['teacherA', 'teacherB', 'coordinator'] as const)(
			`%s lists exactly the ${collection} the rules allow`,
			async (actor) => {
				const classes = await admin.collection('classes').getFullList();
				const students = await admin.collection('students').getFullList();
				const ctx = {
					teaches: (cls: string) =>
						!!classes.find((c) => c.id === cls)?.teachers.includes(userId[actor]),
					studentClasses: (id: string) => students.find((s) => s.id === id)?.classes ?? []
				};
				const all = await admin.collection(collection).getFullList();
				const expected = all
					.filter((r) => sees(actor, r, ctx))
					.map((r) => r.id)
					.sort();
				const got = await ids(client[actor], collection);
				expect(got).toEqual(expected);
				const fixtures = LISTS[collection]![actor].map((key) => fx[key]!.id);
				expect(got).toEqual(expect.arrayContaining(fixtures));
			}
		);
	}

	test('a teacher sees the 50 students of their two classes, the coordinator all 75', async () => {
		expect(await ids(client.teacherA, 'students')).toEqual([...STUDENTS.slice(0, 50)].sort());
		expect(await ids(client.teacherB, 'students')).toEqual(
			[...STUDENTS.slice(0, 25), ...STUDENTS.slice(50)].sort()
		);
		expect(await ids(client.coordinator, 'students')).toEqual([...STUDENTS].sort());
	});

	test("other users' emails stay hidden", async () => {
		const users = await client.teacherB.collection('users').getFullList();
		for (const u of users) {
			if (u.id === userId.teacherB) expect(u.email).toBe(login('teacherB').email);
			else expect(u.email ?? '').toBe('');
			expect(u.name).toBeTruthy();
		}
	});
});

// ---------------------------------------------------------------------------
// view: every fixture × every actor; visible fixtures answer 200, others 404.
// ---------------------------------------------------------------------------

const VIEWS: Record<string, Record<Actor, Outcome>> = {};
{
	const allow = (...who: SignedIn[]) =>
		Object.fromEntries(ACTORS.map((a) => [a, (who as Actor[]).includes(a) ? 'ok' : 404])) as Record<
			Actor,
			Outcome
		>;
	const everyone = allow('teacherA', 'teacherB', 'coordinator');
	Object.assign(VIEWS, {
		class_shared: everyone,
		class_teacherA: allow('teacherA', 'coordinator'),
		class_teacherB: allow('teacherB', 'coordinator'),
		student_shared: everyone,
		student_ownA: allow('teacherA', 'coordinator'),
		student_ownB: allow('teacherB', 'coordinator'),
		period: everyone,
		assessment: everyone,
		user_teacherA: everyone,
		user_teacherB: everyone,
		user_coordinator: everyone,
		resultShared: everyone,
		resultOwnA: allow('teacherA', 'coordinator'),
		resultOwnB: allow('teacherB', 'coordinator'),
		attemptShared: everyone,
		attemptOwnA: allow('teacherA', 'coordinator'),
		attemptOwnB: allow('teacherB', 'coordinator'),
		observationShared: everyone,
		observationOwnA: allow('teacherA', 'coordinator'),
		observationOwnB: allow('teacherB', 'coordinator'),
		audit: allow('coordinator'),
		deviceA: allow('teacherA', 'coordinator'),
		deviceAOff: allow('teacherA', 'coordinator'),
		deviceB: allow('teacherB', 'coordinator'),
		deviceC: allow('coordinator'),
		conflictA: allow('teacherA'),
		conflictB: allow('teacherB'),
		conflictC: allow('coordinator'),
		receipt: { anon: 403, teacherA: 403, teacherB: 403, coordinator: 403 }
	});
}

/** How test names refer to a fixture. */
const LABEL: Record<string, string> = {
	class_shared: 'the shared class',
	class_teacherA: "teacherA's own class",
	class_teacherB: "teacherB's own class",
	student_shared: 'a student of the shared class',
	student_ownA: "a student of teacherA's own class",
	student_ownB: "a student of teacherB's own class",
	period: 'a period',
	assessment: 'an assessment',
	user_teacherA: 'teacherA (user)',
	user_teacherB: 'teacherB (user)',
	user_coordinator: 'the coordinator (user)',
	resultShared: 'a result in the shared class',
	resultOwnA: "a result in teacherA's own class",
	resultOwnB: "a result in teacherB's own class",
	attemptShared: 'an attempt of a shared-class student',
	attemptOwnA: "an attempt of teacherA's own student",
	attemptOwnB: "an attempt of teacherB's own student",
	observationShared: 'an observation in the shared class',
	observationOwnA: "an observation in teacherA's own class",
	observationOwnB: "an observation in teacherB's own class",
	audit: 'an audit entry',
	deviceA: "teacherA's device",
	deviceAOff: "teacherA's deactivated device",
	deviceB: "teacherB's device",
	deviceC: "the coordinator's device",
	conflictA: "teacherA's conflict",
	conflictB: "teacherB's conflict",
	conflictC: "the coordinator's conflict",
	receipt: 'a sync receipt'
};

const verb = (o: Outcome, action: string) =>
	o === 'ok' ? `can ${action}` : `cannot ${action} (${o})`;

describe('view', () => {
	const cases = Object.entries(VIEWS).flatMap(([key, byActor]) =>
		ACTORS.map((actor) => ({
			key,
			actor,
			expected: byActor[actor],
			name: `${actor} ${verb(byActor[actor], 'view')} ${LABEL[key]}`
		}))
	);
	for (const { name, key, actor, expected } of cases) {
		test(name, async () => {
			const { collection, id } = fx[key]!;
			expect(await outcome(client[actor].collection(collection).getOne(id))).toBe(expected);
		});
	}
});

// ---------------------------------------------------------------------------
// create
// ---------------------------------------------------------------------------

type Payload = (actor: Actor, n: number) => Record<string, unknown>;
const all = (o: Outcome): Record<Actor, Outcome> => ({
	anon: o,
	teacherA: o,
	teacherB: o,
	coordinator: o
});
const only = (...who: SignedIn[]): Record<Actor, Outcome> =>
	Object.fromEntries(ACTORS.map((a) => [a, (who as Actor[]).includes(a) ? 'ok' : 400])) as Record<
		Actor,
		Outcome
	>;
const periodOf = (actor: Actor) => Object.values(TERM)[ACTORS.indexOf(actor)]!;
const me = (actor: Actor) => (actor === 'anon' ? '' : userId[actor]);

const CREATES: {
	collection: string;
	what: string;
	payload: Payload;
	expect: Record<Actor, Outcome>;
}[] = [
	{
		collection: 'classes',
		what: 'a class',
		payload: () => ({ name: 'New class', year_level: 2 }),
		expect: all(403)
	},
	{
		collection: 'students',
		what: 'a student',
		payload: (_a, n) => ({ given_name: 'New', family_name: 'Kid', student_number: `X${n}` }),
		expect: all(403)
	},
	{
		collection: 'periods',
		what: 'a period',
		payload: () => ({
			name: 'Q1',
			starts: '2027-01-01 00:00:00.000Z',
			ends: '2027-03-31 00:00:00.000Z'
		}),
		expect: all(403)
	},
	{
		collection: 'assessments',
		what: 'an assessment',
		payload: () => ({ name: 'New', framework: 'X', kind: 'grade', active: true }),
		expect: all(403)
	},
	{
		collection: 'users',
		what: 'a user (sign-up)',
		payload: (_a, n) => ({
			email: `new${n}@example.com`,
			password: 'long-password-1',
			passwordConfirm: 'long-password-1',
			name: 'New',
			role: 'coordinator'
		}),
		expect: all(403)
	},
	{
		collection: 'results',
		what: 'a result in the shared class',
		payload: (a) => ({
			student: STUDENTS[1],
			class: CLASS.shared,
			assessment: ASSESS.hop,
			period: periodOf(a),
			values: { c1: 1 }
		}),
		expect: all(403) // teachers write through /api/sync/push
	},
	{
		collection: 'results',
		what: "a result in teacherA's own class",
		payload: (a) => ({
			student: STUDENTS[26],
			class: CLASS.teacherA,
			assessment: ASSESS.hop,
			period: periodOf(a)
		}),
		expect: all(403) // teachers write through /api/sync/push
	},
	{
		collection: 'results',
		what: "a result for teacherB's student filed under teacherA's class",
		payload: (a) => ({
			student: STUDENTS[51],
			class: CLASS.teacherA,
			assessment: ASSESS.skip,
			period: periodOf(a)
		}),
		expect: all(403) // teachers write through /api/sync/push
	},
	{
		collection: 'results',
		what: 'a result in the shared class with stamps of their own (year 9999)',
		payload: (a) => ({
			student: STUDENTS[4],
			class: CLASS.shared,
			assessment: ASSESS.hop,
			period: periodOf(a),
			values: { c1: 1 },
			stamps: { 'values.c1': '253402300799000:00000:dev_a' }
		}),
		expect: all(403)
	},
	{
		collection: 'results',
		what: 'a result in the shared class with values nested 1,100 deep',
		payload: (a) => ({
			student: STUDENTS[5],
			class: CLASS.shared,
			assessment: ASSESS.hop,
			period: periodOf(a),
			values: { c1: deepJson(1100) }
		}),
		expect: all(403)
	},
	{
		collection: 'attempts',
		what: 'an attempt of a shared-class student, by themselves',
		payload: (a) => ({
			student: STUDENTS[1],
			class: CLASS.shared,
			assessment: ASSESS.sprint,
			period: TERM.term2,
			seconds: 7.9,
			taken_at: '2026-05-01 01:00:00.000Z',
			by: me(a)
		}),
		expect: all(403) // teachers write through /api/sync/push
	},
	{
		collection: 'attempts',
		what: "an attempt of teacherB's own student",
		payload: (a) => ({
			student: STUDENTS[52],
			class: CLASS.teacherB,
			assessment: ASSESS.sprint,
			period: TERM.term2,
			seconds: 7.9,
			taken_at: '2026-05-01 01:00:00.000Z',
			by: me(a)
		}),
		expect: all(403) // teachers write through /api/sync/push
	},
	{
		collection: 'attempts',
		what: "an attempt recorded in another teacher's name",
		payload: (a) => ({
			student: STUDENTS[1],
			class: CLASS.shared,
			assessment: ASSESS.sprint,
			period: TERM.term2,
			seconds: 7.9,
			taken_at: '2026-05-01 01:00:00.000Z',
			by: a === 'teacherB' ? userId.teacherA : userId.teacherB
		}),
		expect: all(403) // teachers write through /api/sync/push
	},
	{
		collection: 'observations',
		what: 'an observation in the shared class',
		payload: (a) => ({
			student: STUDENTS[2],
			class: CLASS.shared,
			text: 'Great catch.',
			by: me(a)
		}),
		expect: all(403) // teachers write through /api/sync/push
	},
	{
		collection: 'observations',
		what: "an observation in teacherB's own class",
		payload: (a) => ({
			student: STUDENTS[53],
			class: CLASS.teacherB,
			text: 'Tired today.',
			by: me(a)
		}),
		expect: all(403) // teachers write through /api/sync/push
	},
	{
		collection: 'audit_log',
		what: 'an audit entry',
		payload: (a) => ({ user: me(a), collection: 'results', record: 'x', op: 'update' }),
		expect: all(403)
	},
	{
		collection: 'devices',
		what: 'a device of their own',
		payload: (a, n) => ({ user: me(a), device_id: `dev_new_${n}`, name: 'Phone', active: true }),
		expect: only('teacherA', 'teacherB', 'coordinator')
	},
	{
		collection: 'devices',
		what: "a device in someone else's name",
		payload: (a, n) => ({
			user: a === 'teacherA' ? userId.teacherB : userId.teacherA,
			device_id: `dev_other_${n}`,
			active: true
		}),
		expect: only()
	},
	{
		collection: 'conflicts',
		what: 'a conflict',
		payload: (a) => ({
			user: me(a),
			collection: 'results',
			record: 'x',
			field: 'notes',
			at: '2026-02-10 01:00:00.000Z',
			status: 'open'
		}),
		expect: all(403)
	},
	{
		collection: 'sync_receipts',
		what: 'a sync receipt',
		payload: (a, n) => ({ op_id: `op-${n}`, user: me(a) }),
		expect: all(403)
	}
];

describe('create', () => {
	let n = 0;
	const cases = CREATES.flatMap((c) =>
		ACTORS.map((actor) => ({
			...c,
			actor,
			outcome: c.expect[actor],
			name: `${actor} ${verb(c.expect[actor], 'create')} ${c.what}`
		}))
	);
	for (const { name, collection, payload, actor, outcome: expected } of cases) {
		test(name, async () => {
			// Records made on a device carry their own id; so do these.
			const data = { id: `rulescreate${String(++n).padStart(4, '0')}`, ...payload(actor, n) };
			expect(await outcome(client[actor].collection(collection).create(data))).toBe(expected);
		});
	}

	test('the office can still create an attempt and an observation without choosing an id', async () => {
		const attempt = {
			student: STUDENTS[3],
			class: CLASS.shared,
			assessment: ASSESS.sprint,
			period: TERM.term3,
			seconds: 8.4,
			taken_at: '2026-08-01 01:00:00.000Z',
			by: userId.teacherA
		};
		const observation = {
			student: STUDENTS[3],
			class: CLASS.shared,
			text: 'Fast start.',
			by: userId.teacherA
		};
		for (const actor of ACTORS) {
			expect(await outcome(client[actor].collection('attempts').create(attempt))).toBe(403);
			expect(await outcome(client[actor].collection('observations').create(observation))).toBe(403);
		}
		const made = [
			await admin.collection('attempts').create(attempt),
			await admin.collection('observations').create(observation)
		];
		for (const record of made) {
			expect(record.id).toMatch(/^[a-z0-9]{15}$/);
			expect(record['seq']).toBeGreaterThan(0);
			// Stamped by the server's clock, as every office edit is.
			expect((record['stamps'] as Record<string, string>)['by']).toMatch(/:server$/);
		}
	});
});

// ---------------------------------------------------------------------------
// update
// ---------------------------------------------------------------------------

const UPDATES: {
	key: string;
	what?: string;
	data: (actor: Actor) => Record<string, unknown>;
	expect: Record<Actor, Outcome>;
}[] = [];
{
	const allow = (...who: SignedIn[]) =>
		Object.fromEntries(ACTORS.map((a) => [a, (who as Actor[]).includes(a) ? 'ok' : 404])) as Record<
			Actor,
			Outcome
		>;
	UPDATES.push(
		{ key: 'class_shared', data: () => ({ name: 'Renamed' }), expect: all(403) },
		{ key: 'student_ownA', data: () => ({ given_name: 'Renamed' }), expect: all(403) },
		{ key: 'period', data: () => ({ name: 'Renamed' }), expect: all(403) },
		{ key: 'assessment', data: () => ({ name: 'Renamed' }), expect: all(403) },
		// Teachers write results through /api/sync/push only.
		{ key: 'resultShared', data: () => ({ values: { c1: 0, c2: 1 } }), expect: all(403) },
		{ key: 'resultOwnA', data: () => ({ notes: 'Good balance.' }), expect: all(403) },
		{ key: 'resultOwnB', data: () => ({ notes: 'Good balance.' }), expect: all(403) },
		{
			key: 'resultOwnA',
			what: "a result in teacherA's own class, moving it to another class",
			data: () => ({ class: CLASS.shared }),
			expect: all(403)
		},
		{
			key: 'resultShared',
			what: 'a result in the shared class, forging its stamps (year 9999)',
			data: () => ({ stamps: { 'values.c1': '253402300799000:00000:dev_a' } }),
			expect: all(403)
		},
		{
			key: 'attemptShared',
			what: 'an attempt of a shared-class student, with stamps nested 1,100 deep',
			data: () => ({ stamps: { seconds: deepJson(1100) } }),
			expect: all(403)
		},
		{ key: 'attemptShared', data: () => ({ seconds: 6.1 }), expect: all(403) },
		{ key: 'observationShared', data: () => ({ text: 'Edited.' }), expect: all(403) },
		{ key: 'audit', data: () => ({ op: 'delete' }), expect: all(403) },
		{ key: 'receipt', data: () => ({ device: 'x' }), expect: all(403) },
		{
			key: 'deviceA',
			what: "teacherA's device, its name and version",
			data: () => ({ name: 'Gym iPad', app_version: '0.1.1' }),
			expect: allow('teacherA')
		},
		// The counters are the sync routes' (sync health must not be forged).
		{
			key: 'deviceA',
			what: "teacherA's device, forging its sync counters",
			data: () => ({ pending: 0, failed: 0, last_sync_at: '2026-02-11 01:00:00.000Z' }),
			expect: allow()
		},
		{ key: 'deviceB', data: () => ({ pending: 1 }), expect: allow() },
		{ key: 'deviceB', data: () => ({ cursor: 99999 }), expect: allow() },
		{
			key: 'deviceAOff',
			what: "teacherA's deactivated device, re-activating it",
			data: () => ({ active: true }),
			expect: allow()
		},
		{
			key: 'deviceA',
			what: "teacherA's device, handing it to someone else",
			data: () => ({ user: userId.teacherB }),
			expect: allow()
		},
		// A teacher resolves her notices through /api/sync/push (status is an lww field).
		{ key: 'conflictA', data: () => ({ status: 'kept_theirs' }), expect: all(403) },
		{
			key: 'conflictB',
			what: "teacherB's conflict, rewriting its content",
			data: () => ({ theirs: 5 }),
			expect: all(403)
		},
		{ key: 'user_teacherA', data: () => ({ name: 'Sarah Nguyen' }), expect: allow('teacherA') },
		{
			key: 'user_teacherA',
			what: 'teacherA (user), promoting them to coordinator',
			data: () => ({ role: 'coordinator' }),
			expect: allow()
		},
		{
			key: 'user_teacherA',
			what: 'teacherA (user), making their email public',
			data: () => ({ emailVisibility: true }),
			expect: allow()
		}
	);
}

describe('update', () => {
	const cases = UPDATES.flatMap((u) =>
		ACTORS.map((actor) => ({
			...u,
			actor,
			outcome: u.expect[actor],
			name: `${actor} ${verb(u.expect[actor], 'update')} ${u.what ?? LABEL[u.key]}`
		}))
	);
	for (const { name, key, data, actor, outcome: expected } of cases) {
		test(name, async () => {
			const { collection, id } = fx[key]!;
			expect(await outcome(client[actor].collection(collection).update(id, data(actor)))).toBe(
				expected
			);
		});
	}

	test('a teacher can switch off their own device, but not back on', async () => {
		const { id } = fx.deviceA!;
		expect(await outcome(client.teacherA.collection('devices').update(id, { active: false }))).toBe(
			'ok'
		);
		// Switching a device off ends the teacher's sessions (issue 11.9): sign in
		// again, so that the rule (not a dead token) is what refuses the next write.
		const a = login('teacherA');
		await client.teacherA.collection('users').authWithPassword(a.email, a.password);
		expect(await outcome(client.teacherA.collection('devices').update(id, { active: true }))).toBe(
			404
		);
	});
});

// ---------------------------------------------------------------------------
// delete: nobody but the office deletes anything (sync uses tombstones).
// ---------------------------------------------------------------------------

describe('delete', () => {
	const keys = [
		'class_teacherA',
		'student_ownA',
		'period',
		'assessment',
		'user_teacherB',
		'resultOwnA',
		'resultShared',
		'attemptOwnA',
		'attemptShared',
		'observationOwnA',
		'observationShared',
		'audit',
		'deviceA',
		'conflictA',
		'receipt'
	];
	const cases = keys.flatMap((key) =>
		ACTORS.map((actor) => ({ key, actor, name: `${actor} cannot delete ${LABEL[key]} (403)` }))
	);
	for (const { name, key, actor } of cases) {
		test(name, async () => {
			const { collection, id } = fx[key]!;
			expect(await outcome(client[actor].collection(collection).delete(id))).toBe(403);
			const still = await admin.collection(collection).getOne(id);
			// Not even a tombstone (synced collections have `deleted`).
			if ('deleted' in still) expect(still['deleted']).toBe(false);
		});
	}

	test('the office deleting a student who has marks never takes the marks with it', async () => {
		// Relations to students have cascadeDelete off (and are required), so the
		// delete is refused outright or, through the sync hooks, becomes a tombstone.
		await admin
			.collection('students')
			.delete(STUDENT.ownA)
			.catch(() => undefined);
		const result = await admin.collection('results').getOne(fx.resultOwnA!.id);
		expect(result).toMatchObject({ student: STUDENT.ownA, deleted: false });
	});
});

describe('users', () => {
	test('a teacher stays signed in for 30 days (a fortnight offline and more)', async () => {
		const token = client.teacherA.authStore.token;
		const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
			exp: number;
		};
		const days = (claims.exp * 1000 - Date.now()) / 86_400_000;
		expect(days).toBeGreaterThan(29.9);
		expect(days).toBeLessThanOrEqual(30.01);
	});
});
