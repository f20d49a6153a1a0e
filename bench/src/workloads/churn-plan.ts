/**
 * The churn workload's edits, made up front from a seeded generator so all
 * three systems replay the same ones, and the judge of outcomes.
 *
 * Each teacher teaches an own class and shares one class with a colleague
 * (teachers 2k and 2k+1). Of each teacher's edits, SHARED_FRACTION land on
 * the shared class (which the colleague edits too), DELETE_FRACTION delete one
 * of the teacher's own rows (never touched again), the rest set a component
 * of an own row to 0 or 1.
 */
import {
	COMPONENTS,
	resultKeys,
	type ResultKey,
	type School,
	type SchoolSpec
} from '../lib/school';

export const SHARED_FRACTION = 0.1;
export const DELETE_FRACTION = 0.02;

export type Action =
	| { kind: 'set'; key: ResultKey; component: string; value: number }
	| { kind: 'delete'; key: ResultKey };

/** mulberry32: a small seeded PRNG (the seed is printed with the results). */
export function seededRandom(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export function churnSchoolSpec(
	teachers: number,
	studentsPerClass: number,
	assessments: number
): SchoolSpec {
	return {
		teachers,
		classes: [
			...Array.from({ length: teachers }, (_, t) => ({ teachers: [t] })),
			...Array.from({ length: teachers / 2 }, (_, k) => ({ teachers: [2 * k, 2 * k + 1] }))
		],
		studentsPerClass,
		assessments,
		periods: 1
	};
}

/** Each teacher's actions, in the order they make them. */
export function planChurn(
	school: School,
	teachers: number,
	editsPerTeacher: number,
	seed: number
): Action[][] {
	const random = seededRandom(seed);
	const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
	const period = school.periods[0] as string;
	return Array.from({ length: teachers }, (_, t) => {
		const own = resultKeys(school, [t], period);
		const shared = resultKeys(school, [teachers + Math.floor(t / 2)], period);
		const touched: ResultKey[] = [];
		const deleted = new Set<string>();
		const actions: Action[] = [];
		while (actions.length < editsPerTeacher) {
			const r = random();
			if (r < DELETE_FRACTION) {
				const candidates = touched.filter((k) => !deleted.has(k.id));
				if (candidates.length === 0) continue;
				const key = pick(candidates);
				deleted.add(key.id);
				actions.push({ kind: 'delete', key });
			} else {
				const onShared = r < DELETE_FRACTION + SHARED_FRACTION;
				const key = onShared ? pick(shared) : pick(own.filter((k) => !deleted.has(k.id)));
				if (!onShared) touched.push(key);
				actions.push({
					kind: 'set',
					key,
					component: pick(COMPONENTS),
					value: random() < 0.5 ? 0 : 1
				});
			}
		}
		return actions;
	});
}

/** Live rows as the comparisons see them: id → component values, keys sorted. */
export type Projection = Map<string, string>;

export function project(
	rows: Iterable<{ id: string; values: Record<string, unknown> }>
): Projection {
	const out: Projection = new Map();
	for (const r of rows) {
		const v = r.values ?? {};
		out.set(
			r.id,
			JSON.stringify(
				Object.keys(v)
					.sort()
					.map((k) => [k, v[k]])
			)
		);
	}
	return out;
}

/** The server's rows restricted to `classes`. */
export function restrict<T extends { class: string }>(rows: T[], classes: readonly string[]): T[] {
	const set = new Set(classes);
	return rows.filter((r) => set.has(r.class));
}

export function sameProjection(a: Projection, b: Projection): boolean {
	if (a.size !== b.size) return false;
	for (const [k, v] of a) if (b.get(k) !== v) return false;
	return true;
}

export interface Outcomes {
	/** Paths whose final value is none of the values their writers last wrote. */
	lost: number;
	/** Natural keys held by more than one live row. */
	duplicated: number;
	/** Rows deleted (and never touched again) that are live on the server. */
	resurrected: number;
	paths: number;
}

/** Judges the server's final live rows against the plan. */
export function judge(
	plan: Action[][],
	live: {
		id: string;
		student: string;
		assessment: string;
		period: string;
		values: Record<string, unknown>;
	}[]
): Outcomes {
	const lastByWriter = new Map<string, Map<number, number>>(); // `${row}|${component}` → teacher → value
	const deleted = new Set<string>();
	plan.forEach((actions, t) => {
		for (const a of actions) {
			if (a.kind === 'delete') {
				deleted.add(a.key.id);
				continue;
			}
			const path = `${a.key.id}|${a.component}`;
			let writers = lastByWriter.get(path);
			if (!writers) lastByWriter.set(path, (writers = new Map()));
			writers.set(t, a.value);
		}
	});
	const byId = new Map(live.map((r) => [r.id, r]));
	let lost = 0;
	for (const [path, writers] of lastByWriter) {
		const [row, component] = path.split('|') as [string, string];
		if (deleted.has(row)) continue;
		const value = byId.get(row)?.values?.[component];
		if (![...writers.values()].includes(value as number)) lost++;
	}
	const keys = new Map<string, number>();
	for (const r of live) {
		const k = `${r.student}|${r.assessment}|${r.period}`;
		keys.set(k, (keys.get(k) ?? 0) + 1);
	}
	const duplicated = [...keys.values()].filter((n) => n > 1).length;
	const resurrected = [...deleted].filter((id) => byId.has(id)).length;
	return { lost, duplicated, resurrected, paths: lastByWriter.size };
}
