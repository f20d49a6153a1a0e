/**
 * The stored shape of every synced collection: each field's PocketBase type
 * and limits, written once. Validation (validate.ts, values.ts) takes its
 * limits from here, and tests/integration/schema-agreement.test.ts fails when
 * a migration in pb_migrations/ and this table disagree, field by field.
 */
import type { SyncedCollection } from '../sync/core/types';
import { TIMED_MAX_SECONDS } from './assessment';

/** One field as PocketBase stores it (only the properties Markbook relies on). */
export interface StoredField {
	type: 'text' | 'number' | 'bool' | 'date' | 'json' | 'select' | 'relation';
	required?: boolean;
	/** text: most characters; number: largest value. */
	max?: number;
	/** text: fewest characters; number: smallest value. */
	min?: number;
	/** relation: the collection it points at; select: its values are checked elsewhere. */
	target?: string;
	/** relation: most ids (1 when absent). */
	maxSelect?: number;
}

/** Longest result note, in characters. */
export const NOTES_MAX_CHARS = 2000;
/** Longest observation, in characters. */
export const OBSERVATION_MAX_CHARS = 1000;

const text = (max: number, required = false, min = 0): StoredField => ({
	type: 'text',
	max,
	min,
	required
});
const rel = (target: string, required = false, maxSelect = 1): StoredField => ({
	type: 'relation',
	target,
	required,
	maxSelect
});
const json: StoredField = { type: 'json' };
const date = (required = false): StoredField => ({ type: 'date', required });

/** Every synced record's bookkeeping (the server owns all three). */
export const SYNC_BOOKKEEPING: Readonly<Record<string, StoredField>> = {
	stamps: json,
	seq: { type: 'number', min: 0 },
	deleted: { type: 'bool' }
};

/** Per synced collection: its own fields (beside id, created, updated and the bookkeeping). */
export const STORED_FIELDS: Readonly<
	Record<SyncedCollection, Readonly<Record<string, StoredField>>>
> = {
	classes: {
		name: text(100, true, 1),
		year_level: { type: 'number', min: 0, max: 12 },
		teachers: rel('users', false, 999)
	},
	students: {
		given_name: text(100, true, 1),
		family_name: text(100, true, 1),
		student_number: text(32, true, 1),
		classes: rel('classes', false, 999)
	},
	periods: { name: text(100, true, 1), starts: date(true), ends: date(true) },
	assessments: {
		name: text(200, true, 1),
		framework: text(100, true, 1),
		kind: { type: 'select', required: true },
		components: json,
		levels: json,
		scale: json,
		active: { type: 'bool' },
		// timed: the plausible times the office set (0: none); see assessment.ts.
		min_seconds: { type: 'number', min: 0, max: TIMED_MAX_SECONDS },
		max_seconds: { type: 'number', min: 0, max: TIMED_MAX_SECONDS }
	},
	results: {
		student: rel('students', true),
		class: rel('classes', true),
		assessment: rel('assessments', true),
		period: rel('periods', true),
		values: json,
		notes: text(NOTES_MAX_CHARS),
		// Absent, injured or excused on the day ({ kind, on }), or null: see status.ts.
		status: json,
		// Derived; JSON so that "none yet" is null, not 0 or ''.
		total: json,
		level: json,
		best_time: json
	},
	attempts: {
		student: rel('students', true),
		// The class it was timed in (wire version 2): that class's result derives its best time.
		class: rel('classes', true),
		assessment: rel('assessments', true),
		period: rel('periods', true),
		seconds: { type: 'number', required: true, min: 0, max: TIMED_MAX_SECONDS },
		taken_at: date(true),
		by: rel('users')
	},
	observations: {
		student: rel('students', true),
		class: rel('classes', true),
		text: text(OBSERVATION_MAX_CHARS, true, 1),
		by: rel('users')
	},
	conflicts: {
		user: rel('users', true),
		collection: text(100, true),
		record: text(100, true),
		field: text(200, true),
		mine: json,
		theirs: json,
		theirs_by: rel('users'),
		at: date(true),
		status: { type: 'select', required: true }
	}
};
