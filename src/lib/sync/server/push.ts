/**
 * POST /api/sync/push — applies a batch of ops, each on its own:
 *   receipt check → validate → authorize → clamp → merge → derive → conflict
 *   notices → audit → receipt.
 * The PocketBase route runs this inside one transaction and answers only after
 * the commit, so an op the client saw acknowledged is on disk.
 */
import { applyOp, setServerFields, type Loser } from '../core/apply';
import { isJsonObject } from '../core/json';
import { resultId, isRecordId } from '../core/ids';
import { clampStamp, hlcNow, hlcReceive, isDeviceId, parseStamp, type HlcState } from '../core/stamp';
import {
	CLOCK_MAX_AHEAD_MS,
	PUSH_MAX_BYTES,
	PUSH_MAX_OPS,
	WIRE_VERSION,
	type Json,
	type Op,
	type OpResult,
	type SyncedCollection,
	type WireRecord
} from '../core/types';
import { parseAssessment, type Assessment } from '../../domain/assessment';
import { SCHEMAS, isSyncedCollection } from '../../domain/collections';
import { deriveResult } from '../../domain/scoring';
import { validateOp } from '../../domain/validate';
import type { Actor, AuditEntry, HandlerAnswer, ServerStore } from './store';

/** The device id the server stamps its own writes with. */
export const SERVER_DEVICE = 'server';

const fail = (status: number, message: string): HandlerAnswer => ({ status, body: { status, message } });

/** Checks the envelope; a bad envelope refuses the whole request, changing nothing. */
function checkEnvelope(body: unknown, bytes: number): HandlerAnswer | { device: string; ops: unknown[] } {
	if (bytes > PUSH_MAX_BYTES) return fail(413, `A push may carry at most ${PUSH_MAX_BYTES} bytes; send fewer changes at a time.`);
	if (!isJsonObject(body)) return fail(400, 'The request body must be a JSON object with "device" and "ops".');
	const v = body['v'] === undefined ? WIRE_VERSION : body['v'];
	if (v !== WIRE_VERSION) {
		return fail(426, 'This version of Markbook cannot sync with the school server. Update the app; your unsynced edits stay on this device.');
	}
	if (!isDeviceId(body['device'])) return fail(400, '"device" must be the device id (letters, digits, _ and -).');
	const ops = body['ops'];
	if (!Array.isArray(ops)) return fail(400, '"ops" must be an array of changes.');
	if (ops.length > PUSH_MAX_OPS) return fail(413, `A push may carry at most ${PUSH_MAX_OPS} changes; this one has ${ops.length}.`);
	return { device: body['device'], ops };
}

export function handlePush(body: unknown, bytes: number, actor: Actor, store: ServerStore): HandlerAnswer {
	const envelope = checkEnvelope(body, bytes);
	if ('status' in envelope) return envelope;
	const { device, ops } = envelope;

	const row = store.getDevice(device);
	if (!row) store.registerDevice(device, actor.id);
	else if (row.user !== actor.id) return fail(403, 'This device is registered to another teacher. Sign in as them, or ask the office.');
	else if (!row.active) {
		return fail(403, 'This device has been deactivated. Its unsynced edits stay on it; ask the school office to reactivate it.');
	}

	const ctx: PushContext = { actor, device, store, hlc: store.loadHlc() };
	const results = ops.map((op) => pushOne(op, ctx));
	store.saveHlc(ctx.hlc);
	store.touchDevice(device, {});
	return { status: 200, body: { results, cursor: store.currentSeq(), serverTime: store.now() } };
}

interface PushContext {
	actor: Actor;
	device: string;
	store: ServerStore;
	hlc: HlcState;
}

function reject(id: string, code: string, reason: string): OpResult {
	return { id, status: 'rejected', code, reason };
}

function pushOne(raw: unknown, ctx: PushContext): OpResult {
	const { store, actor, device } = ctx;
	const opId = isJsonObject(raw) && typeof raw['id'] === 'string' ? raw['id'] : '';
	if (opId) {
		const receipt = store.getReceipt(opId);
		if (receipt) {
			const op = raw as unknown as Op;
			const current = isSyncedCollection(op.collection) && isRecordId(op.record) ? store.getRecord(op.collection, op.record) : null;
			return { ...receipt, status: 'duplicate', ...(current ? { record: current } : {}) };
		}
	}
	const result = decide(raw, ctx);
	if (opId) store.putReceipt(opId, actor.id, device, withoutRecord(result));
	return result;
}

function withoutRecord(result: OpResult): OpResult {
	const { record: _record, ...rest } = result;
	return rest;
}

function decide(raw: unknown, ctx: PushContext): OpResult {
	const { store, actor, device } = ctx;
	// Load what validation needs from the database; validateOp then checks
	// everything (its first checks repeat these, with a teacher's words).
	const op = raw as unknown as Op;
	const addressable = isJsonObject(raw) && isSyncedCollection(op.collection) && isRecordId(op.record);
	if (!addressable) {
		const shape = validateOp(raw, { device });
		return shape.ok ? reject(opIdOf(raw), 'malformed', 'The change could not be read.') : reject(opIdOf(raw), shape.code, shape.reason);
	}
	const existing = store.getRecord(op.collection, op.record);
	const assessment = assessmentFor(op, existing, store);
	if (assessment && !assessment.ok) return reject(op.id, assessment.code, assessment.reason);
	const valid = validateOp(op, { device, existing, ...(assessment ? { assessment: assessment.assessment } : {}) });
	if (!valid.ok) return reject(op.id, valid.code, valid.reason);

	const fields: Record<string, Json> = { ...op.fields };
	const denied = authorize(op.collection, op.record, fields, existing, actor, store);
	if (denied) return reject(op.id, denied.code, denied.reason);

	const now = store.now();
	const clamp = clampStamp(op.stamp, now, CLOCK_MAX_AHEAD_MS);
	ctx.hlc = hlcReceive(ctx.hlc, clamp.stamp, now);

	const schema = SCHEMAS[op.collection];
	const merged = applyOp(existing ?? undefined, { ...op, fields, stamp: clamp.stamp }, schema);
	const refused = Object.keys(merged.fieldOutcomes).filter((p) => merged.fieldOutcomes[p] === 'refused');
	if (refused.length > 0) {
		return reject(op.id, 'immutable', `${refused.join(', ')} cannot be changed once recorded.`);
	}

	let record = merged.record;
	const outcomes = Object.keys(merged.fieldOutcomes).map((p) => merged.fieldOutcomes[p]);
	if (merged.changed) {
		if (op.collection === 'results' && assessment?.ok) record = derive(record, assessment.assessment, ctx);
		record = { ...record, seq: store.nextSeq() };
		store.putRecord(op.collection, record);
		if (op.collection === 'attempts') rederiveResultOf(record, ctx);
		notifyLosers(op, merged.losers, ctx);
		store.addAudit(auditOf(op, existing, record, actor.id, device, merged.losers.length > 0));
	}

	const status = outcomes.indexOf('applied') < 0 && outcomes.indexOf('superseded') >= 0 ? 'superseded' : 'applied';
	return {
		id: op.id,
		status,
		record,
		...(clamp.clamped ? { clamped: { from: op.stamp, to: clamp.stamp } } : {})
	};
}

function opIdOf(raw: unknown): string {
	return isJsonObject(raw) && typeof raw['id'] === 'string' ? raw['id'] : '';
}

type AssessmentLookup = { ok: true; assessment: Assessment } | { ok: false; code: string; reason: string };

/** The assessment a result's or attempt's values are checked against. */
function assessmentFor(op: Op, existing: WireRecord | null, store: ServerStore): AssessmentLookup | null {
	if (op.collection !== 'results' && op.collection !== 'attempts') return null;
	const id = existing?.['assessment'] ?? op.fields['assessment'];
	if (typeof id !== 'string' || id === '') return { ok: false, code: 'missing_key', reason: 'The change does not say which assessment it belongs to.' };
	const raw = store.getAssessment(id);
	if (!raw) return { ok: false, code: 'unknown_assessment', reason: 'That assessment does not exist on the school server.' };
	const parsed = parseAssessment(raw);
	return parsed.ok ? parsed : { ok: false, code: parsed.code, reason: parsed.reason };
}

interface Denial {
	code: string;
	reason: string;
}

const NOT_YOUR_CLASS: Denial = { code: 'not_your_class', reason: 'You do not teach this class, so you cannot record results for it.' };

/** Who may write what; mirrors the API rules in pb_migrations. May fill in `by`. */
function authorize(
	collection: SyncedCollection,
	recordId: string,
	fields: Record<string, Json>,
	existing: WireRecord | null,
	actor: Actor,
	store: ServerStore
): Denial | null {
	const pick = (key: string): string => {
		const v = existing?.[key] ?? fields[key];
		return typeof v === 'string' ? v : '';
	};
	switch (collection) {
		case 'results': {
			const classId = pick('class');
			if (!store.teaches(actor.id, classId)) return NOT_YOUR_CLASS;
			if (!existing) {
				const student = pick('student');
				if (!store.studentInClass(student, classId)) {
					return { code: 'not_in_class', reason: 'That student is not in this class.' };
				}
				if (recordId !== resultId(student, pick('assessment'), pick('period'))) {
					return { code: 'bad_record_id', reason: 'The result id does not match its student, assessment and period.' };
				}
			}
			return null;
		}
		case 'observations': {
			const classId = pick('class');
			if (!store.teaches(actor.id, classId)) return NOT_YOUR_CLASS;
			if (!existing && !store.studentInClass(pick('student'), classId)) {
				return { code: 'not_in_class', reason: 'That student is not in this class.' };
			}
			return claimAuthor(fields, existing, actor);
		}
		case 'attempts':
			if (!store.studentTaughtBy(pick('student'), actor.id)) {
				return { code: 'not_your_student', reason: 'That student is not in a class you teach.' };
			}
			return claimAuthor(fields, existing, actor);
		case 'conflicts':
			if (!existing || existing['user'] !== actor.id) {
				return { code: 'not_yours', reason: 'That conflict notice belongs to another teacher.' };
			}
			return null;
		default:
			return { code: 'read_only', reason: `The school office manages ${collection} in the admin UI.` };
	}
}

/** A new attempt or observation is by the signed-in teacher, whatever the device says. */
function claimAuthor(fields: Record<string, Json>, existing: WireRecord | null, actor: Actor): Denial | null {
	if (existing) return null;
	if (fields['by'] !== undefined && fields['by'] !== actor.id) {
		return { code: 'wrong_author', reason: 'A note or attempt can only be recorded in your own name.' };
	}
	fields['by'] = actor.id;
	return null;
}

function serverStamp(ctx: PushContext): string {
	const next = hlcNow(ctx.hlc, ctx.store.now());
	ctx.hlc = next.state;
	return next.stamp;
}

/** Recomputes total, level and best_time of a result. */
function derive(record: WireRecord, assessment: Assessment, ctx: PushContext): WireRecord {
	const values = isJsonObject(record['values']) ? (record['values'] as { [key: string]: Json }) : null;
	const seconds = ctx.store.attemptSeconds(str(record['student']), assessment.id, str(record['period']));
	const derived = deriveResult(assessment, values, seconds);
	return setServerFields(record, { total: derived.total, level: derived.level, best_time: derived.best_time }, serverStamp(ctx));
}

/** A new (or withdrawn) attempt changes its result's best time, if the result exists. */
function rederiveResultOf(attempt: WireRecord, ctx: PushContext): void {
	const { store } = ctx;
	const id = resultId(str(attempt['student']), str(attempt['assessment']), str(attempt['period']));
	const result = store.getRecord('results', id);
	const raw = store.getAssessment(str(attempt['assessment']));
	if (!result || !raw) return;
	const parsed = parseAssessment(raw);
	if (!parsed.ok) return;
	const next = derive(result, parsed.assessment, ctx);
	if (JSON.stringify(next) !== JSON.stringify(result)) store.putRecord('results', { ...next, seq: store.nextSeq() });
}

function str(v: unknown): string {
	return typeof v === 'string' ? v : '';
}

/** Each teacher whose value lost to a concurrent edit gets a notice to review. */
function notifyLosers(op: Op, losers: Loser[], ctx: PushContext): void {
	const { store } = ctx;
	for (const loser of losers) {
		const loserDevice = parseStamp(loser.mineStamp)?.device ?? '';
		const winnerDevice = parseStamp(loser.theirsStamp)?.device ?? '';
		// A device overwriting its own earlier edit (a retry after a crash) is no conflict.
		if (loserDevice === winnerDevice) continue;
		const user = loserDevice === SERVER_DEVICE ? null : store.userOfDevice(loserDevice);
		if (!user) continue; // an edit made in the admin UI has nobody to notify
		const winner = winnerDevice === SERVER_DEVICE ? '' : (store.userOfDevice(winnerDevice) ?? '');
		store.addConflict(
			{ user, collection: op.collection, record: op.record, field: loser.path, mine: loser.mine, theirs: loser.theirs, theirs_by: winner, at: store.now() },
			store.nextSeq(),
			serverStamp(ctx)
		);
	}
}

function auditOf(op: Op, before: WireRecord | null, after: WireRecord, user: string, device: string, conflict: boolean): AuditEntry {
	const changes: Record<string, [Json, Json]> = {};
	for (const path of Object.keys(after.stamps)) {
		if (before && before.stamps[path] === after.stamps[path]) continue;
		changes[path] = [valueOf(before, path), valueOf(after, path)];
	}
	return {
		user,
		device,
		collection: op.collection,
		record: op.record,
		op: op.delete ? 'delete' : before ? 'update' : 'create',
		changes,
		conflict
	};
}

function valueOf(record: WireRecord | null, path: string): Json {
	if (!record) return null;
	const dot = path.indexOf('.');
	if (dot < 0) return (record[path] ?? null) as Json;
	const parent = record[path.slice(0, dot)];
	return isJsonObject(parent) ? ((parent as { [k: string]: Json })[path.slice(dot + 1)] ?? null) : null;
}
