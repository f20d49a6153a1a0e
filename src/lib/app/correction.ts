/**
 * The Office's "Correct a result": a child's result, component by component,
 * as the office reads it, and the office's changes onto the values as the
 * server holds them at the moment of saving. Validation is the server's (the
 * external-edit hook runs the push's rules): a typed value is sent as typed,
 * and a refusal comes back with the server's reason.
 */
import type { Assessment } from '$lib/domain/assessment';
import type { Json } from '$lib/sync/core/types';
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
 * The values to save: the server's values as read just before saving, with
 * only the components the office changed replaced (null removes one), so a
 * teacher's edit of another component since the page was opened is kept.
 */
export function correctedValues(
	fresh: Record<string, Json> | null | undefined,
	changes: Record<string, Json>
): Record<string, Json> {
	const out: Record<string, Json> = { ...(fresh ?? {}) };
	for (const key of Object.keys(changes)) {
		const v = changes[key] as Json;
		if (v === null) delete out[key];
		else out[key] = v;
	}
	return out;
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
