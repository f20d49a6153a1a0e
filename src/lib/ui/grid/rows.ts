/**
 * The grid's rows, built in one pass per render: one `list('results')` into a
 * map, one `list('attempts')` for timed assessments, one status call per row,
 * and per-cell status calls only for rows that have something unsynced (a
 * synced row's cells are all synced). 40 students × 12 components stays far
 * below a frame's budget this way.
 */
import type { Assessment } from '$lib/domain/assessment';
import { deriveResult, type DerivedResult } from '$lib/domain/scoring';
import { fullName, valuesOf, type Reader, type ResultKey, type StudentInfo } from '$lib/app/data';
import { saveStateOf, type SaveState } from '$lib/app/words';
import { resultId } from '$lib/sync/core/ids';
import type { FieldPath, Json, SyncedCollection, WireRecord } from '$lib/sync/core/types';
import type { SyncSnapshot } from '$lib/sync/client';
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

/** A cell's key, as `data-cell` shows it: `<studentId>:<componentKey>`. */
export function cellKey(studentId: string, component: string): string {
	return `${studentId}:${component}`;
}

// Result ids are a SHA-256 of the natural key: worth remembering across renders.
const idCache = new Map<string, string>();
const ID_CACHE_MAX = 5000;

export function cachedResultId(student: string, assessment: string, period: string): string {
	const k = `${student}|${assessment}|${period}`;
	let id = idCache.get(k);
	if (id === undefined) {
		if (idCache.size >= ID_CACHE_MAX) idCache.clear();
		id = resultId(student, assessment, period);
		idCache.set(k, id);
	}
	return id;
}

export function buildRows(
	db: GridSource,
	sync: SyncSnapshot | null,
	students: readonly StudentInfo[],
	scope: GridScope
): GridRow[] {
	const { assessment, periodId, classId } = scope;
	const results = new Map<string, WireRecord>();
	for (const r of db.list(
		'results',
		(r) => r['assessment'] === assessment.id && r['period'] === periodId
	))
		results.set(r.id, r);

	const seconds = new Map<string, number[]>();
	if (assessment.kind === 'timed') {
		for (const a of db.list(
			'attempts',
			(r) => r['assessment'] === assessment.id && r['period'] === periodId
		)) {
			const s = typeof a['seconds'] === 'number' ? a['seconds'] : NaN;
			const student = String(a['student']);
			const list = seconds.get(student);
			if (list) list.push(s);
			else seconds.set(student, [s]);
		}
	}

	return students.map((student) => {
		const id = cachedResultId(student.id, assessment.id, periodId);
		const record = results.get(id);
		const values = valuesOf(record);
		const times = seconds.get(student.id) ?? [];
		const status = db.status('results', id);
		const state = saveStateOf(status, sync);
		const cells: Record<string, CellState> = {};
		for (const c of assessment.components) {
			const cellStatus =
				status.status === 'synced' ? status : db.status('results', id, `values.${c.key}`);
			cells[c.key] = {
				status: cellStatus,
				state: cellStatus === status ? state : saveStateOf(cellStatus, sync)
			};
		}
		return {
			student,
			name: fullName(student),
			key: { student: student.id, class: classId, assessment: assessment.id, period: periodId },
			id,
			exists: record !== undefined,
			values,
			derived: deriveResult(assessment, values, times),
			attempts: times.length,
			status,
			state,
			cells
		};
	});
}
