/**
 * The class summary per movement skill: for one period, how many children
 * of a class are at each level of each checklist assessment, and who they
 * are. Levels are the domain's (deriveResult), so the summary never says
 * something a child's own report would not.
 */
import type { Assessment } from '$lib/domain/assessment';
import {
	LEVEL_DEVELOPING,
	LEVEL_MASTERY,
	LEVEL_NEAR_MASTERY,
	deriveResult
} from '$lib/domain/scoring';
import { resultOf, studentsIn, valuesOf, type Reader, type StudentInfo } from './data';

/** The summary's columns, in order: the levels, then "not observed" (nothing entered). */
export const SUMMARY_BUCKETS = [
	LEVEL_MASTERY,
	LEVEL_NEAR_MASTERY,
	LEVEL_DEVELOPING,
	'not_observed'
] as const;
export type SummaryBucket = (typeof SUMMARY_BUCKETS)[number];

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
				not_observed: []
			};
			for (const s of students) {
				const values = valuesOf(
					resultOf(db, { student: s.id, class: classId, assessment: assessment.id, period })
				);
				const level = deriveResult(assessment, values, []).level;
				const bucket = (SUMMARY_BUCKETS as readonly string[]).includes(level ?? '')
					? (level as SummaryBucket)
					: 'not_observed';
				children[bucket].push(s);
			}
			return { assessment, children };
		});
}
