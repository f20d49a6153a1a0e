/**
 * Edits made outside the sync protocol — the admin UI, the REST API — go
 * through the same rules: each changed field is stamped with the server's
 * clock, the record gets a new `seq`, results are derived again, and the edit
 * is audited. Devices then receive it like any other change.
 */
import { jsonEqual } from '../core/json';
import { hlcNow } from '../core/stamp';
import { RESERVED_FIELDS } from '../core/schema';
import type { Json, SyncedCollection, WireRecord } from '../core/types';
import { parseAssessment } from '../../domain/assessment';
import { SCHEMAS } from '../../domain/collections';
import { deriveResult } from '../../domain/scoring';
import type { AuditEntry, ServerStore } from './store';

/** Device ids the server stamps external edits with. */
export const EXTERNAL_DEVICE = 'server';

/** Fields that are the server's or PocketBase's, never stamped as edits. */
const UNSTAMPED = RESERVED_FIELDS.concat(['deleted', 'updated', 'created']);

function flatten(record: WireRecord | null, collection: SyncedCollection): Record<string, Json> {
	const out: Record<string, Json> = {};
	if (!record) return out;
	const nested = SCHEMAS[collection].fields;
	for (const key of Object.keys(record)) {
		if (UNSTAMPED.indexOf(key) >= 0) continue;
		const value = record[key] as Json;
		const spec = nested[key];
		if (spec?.nested && value !== null && typeof value === 'object' && !Array.isArray(value)) {
			for (const sub of Object.keys(value)) out[`${key}.${sub}`] = (value as { [k: string]: Json })[sub] as Json;
			if (Object.keys(value).length === 0) out[key] = value;
		} else out[key] = value;
	}
	return out;
}

export interface ExternalEdit {
	record: WireRecord;
	audit: AuditEntry;
}

/**
 * Stamps an external create or update. `before` is the stored record (null on
 * create), `after` the record as the admin or API client would save it.
 */
export function stampExternalEdit(
	collection: SyncedCollection,
	before: WireRecord | null,
	after: WireRecord,
	store: ServerStore,
	who: { user: string; device: string },
	deleting = false
): ExternalEdit {
	let hlc = store.loadHlc();
	const tick = (): string => {
		const next = hlcNow(hlc, store.now());
		hlc = next.state;
		return next.stamp;
	};
	const stamp = tick();
	const old = flatten(before, collection);
	const now = flatten(after, collection);
	const stamps: Record<string, string> = { ...(before?.stamps ?? {}), ...(after.stamps ?? {}) };
	const changes: Record<string, [Json, Json]> = {};
	for (const path of Object.keys(now)) {
		if (before && jsonEqual(old[path] ?? null, now[path] ?? null)) continue;
		stamps[path] = stamp;
		changes[path] = [old[path] ?? null, now[path] ?? null];
	}
	for (const path of Object.keys(old)) {
		if (!(path in now) && path.indexOf('.') > 0) {
			stamps[path] = stamp; // a component removed in the admin UI
			changes[path] = [old[path] ?? null, null];
		}
	}
	const deleted = deleting ? true : after.deleted === true;
	if (deleted !== (before?.deleted === true)) {
		stamps['deleted'] = stamp;
		changes['deleted'] = [before?.deleted === true, deleted];
	}
	let record: WireRecord = { ...after, deleted, stamps };

	if (collection === 'results') {
		const raw = store.getAssessment(String(record['assessment'] ?? ''));
		const parsed = raw ? parseAssessment(raw) : null;
		if (parsed?.ok) {
			const values = (record['values'] ?? null) as { [key: string]: Json } | null;
			const seconds = store.liveAttempts(String(record['student']), parsed.assessment.id, String(record['period'])).map((a) => a.seconds);
			const derived = deriveResult(parsed.assessment, values, seconds);
			const derivedStamp = tick();
			for (const key of ['total', 'level', 'best_time'] as const) {
				if (!jsonEqual((record[key] ?? null) as Json, derived[key])) {
					record = { ...record, [key]: derived[key], stamps: { ...record.stamps, [key]: derivedStamp } };
				}
			}
		}
	}
	store.saveHlc(hlc);
	record = { ...record, seq: store.nextSeq() };
	return {
		record,
		audit: {
			user: who.user,
			device: who.device,
			collection,
			record: record.id,
			op: deleting ? 'delete' : before ? 'update' : 'create',
			changes,
			conflict: false
		}
	};
}
