/**
 * What a grid cell shows and what typing into it means, per assessment kind.
 * Plain functions (no Svelte), so the grid, bulk entry and print share them
 * and unit tests can pin them down. Validation itself is not here: typed text
 * becomes a value, and `validateComponentValue` (the server's own check)
 * decides whether it is acceptable and says why not.
 */
import { CHECKLIST_WORDS } from '$lib/app/values';
import {
	componentMax,
	componentScale,
	type Assessment,
	type AssessmentComponent,
	type AssessmentKind
} from '$lib/domain/assessment';
import { cycleChecklist, DEMONSTRATED, NOT_YET } from '$lib/domain/checklist';
import type { Json } from '$lib/sync/core/types';

export { DEMONSTRATED, NOT_YET };

/** A component's value as the replica holds it; absent and null both mean "empty". */
export type CellValue = Json | undefined;

/** True for a cell with nothing in it ("not observed", "not scored"). */
export function isEmpty(v: CellValue): v is null | undefined {
	return v === undefined || v === null;
}

/** Seconds as a teacher reads them: at most two decimals, no trailing zeros. */
export function formatSeconds(s: number): string {
	return String(Math.round(s * 100) / 100);
}

/** The short text inside a cell (symbols for checklists, as on paper). */
export function cellText(kind: AssessmentKind, v: CellValue): string {
	if (isEmpty(v)) return '';
	switch (kind) {
		case 'checklist':
			return v === DEMONSTRATED ? '✓' : v === NOT_YET ? '✗' : String(v);
		case 'timed':
			return typeof v === 'number' ? formatSeconds(v) : String(v);
		default:
			return typeof v === 'string' ? v : JSON.stringify(v);
	}
}

/** The value in words, for the cell's accessible name ("demonstrated", "2 of 3 points"). */
export function cellWords(
	kind: AssessmentKind,
	component: AssessmentComponent,
	v: CellValue
): string {
	switch (kind) {
		case 'checklist':
			return (
				v === DEMONSTRATED
					? CHECKLIST_WORDS[1]
					: v === NOT_YET
						? CHECKLIST_WORDS[0]
						: CHECKLIST_WORDS.none
			).toLowerCase();
		case 'items':
			return isEmpty(v)
				? 'not scored'
				: `${cellText(kind, v)} of ${componentMax(component)} points`;
		case 'timed':
			return isEmpty(v) ? 'no time' : `${cellText(kind, v)} seconds`;
		case 'grade':
			return isEmpty(v) ? 'not graded' : `grade ${cellText(kind, v)}`;
	}
}

/** Space or a click on a checklist cell: demonstrated → not yet → not observed → demonstrated. */
export const nextChecklistValue = cycleChecklist;

/** A key typed on a checklist cell that sets it directly (1/y/d, 0/n), else undefined. */
export function checklistKeyValue(key: string): Json | undefined {
	const k = key.toLowerCase();
	if (k === '1' || k === 'y' || k === 'd') return DEMONSTRATED;
	if (k === '0' || k === 'n') return NOT_YET;
	return undefined;
}

const NUMBER_PATTERN = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)$/;
const MINUTES_PATTERN = /^(\d+):([0-5]?\d([.,]\d*)?)$/;

function parseNumber(text: string): number | null {
	return NUMBER_PATTERN.test(text) ? Number(text.replace(',', '.')) : null;
}

/**
 * Typed text → the value to save: '' clears (null); numbers for items and
 * times (a time may be `m:ss.s`, a decimal comma is fine); a grade matches
 * its scale whatever the case. Text that fits nothing is returned as it is,
 * so validation refuses it with a reason that quotes it.
 */
export function parseTyped(
	kind: AssessmentKind,
	component: AssessmentComponent,
	raw: string
): Json {
	const text = raw.trim();
	if (text === '') return null;
	switch (kind) {
		case 'checklist': {
			if (text === '✓') return DEMONSTRATED;
			if (text === '✗') return NOT_YET;
			return text.length === 1 ? (checklistKeyValue(text) ?? text) : text;
		}
		case 'items':
			return parseNumber(text) ?? text;
		case 'timed': {
			const m = MINUTES_PATTERN.exec(text);
			if (m) return Number(m[1]) * 60 + Number((m[2] as string).replace(',', '.'));
			return parseNumber(text) ?? text;
		}
		case 'grade': {
			const scale = componentScale(component);
			return scale.find((g) => g.toLowerCase() === text.toLowerCase()) ?? text;
		}
	}
}

/** What the editor starts with when a teacher edits a filled cell. */
export function editText(kind: AssessmentKind, v: CellValue): string {
	if (isEmpty(v)) return '';
	if (kind === 'checklist') return v === DEMONSTRATED ? '1' : v === NOT_YET ? '0' : String(v);
	return cellText(kind, v);
}

/** The values bulk entry offers for a column (timed takes a typed time instead). */
export function bulkChoices(
	kind: AssessmentKind,
	component: AssessmentComponent
): { value: Json; label: string }[] {
	switch (kind) {
		case 'checklist':
			return [
				{ value: DEMONSTRATED, label: '✓ demonstrated' },
				{ value: NOT_YET, label: '✗ not yet' }
			];
		case 'items':
			return Array.from({ length: componentMax(component) + 1 }, (_, i) => ({
				value: i,
				label: `${i} ${i === 1 ? 'point' : 'points'}`
			}));
		case 'grade':
			return componentScale(component).map((g) => ({ value: g, label: g }));
		case 'timed':
			return [];
	}
}

/** The soft keyboard a tablet should show for a kind's editor. */
export function inputModeFor(kind: AssessmentKind): 'decimal' | 'numeric' | 'text' {
	return kind === 'timed' ? 'decimal' : kind === 'items' ? 'numeric' : 'text';
}

/** What a kind's cells take, for the hint under the grid. */
export function entryHint(assessment: Assessment): string {
	switch (assessment.kind) {
		case 'checklist':
			return 'Space or a tap cycles ✓ demonstrated → ✗ not yet → blank (not observed); 1 or 0 set it directly.';
		case 'items':
			return 'Type the points and press Enter; the column heading shows the most each item takes.';
		case 'timed':
			return 'Type a time in seconds (or m:ss) and press Enter; the best time counts.';
		case 'grade': {
			const c = assessment.components[0];
			return `Type a grade (${c ? componentScale(c).join(', ') : ''}) and press Enter.`;
		}
	}
}

/** Lower-case, accent-free text for matching names as people type them. */
export function foldText(s: string): string {
	return s
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase();
}
