/**
 * Edits made outside the sync protocol — the admin UI, the REST API — go
 * through the same door as a push. Only the office (PocketBase superusers)
 * gets here: teachers write synced collections through /api/sync/push alone.
 *
 *   paths the request changed (against the record PocketBase loaded)
 *     → refuse server-owned fields and over-deep JSON
 *     → merge those paths onto the record as it is inside the transaction
 *     → the push's validation (results, attempts, observations)
 *     → stamp the stored differences with the server's clock → derive → seq
 *     → an audit entry of exactly what is stored (none when nothing is)
 *
 * Why merge onto the record in the transaction: PocketBase loads the record
 * before the hook's transaction starts, so a push may commit in between; saving
 * the loaded record whole would silently revert it (issue 10.3).
 */
import { resultId } from '../core/ids';
import { isJsonObject, jsonEqual } from '../core/json';
import { jsonTooDeep } from '../core/json-depth';
import { setPath, splitPath } from '../core/paths';
import { DELETED_PATH, RESERVED_FIELDS } from '../core/schema';
import { hlcNow } from '../core/stamp';
import type { Json, Op, SyncedCollection, WireRecord } from '../core/types';
import { parseAssessment, type Assessment } from '../../domain/assessment';
import { SCHEMAS } from '../../domain/collections';
import { deriveResult } from '../../domain/scoring';
import { tooDeep, validateOp, type ValidateContext } from '../../domain/validate';
import type { AuditEntry, ServerStore } from './store';

/** The device id external edits are stamped with (the server's own). */
export const EXTERNAL_DEVICE = 'server';

/** Fields that are PocketBase's, or the server's bookkeeping, never stamped as edits. */
const UNSTAMPED = RESERVED_FIELDS.concat([DELETED_PATH]);

const NOTHING: WireRecord = { id: '', stamps: {}, seq: 0, deleted: false };

/** Collections whose edits pass the push's validation (the ones devices write). */
const VALIDATED: readonly SyncedCollection[] = ['results', 'attempts', 'observations'];

/**
 * Fields of `collection` that only the server writes, whoever asks: the sync
 * bookkeeping, and the fields the domain marks `server` in a collection devices
 * write (a result's total, level and best_time; a conflict notice's content).
 * In a collection only the office writes, `server` means "not from a device".
 */
export function serverOwnedFields(collection: SyncedCollection): string[] {
	const schema = SCHEMAS[collection];
	const owned = ['stamps', 'seq', DELETED_PATH];
	if (!schema.clientWritable) return owned;
	for (const field of Object.keys(schema.fields)) {
		if (schema.fields[field]?.rule === 'server') owned.push(field);
	}
	return owned;
}

export interface ExternalEditInput {
	collection: SyncedCollection;
	/**
	 * The record as PocketBase loaded it before the transaction; for a create,
	 * a blank record holding the fields' defaults.
	 */
	loaded: WireRecord;
	/** The record as the request would save it: `loaded` with the request's data applied. */
	requested: WireRecord;
	/** The record as stored now, read inside the transaction; null for a create. */
	current: WireRecord | null;
	/** A delete in the admin UI or over REST: it becomes a tombstone. */
	deleting?: boolean;
}

/**
 * The record to save (with stamps, seq and derived fields) and its audit entry
 * (null when nothing stored changes, and then `record` is `current` as it is);
 * or a refusal with a reason the office can read, naming the top-level field
 * it is about (empty when it is about several).
 */
export type ExternalEdit =
	| {
			ok: true;
			record: WireRecord;
			audit: AuditEntry | null;
			/** Other records the edit changes, to save with it: the result whose best time an attempt moved. */
			derived: { collection: SyncedCollection; record: WireRecord }[];
	  }
	| { ok: false; field: string; code: string; reason: string };

/** Field path → value of a record's fields (`values.c1`; an empty nested object as itself). */
function flatten(record: WireRecord | null, collection: SyncedCollection): Record<string, Json> {
	const out: Record<string, Json> = {};
	if (!record) return out;
	const fields = SCHEMAS[collection].fields;
	for (const key of Object.keys(record)) {
		if (UNSTAMPED.indexOf(key) >= 0) continue;
		const value = record[key] as Json;
		if (fields[key]?.nested && isJsonObject(value)) {
			for (const sub of Object.keys(value)) out[`${key}.${sub}`] = value[sub] as Json;
			if (Object.keys(value).length === 0) out[key] = value;
		} else out[key] = value;
	}
	return out;
}

/**
 * The paths the request changed, with their new values: components of a
 * nested field one by one (a removed component is null, as on the wire),
 * other fields whole.
 */
function changedPaths(
	collection: SyncedCollection,
	loaded: WireRecord,
	requested: WireRecord
): Record<string, Json> {
	const fields = SCHEMAS[collection].fields;
	const owned = serverOwnedFields(collection);
	const out: Record<string, Json> = {};
	for (const key of Object.keys(requested)) {
		if (UNSTAMPED.indexOf(key) >= 0 || owned.indexOf(key) >= 0) continue;
		const was = (loaded[key] ?? null) as Json;
		const now = (requested[key] ?? null) as Json;
		if (jsonEqual(was, now)) continue;
		if (!fields[key]?.nested) {
			out[key] = now;
			continue;
		}
		const before = isJsonObject(was) ? was : {};
		const after = isJsonObject(now) ? now : {};
		for (const sub of Object.keys(after)) {
			if (!jsonEqual(before[sub] ?? null, after[sub] ?? null))
				out[`${key}.${sub}`] = after[sub] as Json;
		}
		for (const sub of Object.keys(before)) if (!(sub in after)) out[`${key}.${sub}`] = null;
	}
	return out;
}

// A field's blank value: an unset JSON field reads as null and the admin UI
// may send it back as {}; a new record's number is 0, its text ''.
function isBlank(v: Json | undefined): boolean {
	return (
		v === undefined ||
		v === null ||
		v === 0 ||
		v === '' ||
		v === false ||
		(isJsonObject(v) && Object.keys(v).length === 0)
	);
}

/** Whether the request leaves a server-owned field as it was (blank stays blank). */
function sameOwned(a: Json | undefined, b: Json | undefined): boolean {
	return (isBlank(a) && isBlank(b)) || jsonEqual(a ?? null, b ?? null);
}

function refuse(field: string, code: string, reason: string): ExternalEdit {
	return { ok: false, field, code, reason };
}

/** The checks that need only the request: server-owned fields, JSON depth. */
function checkRequest(
	collection: SyncedCollection,
	loaded: WireRecord,
	requested: WireRecord
): ExternalEdit | null {
	for (const key of serverOwnedFields(collection)) {
		if (key in requested && !sameOwned(loaded[key], requested[key])) {
			return refuse(
				key,
				'server_field',
				`“${key}” is kept by the server and cannot be set here. If you did not change it, this record changed after you opened it: reload it and make your edit again.`
			);
		}
	}
	for (const key of Object.keys(requested)) {
		// (Depth first: it is bounded, and comparing an over-deep value is not.)
		if (jsonTooDeep(requested[key]) && !jsonEqual(loaded[key] ?? null, requested[key] ?? null)) {
			const check = tooDeep(key);
			return refuse(key, 'too_deep', check.ok ? '' : check.reason);
		}
	}
	return null;
}

/** The assessment a result or attempt is checked against; a refusal when it is broken. */
function assessmentOf(record: WireRecord, store: ServerStore): Assessment | ExternalEdit | null {
	const id = record['assessment'];
	const raw = typeof id === 'string' && id !== '' ? store.getAssessment(id) : null;
	if (!raw) return null; // PocketBase refuses a relation to a missing record itself
	const parsed = parseAssessment(raw);
	return parsed.ok ? parsed.assessment : refuse('assessment', parsed.code, parsed.reason);
}

/** The fields of an assessment that make its definition (what parseAssessment reads). */
const DEFINITION = ['kind', 'components', 'levels', 'min_seconds', 'max_seconds'];

/**
 * An office edit of an assessment's definition must leave one the shared rules
 * can read (components, levels, hints within their limits): otherwise every
 * result of it would be refused "not set up correctly" later, far from the
 * edit that broke it. Other edits (a rename) of a broken one still pass.
 */
function checkDefinition(changes: Record<string, Json>, merged: WireRecord): ExternalEdit | null {
	const touched = Object.keys(changes).map((path) => path.split('.')[0]);
	const field = DEFINITION.find((f) => touched.indexOf(f) >= 0);
	if (field === undefined) return null;
	const parsed = parseAssessment(merged);
	return parsed.ok ? null : refuse(field, parsed.code, parsed.reason);
}

/** The push's validation of the office's changes, as one op of the server's. */
function validate(
	input: ExternalEditInput,
	changes: Record<string, Json>,
	merged: WireRecord,
	stamp: string,
	store: ServerStore
): ExternalEdit | null {
	const { collection, current } = input;
	if (collection === 'assessments' && !input.deleting) return checkDefinition(changes, merged);
	if (VALIDATED.indexOf(collection) < 0 || input.deleting) return null;
	if (Object.keys(changes).length === 0) return null;
	const fields: Record<string, Json> = {};
	// An attempt or observation is made whole, so validation wants every field.
	if (current && collection !== 'results') {
		for (const key of Object.keys(SCHEMAS[collection].fields)) {
			if (current[key] !== undefined) fields[key] = current[key] as Json;
		}
	}
	for (const path of Object.keys(changes)) fields[path] = changes[path] as Json;
	const ctx: ValidateContext = { existing: current };
	if (collection !== 'observations') {
		const assessment = assessmentOf(merged, store);
		if (assessment && 'ok' in assessment) return assessment;
		if (assessment) ctx.assessment = assessment;
	}
	const op: Op = {
		id: `office-${merged.id}`,
		collection,
		record: merged.id,
		fields,
		stamp,
		base: {}
	};
	const check = validateOp(op, ctx);
	if (check.ok) return null;
	// The field to show the reason under, when the change is to one field.
	const touched = Object.keys(changes).map((path) => splitPath(path)?.field ?? path);
	const field = touched.every((f) => f === touched[0]) ? (touched[0] as string) : '';
	return refuse(field, check.code, check.reason);
}

function str(value: unknown): string {
	return typeof value === 'string' ? value : '';
}

/**
 * A result with total, level and best_time derived again (each moved one
 * stamped and, when `stored` is given, recorded there); as it was when its
 * assessment is unknown or broken.
 */
function derive(
	record: WireRecord,
	seconds: number[],
	store: ServerStore,
	tick: () => string,
	stored?: Record<string, [Json, Json]>
): WireRecord {
	const assessment = assessmentOf(record, store);
	if (!assessment || 'ok' in assessment) return record;
	const values = isJsonObject(record['values']) ? record['values'] : null;
	const derived = deriveResult(assessment, values, seconds);
	let out = record;
	let stamp: string | null = null;
	for (const key of ['total', 'level', 'best_time'] as const) {
		const was = (out[key] ?? null) as Json;
		if (jsonEqual(was, derived[key])) continue;
		stamp = stamp ?? tick();
		out = { ...out, [key]: derived[key], stamps: { ...out.stamps, [key]: stamp } };
		if (stored) stored[key] = [was, derived[key]];
	}
	return out;
}

/**
 * The result of an attempt's student, class, assessment and period with its
 * best time derived again from that class's live attempts as this edit leaves them (the
 * edited attempt is not stored yet); null when there is no such result or
 * nothing moves. Like a push, the server's derivation is not audited.
 */
function rederiveBestTime(
	attempt: WireRecord,
	store: ServerStore,
	tick: () => string
): WireRecord | null {
	const student = str(attempt['student']);
	const cls = str(attempt['class']);
	const assessment = str(attempt['assessment']);
	const period = str(attempt['period']);
	const result = store.getRecord('results', resultId(student, cls, assessment, period));
	if (!result) return null;
	const seconds = store
		.liveAttempts(student, cls, assessment, period)
		.filter((a) => a.id !== attempt.id)
		.map((a) => a.seconds);
	if (!attempt.deleted && typeof attempt['seconds'] === 'number') seconds.push(attempt['seconds']);
	const next = derive(result, seconds, store, tick);
	return next === result ? null : { ...next, seq: store.nextSeq() };
}

/**
 * Applies an office create, update or delete: see the module comment. Pure
 * apart from the store (its clock, HLC, seq and reads); the caller saves the
 * record and the audit entry in the same transaction.
 */
export function applyExternalEdit(
	input: ExternalEditInput,
	store: ServerStore,
	who: { user: string; device: string }
): ExternalEdit {
	const { collection, loaded, requested, current } = input;
	const deleting = input.deleting === true;
	if (!deleting) {
		const refused = checkRequest(collection, loaded, requested);
		if (refused) return refused;
	}
	let hlc = store.loadHlc();
	const tick = (): string => {
		const next = hlcNow(hlc, store.now());
		hlc = next.state;
		return next.stamp;
	};
	const stamp = tick();

	// The office's paths, onto the record as it is now. A create sets every
	// field: a default it leaves (0 seconds, empty text) is checked like a value.
	const changes = deleting ? {} : changedPaths(collection, current ? loaded : NOTHING, requested);
	let merged: WireRecord;
	if (current) {
		merged = current;
		for (const path of Object.keys(changes)) merged = setPath(merged, path, changes[path]);
	} else merged = { ...requested, stamps: {}, seq: 0, deleted: false };
	if (deleting) merged = { ...merged, deleted: true };

	const refused = validate(input, changes, merged, stamp, store);
	if (refused) return refused;

	// Stamp what is stored differently from before: every path of a create.
	const old = flatten(current, collection);
	const now = flatten(merged, collection);
	const stamps: Record<string, string> = { ...(current?.stamps ?? {}) };
	const stored: Record<string, [Json, Json]> = {};
	for (const path of Object.keys(now)) {
		if (current && jsonEqual(old[path] ?? null, now[path] ?? null)) continue;
		stamps[path] = stamp;
		stored[path] = [old[path] ?? null, now[path] ?? null];
	}
	for (const path of Object.keys(old)) {
		if (!(path in now) && path.indexOf('.') > 0) {
			stamps[path] = stamp; // a component removed
			stored[path] = [old[path] ?? null, null];
		}
	}
	if (merged.deleted !== (current?.deleted === true)) {
		stamps[DELETED_PATH] = stamp;
		stored[DELETED_PATH] = [current?.deleted === true, merged.deleted];
	}
	let record: WireRecord = { ...merged, stamps };
	if (collection === 'results') {
		const seconds = store
			.liveAttempts(
				str(record['student']),
				str(record['class']),
				str(record['assessment']),
				str(record['period'])
			)
			.map((a) => a.seconds);
		record = derive(record, seconds, store, tick, stored);
	}
	if (current && Object.keys(stored).length === 0)
		return { ok: true, record: current, audit: null, derived: [] };
	record = { ...record, seq: store.nextSeq() };
	const derived: { collection: SyncedCollection; record: WireRecord }[] = [];
	if (collection === 'attempts') {
		const result = rederiveBestTime(record, store, tick);
		if (result) derived.push({ collection: 'results', record: result });
	}
	store.saveHlc(hlc);
	return {
		ok: true,
		record,
		derived,
		audit: {
			user: who.user,
			device: who.device,
			collection,
			record: record.id,
			op: deleting ? 'delete' : current ? 'update' : 'create',
			changes: stored,
			conflict: false
		}
	};
}
