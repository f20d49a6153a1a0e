/**
 * A child's status on the day an assessment was run: absent, injured or
 * excused. It lives on the result (student × class × assessment × period) as
 * one JSON field, `status`: `{ "kind": "absent", "on": "2026-03-02" }`, or
 * null when the child was there (or the teacher cleared it). It is one lww
 * path, so a kind and its day are never split by two teachers' edits.
 *
 * Without it, "not observed" would have to mean "away"; with it, summaries
 * count a child who was away and has no marks as away, not as not observed.
 */
import type { Json } from '../sync/core/types';
import { no, OK, show, type ValidationResult } from './values';

/** The kinds of being away, in the order the app offers them. */
export const ABSENCE_KINDS = ['absent', 'injured', 'excused'] as const;
export type AbsenceKind = (typeof ABSENCE_KINDS)[number];

/** The stored value of a result's `status` when the child was away. */
export interface ResultStatus {
	kind: AbsenceKind;
	/** The day, as the teacher's calendar shows it: YYYY-MM-DD. */
	on: string;
}

/** The result field (and its one field path) that holds the status. */
export const STATUS_FIELD = 'status';

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `day` is a real calendar day written YYYY-MM-DD (no 30 February). */
export function isDay(day: unknown): day is string {
	if (typeof day !== 'string') return false;
	const m = DAY_PATTERN.exec(day);
	if (!m) return false;
	const y = Number(m[1]);
	const mo = Number(m[2]);
	const d = Number(m[3]);
	const date = new Date(Date.UTC(y, mo - 1, d));
	return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

export function isAbsenceKind(kind: unknown): kind is AbsenceKind {
	return typeof kind === 'string' && (ABSENCE_KINDS as readonly string[]).indexOf(kind) >= 0;
}

/**
 * Checks a `status` value as a device or the office would write it: null
 * (present), or exactly `{ kind, on }` with a known kind and a real day.
 */
export function validateStatus(value: Json): ValidationResult {
	if (value === null) return OK;
	// "absent, injured or excused"
	const kinds = `${ABSENCE_KINDS.slice(0, -1).join(', ')} or ${ABSENCE_KINDS[ABSENCE_KINDS.length - 1]}`;
	if (typeof value !== 'object' || Array.isArray(value)) {
		return no(
			'bad_status',
			`A child’s status is { kind, on } (kind ${kinds}), or null when the child was there; ${show(value)} is not one.`
		);
	}
	const extra = Object.keys(value).filter((k) => k !== 'kind' && k !== 'on');
	if (extra.length > 0) {
		return no(
			'bad_status',
			`A child’s status has only a kind and a day; “${extra[0]}” is not part of it.`
		);
	}
	const kind = value['kind'] ?? null;
	if (!isAbsenceKind(kind)) {
		return no('bad_status', `A child is ${kinds} on a day; ${show(kind)} is none of those.`);
	}
	const on = value['on'] ?? null;
	if (!isDay(on)) {
		return no(
			'bad_status',
			`The day a child was ${kind} is a date like 2026-03-02; ${show(on)} is not one.`
		);
	}
	return OK;
}

/** A stored status read leniently: null when absent or malformed (never throws). */
export function statusOf(value: unknown): ResultStatus | null {
	if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
	const v = value as Record<string, unknown>;
	return isAbsenceKind(v['kind']) && isDay(v['on']) ? { kind: v['kind'], on: v['on'] } : null;
}
