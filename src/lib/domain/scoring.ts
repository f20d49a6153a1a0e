/**
 * Derived fields of a result (total, level, best_time), computed by the server
 * after each merge and by the device for its optimistic display. Same code on
 * both sides, so a device never shows a level the server would not.
 */
import type { Json } from '../sync/core/types';
import {
	componentScale,
	TIMED_MAX_SECONDS,
	type Assessment,
	type LevelThreshold
} from './assessment';

/** The fields the server derives for a result. */
export interface DerivedResult {
	total: number | null;
	level: string | null;
	best_time: number | null;
}

/** Checklist levels (van Beurden et al. 2002). */
export const LEVEL_MASTERY = 'mastery';
export const LEVEL_NEAR_MASTERY = 'near_mastery';
export const LEVEL_DEVELOPING = 'developing';

/** Words for the fixed level codes; other levels (grades, custom thresholds) show as they are. */
export const LEVEL_LABELS: Readonly<Record<string, string>> = {
	[LEVEL_MASTERY]: 'Mastery',
	[LEVEL_NEAR_MASTERY]: 'Near mastery',
	[LEVEL_DEVELOPING]: 'Developing'
};

/** What to show for a level; empty for none. */
export function levelLabel(level: string | null): string {
	if (level === null) return '';
	return Object.prototype.hasOwnProperty.call(LEVEL_LABELS, level)
		? (LEVEL_LABELS[level] as string)
		: level;
}

function valueOf(
	values: { [key: string]: Json } | null | undefined,
	key: string
): Json | undefined {
	if (!values || !Object.prototype.hasOwnProperty.call(values, key)) return undefined;
	return values[key];
}

function isTime(v: unknown): v is number {
	return typeof v === 'number' && isFinite(v) && v > 0 && v < TIMED_MAX_SECONDS;
}

/**
 * The fastest plausible time of some seconds, or null: a result's best time
 * (here and on the server) and the stopwatch's best attempt are this one rule.
 */
export function fastestTime(seconds: readonly unknown[]): number | null {
	let best: number | null = null;
	for (const s of seconds) if (isTime(s) && (best === null || s < best)) best = s;
	return best;
}

/** items: the level whose `min` is the highest one the total reaches. */
function levelByMin(levels: LevelThreshold[], total: number): string | null {
	let best: { min: number; level: string } | null = null;
	for (const l of levels) {
		if ('min' in l && l.min <= total && (best === null || l.min > best.min)) best = l;
	}
	return best ? best.level : null;
}

/** timed: lower is better; the level whose `max` is the smallest one the time is within. */
function levelByMax(levels: LevelThreshold[], seconds: number): string | null {
	let best: { max: number; level: string } | null = null;
	for (const l of levels) {
		if ('max' in l && seconds <= l.max && (best === null || l.max < best.max)) best = l;
	}
	return best ? best.level : null;
}

const NONE: DerivedResult = { total: null, level: null, best_time: null };

/**
 * Derives total, level and best time from a result's values and the seconds of
 * its (live) attempts. Values of components the assessment lacks are ignored.
 * - checklist: total = components demonstrated; `mastery` if all are,
 *   `near_mastery` if all but one are (2+ components), else `developing`;
 *   all null while nothing is observed.
 * - items: total = sum of points; level by `{ min }` thresholds; null while
 *   nothing is scored.
 * - timed: best_time = fastest of the attempts and any times typed into the
 *   components; level by `{ max }` thresholds (lower is better).
 * - grade: level = the grade of the first graded component; total null.
 */
export function deriveResult(
	assessment: Assessment,
	values: { [key: string]: Json } | null | undefined,
	attemptsSeconds: readonly number[]
): DerivedResult {
	const keys = assessment.components.map((c) => c.key);
	switch (assessment.kind) {
		case 'checklist': {
			let observed = 0;
			let demonstrated = 0;
			for (const k of keys) {
				const v = valueOf(values, k);
				if (v === 0 || v === 1) observed++;
				if (v === 1) demonstrated++;
			}
			if (observed === 0) return NONE;
			const n = keys.length;
			const level =
				demonstrated === n
					? LEVEL_MASTERY
					: n >= 2 && demonstrated === n - 1
						? LEVEL_NEAR_MASTERY
						: LEVEL_DEVELOPING;
			return { total: demonstrated, level, best_time: null };
		}
		case 'items': {
			let scored = 0;
			let total = 0;
			for (const k of keys) {
				const v = valueOf(values, k);
				if (typeof v === 'number' && isFinite(v)) {
					scored++;
					total += v;
				}
			}
			if (scored === 0) return NONE;
			return { total, level: levelByMin(assessment.levels, total), best_time: null };
		}
		case 'timed': {
			const times: number[] = [];
			for (const s of attemptsSeconds) if (isTime(s)) times.push(s);
			for (const k of keys) {
				const v = valueOf(values, k);
				if (isTime(v)) times.push(v);
			}
			const best = fastestTime(times);
			if (best === null) return NONE;
			return { total: null, level: levelByMax(assessment.levels, best), best_time: best };
		}
		case 'grade': {
			for (const c of assessment.components) {
				const v = valueOf(values, c.key);
				if (typeof v === 'string' && componentScale(c).indexOf(v) >= 0)
					return { total: null, level: v, best_time: null };
			}
			return NONE;
		}
	}
}
