/**
 * The coordinator's overview, from the device's replica (works offline):
 * per class and assessment how complete a term is, and per movement skill how
 * the children spread over the levels, with the children behind on it.
 * Pure functions over a Reader.
 */
import type { Assessment } from '$lib/domain/assessment';
import { LEVEL_MASTERY, LEVEL_NEAR_MASTERY } from '$lib/domain/scoring';
import {
	assessments,
	classes,
	derivedOf,
	studentsIn,
	type ClassInfo,
	type Reader,
	type StudentInfo
} from './data';

/** One class × assessment cell: children with a result of the term, of the class's children. */
export interface Completion {
	assessment: Assessment;
	recorded: number;
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
			cells: list.map((a) => ({
				assessment: a,
				recorded: kids.filter((s) => recorded(db, a, c.id, s.id, period)).length,
				size: kids.length
			}))
		};
	});
}

/** How one class's children spread over a skill's levels. */
export interface Spread {
	class: ClassInfo;
	mastery: number;
	nearMastery: number;
	developing: number;
	notObserved: number;
	/** Children not yet at mastery (developing or near), by name: one tap to their report. */
	behind: StudentInfo[];
}

export interface SkillSpread {
	skill: Assessment;
	classes: Spread[];
}

/** Per checklist skill, per class: the mastery distribution of the term. */
export function skillSpread(db: Reader, period: string): SkillSpread[] {
	const skills = assessments(db).filter((a) => a.kind === 'checklist');
	const all = classes(db);
	return skills.map((skill) => ({
		skill,
		classes: all.map((c) => {
			const spread: Spread = {
				class: c,
				mastery: 0,
				nearMastery: 0,
				developing: 0,
				notObserved: 0,
				behind: []
			};
			for (const s of studentsIn(db, c.id)) {
				const level = derivedOf(db, skill, {
					student: s.id,
					class: c.id,
					assessment: skill.id,
					period
				}).level;
				if (level === null) spread.notObserved++;
				else if (level === LEVEL_MASTERY) spread.mastery++;
				else {
					if (level === LEVEL_NEAR_MASTERY) spread.nearMastery++;
					else spread.developing++;
					spread.behind.push(s);
				}
			}
			return spread;
		})
	}));
}
