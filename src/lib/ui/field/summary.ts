/**
 * A result's derived total, level and best time in words, as field mode and
 * the student report show them.
 */
import { componentMax, type Assessment } from '$lib/domain/assessment';
import { levelLabel, type DerivedResult } from '$lib/domain/scoring';
import { secondsWords } from './field';

/** The most points an assessment's total can reach (checklist: its components). */
export function maxTotal(assessment: Assessment): number {
	if (assessment.kind === 'checklist') return assessment.components.length;
	return assessment.components.reduce((sum, c) => sum + componentMax(c), 0);
}

/** e.g. ["Total 4 of 5", "Near mastery"], ["Best 7.25 s", "Above expected level"]; empty when nothing is entered. */
export function derivedWords(assessment: Assessment, derived: DerivedResult): string[] {
	const out: string[] = [];
	if (assessment.kind === 'timed') {
		if (derived.best_time !== null) out.push(`Best ${secondsWords(derived.best_time)}`);
	} else if (assessment.kind === 'grade') {
		if (derived.level !== null) out.push(`Grade ${derived.level}`);
		return out;
	} else if (derived.total !== null) {
		out.push(`Total ${derived.total} of ${maxTotal(assessment)}`);
	}
	const level = levelLabel(derived.level);
	if (level !== '') out.push(level);
	return out;
}

/** "1 point", "2 points". */
export function pointsWords(n: number): string {
	return `${n} ${n === 1 ? 'point' : 'points'}`;
}
