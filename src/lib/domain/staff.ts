/**
 * A staff list from a CSV file (POST /api/office/staff and the Office page):
 * the teachers and coordinators a class list then names by email.
 * Pure functions; the server hook writes the plan (pb_hooks/office/roster.js).
 *
 * Rules:
 * - columns `email` and `name` are required, `role` (`teacher` or
 *   `coordinator`; empty means teacher) optional, others refused;
 * - people are matched by email (any case); a new one is made with a random
 *   password they never see (the office sends a password-reset email so they
 *   choose their own); an existing one gets the file's name and role;
 * - nobody is removed or switched off by a file (that is the admin UI's).
 */
import { EMAIL_PATTERN, importAnswer, readCsvTable, type CsvError } from './csv';

export const STAFF_REQUIRED = ['email', 'name'] as const;
export const STAFF_OPTIONAL = ['role'] as const;
/** The roles a user may have (the `users.role` select in pb_migrations lists the same). */
export const STAFF_ROLES = ['teacher', 'coordinator'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
/** Longest name (the `users.name` field in pb_migrations). */
export const STAFF_NAME_MAX = 200;
/** The most people one file may hold. */
export const STAFF_MAX_ROWS = 1000;

/** The template the Office page offers for download. */
export const STAFF_TEMPLATE =
	[...STAFF_REQUIRED, ...STAFF_OPTIONAL].join(',') +
	'\n' +
	'sarah.nguyen@school.example,Sarah Nguyen,teacher\n' +
	'priya.raman@school.example,Priya Raman,coordinator\n';

export interface StaffRow {
	row: number;
	email: string;
	name: string;
	role: StaffRole;
}

export interface ParsedStaff {
	rows: StaffRow[];
	errors: CsvError[];
}

/** Reads a staff CSV (UTF-8, with or without BOM; comma or semicolon; quoted fields). */
export function parseStaff(text: string): ParsedStaff {
	const table = readCsvTable(text, {
		required: STAFF_REQUIRED,
		optional: STAFF_OPTIONAL,
		maxRows: STAFF_MAX_ROWS,
		rowsAre: 'people',
		fileIs: 'staff'
	});
	const errors = table.errors;
	if (errors.some((e) => e.row === 1)) return { rows: [], errors };
	const rows: StaffRow[] = [];
	const seen = new Map<string, number>();
	for (const record of table.records) {
		const fail = (column: string, reason: string) =>
			errors.push({ row: record.row, column, reason });
		const before = errors.length;
		const email = record.cell('email').toLowerCase();
		const name = record.cell('name');
		const rawRole = record.cell('role').toLowerCase();
		if (email === '') fail('email', 'The email is empty.');
		else if (!EMAIL_PATTERN.test(email)) fail('email', `“${email}” is not an email address.`);
		else {
			const first = seen.get(email);
			if (first !== undefined) fail('email', `${email} is also on row ${first}.`);
			else seen.set(email, record.row);
		}
		if (name === '') fail('name', 'The name is empty.');
		else if ([...name].length > STAFF_NAME_MAX)
			fail('name', `The name is longer than ${STAFF_NAME_MAX} characters.`);
		const role = (rawRole === '' ? 'teacher' : rawRole) as StaffRole;
		if (STAFF_ROLES.indexOf(role) < 0)
			fail('role', `The role must be ${STAFF_ROLES.join(' or ')}; “${rawRole}” is not.`);
		if (errors.length === before) rows.push({ row: record.row, email, name, role });
	}
	return { rows, errors };
}

/** The school's people as the plan needs them. */
export interface StaffWorld {
	users: { id: string; email: string; name: string; role: string }[];
}

export interface StaffPlan {
	created: number;
	updated: number;
	unchanged: number;
	errors: CsvError[];
	/** In file order: `id` null for a new person. */
	writes: { id: string | null; email: string; fields: { name: string; role: StaffRole } }[];
	/** Per row, for the dry run's table. */
	rows: {
		row: number;
		email: string;
		name: string;
		role: StaffRole;
		action: 'new' | 'changed' | 'unchanged';
	}[];
}

/** Plans an import of `parsed` over `world`; rows with errors are left out (and listed). */
export function planStaff(parsed: ParsedStaff, world: StaffWorld): StaffPlan {
	const byEmail = new Map(world.users.map((u) => [u.email.toLowerCase(), u]));
	const plan: StaffPlan = {
		created: 0,
		updated: 0,
		unchanged: 0,
		errors: parsed.errors.slice().sort((a, b) => a.row - b.row),
		writes: [],
		rows: []
	};
	for (const r of parsed.rows) {
		const existing = byEmail.get(r.email);
		const fields = { name: r.name, role: r.role };
		const base = { row: r.row, email: r.email, name: r.name, role: r.role };
		if (!existing) {
			plan.created++;
			plan.rows.push({ ...base, action: 'new' });
			plan.writes.push({ id: null, email: r.email, fields });
		} else if (existing.name !== r.name || existing.role !== r.role) {
			plan.updated++;
			plan.rows.push({ ...base, action: 'changed' });
			plan.writes.push({ id: existing.id, email: r.email, fields });
		} else {
			plan.unchanged++;
			plan.rows.push({ ...base, action: 'unchanged' });
		}
	}
	return plan;
}

/** The answer of POST /api/office/staff (README, "Bring in the staff"). */
export interface StaffAnswer {
	created: number;
	updated: number;
	unchanged: number;
	errors: CsvError[];
	rows: StaffPlan['rows'];
	/** After an import with `sendResets=1`: who was sent a password-reset email, who could not be. */
	emailed?: string[];
	notEmailed?: { email: string; reason: string }[];
	message?: string;
}

export function staffAnswer(plan: StaffPlan): StaffAnswer {
	return importAnswer(plan);
}
