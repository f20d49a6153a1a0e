/**
 * Shape and range checks of one op, run by the device before it queues an
 * edit and by the server before it merges one. Authorization (this teacher,
 * this class, an active device) needs the database and is not here.
 *
 * Every refusal is a value with a `code` a program branches on and a `reason`
 * a teacher can read, naming the component and the values it allows.
 */
import { isRecordId, resultId } from '../sync/core/ids';
import { isJsonObject, jsonEqual } from '../sync/core/json';
import { JSON_MAX_DEPTH, jsonTooDeep } from '../sync/core/json-depth';
import { getPath, isValidPath, splitPath } from '../sync/core/paths';
import { DELETED_PATH } from '../sync/core/schema';
import { isStamp, parseStamp } from '../sync/core/stamp';
import type { Json, Op, SyncedCollection, WireRecord } from '../sync/core/types';
import { secondsBounds, type Assessment } from './assessment';
import { CONFLICT_STATUSES, isSyncedCollection, ruleFor, SCHEMAS } from './collections';
import { NOTES_MAX_CHARS, OBSERVATION_MAX_CHARS } from './fields';
import { STATUS_FIELD, validateStatus } from './status';
import {
	charCount,
	no,
	OK,
	show,
	validateComponentValue,
	validateSeconds,
	type ValidationCode,
	type ValidationResult
} from './values';

// The limits are the stored schema's (fields.ts), so the migrations agree.
export { NOTES_MAX_CHARS, OBSERVATION_MAX_CHARS };
/** Longest op id (a UUIDv7 is 36). */
const OP_ID_MAX_CHARS = 100;

export type { ValidationCode, ValidationResult };
export { validateComponentValue };

export interface ValidateContext {
	/** The assessment the op's result or attempt belongs to (needed for `values.*`). */
	assessment?: Assessment;
	/** The stored record: null when known not to exist (a create), absent when unknown. */
	existing?: WireRecord | null;
	/** The device that pushed the op; its stamps must carry this id. */
	device?: string;
	/** How to compute a result id (default: the core's resultId); the server passes a native hash. */
	resultId?: (studentId: string, classId: string, assessmentId: string, periodId: string) => string;
}

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

const WHAT: Record<SyncedCollection, string> = {
	classes: 'Classes',
	students: 'Students',
	periods: 'Terms and periods',
	assessments: 'Assessments',
	results: 'results',
	attempts: 'timed attempts',
	observations: 'observations',
	conflicts: 'conflict notices'
};

/** Required fields of a new record, per collection. */
const REQUIRED_ON_CREATE: Partial<Record<SyncedCollection, string[]>> = {
	results: ['student', 'class', 'assessment', 'period'],
	attempts: ['student', 'class', 'assessment', 'period', 'seconds', 'taken_at', 'by'],
	observations: ['student', 'class', 'text', 'by']
};

// Fields holding another record's id.
const ID_FIELDS = ['student', 'class', 'assessment', 'period', 'by'];

function validateField(op: Op, path: string, value: Json, ctx: ValidateContext): ValidationResult {
	const split = splitPath(path);
	if (!split) return no('bad_path', `“${path}” is not a field.`);
	if (path === DELETED_PATH) {
		if (typeof value !== 'boolean')
			return no('bad_value', 'A record is either deleted or not (true or false).');
		return OK;
	}
	if (split.field !== 'values' && ID_FIELDS.indexOf(split.field) >= 0) {
		if (!isRecordId(value))
			return no('bad_value', `${split.field} must be a record id; ${show(value)} is not one.`);
		return OK;
	}
	switch (op.collection) {
		case 'results':
			if (split.field === 'values') {
				if (!ctx.assessment)
					return no(
						'unknown_assessment',
						'This result’s assessment is not known here, so its marks cannot be checked.'
					);
				return validateComponentValue(ctx.assessment, split.component as string, value);
			}
			if (path === STATUS_FIELD) return validateStatus(value);
			if (path === 'notes') {
				if (value !== null && typeof value !== 'string') return no('bad_value', 'Notes are text.');
				if (typeof value === 'string' && charCount(value) > NOTES_MAX_CHARS) {
					return no(
						'too_long',
						`Notes can be up to ${NOTES_MAX_CHARS} characters; these are ${charCount(value)}.`
					);
				}
			}
			return OK;
		case 'attempts':
			if (path === 'seconds')
				return validateSeconds(
					ctx.assessment ? `“${ctx.assessment.name}”` : 'this attempt',
					value,
					secondsBounds(ctx.assessment)
				);
			if (
				path === 'taken_at' &&
				(typeof value !== 'string' ||
					!DATE_PATTERN.test(value) ||
					isNaN(Date.parse(value.replace(' ', 'T'))))
			) {
				return no(
					'bad_date',
					`When the attempt was taken must be a date and time; ${show(value)} is not one.`
				);
			}
			return OK;
		case 'observations':
			if (path === 'text') {
				if (typeof value !== 'string' || value.trim() === '')
					return no('empty', 'An observation needs some text.');
				if (charCount(value) > OBSERVATION_MAX_CHARS) {
					return no(
						'too_long',
						`An observation can be up to ${OBSERVATION_MAX_CHARS} characters; this one is ${charCount(value)}.`
					);
				}
			}
			return OK;
		case 'conflicts':
			if (
				path === 'status' &&
				(typeof value !== 'string' || CONFLICT_STATUSES.indexOf(value as never) < 0)
			) {
				return no(
					'bad_value',
					`A conflict is ${CONFLICT_STATUSES.join(', ')}; ${show(value)} is none of those.`
				);
			}
			return OK;
		default:
			return OK;
	}
}

/** The refusal of a JSON value nested deeper than JSON_MAX_DEPTH (on every write path). */
export function tooDeep(field: string): ValidationResult {
	return no(
		'too_deep',
		`“${field}” is nested too deeply: JSON may nest at most ${JSON_MAX_DEPTH} levels.`
	);
}

/**
 * Checks an op's shape and ranges: collection and field paths, who writes
 * which field (server and set-once fields), component values against the
 * assessment, text lengths, stamps. Never throws; `op` may be any parsed JSON.
 */
export function validateOp(op: unknown, ctx: ValidateContext = {}): ValidationResult {
	if (!isJsonObject(op)) return no('malformed', 'The change could not be read.');
	if (typeof op['id'] !== 'string' || op['id'] === '' || op['id'].length > OP_ID_MAX_CHARS) {
		return no('malformed', 'The change has no id.');
	}
	if (!isSyncedCollection(op['collection']))
		return no(
			'unknown_collection',
			`${show(op['collection'] ?? null)} is not something Markbook syncs.`
		);
	if (!isRecordId(op['record']))
		return no('bad_record_id', `${show(op['record'] ?? null)} is not a record id.`);
	if (!isStamp(op['stamp'])) return no('bad_stamp', 'The change has no valid time stamp.');
	if (
		ctx.device !== undefined &&
		(parseStamp(op['stamp']) as { device: string }).device !== ctx.device
	) {
		return no('wrong_device', 'The change is stamped by another device than the one that sent it.');
	}
	if (!isJsonObject(op['fields'])) return no('malformed', 'The change lists no fields.');
	const base = op['base'] === undefined ? {} : op['base'];
	if (!isJsonObject(base) || Object.keys(base).some((k) => base[k] !== null && !isStamp(base[k]))) {
		return no('bad_base', 'The change’s record of what it last saw is not valid.');
	}
	if (op['delete'] !== undefined && typeof op['delete'] !== 'boolean')
		return no('malformed', '“delete” must be true or false.');
	const typed = op as unknown as Op;
	const schema = SCHEMAS[typed.collection];
	const what = WHAT[typed.collection];
	if (!schema.clientWritable)
		return no(
			'read_only',
			`${what} are managed by the school office and cannot be changed from the app.`
		);
	if (ctx.existing === null && !schema.clientCreates)
		return no('not_creatable', `The app cannot create ${what}.`);
	const deleting = typed.delete === true || typed.fields[DELETED_PATH] !== undefined;
	if (deleting && !schema.deletable) return no('not_deletable', `The app cannot delete ${what}.`);
	const paths = Object.keys(typed.fields).sort();
	if (paths.length === 0 && typed.delete !== true)
		return no('no_fields', 'The change changes nothing.');

	for (const path of paths) {
		if (!isValidPath(path)) return no('bad_path', `“${path}” is not a field.`);
		const rule = ruleFor(typed.collection, path);
		if (rule === null) return no('unknown_field', `${what} have no field “${path}”.`);
		if (rule === 'server')
			return no(
				'server_field',
				`“${path}” is worked out by the server and cannot be set from the app.`
			);
		const value = typed.fields[path] as Json;
		if (jsonTooDeep(value)) return tooDeep(path);
		if (rule === 'immutable' && ctx.existing && ctx.existing.stamps[path] !== undefined) {
			const stored = getPath(ctx.existing, path);
			if (!jsonEqual(stored, value))
				return no(
					'immutable_field',
					`“${path}” is set once and cannot be changed (it is ${show(stored ?? null)}).`
				);
		}
		const check = validateField(typed, path, value, ctx);
		if (!check.ok) return check;
	}

	if (typed.delete !== true) {
		// Attempts and observations are made in one op, so they always carry every field.
		const oneShot = typed.collection === 'attempts' || typed.collection === 'observations';
		const required =
			ctx.existing === null || oneShot ? (REQUIRED_ON_CREATE[typed.collection] ?? []) : [];
		for (const f of required) {
			if (typed.fields[f] === undefined)
				return no('missing_field', `A new record in ${what} needs “${f}”.`);
		}
	}
	return validateLinks(typed, ctx);
}

// Cross-field checks: a result's id is its natural key (student, class,
// assessment, period); the assessment given is the one the op names.
function validateLinks(op: Op, ctx: ValidateContext): ValidationResult {
	const f = op.fields;
	const a = ctx.assessment;
	if (op.collection === 'results') {
		if (
			typeof f['student'] === 'string' &&
			typeof f['class'] === 'string' &&
			typeof f['assessment'] === 'string' &&
			typeof f['period'] === 'string'
		) {
			const id = (ctx.resultId ?? resultId)(f['student'], f['class'], f['assessment'], f['period']);
			if (op.record !== id) {
				return no(
					'id_mismatch',
					'This result’s id does not match its student, class, assessment and period.'
				);
			}
		}
	}
	if ((op.collection === 'results' || op.collection === 'attempts') && a) {
		if (typeof f['assessment'] === 'string' && f['assessment'] !== a.id) {
			return no(
				'assessment_mismatch',
				'The change names a different assessment from the one it was checked against.'
			);
		}
		if (op.collection === 'attempts' && a.kind !== 'timed') {
			return no(
				'not_timed',
				`“${a.name}” is not a timed assessment, so it takes no timed attempts.`
			);
		}
	}
	return OK;
}
