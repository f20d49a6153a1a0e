/**
 * A checklist component's values and the two ways a teacher steps them: the
 * grid's one target (Space or a click cycles) and field mode's two targets
 * (a tap sets a mark, a tap on the mark already set clears it). One place, so
 * the grid and field mode cannot drift apart.
 */
import type { Json } from '../sync/core/types';

export const DEMONSTRATED = 1;
export const NOT_YET = 0;

/** A stored checklist value: 1 demonstrated, 0 not yet, null not observed. */
export type ChecklistValue = typeof DEMONSTRATED | typeof NOT_YET | null;

/** Any stored value as a checklist value (anything but 1 or 0 is "not observed"). */
export function checklistValueOf(v: Json | undefined): ChecklistValue {
	return v === DEMONSTRATED ? DEMONSTRATED : v === NOT_YET ? NOT_YET : null;
}

/** One target (the grid's Space or click): demonstrated → not yet → not observed → demonstrated. */
export function cycleChecklist(v: Json | undefined): ChecklistValue {
	const now = checklistValueOf(v);
	return now === DEMONSTRATED ? NOT_YET : now === NOT_YET ? null : DEMONSTRATED;
}

/** Two targets (field mode): a tap sets `tapped`; a tap on the value already set clears it. */
export function tapChecklist(
	v: Json | undefined,
	tapped: typeof DEMONSTRATED | typeof NOT_YET
): ChecklistValue {
	return checklistValueOf(v) === tapped ? null : tapped;
}
