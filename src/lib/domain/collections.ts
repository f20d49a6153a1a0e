/**
 * The synced collections as the merge and the validation see them: the one
 * source of truth for which fields a device may write and how each merges.
 * (Who may write which record is authorization, done by the server with the DB.)
 */
import {
	ruleForPath,
	type CollectionSchema,
	type FieldSpec,
	type MergeRule
} from '../sync/core/schema';
import type { FieldPath, SyncedCollection } from '../sync/core/types';

export type { CollectionSchema, FieldSpec } from '../sync/core/schema';

/** Every synced collection. */
export const SYNCED_COLLECTIONS: readonly SyncedCollection[] = [
	'classes',
	'students',
	'periods',
	'assessments',
	'results',
	'attempts',
	'observations',
	'conflicts'
];

/** What a teacher can do with a conflict notice. */
export type ConflictStatus = 'open' | 'kept_mine' | 'kept_theirs' | 'edited' | 'dismissed';
/**
 * `open` until reviewed. `kept_mine` and `edited` mean the teacher wrote a
 * value again as a new edit; `kept_theirs` and `dismissed` leave the winner.
 * The `conflicts.status` select in pb_migrations lists the same values.
 */
export const CONFLICT_STATUSES: readonly ConflictStatus[] = [
	'open',
	'kept_mine',
	'kept_theirs',
	'edited',
	'dismissed'
];

const lww: FieldSpec = { rule: 'lww' };
const immutable: FieldSpec = { rule: 'immutable' };
const server: FieldSpec = { rule: 'server' };

// Office staff edit these in the admin UI; the hooks stamp them with the
// server's clock, so on devices they merge like lww fields.
function readOnly(collection: SyncedCollection, fields: string[]): CollectionSchema {
	const spec: Record<string, FieldSpec> = {};
	for (const f of fields) spec[f] = server;
	return {
		collection,
		clientWritable: false,
		clientCreates: false,
		deletable: false,
		naturalKey: [],
		fields: spec
	};
}

/** Per collection: who writes which field, under which merge rule. */
export const SCHEMAS: Readonly<Record<SyncedCollection, CollectionSchema>> = {
	classes: readOnly('classes', ['name', 'year_level', 'teachers']),
	students: readOnly('students', ['given_name', 'family_name', 'student_number', 'classes']),
	periods: readOnly('periods', ['name', 'starts', 'ends']),
	assessments: readOnly('assessments', [
		'name',
		'framework',
		'kind',
		'components',
		'levels',
		'scale',
		'active',
		'min_seconds',
		'max_seconds'
	]),
	results: {
		collection: 'results',
		clientWritable: true,
		clientCreates: true,
		deletable: true,
		// The id is resultId(student, class, assessment, period): a result belongs to its class.
		naturalKey: ['student', 'class', 'assessment', 'period'],
		fields: {
			student: immutable,
			class: immutable,
			assessment: immutable,
			period: immutable,
			values: { rule: 'lww', nested: true },
			notes: lww,
			// { kind, on } as one value: kind and day never split (domain/status.ts).
			status: lww,
			total: server,
			level: server,
			best_time: server
		}
	},
	attempts: {
		collection: 'attempts',
		clientWritable: true,
		clientCreates: true,
		// A mistyped trial is tombstoned (and leaves best_time); never edited.
		deletable: true,
		naturalKey: [],
		fields: {
			student: immutable,
			class: immutable,
			assessment: immutable,
			period: immutable,
			seconds: immutable,
			taken_at: immutable,
			by: immutable
		}
	},
	observations: {
		collection: 'observations',
		clientWritable: true,
		clientCreates: true,
		// A note on the wrong student can be tombstoned; text is never rewritten.
		deletable: true,
		naturalKey: [],
		fields: { student: immutable, class: immutable, text: immutable, by: immutable }
	},
	conflicts: {
		collection: 'conflicts',
		clientWritable: true,
		// The server creates notices; the teacher only resolves them.
		clientCreates: false,
		deletable: false,
		naturalKey: [],
		fields: {
			user: server,
			collection: server,
			record: server,
			field: server,
			mine: server,
			theirs: server,
			theirs_by: server,
			at: server,
			status: lww
		}
	}
};

/** Whether `name` is a synced collection. */
export function isSyncedCollection(name: unknown): name is SyncedCollection {
	return typeof name === 'string' && SYNCED_COLLECTIONS.indexOf(name as SyncedCollection) >= 0;
}

/** The merge rule of `path` in `collection`; null when it is not a field of it. */
export function ruleFor(collection: SyncedCollection, path: FieldPath): MergeRule | null {
	return ruleForPath(SCHEMAS[collection], path);
}

/** Fields of `collection` a device may write (the top-level names). */
export function clientFields(collection: SyncedCollection): string[] {
	const schema = SCHEMAS[collection];
	if (!schema.clientWritable) return [];
	return Object.keys(schema.fields).filter(
		(f) => (schema.fields[f] as FieldSpec).rule !== 'server'
	);
}
