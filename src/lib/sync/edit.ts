/**
 * Turning a teacher's edit into an op: the set-once fields a create needs, the
 * base stamps (what the teacher saw), and the same validation the server runs,
 * so most refusals are shown at once instead of after a round trip.
 */
import { parseAssessment, type Assessment } from '../domain/assessment';
import { SCHEMAS } from '../domain/collections';
import { validateOp } from '../domain/validate';
import type { FieldPath, Json, Op, Stamp, SyncedCollection, WireRecord } from './core/types';
import { opPaths } from './outbox';
import type { Replica } from './replica';

export interface EditInput {
	device: string;
	opId: string;
	stamp: Stamp;
	collection: SyncedCollection;
	id: string;
	fields: Record<FieldPath, Json>;
	delete: boolean;
}

/** The op for an edit, or the reason the device refuses it. */
export function buildEdit(
	replica: Replica,
	input: EditInput
): { ok: true; op: Op } | { ok: false; code: string; reason: string } {
	const { collection, id } = input;
	const schema = SCHEMAS[collection];
	const local = replica.get(collection, id);
	const fields: Record<FieldPath, Json> = { ...input.fields };
	// Until the server has confirmed a record, every op on it carries its
	// set-once fields, so any one of them can create it on its own (an earlier
	// op may be rejected, or land in a later batch).
	if (local && !replica.serverRecord(collection, id) && schema.clientCreates) {
		for (const f of Object.keys(schema.fields)) {
			const isSetOnce = schema.fields[f]?.rule === 'immutable';
			if (isSetOnce && local.stamps[f] !== undefined && !(f in fields) && local[f] !== undefined) {
				fields[f] = local[f] as Json;
			}
		}
	}
	const op: Op = { id: input.opId, collection, record: id, fields, stamp: input.stamp, base: {} };
	if (input.delete) op.delete = true;
	for (const p of opPaths(op)) op.base[p] = replica.baseStamp(collection, id, p);

	const assessment = assessmentFor(replica, collection, fields, local);
	const check = validateOp(op, {
		device: input.device,
		existing: local ?? null,
		...(assessment ? { assessment } : {})
	});
	// An assessment this device has not pulled yet: let the server judge.
	if (!check.ok && check.code !== 'unknown_assessment') {
		return { ok: false, code: check.code, reason: check.reason };
	}
	return { ok: true, op };
}

function assessmentFor(
	replica: Replica,
	collection: SyncedCollection,
	fields: Record<FieldPath, Json>,
	local: WireRecord | undefined
): Assessment | undefined {
	if (collection !== 'results' && collection !== 'attempts') return undefined;
	const id = fields['assessment'] ?? local?.['assessment'];
	if (typeof id !== 'string') return undefined;
	const rec = replica.get('assessments', id);
	if (!rec) return undefined;
	const parsed = parseAssessment(rec);
	return parsed.ok ? parsed.assessment : undefined;
}
