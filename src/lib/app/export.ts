/**
 * A class's results for one period as CSV: one row per student, and per
 * assessment (the one on screen, or all of them) a column for each component
 * plus its total and level (best time for timed ones; a grade is its own
 * level), then the child's status on the day ("Absent (2026-03-02)", empty
 * when there). Papa Parse writes the CSV (quoting, formula-safe cells).
 */
import Papa from 'papaparse';
import type { Assessment } from '$lib/domain/assessment';
import { levelLabel } from '$lib/domain/scoring';
import type { Json } from '$lib/sync/core/types';
import {
	derivedOf,
	resultOf,
	studentsIn,
	valuesOf,
	type ClassInfo,
	type PeriodInfo,
	type Reader
} from './data';
import { STATUS_WORDS, resultStatus } from './status';
import { valueWords } from './values';

/** A component value in a spreadsheet: words, and empty when there is none. */
export function cellText(assessment: Assessment, value: Json | undefined): string {
	if (value === undefined || value === null) return '';
	if (assessment.kind === 'timed' && typeof value === 'number') return String(value);
	return valueWords(assessment, value);
}

export function classResultsCsv(
	db: Reader,
	cls: ClassInfo,
	period: PeriodInfo,
	assessments: readonly Assessment[]
): string {
	const header = ['Student number', 'Family name', 'Given name'];
	for (const a of assessments) {
		for (const c of a.components) header.push(`${a.name}: ${c.label}`);
		if (a.kind === 'timed') header.push(`${a.name}: best time (s)`);
		else if (a.kind !== 'grade') header.push(`${a.name}: total`);
		// A grade is its own level: a second column would only repeat it.
		if (a.kind !== 'grade') header.push(`${a.name}: level`);
		header.push(`${a.name}: status`);
	}
	const rows: string[][] = [header];
	for (const s of studentsIn(db, cls.id)) {
		const row = [s.studentNumber, s.familyName, s.givenName];
		for (const a of assessments) {
			const key = { student: s.id, class: cls.id, assessment: a.id, period: period.id };
			const values = valuesOf(resultOf(db, key));
			for (const c of a.components) row.push(cellText(a, values[c.key]));
			const d = derivedOf(db, a, key);
			if (a.kind === 'timed') row.push(d.best_time === null ? '' : String(d.best_time));
			else if (a.kind !== 'grade') row.push(d.total === null ? '' : String(d.total));
			if (a.kind !== 'grade') row.push(levelLabel(d.level));
			const status = resultStatus(db, key);
			row.push(status ? `${STATUS_WORDS[status.kind]} (${status.on})` : '');
		}
		rows.push(row);
	}
	// escapeFormulae: a name like "=HYPERLINK(…)" must not run in Excel.
	return Papa.unparse(rows, { escapeFormulae: true, newline: '\r\n' });
}

/**
 * "4 Wattle – Term 1 2026 – Catch (Vic FMS).csv" for one assessment, or
 * "… – results.csv" for all, made safe for every file system.
 */
export function csvFileName(
	cls: ClassInfo,
	period: PeriodInfo,
	assessment: Assessment | null = null
): string {
	const safe = (s: string) => s.replace(/[\\/:*?"<>|]+/g, '-').trim();
	const what = assessment ? safe(assessment.name) : 'results';
	return `${safe(cls.name)} – ${safe(period.name)} – ${what}.csv`;
}
