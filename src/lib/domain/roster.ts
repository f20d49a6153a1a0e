/**
 * A class list from a CSV file (POST /api/office/roster and the Office page):
 * read the file, check every row, and plan what importing it would change.
 * Pure functions; the server hook writes the plan (pb_hooks/office/roster.js),
 * the app shows the same plan as a dry run.
 *
 * Rules:
 * - columns `student_number`, `given_name`, `family_name`, `class` are required,
 *   `year_level` and `teacher_emails` (`;`-separated) optional, others refused;
 * - students are matched by `student_number`, classes by name (made when missing);
 * - for the classes the file names, a student's memberships become the file's;
 *   memberships in other classes are left alone;
 * - teachers named for a class are added to it (never removed: that is the
 *   office's decision in the admin UI).
 */
import { EMAIL_PATTERN, importAnswer, readCsvTable, type CsvError } from './csv';
import { STORED_FIELDS, type StoredField } from './fields';

export const ROSTER_REQUIRED = ['student_number', 'given_name', 'family_name', 'class'] as const;
export const ROSTER_OPTIONAL = ['year_level', 'teacher_emails'] as const;
export const ROSTER_COLUMNS: readonly string[] = [...ROSTER_REQUIRED, ...ROSTER_OPTIONAL];
/** The most rows one file may hold (a whole school is far fewer). */
export const ROSTER_MAX_ROWS = 5000;

/** The template the Office page offers for download. */
export const ROSTER_TEMPLATE =
	ROSTER_COLUMNS.join(',') +
	'\n' +
	'10001,Hamza,Ahmadi,4 Wattle,4,teacher@school.example\n' +
	'10002,Chloé,O’Brien,4 Wattle,4,teacher@school.example\n';

/** A problem with one row of the file (the header is row 1). */
export type RosterError = CsvError;

export interface RosterRow {
	row: number;
	student_number: string;
	given_name: string;
	family_name: string;
	class: string;
	year_level: number | null;
	teacher_emails: string[];
}

export interface ParsedRoster {
	rows: RosterRow[];
	errors: RosterError[];
}

const maxOf = (collection: 'students' | 'classes', field: string): number =>
	(STORED_FIELDS[collection][field] as StoredField).max ?? 0;

/** Reads a roster CSV (UTF-8, with or without BOM; comma or semicolon; quoted fields). */
export function parseRoster(text: string): ParsedRoster {
	const table = readCsvTable(text, {
		required: ROSTER_REQUIRED,
		optional: ROSTER_OPTIONAL,
		maxRows: ROSTER_MAX_ROWS,
		rowsAre: 'students',
		fileIs: 'roster'
	});
	const errors: RosterError[] = table.errors;
	if (errors.some((e) => e.row === 1)) return { rows: [], errors };

	const rows: RosterRow[] = [];
	const seen = new Map<string, number>();
	for (const record of table.records) {
		const rowNo = record.row;
		const cell = (name: string): string => record.cell(name);
		const rowErrors: RosterError[] = [];
		const fail = (column: string, reason: string) => rowErrors.push({ row: rowNo, column, reason });
		const text = (
			name: string,
			collection: 'students' | 'classes',
			field: string,
			what: string
		) => {
			const v = cell(name);
			if (v === '') fail(name, `${what} is empty.`);
			else if ([...v].length > maxOf(collection, field))
				fail(name, `${what} is longer than ${maxOf(collection, field)} characters.`);
			return v;
		};
		const number = text('student_number', 'students', 'student_number', 'The student number');
		const given = text('given_name', 'students', 'given_name', 'The given name');
		const family = text('family_name', 'students', 'family_name', 'The family name');
		const className = text('class', 'classes', 'name', 'The class');
		let year: number | null = null;
		const rawYear = cell('year_level');
		if (rawYear !== '') {
			const max = STORED_FIELDS.classes['year_level']?.max ?? 12;
			if (!/^\d{1,2}$/.test(rawYear) || Number(rawYear) > max) {
				fail(
					'year_level',
					`The year level must be a whole number from 0 (Foundation) to ${max}; “${rawYear}” is not.`
				);
			} else year = Number(rawYear);
		}
		const emails = cell('teacher_emails')
			.split(';')
			.map((e) => e.trim().toLowerCase())
			.filter((e) => e !== '');
		for (const email of emails) {
			if (!EMAIL_PATTERN.test(email)) fail('teacher_emails', `“${email}” is not an email address.`);
		}
		if (number !== '') {
			const first = seen.get(number);
			if (first !== undefined)
				fail('student_number', `Student number ${number} is also on row ${first}.`);
			else seen.set(number, rowNo);
		}
		if (rowErrors.length > 0) errors.push(...rowErrors);
		else {
			rows.push({
				row: rowNo,
				student_number: number,
				given_name: given,
				family_name: family,
				class: className,
				year_level: year,
				teacher_emails: emails
			});
		}
	}
	return { rows, errors };
}

/** What the server holds now, as the plan needs it. */
export interface RosterWorld {
	students: {
		id: string;
		student_number: string;
		given_name: string;
		family_name: string;
		classes: string[];
		/** A tombstone: importing the student again brings them back. */
		deleted?: boolean;
	}[];
	classes: { id: string; name: string; year_level: number | null; teachers: string[] }[];
	users: { id: string; email: string }[];
}

/** One record to write: `id` null for a new one (the writer makes it). */
export interface RosterWrite {
	collection: 'students' | 'classes';
	/** The class's name for a new class (students refer to new classes by it). */
	key: string;
	id: string | null;
	fields: Record<string, string | number | boolean | null | string[]>;
	/** For a new student: the names of new classes to resolve to their ids. */
	newClasses?: string[];
}

export interface RosterPlan {
	created: { students: number; classes: number };
	updated: number;
	unchanged: number;
	errors: RosterError[];
	/** In order: classes first, then students. */
	writes: RosterWrite[];
	/** Per row: what the import does to it ('new', 'changed', 'unchanged'), for the dry run's table. */
	rows: {
		row: number;
		student_number: string;
		name: string;
		class: string;
		action: 'new' | 'changed' | 'unchanged';
	}[];
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
	a.length === b.length && a.every((x) => b.indexOf(x) >= 0);

/** Plans an import of `parsed` over `world`; rows with errors are left out (and listed). */
export function planRoster(parsed: ParsedRoster, world: RosterWorld): RosterPlan {
	const errors = parsed.errors.slice();
	const userByEmail = new Map(world.users.map((u) => [u.email.toLowerCase(), u.id]));
	const classByName = new Map<string, RosterWorld['classes'][number]>();
	for (const c of world.classes)
		if (!classByName.has(c.name.toLowerCase())) classByName.set(c.name.toLowerCase(), c);

	// Rows whose teachers exist; per class (by lower-case name), its year and teachers.
	const good: RosterRow[] = [];
	const perClass = new Map<
		string,
		{ name: string; year: number | null; yearRow: number; teachers: string[] }
	>();
	for (const r of parsed.rows) {
		const teacherIds: string[] = [];
		let bad = false;
		for (const email of r.teacher_emails) {
			const id = userByEmail.get(email);
			if (!id) {
				errors.push({
					row: r.row,
					column: 'teacher_emails',
					reason: `No teacher has the email ${email}; add them in the admin UI first.`
				});
				bad = true;
			} else teacherIds.push(id);
		}
		const key = r.class.toLowerCase();
		const c = perClass.get(key) ?? { name: r.class, year: null, yearRow: 0, teachers: [] };
		if (r.year_level !== null && c.year !== null && c.year !== r.year_level) {
			errors.push({
				row: r.row,
				column: 'year_level',
				reason: `${r.class} is year ${c.year} on row ${c.yearRow}, and ${r.year_level} here.`
			});
			bad = true;
		}
		if (bad) continue;
		if (r.year_level !== null && c.year === null) {
			c.year = r.year_level;
			c.yearRow = r.row;
		}
		for (const t of teacherIds) if (c.teachers.indexOf(t) < 0) c.teachers.push(t);
		perClass.set(key, c);
		good.push(r);
	}
	errors.sort((a, b) => a.row - b.row);

	const plan: RosterPlan = {
		created: { students: 0, classes: 0 },
		updated: 0,
		unchanged: 0,
		errors,
		writes: [],
		rows: []
	};
	// Classes: new ones made, existing ones given the file's year and any new teachers.
	const fileClassIds = new Set<string>();
	perClass.forEach((c, key) => {
		const existing = classByName.get(key);
		if (!existing) {
			plan.created.classes++;
			plan.writes.push({
				collection: 'classes',
				key: c.name,
				id: null,
				fields: { name: c.name, year_level: c.year, teachers: c.teachers }
			});
			return;
		}
		fileClassIds.add(existing.id);
		const teachers = existing.teachers.concat(
			c.teachers.filter((t) => existing.teachers.indexOf(t) < 0)
		);
		const fields: RosterWrite['fields'] = {};
		if (c.year !== null && c.year !== existing.year_level) fields['year_level'] = c.year;
		if (teachers.length !== existing.teachers.length) fields['teachers'] = teachers;
		if (Object.keys(fields).length > 0) {
			plan.updated++;
			plan.writes.push({ collection: 'classes', key: existing.name, id: existing.id, fields });
		}
	});

	const studentByNumber = new Map(world.students.map((s) => [s.student_number, s]));
	for (const r of good) {
		const cls = classByName.get(r.class.toLowerCase());
		const name = `${r.given_name} ${r.family_name}`;
		const existing = studentByNumber.get(r.student_number);
		if (!existing) {
			plan.created.students++;
			plan.rows.push({
				row: r.row,
				student_number: r.student_number,
				name,
				class: r.class,
				action: 'new'
			});
			plan.writes.push({
				collection: 'students',
				key: r.student_number,
				id: null,
				fields: {
					student_number: r.student_number,
					given_name: r.given_name,
					family_name: r.family_name,
					classes: cls ? [cls.id] : []
				},
				...(cls ? {} : { newClasses: [r.class] })
			});
			continue;
		}
		// Memberships in the file's classes become the file's; others stay.
		const kept = existing.classes.filter((id) => !fileClassIds.has(id));
		const classes = cls ? kept.concat([cls.id]) : kept;
		const fields: RosterWrite['fields'] = {};
		if (existing.given_name !== r.given_name) fields['given_name'] = r.given_name;
		if (existing.family_name !== r.family_name) fields['family_name'] = r.family_name;
		if (!cls || !sameSet(classes, existing.classes)) fields['classes'] = classes;
		if (existing.deleted === true) fields['deleted'] = false;
		const write: RosterWrite = {
			collection: 'students',
			key: r.student_number,
			id: existing.id,
			fields
		};
		if (!cls) write.newClasses = [r.class];
		if (Object.keys(fields).length === 0) {
			plan.unchanged++;
			plan.rows.push({
				row: r.row,
				student_number: r.student_number,
				name,
				class: r.class,
				action: 'unchanged'
			});
			continue;
		}
		plan.updated++;
		plan.rows.push({
			row: r.row,
			student_number: r.student_number,
			name,
			class: r.class,
			action: 'changed'
		});
		plan.writes.push(write);
	}
	return plan;
}

/** The answer of POST /api/office/roster (README, "Roster import"). */
export function rosterAnswer(plan: RosterPlan): {
	created: { students: number; classes: number };
	updated: number;
	unchanged: number;
	errors: RosterError[];
	rows: RosterPlan['rows'];
} {
	return importAnswer(plan);
}
