// The demo school seeder, against a real PocketBase: seeding is idempotent,
// the school has the promised shape, and each teacher sees exactly their classes.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type PocketBase from 'pocketbase';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
	DEMO_COMPONENT_HINTS,
	DEMO_IDS,
	DEMO_USERS,
	seedDemoSchool
} from '../../scripts/lib/seed.mjs';
import { COMPONENT_HINT_MAX_CHARS, parseAssessment } from '../../src/lib/domain';
import { PROJECT_ROOT, startTestServer, type TestServer } from '../harness/pocketbase';

const COLLECTIONS = ['users', 'classes', 'students', 'periods', 'assessments'] as const;
const EXPECTED = { users: 3, classes: 3, students: 75, periods: 4, assessments: 15 };

let server: TestServer;
let admin: PocketBase;

const count = async (collection: string) =>
	(await admin.collection(collection).getList(1, 1)).totalItems;
const counts = async () =>
	Object.fromEntries(await Promise.all(COLLECTIONS.map(async (c) => [c, await count(c)] as const)));

beforeAll(async () => {
	server = await startTestServer({ seed: true });
	admin = await server.admin();
}, 120_000);
afterAll(() => server?.stop());

describe('seedDemoSchool', () => {
	test('the first seed made one demo school', async () => {
		expect(await counts()).toEqual(EXPECTED);
	});

	test('seeding again creates nothing and leaves one demo school', async () => {
		const again = await seedDemoSchool(server.url);
		expect(again).toEqual({ created: false, counts: EXPECTED });
		expect(await counts()).toEqual(EXPECTED);
	});

	test('a seed that stopped half-way is completed by the next one', async () => {
		// The coordinator is the last user created and nothing seeded refers to them.
		// (Users are not synced, so this delete is a real one, not a tombstone.)
		const coordinator = DEMO_USERS.find((u) => u.key === 'coordinator')!;
		const id = (DEMO_IDS.users as Record<string, string>).coordinator!;
		await admin.collection('users').delete(id);
		expect(await count('users')).toBe(2);
		const again = await seedDemoSchool(server.url);
		expect(again.created).toBe(true);
		expect((await admin.collection('users').getOne(id)).email).toBe(coordinator.email);
		expect(await counts()).toEqual(EXPECTED);
	});

	test('every seeded id is a fixed 15-character PocketBase id', () => {
		const flat = (v: unknown): string[] =>
			typeof v === 'string' ? [v] : Object.values(v as object).flatMap(flat);
		const ids = flat(DEMO_IDS);
		expect(ids).toHaveLength(3 + 3 + 4 + 15 + 75);
		expect(new Set(ids).size).toBe(ids.length);
		for (const id of ids) expect(id).toMatch(/^[a-z0-9]{15}$/);
	});
});

describe('the demo school', () => {
	test('each teacher sees exactly their classes; the coordinator sees all three', async () => {
		const { shared, teacherA, teacherB } = DEMO_IDS.classes;
		const expected: Record<string, string[]> = {
			teacherA: [shared, teacherA],
			teacherB: [shared, teacherB],
			coordinator: [shared, teacherA, teacherB]
		};
		for (const user of DEMO_USERS) {
			const pb = await server.as(user.email, user.password);
			const ids = (await pb.collection('classes').getFullList()).map((c) => c.id).sort();
			expect(ids, user.key).toEqual([...expected[user.key]!].sort());
		}
	});

	test('three classes of 25 students; the shared class has both teachers', async () => {
		const classes = await admin.collection('classes').getFullList();
		const students = await admin.collection('students').getFullList();
		for (const c of classes) {
			expect(students.filter((s) => s.classes.includes(c.id))).toHaveLength(25);
			expect(c.year_level).toBeGreaterThanOrEqual(0);
		}
		const shared = classes.find((c) => c.id === DEMO_IDS.classes.shared)!;
		const teacher = (key: string) => DEMO_USERS.find((u) => u.key === key)!.email;
		const users = await admin.collection('users').getFullList();
		const idOf = (email: string) => users.find((u) => u.email === email)!.id;
		expect([...shared.teachers].sort()).toEqual(
			[idOf(teacher('teacherA')), idOf(teacher('teacherB'))].sort()
		);
		expect(new Set(students.map((s) => s.student_number)).size).toBe(75);
	});

	test('demo logins have roles, names and printable passwords of 10+ characters', async () => {
		expect(DEMO_USERS.map((u) => u.role).sort()).toEqual(['coordinator', 'teacher', 'teacher']);
		for (const user of DEMO_USERS) {
			expect(user.password.length).toBeGreaterThanOrEqual(10);
			expect(user.password).toMatch(/^[\x21-\x7e]+$/);
			const pb = await server.as(user.email, user.password);
			expect(pb.authStore.record).toMatchObject({
				name: user.name,
				role: user.role,
				emailVisibility: false
			});
		}
	});

	test('the four terms of 2026, in order', async () => {
		const periods = await admin.collection('periods').getFullList({ sort: 'starts' });
		expect(periods.map((p) => p.name)).toEqual([
			'Term 1 2026',
			'Term 2 2026',
			'Term 3 2026',
			'Term 4 2026'
		]);
		for (const [i, p] of periods.entries()) {
			expect(p.starts < p.ends).toBe(true);
			if (i > 0) expect(periods[i - 1]!.ends < p.starts).toBe(true);
		}
	});

	test('the twelve movement skills are checklists whose components match the shared seed facts', async () => {
		const checklists = await admin
			.collection('assessments')
			.getFullList({ filter: "kind = 'checklist'" });
		expect(checklists).toHaveLength(12);
		const factsFile = join(PROJECT_ROOT, '..', 'shared', 'seed-data', 'fms-skills.json');
		const facts = existsSync(factsFile)
			? (
					JSON.parse(readFileSync(factsFile, 'utf8')) as {
						skills: { key: string; name: string; components: string[] }[];
					}
				).skills
			: null;
		for (const a of checklists) {
			expect(a.framework).toBe('Vic FMS');
			const n = a.components.length;
			for (const c of a.components)
				expect(c).toMatchObject({ key: expect.stringMatching(/^c\d+$/), max: 1 });
			expect(a.levels).toEqual([
				{ level: 'near_mastery', min: n - 1 },
				{ level: 'mastery', min: n }
			]);
			if (facts) {
				const skill = facts.find((s) => s.name === a.name);
				expect(skill, a.name).toBeDefined();
				expect(a.components.map((c: { label: string }) => c.label)).toEqual(skill!.components);
			}
		}
	});

	test('Catch and Sprint run carry a field-mode hint on every component, within the limit', async () => {
		for (const key of ['catch', 'sprint_run']) {
			const a = await admin.collection('assessments').getOne(DEMO_IDS.assessments[key]!);
			const hints = (a.components as { hint?: string }[]).map((c) => c.hint);
			expect(hints, key).toEqual(DEMO_COMPONENT_HINTS[key]);
			for (const h of hints) {
				expect(h, key).toMatch(/\S/);
				expect(Array.from(h!).length).toBeLessThanOrEqual(COMPONENT_HINT_MAX_CHARS);
			}
		}
		// The other skills have none: a hint is the school's words, added when it has them.
		const hop = await admin.collection('assessments').getOne(DEMO_IDS.assessments['hop']!);
		expect((hop.components as { hint?: string }[]).some((c) => c.hint !== undefined)).toBe(false);
	});

	test('every seeded assessment is a valid definition for the shared scoring code', async () => {
		for (const a of await admin.collection('assessments').getFullList()) {
			expect(parseAssessment(a), a.name).toMatchObject({ ok: true });
		}
	});

	test('a timed sprint, a ten-item test and an A–E running grade', async () => {
		const { sprint, items, grade } = DEMO_IDS.assessments;
		expect(await admin.collection('assessments').getOne(sprint!)).toMatchObject({
			kind: 'timed',
			framework: 'ASTS',
			active: true
		});
		const test10 = await admin.collection('assessments').getOne(items!);
		expect(test10).toMatchObject({ kind: 'items', framework: 'ECR' });
		expect(test10.components).toHaveLength(10);
		for (const c of test10.components) expect(c.max).toBeGreaterThan(0);
		expect(await admin.collection('assessments').getOne(grade!)).toMatchObject({
			kind: 'grade',
			framework: 'Running grade',
			scale: ['A', 'B', 'C', 'D', 'E']
		});
	});
});
