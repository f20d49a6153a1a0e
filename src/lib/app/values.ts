/**
 * A result's values in words, and the values a component takes: one place
 * for the grid, field mode, conflicts, reports and the CSV export.
 */
import { componentMax, componentOf, componentScale, type Assessment } from '$lib/domain/assessment';
import type { FieldPath, Json } from '$lib/sync/core/types';

/** The words of a checklist value. */
export const CHECKLIST_WORDS = { 1: 'Demonstrated', 0: 'Not yet', none: 'Not observed' } as const;

/** The component key of a result path (`values.hop_3` → `hop_3`), else null. */
export function componentKeyOf(path: FieldPath): string | null {
	return path.startsWith('values.') ? path.slice('values.'.length) : null;
}

/** A value as a teacher reads it. */
export function valueWords(assessment: Assessment | null, value: Json | undefined): string {
	if (assessment?.kind === 'checklist') {
		return value === 1
			? CHECKLIST_WORDS[1]
			: value === 0
				? CHECKLIST_WORDS[0]
				: CHECKLIST_WORDS.none;
	}
	if (value === undefined || value === null || value === '') return 'Empty';
	if (assessment?.kind === 'timed' && typeof value === 'number') return `${value} s`;
	return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Choices for a component with a fixed set of values; null for typed numbers. */
export function choicesFor(
	assessment: Assessment,
	key: string
): { label: string; value: Json }[] | null {
	const component = componentOf(assessment, key);
	if (!component) return null;
	switch (assessment.kind) {
		case 'checklist':
			return [
				{ label: CHECKLIST_WORDS[1], value: 1 },
				{ label: CHECKLIST_WORDS[0], value: 0 },
				{ label: CHECKLIST_WORDS.none, value: null }
			];
		case 'grade':
			return [
				...componentScale(component).map((g) => ({ label: g, value: g })),
				{ label: 'Empty', value: null }
			];
		case 'items':
			return componentMax(component) <= 10
				? [
						...Array.from({ length: componentMax(component) + 1 }, (_, i) => ({
							label: String(i),
							value: i
						})),
						{ label: 'Empty', value: null }
					]
				: null;
		case 'timed':
			return null;
	}
}
