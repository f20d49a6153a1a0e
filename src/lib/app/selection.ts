/**
 * Which assessment and period a class page shows: `?a=<assessment>&p=<period>`
 * in the URL (so a reload, a bookmark or the back button keep them), falling
 * back to the first active assessment and the current period.
 */
import type { Assessment } from '$lib/domain/assessment';
import { currentPeriod, type PeriodInfo } from './data';

export const ASSESSMENT_PARAM = 'a';
export const PERIOD_PARAM = 'p';

export interface Selection {
	assessment: Assessment | null;
	period: PeriodInfo | null;
}

export function selectionFrom(
	params: URLSearchParams,
	assessments: readonly Assessment[],
	periods: readonly PeriodInfo[],
	now: number
): Selection {
	const a = params.get(ASSESSMENT_PARAM);
	const p = params.get(PERIOD_PARAM);
	return {
		assessment: assessments.find((x) => x.id === a) ?? assessments[0] ?? null,
		period: periods.find((x) => x.id === p) ?? currentPeriod(periods, now)
	};
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
