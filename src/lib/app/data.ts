/**
 * The school's data as pages need it, read from the device replica (never the
 * network), and the edits pages make. Pure functions over a `Reader`, so the
 * same code serves every page and unit tests with a plain list of records.
 */
import { parseAssessment, type Assessment } from '$lib/domain/assessment';
import { deriveResult, type DerivedResult } from '$lib/domain/scoring';
import { resultId } from '$lib/sync/core/ids';
import { parseStamp } from '$lib/sync/core/stamp';
import type { FieldPath, Json, SyncedCollection, WireRecord } from '$lib/sync/core/types';

/** What the queries need of the replica (appSync and SyncClient both fit). */
export interface Reader {
	get(collection: SyncedCollection, id: string): WireRecord | undefined;
	list(collection: SyncedCollection, predicate?: (record: WireRecord) => boolean): WireRecord[];
	/** A record's (or one path's) sync state; without it nothing counts as refused. */
	status?(collection: SyncedCollection, id: string, path?: FieldPath): { status: string };
}

export interface ClassInfo {
	id: string;
	name: string;
	yearLevel: number;
	teachers: string[];
}

export interface StudentInfo {
	id: string;
	givenName: string;
	familyName: string;
	studentNumber: string;
	classes: string[];
}

export interface PeriodInfo {
	id: string;
	name: string;
	/** Epoch ms, or null when the office left it empty. */
	starts: number | null;
	ends: number | null;
}

/** Which result a cell belongs to: one per student, assessment and period. */
export interface ResultKey {
	student: string;
	class: string;
	assessment: string;
	period: string;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const ids = (v: unknown): string[] =>
	Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

function time(v: unknown): number | null {
	if (typeof v !== 'string' || v === '') return null;
	// PocketBase dates are "2026-01-27 00:00:00.000Z".
	const ms = Date.parse(v.replace(' ', 'T'));
	return Number.isNaN(ms) ? null : ms;
}

export function toClass(r: WireRecord): ClassInfo {
	return {
		id: r.id,
		name: text(r['name']),
		yearLevel: typeof r['year_level'] === 'number' ? r['year_level'] : 0,
		teachers: ids(r['teachers'])
	};
}

export function toStudent(r: WireRecord): StudentInfo {
	return {
		id: r.id,
		givenName: text(r['given_name']),
		familyName: text(r['family_name']),
		studentNumber: text(r['student_number']),
		classes: ids(r['classes'])
	};
}

/** "Given Family", as a teacher calls the roll. */
export function fullName(s: StudentInfo): string {
	return `${s.givenName} ${s.familyName}`.trim();
}

/** The classes on this device (the server sends only those the teacher may see). */
export function classes(db: Reader): ClassInfo[] {
	return db
		.list('classes')
		.map(toClass)
		.sort((a, b) => a.yearLevel - b.yearLevel || a.name.localeCompare(b.name));
}

/** A class's students, by family then given name. */
export function studentsIn(db: Reader, classId: string): StudentInfo[] {
	return db
		.list('students', (r) => ids(r['classes']).indexOf(classId) >= 0)
		.map(toStudent)
		.sort(
			(a, b) => a.familyName.localeCompare(b.familyName) || a.givenName.localeCompare(b.givenName)
		);
}

/** Active assessments that are set up correctly, by framework then name. */
export function assessments(db: Reader): Assessment[] {
	const out: Assessment[] = [];
	for (const r of db.list('assessments')) {
		const parsed = parseAssessment(r);
		if (parsed.ok && parsed.assessment.active) out.push(parsed.assessment);
	}
	return out.sort((a, b) => a.framework.localeCompare(b.framework) || a.name.localeCompare(b.name));
}

export function assessmentById(db: Reader, id: string): Assessment | null {
	const r = db.get('assessments', id);
	if (!r) return null;
	const parsed = parseAssessment(r);
	return parsed.ok ? parsed.assessment : null;
}

/** Periods in calendar order. */
export function periods(db: Reader): PeriodInfo[] {
	return db
		.list('periods')
		.map((r) => ({
			id: r.id,
			name: text(r['name']),
			starts: time(r['starts']),
			ends: time(r['ends'])
		}))
		.sort((a, b) => (a.starts ?? 0) - (b.starts ?? 0) || a.name.localeCompare(b.name));
}

/** The period `now` falls in, else the last one that started, else the first. */
export function currentPeriod(list: readonly PeriodInfo[], now: number): PeriodInfo | null {
	const inside = list.find(
		(p) => p.starts !== null && p.starts <= now && (p.ends === null || now <= p.ends)
	);
	if (inside) return inside;
	const started = list.filter((p) => p.starts !== null && p.starts <= now);
	return started[started.length - 1] ?? list[0] ?? null;
}

/** The result record of a key, if any edit or the server has made it. */
export function resultOf(db: Reader, key: ResultKey): WireRecord | undefined {
	return db.get('results', resultId(key.student, key.class, key.assessment, key.period));
}

/** A result's component values (empty when none). */
export function valuesOf(result: WireRecord | undefined): Record<string, Json> {
	const v = result?.['values'];
	return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, Json>) : {};
}

/** Live attempts of a timed assessment for one student in one class and period, oldest first. */
export function attemptsOf(db: Reader, key: ResultKey): WireRecord[] {
	return db
		.list(
			'attempts',
			(r) =>
				r['student'] === key.student &&
				r['class'] === key.class &&
				r['assessment'] === key.assessment &&
				r['period'] === key.period
		)
		.sort((a, b) => text(a['taken_at']).localeCompare(text(b['taken_at'])));
}

/**
 * What a total or level counts of a result's values: not those the server
 * refused (they stay on screen, with the reason, until the teacher fixes or
 * discards them — but they are not marks).
 */
export function acceptedValues(
	values: Record<string, Json>,
	refused: (component: string) => boolean
): Record<string, Json> {
	let out: Record<string, Json> | null = null;
	for (const k of Object.keys(values)) {
		if (!refused(k)) continue;
		out ??= { ...values };
		delete out[k];
	}
	return out ?? values;
}

/**
 * Total, level and best time as the server will derive them, computed on the
 * device from what it holds now (so they update as the teacher types); a
 * value the server refused does not count.
 */
export function derivedOf(db: Reader, assessment: Assessment, key: ResultKey): DerivedResult {
	const seconds =
		assessment.kind === 'timed'
			? attemptsOf(db, key).map((a) => (typeof a['seconds'] === 'number' ? a['seconds'] : NaN))
			: [];
	const result = resultOf(db, key);
	const values = valuesOf(result);
	const counted =
		result && db.status && db.status('results', result.id).status === 'rejected'
			? acceptedValues(
					values,
					(c) => db.status?.('results', result.id, `values.${c}`).status === 'rejected'
				)
			: values;
	return deriveResult(assessment, counted, seconds);
}

/** When a field was last written (epoch ms, from its stamp), or null. */
export function writtenAt(record: WireRecord, path: FieldPath): number | null {
	return parseStamp(record.stamps[path])?.ms ?? null;
}

/** Notes about a student, newest first (a note is written once: its text's stamp dates it). */
export function observationsOf(db: Reader, studentId: string): WireRecord[] {
	return db
		.list('observations', (r) => r['student'] === studentId)
		.sort((a, b) => (writtenAt(b, 'text') ?? 0) - (writtenAt(a, 'text') ?? 0));
}

/** Open conflict notices, newest first. */
export function openConflicts(db: Reader): WireRecord[] {
	return db
		.list('conflicts', (r) => r['status'] === 'open')
		.sort((a, b) => text(b['at']).localeCompare(text(a['at'])));
}

/**
 * The id and fields of an edit of one field of a result (a component value, the
 * status on the day…): the natural key travels with it, so the first edit
 * makes the record, and so does `deleted: false`: a result is alive as of a
 * teacher's latest mark in it. Without it, a mark entered after the office
 * deleted the result (a tombstone, `deleted` merged last-writer-wins like any
 * field) was stored on the tombstone and shown nowhere; with it, the newer
 * mark brings the result back (an older one, made offline before the delete,
 * still loses to it).
 */
export function resultEdit(
	key: ResultKey,
	path: FieldPath,
	value: Json
): { id: string; fields: Record<FieldPath, Json> } {
	return {
		id: resultId(key.student, key.class, key.assessment, key.period),
		fields: {
			student: key.student,
			class: key.class,
			assessment: key.assessment,
			period: key.period,
			deleted: false,
			[path]: value
		}
	};
}

/** The id and fields of an edit that sets one component of a result (null clears it). */
export function componentEdit(
	key: ResultKey,
	component: string,
	value: Json
): { id: string; fields: Record<FieldPath, Json> } {
	return resultEdit(key, `values.${component}`, value);
}
