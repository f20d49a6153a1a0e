/**
 * POST /api/sync/push — applies a batch of ops, each on its own:
 *   receipt check → validate → authorize → clamp → merge → conflict notices →
 *   audit → receipt;
 * then, once per record the batch changed: derive → seq → write.
 * The PocketBase route runs this inside one transaction and answers only after
 * the commit, so an op the client saw acknowledged is on disk.
 *
 * Why per record and not per op: a batch often carries several ops of one
 * record (five components of one checklist). Merging them one by one in memory
 * and writing (and deriving) the record once is what makes a 500-op push cheap
 * on PocketBase's interpreter; every op still gets its own outcome, audit entry
 * and receipt. Each answer carries the record as the server holds it after the
 * batch ("now"), which is what the device folds in anyway.
 */
import { applyOp, setServerFields, type Loser } from '../core/apply';
import { isJsonObject, jsonEqual } from '../core/json';
import { isRecordId, resultIdOfKey, resultKey } from '../core/ids';
import {
	clampThroughHlc,
	hlcNow,
	isClientDeviceId,
	parseStamp,
	type HlcState
} from '../core/stamp';
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
import { CLASS_RECORDS } from '../../domain/access';
import { parseAssessment, type Assessment } from '../../domain/assessment';
import { SCHEMAS, isSyncedCollection } from '../../domain/collections';
import { deriveResult } from '../../domain/scoring';
import { validateOp, type ValidateContext } from '../../domain/validate';
import { countsOfBody, type DeviceCounts } from './counts';
import type { Actor, AuditEntry, HandlerAnswer, LiveAttempt, Receipt, ServerStore } from './store';

/** The device id the server stamps its own writes with. */
export const SERVER_DEVICE = 'server';

const fail = (status: number, message: string): HandlerAnswer => ({
	status,
	body: { status, message }
});

/** Checks the envelope; a bad envelope refuses the whole request, changing nothing. */
function checkEnvelope(
	body: unknown,
	bytes: number
): HandlerAnswer | { device: string; ops: unknown[]; counts: DeviceCounts } {
	if (bytes > PUSH_MAX_BYTES)
		return fail(
			413,
			`A push may carry at most ${PUSH_MAX_BYTES} bytes; send fewer changes at a time.`
		);
	if (!isJsonObject(body))
		return fail(400, 'The request body must be a JSON object with "device" and "ops".');
	// Absent means 1. Version 1 addressed results without their class; its ops cannot be applied safely.
	const v = body['v'] === undefined ? 1 : body['v'];
	if (v !== WIRE_VERSION) {
		return fail(
			426,
			'This version of Markbook cannot sync with the school server. Update the app; your unsynced edits stay on this device.'
		);
	}
	if (!isClientDeviceId(body['device']))
		return fail(
			400,
			'"device" must be the device id (letters, digits, _ and -), and not one the server uses (server, rest-api, admin-ui…).'
		);
	const ops = body['ops'];
	if (!Array.isArray(ops)) return fail(400, '"ops" must be an array of changes.');
	if (ops.length > PUSH_MAX_OPS)
		return fail(
			413,
			`A push may carry at most ${PUSH_MAX_OPS} changes; this one has ${ops.length}.`
		);
	const counts = countsOfBody(body);
	if ('message' in counts) return fail(400, counts.message);
	return { device: body['device'], ops, counts };
}

export function handlePush(
	body: unknown,
	bytes: number,
	actor: Actor,
	store: ServerStore
): HandlerAnswer {
	const envelope = checkEnvelope(body, bytes);
	if ('status' in envelope) return envelope;
	const { device, ops, counts } = envelope;

	const row = store.getDevice(device);
	if (!row) store.registerDevice(device, actor.id);
	else if (row.user !== actor.id)
		return fail(
			403,
			'This device is registered to another teacher. Sign in as them, or ask the office.'
		);
	else if (!row.active) {
		return fail(
			403,
			'This device has been deactivated (switched off on the Devices page, by its teacher or the school office). Its unsynced edits stay on it; ask the school office to switch it back on.'
		);
	}

	const ctx: PushContext = {
		actor,
		device,
		store,
		hlc: store.loadHlc(),
		records: new Map(),
		touched: new Map(),
		audits: [],
		answers: [],
		assessments: new Map(),
		resultId: resultIdOf(store)
	};
	prefetch(ops, store);
	const results = ops.map((op) => pushOne(op, ctx));
	finish(ctx);
	for (const a of ctx.audits) store.addAudit(a);
	store.saveHlc(ctx.hlc);
	// The counts as of sending: the pull that follows the answer carries the new ones.
	store.touchDevice(device, counts);
	return {
		status: 200,
		body: { results, cursor: store.currentSeq(), serverTime: store.now(), epoch: store.epoch() }
	};
}

interface PushContext {
	actor: Actor;
	device: string;
	store: ServerStore;
	hlc: HlcState;
	/** Records as the batch left them so far, by `collection/id` (null: absent). */
	records: Map<string, WireRecord | null>;
	/** Records the batch changed, in order of first change, with the audit entry of their last op. */
	touched: Map<string, { collection: SyncedCollection; id: string; audit: number }>;
	audits: AuditEntry[];
	/** Answers that carry their record, filled in once the batch is done. */
	answers: { result: OpResult; key: string }[];
	assessments: Map<string, AssessmentLookup | null>;
	/** Keys of the attempts the batch changed (made once the ops are done). */
	touchedAttempts?: string[];
	resultId: (studentId: string, classId: string, assessmentId: string, periodId: string) => string;
}

const keyOf = (collection: string, id: string): string => collection + '/' + id;

/** resultId, over the store's native hash when it has one, memoised for the request. */
function resultIdOf(store: ServerStore): PushContext['resultId'] {
	const memo = new Map<string, string>();
	return (student, cls, assessment, period) => {
		const text = resultKey(student, cls, assessment, period);
		let id = memo.get(text);
		if (id === undefined) {
			id = store.sha256Hex ? resultIdOfKey(text, store.sha256Hex) : resultIdOfKey(text);
			memo.set(text, id);
		}
		return id;
	};
}

/** Tells the store what the batch will read, so it can load it in a few queries. */
function prefetch(ops: unknown[], store: ServerStore): void {
	if (!store.prefetch) return;
	const opIds: string[] = [];
	const byCollection = new Map<SyncedCollection, string[]>();
	for (const raw of ops) {
		if (!isJsonObject(raw)) continue;
		if (typeof raw['id'] === 'string') opIds.push(raw['id']);
		const collection = raw['collection'];
		const record = raw['record'];
		if (!isSyncedCollection(collection) || !isRecordId(record)) continue;
		let ids = byCollection.get(collection);
		if (!ids) byCollection.set(collection, (ids = []));
		ids.push(record);
	}
	const records: { collection: SyncedCollection; ids: string[] }[] = [];
	byCollection.forEach((ids, collection) => records.push({ collection, ids }));
	store.prefetch({ opIds, records });
}

/** A record as the batch left it so far. */
function current(ctx: PushContext, collection: SyncedCollection, id: string): WireRecord | null {
	const key = keyOf(collection, id);
	let rec = ctx.records.get(key);
	if (rec === undefined) {
		rec = ctx.store.getRecord(collection, id);
		ctx.records.set(key, rec);
	}
	return rec;
}

function reject(id: string, code: string, reason: string): OpResult {
	return { id, status: 'rejected', code, reason };
}

function pushOne(raw: unknown, ctx: PushContext): OpResult {
	const { store, actor, device } = ctx;
	const opId = isJsonObject(raw) && typeof raw['id'] === 'string' ? raw['id'] : '';
	if (opId) {
		const receipt = store.getReceipt(opId);
		if (receipt) return replay(raw as { [key: string]: unknown }, opId, receipt, ctx);
	}
	const result = decide(raw, ctx);
	if (opId) {
		const op = raw as Op;
		store.putReceipt(opId, {
			user: actor.id,
			device,
			collection: typeof op.collection === 'string' ? op.collection : '',
			record: typeof op.record === 'string' ? op.record : '',
			result: withoutRecord(result)
		});
	}
	if (result.record)
		ctx.answers.push({ result, key: keyOf((raw as Op).collection, (raw as Op).record) });
	return result;
}

/**
 * A replay gets exactly the answer the op first got (CONVENTIONS 16): a
 * rejected op stays rejected with its code and reason; `duplicate` means it
 * was applied before. Only the receipt's owner (user and device) is answered
 * from it: another's op under a taken id is refused (`op_id_taken`), neither
 * answered from nor dropped by a colleague's receipt, and writes nothing (the
 * id stays its first owner's). The answer carries a record only when the
 * replay names the record the receipt was for and the caller may still read
 * it, so a replay with another `collection`/`record` reads nothing.
 */
function replay(
	raw: { [key: string]: unknown },
	opId: string,
	receipt: Receipt,
	ctx: PushContext
): OpResult {
	if (receipt.user !== ctx.actor.id || receipt.device !== ctx.device) {
		return reject(
			opId,
			'op_id_taken',
			'Another device already sent a change under this id. Discard this change and make it again.'
		);
	}
	const first = receipt.result;
	const result: OpResult = {
		id: opId,
		status: first.status === 'applied' ? 'duplicate' : first.status
	};
	if (first.code !== undefined) result.code = first.code;
	if (first.reason !== undefined) result.reason = first.reason;
	if (first.clamped !== undefined) result.clamped = first.clamped;
	const collection = raw['collection'];
	const record = raw['record'];
	if (
		result.status !== 'rejected' &&
		isSyncedCollection(collection) &&
		isRecordId(record) &&
		collection === receipt.collection &&
		record === receipt.record
	) {
		const rec = current(ctx, collection, record);
		if (rec && mayRead(collection, rec, ctx.actor, ctx.store))
			ctx.answers.push({ result, key: keyOf(collection, record) });
	}
	return result;
}

/** Whether `actor` may read a record (the pull scope of pb_hooks/sync/store.js). */
function mayRead(
	collection: SyncedCollection,
	rec: WireRecord,
	actor: Actor,
	store: ServerStore
): boolean {
	if (collection === 'conflicts') return rec['user'] === actor.id;
	if (actor.role === 'coordinator') return true;
	switch (collection) {
		case 'classes':
			return store.teaches(actor.id, rec.id);
		case 'students':
			return store.studentTaughtBy(rec.id, actor.id);
		case 'results':
		case 'attempts':
		case 'observations':
			return store.teaches(actor.id, str(rec['class']));
		default:
			return true;
	}
}

/**
 * After every op: derives each changed result once (and the results whose
 * attempts changed), gives each changed record its seq, writes it, and puts
 * the final records into the answers.
 */
function finish(ctx: PushContext): void {
	const { store } = ctx;
	const rederive: string[] = [];
	const students: string[] = [];
	ctx.touched.forEach((t) => {
		const rec = ctx.records.get(keyOf(t.collection, t.id)) as WireRecord;
		if (t.collection === 'results') {
			rederive.push(t.id);
			students.push(str(rec['student']));
		} else if (t.collection === 'attempts') {
			students.push(str(rec['student']));
			// A new (or withdrawn) attempt changes its class's result's best time, if the result exists.
			const id = ctx.resultId(
				str(rec['student']),
				str(rec['class']),
				str(rec['assessment']),
				str(rec['period'])
			);
			if (!ctx.touched.has(keyOf('results', id)) && rederive.indexOf(id) < 0) rederive.push(id);
		}
	});
	if (rederive.length > 0 && store.prefetchAttempts) store.prefetchAttempts(students);
	for (const id of rederive) {
		const key = keyOf('results', id);
		const rec = current(ctx, 'results', id);
		if (!rec) continue;
		const lookup = assessmentById(str(rec['assessment']), ctx);
		if (!lookup || !lookup.ok) continue;
		const t = ctx.touched.get(key);
		// A record this batch changed is our own working copy: derived in place.
		const before = DERIVED.map((path) => valueOf(rec, path));
		const next = derive(rec, lookup.assessment, ctx, t !== undefined);
		const moved = DERIVED.filter((path, i) => !jsonEqual(before[i] ?? null, valueOf(next, path)));
		if (t) {
			const audit = ctx.audits[t.audit] as AuditEntry;
			for (const path of moved)
				audit.changes[path] = [before[DERIVED.indexOf(path)] ?? null, valueOf(next, path)];
		} else if (moved.length === 0) continue;
		else ctx.touched.set(key, { collection: 'results', id, audit: -1 });
		ctx.records.set(key, next);
	}
	// Records go out in working key order: key order means nothing to SQLite
	// or to a device's JSON.parse, and sorting them cost a quarter of a push.
	ctx.touched.forEach((t, key) => {
		const rec = ctx.records.get(key) as WireRecord;
		rec.seq = store.nextSeq();
		store.putRecord(t.collection, rec);
	});
	for (const a of ctx.answers) {
		const rec = ctx.records.get(a.key);
		if (rec) a.result.record = rec;
	}
}

const DERIVED = ['total', 'level', 'best_time'];

function withoutRecord(result: OpResult): OpResult {
	const rest: OpResult = { id: result.id, status: result.status };
	if (result.code !== undefined) rest.code = result.code;
	if (result.reason !== undefined) rest.reason = result.reason;
	if (result.clamped !== undefined) rest.clamped = result.clamped;
	return rest;
}

function decide(raw: unknown, ctx: PushContext): OpResult {
	const { store, actor, device } = ctx;
	// Load what validation needs from the database; validateOp then checks
	// everything (its first checks repeat these, with a teacher's words).
	const op = raw as unknown as Op;
	const addressable =
		isJsonObject(raw) && isSyncedCollection(op.collection) && isRecordId(op.record);
	if (!addressable) {
		const shape = validateOp(raw, { device });
		return shape.ok
			? reject(opIdOf(raw), 'malformed', 'The change could not be read.')
			: reject(opIdOf(raw), shape.code, shape.reason);
	}
	const existing = current(ctx, op.collection, op.record);
	// A record of a class the teacher does not teach is refused before validation,
	// whose answers (immutable_field…) would show what that record holds.
	if (
		existing &&
		CLASS_RECORDS.indexOf(op.collection) >= 0 &&
		!store.teaches(actor.id, str(existing['class']))
	) {
		return reject(op.id, NOT_YOUR_CLASS.code, NOT_YOUR_CLASS.reason);
	}
	const assessment = assessmentFor(op, existing, ctx);
	if (assessment && !assessment.ok) return reject(op.id, assessment.code, assessment.reason);
	const gone = deletedParent(op, existing, ctx);
	if (gone) return reject(op.id, gone.code, gone.reason);
	// (Objects built field by field on this path: the bundle's lowered object
	// spread is slow on PocketBase's interpreter, and this runs per op.)
	const vctx: ValidateContext = { device, existing, resultId: ctx.resultId };
	if (assessment) vctx.assessment = assessment.assessment;
	const valid = validateOp(op, vctx);
	if (!valid.ok) return reject(op.id, valid.code, valid.reason);

	const fields: Record<string, Json> = {};
	for (const path of Object.keys(op.fields)) fields[path] = op.fields[path] as Json;
	const denied = authorize(op.collection, op.record, fields, existing, actor, ctx);
	if (denied) return reject(op.id, denied.code, denied.reason);

	const now = store.now();
	// Through the server's clock, so clamped edits of one device keep their order.
	const clamp = clampThroughHlc(ctx.hlc, op.stamp, now, CLOCK_MAX_AHEAD_MS);
	ctx.hlc = clamp.state;

	const schema = SCHEMAS[op.collection];
	// Kept in working key order (see finish).
	// A record an earlier op of this batch changed is our own working copy:
	// merged in place. What the audit needs of its old state is kept first.
	const key = keyOf(op.collection, op.record);
	const owned = existing !== null && ctx.touched.has(key);
	const paths = Object.keys(fields);
	if (op.delete === true && paths.indexOf('deleted') < 0) paths.push('deleted');
	const before = existing ? snapshot(existing, paths) : null;
	const clampedOp: Op = {
		id: op.id,
		collection: op.collection,
		record: op.record,
		fields,
		stamp: clamp.stamp,
		base: op.base ?? {}
	};
	if (op.delete !== undefined) clampedOp.delete = op.delete;
	const merged = applyOp(existing ?? undefined, clampedOp, schema, { canonical: false, owned });
	const refused = Object.keys(merged.fieldOutcomes).filter(
		(p) => merged.fieldOutcomes[p] === 'refused'
	);
	if (refused.length > 0) {
		return reject(op.id, 'immutable', `${refused.join(', ')} cannot be changed once recorded.`);
	}

	const record = merged.record;
	const outcomes = Object.keys(merged.fieldOutcomes).map((p) => merged.fieldOutcomes[p]);
	// Every lww loss is reported, in either arrival order: a later edit that
	// overwrote a concurrent one (the stored value lost), and an earlier one
	// arriving after it (this op's value lost: the record does not change, the
	// op is answered `superseded`, and its author still gets the notice). A
	// replay never gets here (answered from its receipt), so one notice per value.
	notifyLosers(op, merged.losers, ctx);
	if (merged.changed) {
		ctx.records.set(key, record);
		ctx.audits.push(auditOf(op, paths, before, record, actor.id, device, merged.losers.length > 0));
		ctx.touched.set(key, {
			collection: op.collection,
			id: op.record,
			audit: ctx.audits.length - 1
		});
	}

	const status =
		outcomes.indexOf('applied') < 0 && outcomes.indexOf('superseded') >= 0
			? 'superseded'
			: 'applied';
	const result: OpResult = { id: op.id, status, record };
	if (clamp.clamped) result.clamped = { from: op.stamp, to: clamp.stamp };
	return result;
}

function opIdOf(raw: unknown): string {
	return isJsonObject(raw) && typeof raw['id'] === 'string' ? raw['id'] : '';
}

/**
 * A result or attempt whose term or assessment the office deleted (a
 * tombstone) takes no more edits: they would vanish from every screen. The
 * op is refused with words the teacher can read, and stays on the device.
 */
function deletedParent(op: Op, existing: WireRecord | null, ctx: PushContext): Denial | null {
	if (op.collection !== 'results' && op.collection !== 'attempts') return null;
	const assessment = ctx.store.getAssessment(
		str(existing?.['assessment'] ?? op.fields['assessment'])
	);
	if (assessment && assessment['deleted'] === true) {
		return {
			code: 'assessment_deleted',
			reason:
				'The school office deleted this assessment, so it takes no more results. Discard this change, or ask the office to restore the assessment.'
		};
	}
	const period = current(ctx, 'periods', str(existing?.['period'] ?? op.fields['period']));
	if (period && period.deleted === true) {
		return {
			code: 'period_deleted',
			reason:
				'The school office deleted this term, so it takes no more results. Discard this change, or ask the office to restore the term.'
		};
	}
	return null;
}

type AssessmentLookup =
	| { ok: true; assessment: Assessment }
	| { ok: false; code: string; reason: string };

/** The assessment a result's or attempt's values are checked against. */
function assessmentFor(
	op: Op,
	existing: WireRecord | null,
	ctx: PushContext
): AssessmentLookup | null {
	if (op.collection !== 'results' && op.collection !== 'attempts') return null;
	const id = existing?.['assessment'] ?? op.fields['assessment'];
	if (typeof id !== 'string' || id === '')
		return {
			ok: false,
			code: 'missing_key',
			reason: 'The change does not say which assessment it belongs to.'
		};
	return (
		assessmentById(id, ctx) ?? {
			ok: false,
			code: 'unknown_assessment',
			reason: 'That assessment does not exist on the school server.'
		}
	);
}

/** An assessment, parsed once per request; null when it does not exist. */
function assessmentById(id: string, ctx: PushContext): AssessmentLookup | null {
	let lookup = ctx.assessments.get(id);
	if (lookup === undefined) {
		const raw = ctx.store.getAssessment(id);
		const parsed = raw ? parseAssessment(raw) : null;
		lookup = !parsed
			? null
			: parsed.ok
				? parsed
				: { ok: false, code: parsed.code, reason: parsed.reason };
		ctx.assessments.set(id, lookup);
	}
	return lookup;
}

interface Denial {
	code: string;
	reason: string;
}

const UNKNOWN_PERIOD: Denial = {
	code: 'unknown_period',
	reason: 'That term or period does not exist on the school server.'
};
const NOT_YOUR_CLASS: Denial = {
	code: 'not_your_class',
	reason: 'You do not teach this class, so you cannot record results for it.'
};

/** Who may write what; mirrors the API rules in pb_migrations. May fill in `by`. */
function authorize(
	collection: SyncedCollection,
	recordId: string,
	fields: Record<string, Json>,
	existing: WireRecord | null,
	actor: Actor,
	ctx: PushContext
): Denial | null {
	const { store } = ctx;
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
				if (recordId !== ctx.resultId(student, classId, pick('assessment'), pick('period'))) {
					return {
						code: 'bad_record_id',
						reason: 'The result id does not match its student, class, assessment and period.'
					};
				}
				// Records are written with SQL, not PocketBase's save: relations are checked here.
				if (!current(ctx, 'periods', pick('period'))) return UNKNOWN_PERIOD;
			}
			return null;
		}
		case 'observations': {
			const classId = pick('class');
			if (!store.teaches(actor.id, classId)) return NOT_YOUR_CLASS;
			if (!existing && !store.studentInClass(pick('student'), classId)) {
				return { code: 'not_in_class', reason: 'That student is not in this class.' };
			}
			// Only its author removes or changes a note (the office does in the admin UI).
			if (existing && existing['by'] !== actor.id) {
				return {
					code: 'not_author',
					reason: 'Only the teacher who wrote this note can remove it.'
				};
			}
			return claimAuthor(fields, existing, actor);
		}
		case 'attempts': {
			// An attempt belongs to the class it was timed in, like its result:
			// another class's teacher neither adds to nor withdraws from it.
			const classId = pick('class');
			if (!store.teaches(actor.id, classId)) return NOT_YOUR_CLASS;
			if (!existing) {
				if (!store.studentInClass(pick('student'), classId)) {
					return { code: 'not_in_class', reason: 'That student is not in this class.' };
				}
				if (!current(ctx, 'periods', pick('period'))) return UNKNOWN_PERIOD;
			}
			return claimAuthor(fields, existing, actor);
		}
		case 'conflicts':
			if (!existing || existing['user'] !== actor.id) {
				return { code: 'not_yours', reason: 'That conflict notice belongs to another teacher.' };
			}
			return null;
		default:
			return {
				code: 'read_only',
				reason: `The school office manages ${collection} in the admin UI.`
			};
	}
}

/** A new attempt or observation is by the signed-in teacher, whatever the device says. */
function claimAuthor(
	fields: Record<string, Json>,
	existing: WireRecord | null,
	actor: Actor
): Denial | null {
	if (existing) return null;
	if (fields['by'] !== undefined && fields['by'] !== actor.id) {
		return {
			code: 'wrong_author',
			reason: 'A note or attempt can only be recorded in your own name.'
		};
	}
	fields['by'] = actor.id;
	return null;
}

function serverStamp(ctx: PushContext): string {
	const next = hlcNow(ctx.hlc, ctx.store.now());
	ctx.hlc = next.state;
	return next.stamp;
}

/** Recomputes total, level and best_time of a result (`owned`: in place). */
function derive(
	record: WireRecord,
	assessment: Assessment,
	ctx: PushContext,
	owned: boolean
): WireRecord {
	const values = isJsonObject(record['values'])
		? (record['values'] as { [key: string]: Json })
		: null;
	const seconds = attemptSeconds(
		str(record['student']),
		str(record['class']),
		assessment.id,
		str(record['period']),
		ctx
	);
	const derived = deriveResult(assessment, values, seconds);
	const fields = { total: derived.total, level: derived.level, best_time: derived.best_time };
	return setServerFields(record, fields, serverStamp(ctx), { canonical: false, owned });
}

/** Seconds of the live attempts of a result's key (its class's only): the stored ones, as this batch left them. */
function attemptSeconds(
	student: string,
	cls: string,
	assessment: string,
	period: string,
	ctx: PushContext
): number[] {
	const live: LiveAttempt[] = ctx.store
		.liveAttempts(student, cls, assessment, period)
		.filter((a) => !ctx.touched.has(keyOf('attempts', a.id)));
	const seconds = live.map((a) => a.seconds);
	if (!ctx.touchedAttempts) {
		ctx.touchedAttempts = [];
		ctx.touched.forEach((t, key) => {
			if (t.collection === 'attempts') ctx.touchedAttempts?.push(key);
		});
	}
	ctx.touchedAttempts.forEach((key) => {
		const a = ctx.records.get(key) as WireRecord;
		if (
			a.deleted !== true &&
			a['student'] === student &&
			a['class'] === cls &&
			a['assessment'] === assessment &&
			a['period'] === period &&
			typeof a['seconds'] === 'number'
		) {
			seconds.push(a['seconds']);
		}
	});
	return seconds;
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
			{
				user,
				collection: op.collection,
				record: op.record,
				field: loser.path,
				mine: loser.mine,
				theirs: loser.theirs,
				theirs_by: winner,
				at: store.now()
			},
			store.nextSeq(),
			serverStamp(ctx)
		);
	}
}

/** The stamps and values of `paths` in a record, before an op changes them. */
interface Snapshot {
	stamps: Record<string, string | undefined>;
	values: Record<string, Json>;
}

function snapshot(record: WireRecord, paths: string[]): Snapshot {
	const snap: Snapshot = { stamps: {}, values: {} };
	for (const path of paths) {
		snap.stamps[path] = record.stamps[path];
		snap.values[path] = valueOf(record, path);
	}
	return snap;
}

// An op changes the stamps of its own paths only, so those are all the audit looks at.
function auditOf(
	op: Op,
	paths: string[],
	before: Snapshot | null,
	after: WireRecord,
	user: string,
	device: string,
	conflict: boolean
): AuditEntry {
	const changes: Record<string, [Json, Json]> = {};
	for (const path of paths.slice().sort()) {
		const stamp = after.stamps[path];
		if (stamp === undefined || (before && before.stamps[path] === stamp)) continue;
		changes[path] = [before ? (before.values[path] ?? null) : null, valueOf(after, path)];
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
	return isJsonObject(parent)
		? ((parent as { [k: string]: Json })[path.slice(dot + 1)] ?? null)
		: null;
}
