/**
 * Field mode's rules, apart from its components: what a tap on a checklist
 * toggle does, when a student is fully observed, how a time is written.
 */
import { CHECKLIST_WORDS } from '$lib/app/values';
import type { Assessment } from '$lib/domain/assessment';
import { DEMONSTRATED, NOT_YET, tapChecklist } from '$lib/domain/checklist';
import { withSelection } from '$lib/app/selection';
import type { EditResult } from '$lib/sync/client';
import type { Json } from '$lib/sync/core/types';

/** A checklist component as the teacher sees it. */
export type Mark = 'demonstrated' | 'not_yet' | 'not_observed';

/** The words, glyph and meaning of each mark (never colour alone). */
export const MARKS: Readonly<Record<Mark, { words: string; icon: string }>> = {
	demonstrated: { words: CHECKLIST_WORDS[1], icon: '✓' },
	not_yet: { words: CHECKLIST_WORDS[0], icon: '✗' },
	not_observed: { words: CHECKLIST_WORDS.none, icon: '–' }
};

/** A stored checklist value as a mark: 1 demonstrated, 0 not yet, anything else not observed. */
export function markOf(value: Json | undefined): Mark {
	return value === 1 ? 'demonstrated' : value === 0 ? 'not_yet' : 'not_observed';
}

/** The value a mark is stored as (null clears the component). */
export function valueOfMark(mark: Mark): 1 | 0 | null {
	return mark === 'demonstrated' ? 1 : mark === 'not_yet' ? 0 : null;
}

/**
 * Field mode's two targets: a tap on a mark sets it, a tap on the mark already
 * set clears the component (not observed). Either mark is one tap. The rule
 * is the domain's (`tapChecklist`), in marks.
 */
export function tapMark(current: Mark, tapped: Exclude<Mark, 'not_observed'>): Mark {
	return markOf(
		tapChecklist(valueOfMark(current), tapped === 'demonstrated' ? DEMONSTRATED : NOT_YET)
	);
}

/** Whether one component has a value of its assessment's kind. */
export function isObserved(assessment: Assessment, value: Json | undefined): boolean {
	switch (assessment.kind) {
		case 'checklist':
			return value === 0 || value === 1;
		case 'items':
		case 'timed':
			return typeof value === 'number' && isFinite(value);
		case 'grade':
			return typeof value === 'string' && value !== '';
	}
}

/**
 * Whether every component of a student has a value (auto-advance waits for
 * this). Timed assessments are never "complete": a student runs several trials.
 */
export function isComplete(assessment: Assessment, values: Record<string, Json>): boolean {
	if (assessment.kind === 'timed') return false;
	return assessment.components.every((c) => isObserved(assessment, values[c.key]));
}

/** Seconds as recorded: two decimals (hand timing is not more precise). */
export function roundSeconds(seconds: number): number {
	return Math.round(seconds * 100) / 100;
}

/** "8.40 s". */
export function secondsWords(seconds: number): string {
	return `${seconds.toFixed(2)} s`;
}

/** A date as PocketBase writes it ("2026-03-03 10:15:00.000Z"), so attempts sort as text. */
export function pocketBaseDate(ms: number): string {
	return new Date(ms).toISOString().replace('T', ' ');
}

/** Field mode's student in the URL (`?s=`), beside the assessment and period. */
export const STUDENT_PARAM = 's';

/** The query string showing `studentId` (and any assessment or period change); keeps the rest. */
export function withStudent(
	params: URLSearchParams,
	studentId: string,
	change: { assessment?: string; period?: string } = {}
): string {
	const next = new URLSearchParams(withSelection(params, change));
	next.set(STUDENT_PARAM, studentId);
	return `?${next.toString()}`;
}

/**
 * Runs an edit and turns a thrown error (e.g. the syncing tab did not answer)
 * into a refusal the page shows, so a tap never fails silently.
 */
export async function editSafely(run: () => Promise<EditResult>): Promise<EditResult> {
	try {
		return await run();
	} catch (e) {
		return { ok: false, code: 'error', reason: e instanceof Error ? e.message : String(e) };
	}
}
