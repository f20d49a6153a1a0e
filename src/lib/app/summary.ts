/**
 * The class summary per movement skill: for one period, how many children
 * of a class are at each level of each checklist assessment, and who they
 * are. Levels are the domain's (deriveResult), so the summary never says
 * something a child's own report would not. A child with nothing entered who
 * was away (absent, injured, excused: the result's status) is counted as
 * away, not as "not observed".
 */
import type { Assessment } from '$lib/domain/assessment';
import {
	LEVEL_DEVELOPING,
	LEVEL_MASTERY,
	LEVEL_NEAR_MASTERY,
	deriveResult
} from '$lib/domain/scoring';
import { statusOf } from '$lib/domain/status';
import { resultOf, studentsIn, valuesOf, type Reader, type StudentInfo } from './data';

/**
 * The summary's columns, in order: the levels, then away on the day (nothing
 * entered, a status set), then "not observed" (nothing entered, no status).
 */
export const SUMMARY_BUCKETS = [
	LEVEL_MASTERY,
	LEVEL_NEAR_MASTERY,
	LEVEL_DEVELOPING,
	'absent',
	'injured',
	'excused',
	'not_observed'
] as const;
export type SummaryBucket = (typeof SUMMARY_BUCKETS)[number];

const LEVELS: readonly string[] = [LEVEL_MASTERY, LEVEL_NEAR_MASTERY, LEVEL_DEVELOPING];

export interface SkillSummary {
	assessment: Assessment;
	/** The children in each bucket, in class order. */
	children: Record<SummaryBucket, StudentInfo[]>;
}

/** One row per checklist assessment (movement skill) of the class, for `period`. */
export function classSummary(
	db: Reader,
	classId: string,
	period: string,
	assessments: readonly Assessment[]
): SkillSummary[] {
	const students = studentsIn(db, classId);
	return assessments
		.filter((a) => a.kind === 'checklist')
		.map((assessment) => {
			const children: Record<SummaryBucket, StudentInfo[]> = {
				mastery: [],
				near_mastery: [],
				developing: [],
				absent: [],
				injured: [],
				excused: [],
				not_observed: []
			};
			for (const s of students) {
				const result = resultOf(db, {
					student: s.id,
					class: classId,
					assessment: assessment.id,
					period
				});
				const level = deriveResult(assessment, valuesOf(result), []).level;
				const bucket: SummaryBucket = LEVELS.includes(level ?? '')
					? (level as SummaryBucket)
					: (statusOf(result?.['status'])?.kind ?? 'not_observed');
				children[bucket].push(s);
			}
			return { assessment, children };
		});
}
