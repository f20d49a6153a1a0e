/**
 * The Office's "Correct a result": a child's result, component by component,
 * as the office reads it, and the office's changes sent with the values it
 * saw, for the server to merge inside its transaction. Validation is the
 * server's (src/lib/sync/server/correction.ts runs the push's rules): a typed
 * value is sent as typed, and a refusal comes back with the server's reason.
 */
import type { Assessment } from '$lib/domain/assessment';
import type { Json } from '$lib/sync/core/types';
import type { ResultKey } from './data';
import { choicesFor, valueWords } from './values';

/** One component of the result being corrected. */
export interface CorrectionRow {
	key: string;
	label: string;
	/** The value stored now (undefined: none, "not observed" / empty). */
	current: Json | undefined;
	/** In words, as the grid says it. */
	words: string;
	/** The values to choose from; null when the value is typed (times, items past 10 points). */
	choices: { label: string; value: Json }[] | null;
}

export function correctionRows(
	assessment: Assessment,
	values: Record<string, Json> | null | undefined
): CorrectionRow[] {
	return assessment.components.map((c) => {
		const current = values?.[c.key];
		return {
			key: c.key,
			label: c.label,
			current,
			words: valueWords(assessment, current),
			choices: choicesFor(assessment, c.key)
		};
	});
}

/**
 * A typed value as it is sent: empty clears it (null); a number as a number
 * (a comma taken as the decimal point); anything else as the text itself,
 * for the server to refuse with its reason.
 */
export function typedValue(text: string): Json {
	const t = text.trim();
	if (t === '') return null;
	const n = Number(t.replace(',', '.'));
	return /^-?\d+([.,]\d+)?$/.test(t) && Number.isFinite(n) ? n : t;
}

/**
 * What the office saw of each component it changed (null: none), sent with
 * the changes so the server refuses a component someone changed since.
 */
export function seenValues(
	seen: Record<string, Json> | null | undefined,
	changes: Record<string, Json>
): Record<string, Json> {
	const out: Record<string, Json> = {};
	for (const key of Object.keys(changes)) out[key] = (seen?.[key] ?? null) as Json;
	return out;
}

/** The server's answer to a correction: the result as stored, or its refusal. */
export type CorrectionAnswer =
	| { ok: true; record: Record<string, unknown> & { id: string } }
	| {
			ok: false;
			/** 409: a component changed since the office opened the result; 400: refused by the rules. */
			status: number;
			message: string;
			/** The components that changed since (409). */
			changed: string[];
	  };

/**
 * POST /api/office/results/correct (superusers): only the components the
 * office changed, each with the value it saw, merged by the server inside its
 * transaction, so a teacher's edit of another component meanwhile is kept and
 * one of the same component is not overwritten unseen (a 409 instead).
 */
export async function sendCorrection(
	origin: string,
	token: string,
	key: ResultKey,
	changes: Record<string, Json>,
	seen: Record<string, Json> | null | undefined,
	fetchFn: typeof fetch = fetch
): Promise<CorrectionAnswer> {
	const res = await fetchFn(`${origin}/api/office/results/correct`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: token },
		body: JSON.stringify({ ...key, changes, base: seenValues(seen, changes) })
	});
	const body = (await res.json().catch(() => ({}))) as {
		id?: string;
		message?: string;
		data?: { changed?: unknown };
	};
	if (res.ok && typeof body.id === 'string') return { ok: true, record: { ...body, id: body.id } };
	const changed = body.data?.changed;
	return {
		ok: false,
		status: res.status,
		message: body.message ?? `The server answered ${res.status}.`,
		changed: Array.isArray(changed) ? changed.map(String) : []
	};
}

/** The components whose chosen value differs from the stored one. */
export function changedComponents(
	rows: readonly CorrectionRow[],
	chosen: Record<string, Json>
): Record<string, Json> {
	const out: Record<string, Json> = {};
	for (const row of rows) {
		if (!(row.key in chosen)) continue;
		const v = chosen[row.key] as Json;
		const was = row.current ?? null;
		if (JSON.stringify(v) !== JSON.stringify(was)) out[row.key] = v;
	}
	return out;
}
