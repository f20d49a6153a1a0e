/**
 * Bench schools, sized per workload, created through the admin SDK as the
 * office (superuser), so every record goes through the project's hooks like
 * an admin-UI edit. PocketBase's batch API (off by default) is switched on
 * for the seeding: one request and one transaction per chunk.
 *
 * Every id is fixed ([a-z0-9]{15}), so the same school is the same on the
 * peers. Assessments are checklists of five components c1…c5.
 */
import type PocketBase from 'pocketbase';
import { randomBytes } from 'node:crypto';
import { resultId } from '../../../src/lib/sync/core/ids';
import { formatStamp } from '../../../src/lib/sync/core/stamp';
import {
	PUSH_MAX_OPS,
	WIRE_VERSION,
	type Op,
	type PushResponse
} from '../../../src/lib/sync/core/types';

export const BENCH_PASSWORD = 'bench-password-1';
export const COMPONENTS = ['c1', 'c2', 'c3', 'c4', 'c5'] as const;
const BATCH_SIZE = 200;

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const id = (prefix: string, n: number): string => prefix + pad(n, 15 - prefix.length);

export interface ClassSpec {
	/** Teacher indexes (into the school's teachers). */
	teachers: number[];
}

export interface SchoolSpec {
	teachers: number;
	/** A coordinator (reads everything) as well. */
	coordinator?: boolean;
	classes: ClassSpec[];
	studentsPerClass: number;
	assessments: number;
	periods: number;
}

export interface Login {
	id: string;
	email: string;
	password: string;
}

export interface School {
	teachers: Login[];
	coordinator: Login | null;
	/** Class ids, in spec order. */
	classes: string[];
	/** Student ids per class, in class order. */
	students: string[][];
	assessments: string[];
	periods: string[];
	/** Classes each teacher teaches, by teacher index. */
	classesOf: string[][];
}

/** The ids and logins of a school, without touching a server. */
export function describeSchool(spec: SchoolSpec): School {
	const login = (key: string, n: number): Login => ({
		id: id(`b${key}`, n),
		email: `${key}${n}@bench.markbook.school`,
		password: BENCH_PASSWORD
	});
	const teachers = Array.from({ length: spec.teachers }, (_, i) => login('teacher', i));
	const classes = spec.classes.map((_, i) => id('bclass', i));
	return {
		teachers,
		coordinator: spec.coordinator ? login('coord', 0) : null,
		classes,
		students: classes.map((_, c) =>
			Array.from({ length: spec.studentsPerClass }, (_, s) =>
				id('bstu', c * spec.studentsPerClass + s)
			)
		),
		assessments: Array.from({ length: spec.assessments }, (_, i) => id('bassess', i)),
		periods: Array.from({ length: spec.periods }, (_, i) => id('bperiod', i)),
		classesOf: teachers.map((_, t) =>
			classes.filter((_, c) => (spec.classes[c] as ClassSpec).teachers.includes(t))
		)
	};
}

const FRESH = { stamps: {}, seq: 0, deleted: false };

/** Creates the school on the server (empty of results). */
export async function seedSchool(admin: PocketBase, spec: SchoolSpec): Promise<School> {
	const school = describeSchool(spec);
	await admin.settings.update({
		batch: { enabled: true, maxRequests: 1000, timeout: 120, maxBodySize: 0 }
	});
	const users = [
		...school.teachers.map((t, i) => ({ ...t, name: `Teacher ${i}`, role: 'teacher' })),
		...(school.coordinator
			? [{ ...school.coordinator, name: 'Coordinator', role: 'coordinator' }]
			: [])
	].map((u) => ({
		id: u.id,
		email: u.email,
		emailVisibility: false,
		verified: true,
		password: u.password,
		passwordConfirm: u.password,
		name: u.name,
		role: u.role
	}));
	await createAll(admin, 'users', users);
	await createAll(
		admin,
		'classes',
		school.classes.map((c, i) => ({
			id: c,
			name: `Class ${i}`,
			year_level: 4,
			teachers: (spec.classes[i] as ClassSpec).teachers.map(
				(t) => (school.teachers[t] as Login).id
			),
			...FRESH
		}))
	);
	await createAll(
		admin,
		'students',
		school.students.flatMap((ids, c) =>
			ids.map((s, i) => ({
				id: s,
				given_name: `Student${c}`,
				family_name: `No${i}`,
				student_number: s,
				classes: [school.classes[c]],
				...FRESH
			}))
		)
	);
	await createAll(
		admin,
		'periods',
		school.periods.map((p, i) => ({
			id: p,
			name: `Term ${i + 1}`,
			starts: '2026-01-27 00:00:00.000Z',
			ends: '2026-04-02 00:00:00.000Z',
			...FRESH
		}))
	);
	await createAll(
		admin,
		'assessments',
		school.assessments.map((a, i) => ({
			id: a,
			name: `Skill ${i + 1}`,
			framework: 'Vic FMS',
			kind: 'checklist',
			components: COMPONENTS.map((key, j) => ({ key, label: `Component ${j + 1}`, max: 1 })),
			levels: [
				{ level: 'near_mastery', min: COMPONENTS.length - 1 },
				{ level: 'mastery', min: COMPONENTS.length }
			],
			scale: null,
			active: true,
			...FRESH
		}))
	);
	return school;
}

/** One result row of the school (its natural key and id). */
export interface ResultKey {
	id: string;
	student: string;
	class: string;
	assessment: string;
	period: string;
}

/** Every result key of the given classes for one period (class-major order). */
export function resultKeys(school: School, classIndexes: number[], period: string): ResultKey[] {
	const out: ResultKey[] = [];
	for (const c of classIndexes) {
		for (const student of school.students[c] as string[]) {
			for (const assessment of school.assessments) {
				out.push({
					id: resultId(student, school.classes[c] as string, assessment, period),
					student,
					class: school.classes[c] as string,
					assessment,
					period
				});
			}
		}
	}
	return out;
}

/**
 * Creates filled-in results (for the cold-start school) through the sync
 * push route, as `teacher` (who must teach every class of `keys`), 500 ops a
 * request: filled-in values with stamps, as devices would have sent them.
 */
export async function seedResults(teacher: PocketBase, keys: ResultKey[]): Promise<void> {
	const device = `dev_benchseed_${process.pid}`;
	for (let i = 0; i < keys.length; i += PUSH_MAX_OPS) {
		const ops: Op[] = keys.slice(i, i + PUSH_MAX_OPS).map((k, j) => ({
			id: uuidv7(),
			collection: 'results',
			record: k.id,
			fields: {
				student: k.student,
				class: k.class,
				assessment: k.assessment,
				period: k.period,
				...Object.fromEntries(COMPONENTS.map((c, n) => [`values.${c}`, (i + j + n) % 2]))
			},
			stamp: formatStamp(Date.now(), (i + j) % 100_000, device),
			base: {}
		}));
		const res = await teacher.send<PushResponse>('/api/sync/push', {
			method: 'POST',
			body: { v: WIRE_VERSION, device, ops },
			requestKey: null
		});
		const refused = res.results.filter((r) => r.status === 'rejected');
		if (refused.length > 0)
			throw new Error(
				`seeding: ${refused.length} ops rejected, e.g. ${JSON.stringify(refused[0])}`
			);
	}
}

/**
 * A UUIDv7 (RFC 9562): 48-bit ms time, version 7, variant, random. By hand:
 * bench/node_modules holds an older `uuid` (a peer's dependency) that would
 * shadow the root's one here.
 */
function uuidv7(): string {
	const b = randomBytes(16);
	const ms = Date.now();
	for (let i = 0; i < 6; i++) b[i] = Math.floor(ms / 2 ** (8 * (5 - i))) & 0xff;
	b[6] = 0x70 | ((b[6] as number) & 0x0f);
	b[8] = 0x80 | ((b[8] as number) & 0x3f);
	const h = b.toString('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

async function createAll(
	admin: PocketBase,
	collection: string,
	records: Record<string, unknown>[]
): Promise<void> {
	for (let i = 0; i < records.length; i += BATCH_SIZE) {
		const batch = admin.createBatch();
		for (const r of records.slice(i, i + BATCH_SIZE)) batch.collection(collection).create(r);
		await batch.send();
	}
}
