/**
 * The office's CSV files (class lists, staff lists): UTF-8 with or without
 * BOM, comma or semicolon, quoted fields, a header row naming the columns.
 * Reading the file and checking its header is shared; each file's own rows
 * are checked by its module (roster.ts, staff.ts).
 */
import Papa from 'papaparse';

/** A problem with one row of a file; the header is row 1. */
export interface CsvError {
	row: number;
	column: string;
	reason: string;
}

/** One data row: its file row number and a reader of its cells by column name. */
export interface CsvRecord {
	row: number;
	/** The trimmed cell of `column`, '' when the file has no such column. */
	cell(column: string): string;
}

export interface CsvTable {
	records: CsvRecord[];
	/** Problems of the file or its header; none means `records` can be checked. */
	errors: CsvError[];
}

export interface CsvColumns {
	required: readonly string[];
	optional: readonly string[];
	/** The most data rows a file may hold. */
	maxRows: number;
	/** What the rows are, for messages: "students", "staff". */
	rowsAre: string;
	/** What the file is, for messages: "roster", "staff". */
	fileIs: string;
}

/** Reads `text` as a CSV table with the given columns (unknown or missing ones are errors). */
export function readCsvTable(text: string, columns: CsvColumns): CsvTable {
	const errors: CsvError[] = [];
	const all = [...columns.required, ...columns.optional];
	const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
	const parsed = Papa.parse<string[]>(body, {
		header: false,
		delimitersToGuess: [',', ';'],
		skipEmptyLines: 'greedy'
	});
	for (const e of parsed.errors) {
		// Papa's row is 0-based over data records; ours counts the header as 1.
		errors.push({
			row: (e.row ?? 0) + 1,
			column: '',
			reason: `The file could not be read here: ${e.message}.`
		});
	}
	const [header, ...data] = parsed.data;
	if (!header)
		return { records: [], errors: [{ row: 1, column: '', reason: 'The file is empty.' }] };
	const names = header.map((h) => h.trim().toLowerCase());
	for (const name of names) {
		if (all.indexOf(name) < 0) {
			errors.push({
				row: 1,
				column: name,
				reason: `“${name}” is not a ${columns.fileIs} column; the columns are ${all.join(', ')}.`
			});
		}
	}
	for (const name of columns.required) {
		if (names.indexOf(name) < 0)
			errors.push({ row: 1, column: name, reason: `The column “${name}” is missing.` });
	}
	if (errors.some((e) => e.row === 1)) return { records: [], errors };
	if (data.length > columns.maxRows) {
		return {
			records: [],
			errors: [
				{
					row: 1,
					column: '',
					reason: `A file may hold at most ${columns.maxRows} ${columns.rowsAre}; this one has ${data.length}.`
				}
			]
		};
	}
	const records = data.map((record, i) => ({
		row: i + 2,
		cell(column: string): string {
			const at = names.indexOf(column);
			return at < 0 ? '' : (record[at] ?? '').trim();
		}
	}));
	return { records, errors };
}

/** A plausible email address (the server checks deliverability by mail, not here). */
export const EMAIL_PATTERN = /^[^\s@;,]+@[^\s@;,]+\.[^\s@;,]+$/;

/** What an import plan counts, by the names both office imports answer with. */
export interface ImportCounts {
	created: unknown;
	updated: number;
	unchanged: number;
	errors: unknown[];
	rows: unknown[];
}

/** An import's answer (staff list, class list): the plan's counts, errors and rows, nothing else of it. */
export function importAnswer<P extends ImportCounts>(
	plan: P
): Pick<P, 'created' | 'updated' | 'unchanged' | 'errors' | 'rows'> {
	return {
		created: plan.created,
		updated: plan.updated,
		unchanged: plan.unchanged,
		errors: plan.errors,
		rows: plan.rows
	};
}
