/**
 * What a key means in the grid: a pure function of the key, the focused cell's
 * position and the assessment's kind (and the cell's value, for the text an
 * editor starts with). The grid only carries the action out, so every binding
 * is unit-tested here (keys.test.ts) rather than through a browser.
 *
 * Bindings (WAI-ARIA grid pattern, plus a spreadsheet's habits):
 * - arrows move one cell; PageUp/PageDown ten rows; Home/End the row's first
 *   and last cell (with Ctrl or ⌘: the grid's first and last cell); moves stop
 *   at the edges;
 * - Tab is not the grid's (one Tab stop: it leaves the grid);
 * - checklist: Space cycles ✓ → ✗ → blank; 1/y/d and 0/n set; Enter moves down;
 * - other kinds: Space, Enter or F2 open the editor with the value; a typed
 *   character opens it with that character;
 * - Delete/Backspace clear a filled cell; Escape dismisses the cell's error.
 * In the editor: Enter saves and moves down (Shift: up), Tab across (Shift:
 * back), ArrowUp/ArrowDown save and move; Escape cancels.
 */
import type { AssessmentKind } from '$lib/domain/assessment';
import type { Json } from '$lib/sync/core/types';
import { checklistKeyValue, editText, isEmpty, type CellValue } from './cells';

/** The key event's parts that matter (a KeyboardEvent has them all). */
export interface KeyPress {
	key: string;
	shiftKey?: boolean;
	ctrlKey?: boolean;
	metaKey?: boolean;
	altKey?: boolean;
}

/** Where focus is: row `r` of `rows`, column `c` of `cols`, the first `components` of them editable. */
export interface GridPosition {
	r: number;
	c: number;
	rows: number;
	cols: number;
	components: number;
}

export type GridAction =
	/** Focus the cell at (r, c), already clamped to the grid. */
	| { kind: 'move'; r: number; c: number }
	/** Checklist: step the cell's value to the next of the cycle. */
	| { kind: 'cycle' }
	/** Set the cell to `value`. */
	| { kind: 'set'; value: Json }
	/** Open the editor on the cell with `text`. */
	| { kind: 'edit'; text: string }
	/** Clear the cell's error. */
	| { kind: 'dismiss' }
	/** The grid handled the key and nothing changes (Delete on an empty cell). */
	| { kind: 'none' }
	/** Not the grid's key: let the browser have it (no preventDefault). */
	| { kind: 'ignore' };

export type EditorAction =
	| { kind: 'cancel' }
	/** Save the editor's text, then move by (dr, dc) if it was accepted. */
	| { kind: 'commit'; dr: number; dc: number };

/** How far PageUp and PageDown move. */
export const PAGE_ROWS = 10;

function moveTo(p: GridPosition, r: number, c: number): GridAction {
	return {
		kind: 'move',
		r: Math.max(0, Math.min(r, p.rows - 1)),
		c: Math.max(0, Math.min(c, p.cols - 1))
	};
}

/** What `press` does on the focused cell at `p` (its value `value`) of an assessment of `kind`. */
export function gridKeyAction(
	press: KeyPress,
	p: GridPosition,
	kind: AssessmentKind,
	value: CellValue
): GridAction {
	const ctrl = press.ctrlKey === true || press.metaKey === true;
	const editable = p.c >= 0 && p.c < p.components;
	switch (press.key) {
		case 'ArrowDown':
			return moveTo(p, p.r + 1, p.c);
		case 'ArrowUp':
			return moveTo(p, p.r - 1, p.c);
		case 'ArrowRight':
			return moveTo(p, p.r, p.c + 1);
		case 'ArrowLeft':
			return moveTo(p, p.r, p.c - 1);
		case 'PageDown':
			return moveTo(p, p.r + PAGE_ROWS, p.c);
		case 'PageUp':
			return moveTo(p, p.r - PAGE_ROWS, p.c);
		case 'Home':
			return moveTo(p, ctrl ? 0 : p.r, 0);
		case 'End':
			return moveTo(p, ctrl ? p.rows - 1 : p.r, p.cols - 1);
		case 'Tab':
			return { kind: 'ignore' };
		case 'Escape':
			return editable ? { kind: 'dismiss' } : { kind: 'ignore' };
		case ' ':
			if (!editable) return { kind: 'ignore' };
			return kind === 'checklist'
				? { kind: 'cycle' }
				: { kind: 'edit', text: editText(kind, value) };
		case 'Enter':
			if (editable && kind !== 'checklist') return { kind: 'edit', text: editText(kind, value) };
			return moveTo(p, p.r + 1, p.c);
		case 'F2':
			return editable ? { kind: 'edit', text: editText(kind, value) } : { kind: 'ignore' };
		case 'Delete':
		case 'Backspace':
			if (!editable) return { kind: 'ignore' };
			return isEmpty(value) ? { kind: 'none' } : { kind: 'set', value: null };
		default: {
			if (!editable || press.key.length !== 1 || ctrl || press.altKey === true)
				return { kind: 'ignore' };
			if (kind !== 'checklist') return { kind: 'edit', text: press.key };
			const set = checklistKeyValue(press.key);
			return set === undefined ? { kind: 'ignore' } : { kind: 'set', value: set };
		}
	}
}

/** What `press` does in a cell's editor; null while typing. */
export function editorKeyAction(press: KeyPress): EditorAction | null {
	const back = press.shiftKey === true;
	switch (press.key) {
		case 'Escape':
			return { kind: 'cancel' };
		case 'Enter':
			return { kind: 'commit', dr: back ? -1 : 1, dc: 0 };
		case 'Tab':
			return { kind: 'commit', dr: 0, dc: back ? -1 : 1 };
		case 'ArrowUp':
			return { kind: 'commit', dr: -1, dc: 0 };
		case 'ArrowDown':
			return { kind: 'commit', dr: 1, dc: 0 };
		default:
			return null;
	}
}
