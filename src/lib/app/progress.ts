/**
 * A child's progress across the terms of a year: for one student in one
 * class, each movement skill's (checklist assessment's) level in each period.
 * Levels come from the same derivation the grid and the server use
 * (`derivedOf`); nothing here scores. Pure functions over a Reader.
 */
import type { Assessment } from '$lib/domain/assessment';
import { LEVEL_MASTERY, levelLabel } from '$lib/domain/scoring';
import { assessments, derivedOf, periods, type PeriodInfo, type Reader } from './data';
import { STATUS_WORDS, resultStatus, type AbsenceKind } from './status';

/** What a cell says when nothing is recorded for the skill in the term. */
export const NOT_OBSERVED = 'Not observed';

export interface ProgressCell {
	period: PeriodInfo;
	/** The level code, or null when nothing is recorded. */
	level: string | null;
	/** Away on the day with nothing recorded (the result's status), else null. */
	away: AbsenceKind | null;
	/** The level in words; else "Absent", "Injured" or "Excused"; else NOT_OBSERVED. */
	label: string;
	mastery: boolean;
}

export interface SkillProgress {
	assessment: Assessment;
	/** One cell per period, in the order of `Progress.periods`. */
	cells: ProgressCell[];
}

export interface Progress {
	/** The terms across, in calendar order. */
	periods: PeriodInfo[];
	/** The skills down, in the order `assessments` lists them. */
	skills: SkillProgress[];
}

/** The UTC calendar year a period starts in, or null when its start is unset. */
function yearOf(p: PeriodInfo): number | null {
	return p.starts === null ? null : new Date(p.starts).getUTCFullYear();
}

/**
 * The periods of the school year `period` belongs to (those starting in the
 * same calendar year), in calendar order; all periods when `period` is null or
 * has no start date. Periods without a start date are kept: they cannot be
 * placed in another year.
 */
export function yearPeriods(list: readonly PeriodInfo[], period: PeriodInfo | null): PeriodInfo[] {
	const year = period ? yearOf(period) : null;
	if (year === null) return [...list];
	return list.filter((p) => {
		const y = yearOf(p);
		return y === null || y === year;
	});
}

/**
 * Each active checklist skill's level for `student` in `classId`, in each
 * period of the school year of `period` (all periods when null).
 */
export function progressOf(
	db: Reader,
	student: string,
	classId: string,
	period: PeriodInfo | null = null
): Progress {
	const terms = yearPeriods(periods(db), period);
	const skills = assessments(db)
		.filter((a) => a.kind === 'checklist')
		.map((a) => ({
			assessment: a,
			cells: terms.map((p) => {
				const key = { student, class: classId, assessment: a.id, period: p.id };
				const { level } = derivedOf(db, a, key);
				const away = level === null ? (resultStatus(db, key)?.kind ?? null) : null;
				return {
					period: p,
					level,
					away,
					label:
						level !== null ? levelLabel(level) : away !== null ? STATUS_WORDS[away] : NOT_OBSERVED,
					mastery: level === LEVEL_MASTERY
				};
			})
		}));
	return { periods: terms, skills };
}
