/**
 * Which assessment and period a class page shows: `?a=<assessment>&p=<period>`
 * in the URL (so a reload, a bookmark or the back button keep them), falling
 * back to the assessment last used in this class on this device (else the
 * first active one) and the current period.
 */
import type { Assessment } from '$lib/domain/assessment';
import { currentPeriod, type PeriodInfo } from './data';

export const ASSESSMENT_PARAM = 'a';
export const PERIOD_PARAM = 'p';

export interface Selection {
	assessment: Assessment | null;
	period: PeriodInfo | null;
	/**
	 * What the URL names that this device does not hold (the office deleted
	 * it, or it has not synced yet): then that part is null, never another one,
	 * so a link to a removed term never shows a different term's marks.
	 */
	gone: 'assessment' | 'period' | null;
}

export function selectionFrom(
	params: URLSearchParams,
	assessments: readonly Assessment[],
	periods: readonly PeriodInfo[],
	now: number,
	/** The assessment last shown for this class on this device (ignored when gone). */
	lastUsed: string | null = null
): Selection {
	const a = params.get(ASSESSMENT_PARAM);
	const p = params.get(PERIOD_PARAM);
	const fallback = assessments.find((x) => x.id === lastUsed) ?? assessments[0] ?? null;
	const assessment = a ? (assessments.find((x) => x.id === a) ?? null) : fallback;
	const period = p ? (periods.find((x) => x.id === p) ?? null) : currentPeriod(periods, now);
	const gone = a && !assessment ? 'assessment' : p && !period ? 'period' : null;
	return { assessment, period, gone };
}

/** The query string for a selection (keeps other parameters). */
export function withSelection(
	params: URLSearchParams,
	change: { assessment?: string; period?: string }
): string {
	const next = new URLSearchParams(params);
	if (change.assessment !== undefined) next.set(ASSESSMENT_PARAM, change.assessment);
	if (change.period !== undefined) next.set(PERIOD_PARAM, change.period);
	return `?${next.toString()}`;
}

const lastUsedKey = (user: string, classId: string) =>
	`markbook.last-assessment.${user}.${classId}`;

/** The assessment this user last had open in this class on this device. */
export function lastUsedAssessment(user: string, classId: string): string | null {
	try {
		return localStorage.getItem(lastUsedKey(user, classId));
	} catch {
		return null; // storage blocked: the first assessment, as before
	}
}

export function rememberAssessment(user: string, classId: string, assessment: string): void {
	try {
		localStorage.setItem(lastUsedKey(user, classId), assessment);
	} catch {
		// storage blocked or full: only the default is lost
	}
}
