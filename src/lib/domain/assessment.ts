/**
 * Assessment definitions, as stored in the `assessments` collection
 * (components and levels are JSON fields). Any component may carry a `hint`:
 * what "demonstrated" looks like, shown under its label in field mode.
 *
 * Encodings (kept inside the existing JSON fields, so no extra columns):
 * - checklist: each component is 1 (demonstrated), 0 (not yet) or absent
 *   (not observed); `levels` is not used (mastery rules are fixed, see scoring).
 * - items: each component is a whole number 0…`max` (`max` defaults to 1);
 *   `levels` are `{ min, level }`: the highest `min` ≤ total wins.
 * - timed: times are seconds (attempts, or typed into a component);
 *   `levels` are `{ max, level }`: lower is better, the smallest `max` ≥ best
 *   time wins.
 *   The office may set plausibility bounds, `min_seconds` and `max_seconds`
 *   (number fields; 0 or empty means none): a 40 m sprint in 0.5 s is a
 *   slip of the thumb, and is refused like any other impossible value.
 * - grade: each component takes one value of its `scale`, a list of strings
 *   best first, e.g. `['A','B','C','D','E']` or `['5','4','3','2','1']`;
 *   without a scale, DEFAULT_GRADE_SCALE. Usually one component (`grade`).
 */
import type { Json } from '../sync/core/types';

export type AssessmentKind = 'checklist' | 'items' | 'timed' | 'grade';

/** Every kind, in display order. */
export const ASSESSMENT_KINDS: readonly AssessmentKind[] = ['checklist', 'items', 'timed', 'grade'];

/** The scale of a grade component that does not name its own. */
export const DEFAULT_GRADE_SCALE: readonly string[] = ['A', 'B', 'C', 'D', 'E'];

/** Upper bound of a timed result; anything longer is a typing slip. */
export const TIMED_MAX_SECONDS = 3600;

/**
 * Longest component hint, in characters (code points). A hint is a line or
 * two under the label in field mode, not a manual.
 */
export const COMPONENT_HINT_MAX_CHARS = 200;

export interface AssessmentComponent {
	/** Stable key used in `results.values` (`values.<key>`). */
	key: string;
	/** What the teacher sees, e.g. "Lands on the ball of the foot". */
	label: string;
	/** items: the most points this item takes (whole number ≥ 1; default 1). */
	max?: number;
	/** grade: the allowed grades, best first (default DEFAULT_GRADE_SCALE). */
	scale?: string[];
	/**
	 * What "demonstrated" looks like, in plain words, shown under the label in
	 * field mode (at most COMPONENT_HINT_MAX_CHARS; optional).
	 */
	hint?: string;
}

/** items: reach `min` points; timed: finish within `max` seconds. */
export type LevelThreshold = { min: number; level: string } | { max: number; level: string };

/** timed: the times the office thinks possible, in seconds (`min` < time ≤ `max`). */
export interface SecondsBounds {
	/** A time must be more than this (0 when the office set none). */
	min: number;
	/** …and at most this (TIMED_MAX_SECONDS when the office set none). */
	max: number;
}

export interface Assessment {
	id: string;
	name: string;
	framework: string;
	kind: AssessmentKind;
	components: AssessmentComponent[];
	levels: LevelThreshold[];
	active: boolean;
	/** timed only: the plausible times, when the office set them. */
	seconds?: SecondsBounds;
}

/** The times a timed assessment takes: the office's bounds, else any time under an hour. */
export function secondsBounds(assessment: Assessment | null | undefined): SecondsBounds {
	return assessment?.seconds ?? { min: 0, max: TIMED_MAX_SECONDS };
}

export type ParseAssessmentResult =
	| { ok: true; assessment: Assessment }
	| { ok: false; code: 'bad_assessment'; reason: string };

const COMPONENT_KEY_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The component of `assessment` with `key`, if any. */
export function componentOf(assessment: Assessment, key: string): AssessmentComponent | undefined {
	for (const c of assessment.components) if (c.key === key) return c;
	return undefined;
}

/** The most points an items component takes. */
export function componentMax(component: AssessmentComponent): number {
	return component.max === undefined ? 1 : component.max;
}

/** The grades a grade component allows, best first. */
export function componentScale(component: AssessmentComponent): readonly string[] {
	return component.scale === undefined ? DEFAULT_GRADE_SCALE : component.scale;
}

// PocketBase hands JSON fields to hooks as raw text; the device gets objects.
function jsonField(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	try {
		return JSON.parse(value) as unknown;
	} catch {
		return undefined;
	}
}

function fail(name: string, why: string): ParseAssessmentResult {
	return {
		ok: false,
		code: 'bad_assessment',
		reason: `The assessment “${name}” is not set up correctly: ${why}`
	};
}

/**
 * Reads an assessment record (device replica or PocketBase record fields) and
 * checks the definition, so validation and scoring can rely on it.
 */
export function parseAssessment(raw: { [key: string]: unknown }): ParseAssessmentResult {
	const name = typeof raw['name'] === 'string' ? raw['name'] : '(unnamed)';
	const kind = raw['kind'];
	if (typeof raw['id'] !== 'string' || raw['id'] === '') return fail(name, 'it has no id.');
	if (typeof kind !== 'string' || ASSESSMENT_KINDS.indexOf(kind as AssessmentKind) < 0) {
		return fail(name, `its kind must be one of ${ASSESSMENT_KINDS.join(', ')}.`);
	}
	const rawComponents = jsonField(raw['components']);
	if (!Array.isArray(rawComponents) || rawComponents.length === 0)
		return fail(name, 'it has no components.');
	const components: AssessmentComponent[] = [];
	const seen: string[] = [];
	for (const c of rawComponents as Json[]) {
		if (typeof c !== 'object' || c === null || Array.isArray(c))
			return fail(name, 'a component is not an object.');
		const key = c['key'];
		const label = typeof c['label'] === 'string' && c['label'] !== '' ? c['label'] : key;
		if (typeof key !== 'string' || !COMPONENT_KEY_PATTERN.test(key) || seen.indexOf(key) >= 0) {
			return fail(
				name,
				`component key ${JSON.stringify(key)} is missing, repeated or has characters other than letters, digits, _ and -.`
			);
		}
		seen.push(key);
		const component: AssessmentComponent = { key, label: label as string };
		if (c['max'] !== undefined && c['max'] !== null) {
			const max = c['max'];
			if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) {
				return fail(name, `“${label}” needs a whole-number max of at least 1.`);
			}
			component.max = max;
		}
		if (c['scale'] !== undefined && c['scale'] !== null) {
			const scale = c['scale'];
			if (
				!Array.isArray(scale) ||
				scale.length === 0 ||
				scale.some((g, i) => typeof g !== 'string' || g === '' || scale.indexOf(g) !== i)
			) {
				return fail(name, `the scale of “${label}” must be a list of different grades.`);
			}
			component.scale = scale as string[];
		}
		if (c['hint'] !== undefined && c['hint'] !== null) {
			const hint = c['hint'];
			if (typeof hint !== 'string')
				return fail(name, `the hint of “${label}” must be text (or left out).`);
			const trimmed = hint.trim();
			// Code points, as every other text limit counts them.
			const chars = Array.from(trimmed).length;
			if (chars > COMPONENT_HINT_MAX_CHARS) {
				return fail(
					name,
					`the hint of “${label}” has ${chars} characters; a hint takes at most ${COMPONENT_HINT_MAX_CHARS}.`
				);
			}
			if (trimmed !== '') component.hint = trimmed;
		}
		components.push(component);
	}
	const rawLevels = jsonField(raw['levels']);
	const levels: LevelThreshold[] = [];
	if (Array.isArray(rawLevels)) {
		for (const l of rawLevels as Json[]) {
			if (
				typeof l !== 'object' ||
				l === null ||
				Array.isArray(l) ||
				typeof l['level'] !== 'string'
			) {
				return fail(name, 'each level needs a name.');
			}
			const level = l['level'];
			if (kind === 'timed' && typeof l['max'] === 'number' && isFinite(l['max']))
				levels.push({ max: l['max'], level });
			else if (kind !== 'timed' && typeof l['min'] === 'number' && isFinite(l['min']))
				levels.push({ min: l['min'], level });
			else
				return fail(
					name,
					`level “${level}” needs a number: ${kind === 'timed' ? 'max (seconds)' : 'min (points)'}.`
				);
		}
	} else if (rawLevels !== undefined && rawLevels !== null) {
		return fail(name, 'its levels must be a list.');
	}
	const assessment: Assessment = {
		id: raw['id'],
		name,
		framework: typeof raw['framework'] === 'string' ? raw['framework'] : '',
		kind: kind as AssessmentKind,
		components,
		levels,
		active: raw['active'] !== false
	};
	if (kind === 'timed') {
		const bounds = parseBounds(raw['min_seconds'], raw['max_seconds']);
		if (typeof bounds === 'string') return fail(name, bounds);
		if (bounds) assessment.seconds = bounds;
	}
	return { ok: true, assessment };
}

// 0, null or absent: not set (PocketBase stores an empty number field as 0).
function boundOf(value: unknown): number | null | 'bad' {
	if (value === undefined || value === null || value === 0 || value === '') return null;
	return typeof value === 'number' && isFinite(value) && value > 0 ? value : 'bad';
}

/** The office's plausible times, or null when none are set, or why they are wrong. */
function parseBounds(rawMin: unknown, rawMax: unknown): SecondsBounds | null | string {
	const min = boundOf(rawMin);
	const max = boundOf(rawMax);
	if (min === 'bad' || max === 'bad')
		return 'its plausible times (min_seconds, max_seconds) must be numbers of seconds above 0.';
	if (min === null && max === null) return null;
	const bounds = { min: min ?? 0, max: Math.min(max ?? TIMED_MAX_SECONDS, TIMED_MAX_SECONDS) };
	if (bounds.min >= bounds.max)
		return `its fastest plausible time (${bounds.min} s) must be below its slowest (${bounds.max} s).`;
	return bounds;
}
