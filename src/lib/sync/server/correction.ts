/**
 * The office's "Correct a result" (POST /api/office/results/correct): the
 * components the office changed, each with the value it saw when it opened
 * the result, merged onto the result as it is inside the server's transaction
 * and then through the same door as any office edit (applyExternalEdit: the
 * push's validation, server-clock stamps, derived total and level, an audit
 * entry of what is stored).
 *
 * Why not read-modify-write the whole `values` over REST: the page's copy of
 * the other components is already old when the PATCH arrives, so a teacher's
 * push in between (of another component) looked like "the office changed it
 * back" and was overwritten by a newer stamp. Here the request names only
 * the office's components; nothing else of the result is in it to revert.
 *
 * The same component changed by a teacher meanwhile: refused (409, "changed
 * since you opened it"), nothing stored. The office decided on a value it saw;
 * if that value is no longer there, last-writer-wins would silently drop a
 * teacher's acknowledged edit the office never saw. Refusing says which
 * component, the page reads the result again and shows it, and the office
 * decides with the teacher's value in view (saving again then replaces it
 * knowingly, since it is the value seen). A component that already holds the
 * office's value is no conflict: nothing would be overwritten.
 */
import { isRecordId, resultIdOfKey, resultKey, sha256Hex } from '../core/ids';
import { isJsonObject, jsonEqual } from '../core/json';
import { isValidPath, setPath } from '../core/paths';
import type { Json, WireRecord } from '../core/types';
import { parseAssessment } from '../../domain/assessment';
import { applyExternalEdit, type ExternalEdit } from './external';
import type { ServerStore } from './store';

/** The body of POST /api/office/results/correct. */
export interface CorrectionRequest {
	student: string;
	class: string;
	assessment: string;
	period: string;
	/** Component key → the value to store (null clears it). */
	changes: Record<string, Json>;
	/** Component key → the value the office saw (null: none), for every key of `changes`. */
	base: Record<string, Json>;
}

const KEY_FIELDS = ['student', 'class', 'assessment', 'period'] as const;

/** The body as a correction, or the reason it is not one (a 400). */
export function parseCorrection(
	body: unknown
): { ok: true; request: CorrectionRequest } | { ok: false; reason: string } {
	const shape =
		'Send { "student", "class", "assessment", "period", "changes": { "<component>": value }, "base": { "<component>": the value you saw } }.';
	if (!isJsonObject(body)) return { ok: false, reason: `The body is not a correction. ${shape}` };
	for (const field of KEY_FIELDS) {
		if (!isRecordId(body[field]))
			return { ok: false, reason: `“${field}” must be a record id. ${shape}` };
	}
	const { changes, base } = body;
	if (!isJsonObject(changes) || Object.keys(changes).length === 0)
		return { ok: false, reason: `“changes” must name at least one component. ${shape}` };
	if (!isJsonObject(base))
		return { ok: false, reason: `“base” must give the value you saw of each component. ${shape}` };
	const bad = Object.keys(changes).find((k) => !isValidPath(`values.${k}`));
	if (bad !== undefined)
		return { ok: false, reason: `“${bad}” is not a component key (letters, digits, _ and -).` };
	const unseen = Object.keys(changes).filter((k) => !(k in base));
	if (unseen.length > 0)
		return {
			ok: false,
			reason: `“base” must give the value you saw of each changed component (missing: ${unseen.join(', ')}); null when there was none.`
		};
	return {
		ok: true,
		request: {
			student: body['student'] as string,
			class: body['class'] as string,
			assessment: body['assessment'] as string,
			period: body['period'] as string,
			changes,
			base
		}
	};
}

/** The id of the corrected result: the wire's natural-key id (`hash`: the server's native SHA-256). */
export function correctionResultId(
	request: CorrectionRequest,
	hash: (text: string) => string = sha256Hex
): string {
	return resultIdOfKey(
		resultKey(request.student, request.class, request.assessment, request.period),
		hash
	);
}

export type Correction =
	| (Extract<ExternalEdit, { ok: true }> & { id: string })
	| {
			ok: false;
			/** 409: changed since the office opened it, or deleted; 400: the push's rules refuse it. */
			status: 400 | 409;
			code: string;
			field: string;
			reason: string;
			/** The components that changed since the office opened the result (409). */
			changed: string[];
	  };

/** The labels of components, from the assessment as stored (the keys when it is unknown). */
function labelsOf(store: ServerStore, assessment: string, keys: string[]): string[] {
	const raw = store.getAssessment(assessment);
	const parsed = raw ? parseAssessment(raw) : null;
	return keys.map((k) =>
		parsed?.ok ? (parsed.assessment.components.find((c) => c.key === k)?.label ?? k) : k
	);
}

/**
 * Applies a correction inside the caller's transaction (see the module
 * comment); the caller saves `record`, `derived` and `audit` when ok.
 */
export function applyCorrection(
	request: CorrectionRequest,
	id: string,
	store: ServerStore,
	who: { user: string; device: string }
): Correction {
	const current = store.getRecord('results', id);
	if (current?.deleted === true)
		// Merged onto a tombstone it would be stored and shown nowhere: say so instead.
		return {
			ok: false,
			status: 409,
			code: 'result_deleted',
			field: '',
			changed: [],
			reason:
				'This result was deleted (in the admin UI), so there is nothing here to correct; nothing was saved. A mark the teacher enters for this child again brings it back.'
		};
	const now = current && isJsonObject(current['values']) ? current['values'] : {};
	const changed = Object.keys(request.changes).filter((k) => {
		const stored = (now[k] ?? null) as Json;
		return (
			!jsonEqual(stored, (request.base[k] ?? null) as Json) &&
			!jsonEqual(stored, (request.changes[k] ?? null) as Json)
		);
	});
	if (changed.length > 0) {
		const names = labelsOf(store, request.assessment, changed).map((l) => `“${l}”`);
		return {
			ok: false,
			status: 409,
			code: 'changed_since',
			field: 'values',
			changed,
			reason: `${names.join(', ')} changed since you opened this result (someone saved it meanwhile); nothing was saved. Look at it as it is now, and save again if your correction still stands.`
		};
	}
	let requested: WireRecord;
	if (current) {
		requested = current;
		for (const k of Object.keys(request.changes))
			requested = setPath(requested, `values.${k}`, request.changes[k] as Json);
	} else {
		const values: Record<string, Json> = {};
		for (const k of Object.keys(request.changes)) {
			const v = request.changes[k] as Json;
			if (v !== null) values[k] = v;
		}
		requested = {
			id,
			student: request.student,
			class: request.class,
			assessment: request.assessment,
			period: request.period,
			values,
			stamps: {},
			seq: 0,
			deleted: false
		};
	}
	const loaded = current ?? { id, stamps: {}, seq: 0, deleted: false };
	const edit = applyExternalEdit({ collection: 'results', loaded, requested, current }, store, who);
	if (!edit.ok) return { ...edit, status: 400, changed: [] };
	return { ...edit, id };
}
