/**
 * The grid's rows, built in one pass per render: one `get` per student (a
 * result's id is its natural key's), one `list('attempts')` for timed assessments, one status call per row,
 * and per-cell status calls only for rows that have something unsynced (a
 * synced row's cells are all synced). 40 students × 12 components stays far
 * below a frame's budget this way.
 *
 * A row that did not change is the previous render's object, so the grid
 * re-renders only the rows an edit touched (Svelte skips an unchanged item).
 */
import type { Assessment } from '$lib/domain/assessment';
import { deriveResult, type DerivedResult } from '$lib/domain/scoring';
import {
	acceptedValues,
	fullName,
	valuesOf,
	type Reader,
	type ResultKey,
	type StudentInfo
} from '$lib/app/data';
import { saveStateIn, type SaveState, type SyncMode } from '$lib/app/words';
import { resultId } from '$lib/sync/core/ids';
import type { FieldPath, Json, SyncedCollection, WireRecord } from '$lib/sync/core/types';
import type { SyncStatus } from '$lib/sync/replica';

/** What the rows need of the replica: reads and per-record (or per-field) states. */
export interface GridSource extends Reader {
	status(collection: SyncedCollection, id: string, path?: FieldPath): SyncStatus;
}

export interface CellState {
	state: SaveState;
	status: SyncStatus;
}

export interface GridRow {
	student: StudentInfo;
	name: string;
	key: ResultKey;
	/** The result's id (derived from its natural key, whether or not it exists yet). */
	id: string;
	/** False until an edit or the server made the result. */
	exists: boolean;
	values: Record<string, Json>;
	derived: DerivedResult;
	/** Timed assessments: how many stopwatch attempts the student has this period. */
	attempts: number;
	status: SyncStatus;
	state: SaveState;
	/** Per component key. */
	cells: Record<string, CellState>;
}

export interface GridScope {
	classId: string;
	assessment: Assessment;
	periodId: string;
}

/** The read-only columns after the components. */
export type Extra = 'total' | 'level' | 'attempts' | 'best' | 'saved';

/**
 * Column widths (rem). The grid's table lays out fixed (`table-layout: fixed`,
 * from the heading row), so a new value, total or save state never re-measures
 * the table; the component columns share what the name and these leave, at
 * least COMPONENT_MIN_REM each.
 */
export const EXTRA_WIDTH_REM: Readonly<Record<Extra, number>> = {
	total: 4.5,
	level: 8,
	attempts: 5.5,
	best: 5.5,
	saved: 8.5
};
export const COMPONENT_MIN_REM = { checklist: 6, typed: 4.25 } as const;

/**
 * How far from the grid's right edge read-only column `i` sticks (rem): the
 * widths of the columns after it. With many components the table scrolls
 * sideways inside its box, and Total, Level and Saved stay in view at its
 * right as the name stays at its left.
 */
export function extraRightRem(extras: readonly Extra[], i: number): number {
	return extras.slice(i + 1).reduce((n, x) => n + EXTRA_WIDTH_REM[x], 0);
}

/** A cell's key, as `data-cell` shows it: `<studentId>:<componentKey>`. */
export function cellKey(studentId: string, component: string): string {
	return `${studentId}:${component}`;
}

// Result ids are a SHA-256 of the natural key: worth remembering across renders.
const idCache = new Map<string, string>();
const ID_CACHE_MAX = 5000;

export function cachedResultId(
	student: string,
	cls: string,
	assessment: string,
	period: string
): string {
	const k = `${student}|${cls}|${assessment}|${period}`;
	let id = idCache.get(k);
	if (id === undefined) {
		if (idCache.size >= ID_CACHE_MAX) idCache.clear();
		id = resultId(student, cls, assessment, period);
		idCache.set(k, id);
	}
	return id;
}

/** The sync time as a row shows it ("Synced 14:05"): to the minute. */
const shownMinute = (ms: number | null): number | null =>
	ms === null ? null : Math.floor(ms / 60_000);

/** Whether two statuses read the same to a teacher (and to the grid's cells). */
function sameStatus(a: SyncStatus, b: SyncStatus): boolean {
	// A push answer moves syncedAt by milliseconds, and a push taking an edit
	// (`inflight`) shows nowhere: only what is shown re-renders a row.
	return (
		a.status === b.status &&
		shownMinute(a.syncedAt) === shownMinute(b.syncedAt) &&
		a.opId === b.opId &&
		a.code === b.code &&
		a.reason === b.reason &&
		a.conflictId === b.conflictId
	);
}

// Rows built from the same values (by identity) and showing the same states.
function sameRow(a: GridRow, b: GridRow): boolean {
	if (a.student !== b.student || a.values !== b.values || a.exists !== b.exists) return false;
	if (a.attempts !== b.attempts || !sameStatus(a.status, b.status) || a.state !== b.state)
		return false;
	for (const k of Object.keys(b.cells)) {
		const x = a.cells[k];
		const y = b.cells[k] as CellState;
		if (!x || x.state !== y.state || !sameStatus(x.status, y.status)) return false;
	}
	return true;
}

/** The rows of the previous render, to keep the unchanged ones (see the top of this file). */
export interface RowCache {
	scope: GridScope | null;
	/** Per student id: the row, with the record and times it was built from. */
	rows: Map<string, { row: GridRow; record: WireRecord | undefined; times: number[] }>;
}

export function createRowCache(): RowCache {
	return { scope: null, rows: new Map() };
}

function sameScope(a: GridScope | null, b: GridScope): boolean {
	return (
		a !== null &&
		a.classId === b.classId &&
		a.assessment === b.assessment &&
		a.periodId === b.periodId
	);
}

function sameTimes(a: readonly number[], b: readonly number[]): boolean {
	return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

export function buildRows(
	db: GridSource,
	mode: SyncMode,
	students: readonly StudentInfo[],
	scope: GridScope,
	cache: RowCache = createRowCache()
): GridRow[] {
	const { assessment, periodId, classId } = scope;
	const seconds = new Map<string, number[]>();
	if (assessment.kind === 'timed') {
		for (const a of db.list(
			'attempts',
			(r) => r['class'] === classId && r['assessment'] === assessment.id && r['period'] === periodId
		)) {
			const s = typeof a['seconds'] === 'number' ? a['seconds'] : NaN;
			const student = String(a['student']);
			const list = seconds.get(student);
			if (list) list.push(s);
			else seconds.set(student, [s]);
		}
	}

	const previous = sameScope(cache.scope, scope) ? cache.rows : null;
	cache.scope = scope;
	cache.rows = new Map();
	return students.map((student) => {
		// The id is the natural key's: a direct read, no scan of every result.
		const id = cachedResultId(student.id, classId, assessment.id, periodId);
		const found = db.get('results', id);
		const record = found?.deleted === true ? undefined : found;
		const times = seconds.get(student.id) ?? [];
		const before = previous?.get(student.id);
		// The replica hands out the same record object until the record changes.
		const values = before && before.record === record ? before.row.values : valuesOf(record);
		const status = db.status('results', id);
		const state = saveStateIn(status, mode);
		const cells: Record<string, CellState> = {};
		for (const c of assessment.components) {
			const cellStatus =
				status.status === 'synced' ? status : db.status('results', id, `values.${c.key}`);
			cells[c.key] = {
				status: cellStatus,
				state: cellStatus === status ? state : saveStateIn(cellStatus, mode)
			};
		}
		const row: GridRow = {
			student,
			name: fullName(student),
			key: { student: student.id, class: classId, assessment: assessment.id, period: periodId },
			id,
			exists: record !== undefined,
			values,
			// A refused value shows (with its reason) but is not a mark.
			derived: deriveResult(
				assessment,
				acceptedValues(values, (k) => cells[k]?.status.status === 'rejected'),
				times
			),
			attempts: times.length,
			status,
			state,
			cells
		};
		const kept =
			before && sameTimes(before.times, times) && sameRow(before.row, row) ? before.row : row;
		cache.rows.set(student.id, { row: kept, record, times });
		return kept;
	});
}
