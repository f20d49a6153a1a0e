/**
 * Record-level merge, the one function both sides run:
 * - applyOp: the server applying a pushed op, and the device applying its own
 *   edit optimistically;
 * - applyRemote: the device folding a pulled or realtime record into its replica.
 *
 * Both merge field path by field path on `record.stamps`, with the rule of that
 * path, and return records with sorted keys so replicas compare byte for byte.
 */
import { compareJson, isJsonObject, jsonEqual, sortKeys } from './json';
import { mergeField, type FieldState, type MergeOutcome } from './merge';
import { getPath, splitPath } from './paths';
import {
	DELETED_PATH,
	RESERVED_FIELDS,
	ruleForPath,
	type CollectionSchema,
	type MergeRule
} from './schema';
import type { FieldPath, Json, Op, Stamp, WireRecord } from './types';

/**
 * A concurrent edit whose value lost: the editor had not seen the value it
 * replaced (its base stamp differs) and the two values differ. The server turns
 * each into a `conflicts` notice for the teacher whose value lost; the losing
 * device is the device part of `mineStamp`. `mine` is the losing value.
 */
export interface Loser {
	path: FieldPath;
	/** `incoming`: the op's value lost; `current`: the stored value was overwritten. */
	lost: 'incoming' | 'current';
	mine: Json;
	theirs: Json;
	mineStamp: Stamp;
	theirsStamp: Stamp;
}

/** Options of applyOp. */
export interface ApplyOpContext {
	/** The server's change sequence number, set on the record when the op changes it. */
	seq?: number;
	/**
	 * False: leave the record's keys in working order (the caller makes it
	 * canonical once, e.g. the server after a batch's ops on one record). Default true.
	 */
	canonical?: boolean;
	/**
	 * True: `record` is the caller's own working copy (from an earlier
	 * `canonical: false` applyOp), written into in place instead of copied.
	 * The caller must not need its old state afterwards. Default false.
	 */
	owned?: boolean;
}

export interface ApplyOpResult {
	record: WireRecord;
	/** Per field path of the op (including `deleted` for a delete). */
	fieldOutcomes: Record<FieldPath, MergeOutcome>;
	losers: Loser[];
	/** Whether the record differs from the one passed in. */
	changed: boolean;
}

/** An empty, live record: the state before any write. */
export function emptyRecord(id: string): WireRecord {
	return { id, stamps: {}, seq: 0, deleted: false };
}

function valueAt(record: WireRecord, path: FieldPath): Json {
	if (path === DELETED_PATH) return record.deleted === true;
	const v = getPath(record, path);
	return v === undefined ? null : v;
}

/**
 * A private working copy of a record that the merge writes into in place:
 * top-level fields and stamps are copied once, a nested object (`values`) is
 * copied on its first write. The inputs are never mutated. (Copying the whole
 * record for every field written was most of a push's time on PocketBase's
 * interpreter.) Results are made canonical afterwards, which copies again.
 */
interface Draft {
	rec: WireRecord;
	/** Top-level fields whose object value belongs to this draft. */
	own: Set<string>;
}

function shallowCopy<T extends object>(value: T): T {
	const out = {} as { [key: string]: unknown };
	for (const key of Object.keys(value)) out[key] = (value as { [key: string]: unknown })[key];
	return out as T;
}

function draftOf(record: WireRecord): Draft {
	const rec = shallowCopy(record);
	rec.stamps = shallowCopy(record.stamps ?? {});
	return { rec, own: new Set() };
}

/** Writes `value` at `path` with `stamp`, as setPath would (null removes a component). */
function writeValue(draft: Draft, path: FieldPath, value: Json, stamp: Stamp): void {
	const rec = draft.rec as { [key: string]: unknown } & WireRecord;
	if (path === DELETED_PATH) rec.deleted = value === true;
	else {
		const split = splitPath(path);
		if (!split) throw new RangeError(`invalid field path: ${path}`);
		if (split.component === null) {
			if (value === undefined) delete rec[split.field];
			else rec[split.field] = value;
			draft.own.delete(split.field);
		} else {
			const prev = rec[split.field];
			let inner: { [key: string]: Json };
			if (draft.own.has(split.field) && isJsonObject(prev)) inner = prev;
			else {
				inner = isJsonObject(prev) ? shallowCopy(prev) : {};
				rec[split.field] = inner;
				draft.own.add(split.field);
			}
			if (value === null || value === undefined) delete inner[split.component];
			else inner[split.component] = value;
		}
	}
	rec.stamps[path] = stamp;
}

function stampAt(record: WireRecord, path: FieldPath): Stamp | undefined {
	return Object.prototype.hasOwnProperty.call(record.stamps, path)
		? record.stamps[path]
		: undefined;
}

function canonical(record: WireRecord): WireRecord {
	return sortKeys(record);
}

/**
 * Applies one op to a record (undefined: the record does not exist yet).
 * Assumes the op passed validateOp and its stamp was clamped; a path the
 * schema does not know is refused rather than trusted. `op.delete` writes
 * `deleted: true` under the op's stamp: `deleted` is an lww field like any
 * other, so only an explicit `deleted: false` with a larger stamp undeletes.
 */
export function applyOp(
	record: WireRecord | undefined,
	op: Op,
	schema: CollectionSchema,
	ctx: ApplyOpContext = {}
): ApplyOpResult {
	const draft: Draft =
		ctx.owned === true && record
			? { rec: record, own: new Set() }
			: draftOf(record ?? emptyRecord(op.record));
	const rec = draft.rec;
	// Whether some path took a new value or stamp; when none did, the records
	// are compared as canonical text below (the exact test, rarely needed).
	let moved = false;
	const fields: Record<FieldPath, Json> = { ...op.fields };
	if (op.delete === true) fields[DELETED_PATH] = true;
	const fieldOutcomes: Record<FieldPath, MergeOutcome> = {};
	const losers: Loser[] = [];

	for (const path of Object.keys(fields).sort()) {
		const rule = ruleForPath(schema, path);
		if (rule === null || !schema.clientWritable) {
			fieldOutcomes[path] = 'refused';
			continue;
		}
		const curStamp = stampAt(rec, path);
		const current: FieldState | undefined =
			curStamp === undefined ? undefined : { value: valueAt(rec, path), stamp: curStamp };
		const incoming: FieldState = { value: fields[path] as Json, stamp: op.stamp };
		const merged = mergeField(rule, current, incoming);
		fieldOutcomes[path] = merged.outcome;
		if (merged.outcome === 'refused' || merged.stamp === null) continue;
		if (!current || merged.stamp !== current.stamp || !jsonEqual(merged.value, current.value))
			moved = true;
		writeValue(draft, path, merged.value, merged.stamp);

		// Only lww can silently overwrite a teacher's value: min/max/append keep
		// every intent by construction, immutable refuses instead.
		if (rule !== 'lww' || !current) continue;
		const seen = Object.prototype.hasOwnProperty.call(op.base, path) ? op.base[path] : null;
		if (seen === current.stamp || jsonEqual(current.value, incoming.value)) continue;
		if (merged.outcome === 'applied') {
			losers.push({
				path,
				lost: 'current',
				mine: current.value,
				theirs: incoming.value,
				mineStamp: current.stamp,
				theirsStamp: incoming.stamp
			});
		} else if (merged.outcome === 'superseded') {
			losers.push({
				path,
				lost: 'incoming',
				mine: incoming.value,
				theirs: current.value,
				mineStamp: incoming.stamp,
				theirsStamp: current.stamp
			});
		}
	}

	const changed =
		record === undefined ||
		moved ||
		(rec !== record && JSON.stringify(canonical(rec)) !== JSON.stringify(canonical(record)));
	if (changed && ctx.seq !== undefined) rec.seq = ctx.seq;
	return { record: ctx.canonical === false ? rec : canonical(rec), fieldOutcomes, losers, changed };
}

// How a pulled record's stamped path merges on the device: `server` fields are
// the server's to decide, so its stamps order them like lww.
function remoteRule(schema: CollectionSchema, path: FieldPath): MergeRule {
	const rule = ruleForPath(schema, path);
	return rule === null || rule === 'server' ? 'lww' : rule;
}

/**
 * Merges a pulled (or realtime) record into the local one, field path by field
 * path by stamps; `seq` becomes the larger of the two. Symmetric in its two
 * records, so devices converge with the server whatever the order, duplication
 * or delay of pulls. Fields without any stamp (set outside the sync path) are
 * taken from the record with the larger `seq`.
 */
export function applyRemote(
	local: WireRecord | undefined,
	incoming: WireRecord,
	schema: CollectionSchema
): WireRecord {
	if (!local) return applyRemote(emptyRecord(incoming.id), incoming, schema);
	const sides = [local, incoming];
	// Unstamped fields: per field, the value from the larger seq; equal seqs
	// (should mean equal values) fall to the larger canonical text.
	const out: { [key: string]: Json | undefined } = {};
	const keys: string[] = [];
	for (const side of sides) {
		for (const key of Object.keys(side)) {
			if (RESERVED_FIELDS.indexOf(key) < 0 && keys.indexOf(key) < 0 && side[key] !== undefined)
				keys.push(key);
		}
	}
	for (const key of keys) {
		let best: { seq: number; value: Json } | undefined;
		for (const side of sides) {
			const v = side[key];
			if (v === undefined) continue;
			const cand = { seq: side.seq, value: v };
			if (
				!best ||
				cand.seq > best.seq ||
				(cand.seq === best.seq && compareJson(cand.value, best.value) > 0)
			)
				best = cand;
		}
		if (best) out[key] = best.value;
	}
	const rec: WireRecord = {
		...out,
		id: local.id,
		stamps: {},
		seq: Math.max(local.seq, incoming.seq),
		deleted: out['deleted'] === true
	};
	// `rec` and its stamps are new; its nested objects are still the sides'.
	const draft: Draft = { rec, own: new Set() };

	const paths: FieldPath[] = [];
	for (const side of sides) {
		for (const path of Object.keys(side.stamps)) {
			if (paths.indexOf(path) < 0 && splitPath(path) !== null) paths.push(path);
		}
	}
	for (const path of paths.sort()) {
		const states: FieldState[] = [];
		for (const side of sides) {
			const s = stampAt(side, path);
			if (s !== undefined) states.push({ value: valueAt(side, path), stamp: s });
		}
		const a = states[0] as FieldState;
		const merged =
			states.length === 2
				? mergeField(remoteRule(schema, path), a, states[1] as FieldState)
				: { ...a };
		if (merged.stamp !== null) writeValue(draft, path, merged.value, merged.stamp);
	}
	return canonical(rec);
}

/**
 * Sets server-derived fields (total, level, best_time…) after a merge, stamping
 * only those whose value changed, so devices order them like any other field.
 * `ctx` as for applyOp: `owned` writes into `record` itself, `canonical: false`
 * leaves its keys in working order.
 */
export function setServerFields(
	record: WireRecord,
	fields: Record<string, Json>,
	stamp: Stamp,
	ctx: Pick<ApplyOpContext, 'canonical' | 'owned'> = {}
): WireRecord {
	const draft: Draft = ctx.owned === true ? { rec: record, own: new Set() } : draftOf(record);
	for (const key of Object.keys(fields).sort()) {
		const value = fields[key] as Json;
		if (!jsonEqual(draft.rec[key], value)) writeValue(draft, key, value, stamp);
	}
	return ctx.canonical === false ? draft.rec : canonical(draft.rec);
}
