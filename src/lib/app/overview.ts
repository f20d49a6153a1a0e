/**
 * The coordinator's overview, from the device's replica (works offline):
 * per class and assessment how complete a term is, and per movement skill how
 * the children spread over the levels, with the children behind on it.
 * Children away on the day (a result's status) with nothing entered are
 * counted as away, apart from those not observed.
 * Pure functions over a Reader.
 */
import type { Assessment } from '$lib/domain/assessment';
import {
	assessments,
	classes,
	derivedOf,
	studentsIn,
	type ClassInfo,
	type Reader,
	type StudentInfo
} from './data';
import { resultStatus } from './status';
import { classSummary, type SkillSummary } from './summary';

/** One class × assessment cell: children with a result of the term, of the class's children. */
export interface Completion {
	assessment: Assessment;
	recorded: number;
	/** Children with nothing recorded who were away (absent, injured, excused): not missing. */
	away: number;
	size: number;
}

export interface ClassCompletion {
	class: ClassInfo;
	cells: Completion[];
}

/** Whether a child has anything recorded for the assessment in the term. */
function recorded(
	db: Reader,
	a: Assessment,
	classId: string,
	student: string,
	period: string
): boolean {
	const d = derivedOf(db, a, { student, class: classId, assessment: a.id, period });
	return d.total !== null || d.level !== null || d.best_time !== null;
}

/** Per class (as the replica holds them), per active assessment: how many children have a result. */
export function completion(db: Reader, period: string): ClassCompletion[] {
	const list = assessments(db);
	return classes(db).map((c) => {
		const kids = studentsIn(db, c.id);
		return {
			class: c,
			cells: list.map((a) => {
				let done = 0;
				let away = 0;
				for (const s of kids) {
					if (recorded(db, a, c.id, s.id, period)) done++;
					else if (resultStatus(db, { student: s.id, class: c.id, assessment: a.id, period }))
						away++;
				}
				return { assessment: a, recorded: done, away, size: kids.length };
			})
		};
	});
}

/** How one class's children spread over a skill's levels. */
export interface Spread {
	class: ClassInfo;
	mastery: number;
	nearMastery: number;
	developing: number;
	/** Away on the day with nothing entered, by kind. */
	absent: number;
	injured: number;
	excused: number;
	notObserved: number;
	/** Children not yet at mastery (developing or near), by name: one tap to their report. */
	behind: StudentInfo[];
}

export interface SkillSpread {
	skill: Assessment;
	classes: Spread[];
}

/** Per checklist skill, per class: the mastery distribution of the term (each class's summary). */
export function skillSpread(db: Reader, period: string): SkillSpread[] {
	const skills = assessments(db).filter((a) => a.kind === 'checklist');
	const perClass = classes(db).map((c) => ({ c, rows: classSummary(db, c.id, period, skills) }));
	return skills.map((skill, i) => ({
		skill,
		classes: perClass.map(({ c, rows }) => {
			const kids = (rows[i] as SkillSummary).children;
			return {
				class: c,
				mastery: kids.mastery.length,
				nearMastery: kids.near_mastery.length,
				developing: kids.developing.length,
				absent: kids.absent.length,
				injured: kids.injured.length,
				excused: kids.excused.length,
				notObserved: kids.not_observed.length,
				behind: [...kids.near_mastery, ...kids.developing]
			};
		})
	}));
}
