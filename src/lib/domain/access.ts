/**
 * Who sees what, written once. Per synced collection: who may read a record,
 * in three encodings that must agree —
 *   - `rule`: PocketBase's API list/view rule (pb_migrations; a test reads the
 *     live rules back and compares them with this table, cell by cell);
 *   - `sql`: the same scope as an SQL condition over the teacher's classes
 *     (`{:classes}`, a JSON array) and `{:user}`, used by the pull's queries;
 *   - `mayRead`: the same scope as a predicate over a wire record, used by the
 *     realtime filter and by the push's answers (a replay never carries a
 *     record its caller could not read).
 * And who may write: every synced collection is written by teachers only
 * through /api/sync/push (`sync`: the push handler authorizes each op) or by
 * the office in the admin UI; the REST API refuses everyone else's writes.
 */
import type { SyncedCollection } from '../sync/core/types';

/** Who reads a collection's records. */
export type ReadScope =
	/** every signed-in user (the school's terms and assessments) */
	| 'signed-in'
	/** the record is a class the user teaches */
	| 'own-class'
	/** one of the record's classes (`classes`) is taught by the user */
	| 'student-of-class'
	/** the record's `class` is taught by the user */
	| 'class-record'
	/** the record's student is in a class the user teaches */
	| 'record-of-student'
	/** only the user the record names (`user`), coordinators included */
	| 'owner';

/** Who writes a collection: the office only, or teachers through sync too. */
export type WriteScope = 'office' | 'sync';

export interface Access {
	read: ReadScope;
	write: WriteScope;
}

/** The table. */
export const ACCESS: Readonly<Record<SyncedCollection, Access>> = {
	classes: { read: 'own-class', write: 'office' },
	students: { read: 'student-of-class', write: 'office' },
	periods: { read: 'signed-in', write: 'office' },
	assessments: { read: 'signed-in', write: 'office' },
	results: { read: 'class-record', write: 'sync' },
	attempts: { read: 'class-record', write: 'sync' },
	observations: { read: 'class-record', write: 'sync' },
	conflicts: { read: 'owner', write: 'sync' }
};

/**
 * Who records for a class (its results, attempts and notes): the teachers the
 * class names — a coordinator reads every class but records only in those she
 * teaches. The push authorizes with the same rule over the database
 * (`ServerStore.teaches`); the app makes a class read-only where it is false.
 */
export function recordsFor(user: string, cls: { teachers: readonly string[] }): boolean {
	return user !== '' && cls.teachers.indexOf(user) >= 0;
}

/** Collections whose records belong to one class (`class`): only its teachers write them. */
export const CLASS_RECORDS: readonly SyncedCollection[] = ['results', 'attempts', 'observations'];

/** Scopes coordinators read past (they read every class); `owner` is personal. */
const COORDINATOR_READS: Readonly<Record<ReadScope, boolean>> = {
	'signed-in': true,
	'own-class': true,
	'student-of-class': true,
	'class-record': true,
	'record-of-student': true,
	owner: false
};

const SIGNED_IN = "@request.auth.id != ''";
const COORDINATOR = "@request.auth.role = 'coordinator'";

/** The PocketBase filter of each scope (the API rules' language). */
const RULE_OF: Readonly<Record<ReadScope, string>> = {
	'signed-in': SIGNED_IN,
	'own-class': 'teachers.id ?= @request.auth.id',
	'student-of-class': 'classes.teachers.id ?= @request.auth.id',
	'class-record': 'class.teachers.id ?= @request.auth.id',
	'record-of-student': 'student.classes.teachers.id ?= @request.auth.id',
	owner: 'user = @request.auth.id'
};

/** The API list and view rule of a synced collection. */
export function readRule(collection: SyncedCollection): string {
	const scope = ACCESS[collection].read;
	if (scope === 'signed-in') return SIGNED_IN;
	if (!COORDINATOR_READS[scope]) return `${SIGNED_IN} && ${RULE_OF[scope]}`;
	return `${SIGNED_IN} && (${RULE_OF[scope]} || ${COORDINATOR})`;
}

/** The API create, update and delete rule of a synced collection: the office only. */
export const WRITE_RULE: null = null;

const TAUGHT = 'SELECT value FROM json_each({:classes})';
const classesOf = (column: string): string =>
	`json_each(CASE WHEN json_valid(${column}) THEN ${column} ELSE '[]' END)`;

/** The SQL condition of each scope for a teacher (a coordinator's pull has none but `owner`). */
const SQL_OF: Readonly<Record<ReadScope, string>> = {
	'signed-in': '1',
	'own-class': `id IN (${TAUGHT})`,
	'student-of-class': `EXISTS (SELECT 1 FROM ${classesOf('students.classes')} c WHERE c.value IN (${TAUGHT}))`,
	'class-record': `\`class\` IN (${TAUGHT})`,
	'record-of-student': `student IN (SELECT s.id FROM students s, ${classesOf('s.classes')} c WHERE c.value IN (${TAUGHT}))`,
	owner: '`user` = {:user}'
};

/** The SQL condition a pull of `collection` adds for the reader ('' when none). */
export function readSql(collection: SyncedCollection, reader: { all: boolean }): string {
	const scope = ACCESS[collection].read;
	if (scope === 'signed-in' || (reader.all && COORDINATOR_READS[scope])) return '';
	return SQL_OF[scope];
}

/** The reader of a realtime message or a push answer. */
export interface Reader {
	user: string;
	/** A coordinator or the office: reads every class. */
	all: boolean;
	/** The classes the user teaches. */
	teaches(classId: string): boolean;
	/** The classes a student is in (for records that name only their student). */
	classesOfStudent(studentId: string): readonly string[];
}

function anyTaught(reader: Reader, classes: unknown): boolean {
	if (!Array.isArray(classes)) return false;
	for (const c of classes) if (typeof c === 'string' && reader.teaches(c)) return true;
	return false;
}

/** Whether `reader` may read `record` of `collection`. */
export function mayRead(
	collection: SyncedCollection,
	record: { [key: string]: unknown },
	reader: Reader
): boolean {
	const scope = ACCESS[collection].read;
	if (scope === 'owner') return reader.user !== '' && record['user'] === reader.user;
	if (reader.all || scope === 'signed-in') return true;
	switch (scope) {
		case 'own-class':
			return (
				(typeof record['id'] === 'string' && reader.teaches(record['id'])) ||
				(Array.isArray(record['teachers']) && record['teachers'].indexOf(reader.user) >= 0)
			);
		case 'student-of-class':
			return anyTaught(reader, record['classes']);
		case 'class-record':
			return typeof record['class'] === 'string' && reader.teaches(record['class']);
		case 'record-of-student':
			return (
				typeof record['student'] === 'string' &&
				anyTaught(reader, reader.classesOfStudent(record['student']))
			);
	}
}
