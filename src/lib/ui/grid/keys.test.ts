import { describe, expect, it } from 'vitest';
import { PAGE_ROWS, editorKeyAction, gridKeyAction, type GridPosition } from './keys';

// 25 students; 6 components then Total, Level, Saved.
const at = (r: number, c: number): GridPosition => ({ r, c, rows: 25, cols: 9, components: 6 });
const key = (
	k: string,
	mods: { shift?: boolean; ctrl?: boolean; meta?: boolean; alt?: boolean } = {}
) => ({
	key: k,
	shiftKey: mods.shift === true,
	ctrlKey: mods.ctrl === true,
	metaKey: mods.meta === true,
	altKey: mods.alt === true
});

describe('gridKeyAction: moving', () => {
	it('arrows move one cell', () => {
		expect(gridKeyAction(key('ArrowDown'), at(3, 2), 'checklist', 1)).toEqual({
			kind: 'move',
			r: 4,
			c: 2
		});
		expect(gridKeyAction(key('ArrowUp'), at(3, 2), 'checklist', 1)).toEqual({
			kind: 'move',
			r: 2,
			c: 2
		});
		expect(gridKeyAction(key('ArrowRight'), at(3, 2), 'items', 1)).toEqual({
			kind: 'move',
			r: 3,
			c: 3
		});
		expect(gridKeyAction(key('ArrowLeft'), at(3, 2), 'items', 1)).toEqual({
			kind: 'move',
			r: 3,
			c: 1
		});
	});

	it('stops at every edge', () => {
		expect(gridKeyAction(key('ArrowUp'), at(0, 0), 'checklist', null)).toEqual({
			kind: 'move',
			r: 0,
			c: 0
		});
		expect(gridKeyAction(key('ArrowLeft'), at(0, 0), 'checklist', null)).toEqual({
			kind: 'move',
			r: 0,
			c: 0
		});
		expect(gridKeyAction(key('ArrowDown'), at(24, 8), 'checklist', null)).toEqual({
			kind: 'move',
			r: 24,
			c: 8
		});
		expect(gridKeyAction(key('ArrowRight'), at(24, 8), 'checklist', null)).toEqual({
			kind: 'move',
			r: 24,
			c: 8
		});
		expect(gridKeyAction(key('PageDown'), at(20, 1), 'grade', null)).toEqual({
			kind: 'move',
			r: 24,
			c: 1
		});
		expect(gridKeyAction(key('PageUp'), at(4, 1), 'grade', null)).toEqual({
			kind: 'move',
			r: 0,
			c: 1
		});
	});

	it('PageUp and PageDown move ten rows', () => {
		expect(gridKeyAction(key('PageDown'), at(2, 1), 'items', null)).toEqual({
			kind: 'move',
			r: 2 + PAGE_ROWS,
			c: 1
		});
		expect(gridKeyAction(key('PageUp'), at(14, 1), 'items', null)).toEqual({
			kind: 'move',
			r: 14 - PAGE_ROWS,
			c: 1
		});
	});

	it('Home and End go to the row’s ends; with Ctrl or ⌘ to the grid’s', () => {
		expect(gridKeyAction(key('Home'), at(5, 4), 'checklist', null)).toEqual({
			kind: 'move',
			r: 5,
			c: 0
		});
		expect(gridKeyAction(key('End'), at(5, 4), 'checklist', null)).toEqual({
			kind: 'move',
			r: 5,
			c: 8
		});
		expect(gridKeyAction(key('Home', { ctrl: true }), at(5, 4), 'checklist', null)).toEqual({
			kind: 'move',
			r: 0,
			c: 0
		});
		expect(gridKeyAction(key('End', { meta: true }), at(5, 4), 'checklist', null)).toEqual({
			kind: 'move',
			r: 24,
			c: 8
		});
	});

	it('Tab is left to the browser: the grid is one Tab stop', () => {
		expect(gridKeyAction(key('Tab'), at(1, 1), 'checklist', null)).toEqual({ kind: 'ignore' });
		expect(gridKeyAction(key('Tab', { shift: true }), at(1, 1), 'items', null)).toEqual({
			kind: 'ignore'
		});
	});

	it('Enter on a checklist cell or a read-only column moves down', () => {
		expect(gridKeyAction(key('Enter'), at(1, 1), 'checklist', 1)).toEqual({
			kind: 'move',
			r: 2,
			c: 1
		});
		expect(gridKeyAction(key('Enter'), at(1, 7), 'items', null)).toEqual({
			kind: 'move',
			r: 2,
			c: 7
		});
		expect(gridKeyAction(key('Enter'), at(24, 1), 'checklist', 1)).toEqual({
			kind: 'move',
			r: 24,
			c: 1
		});
	});
});

describe('gridKeyAction: changing a cell', () => {
	it('Space cycles a checklist cell, and opens the editor with the value for other kinds', () => {
		expect(gridKeyAction(key(' '), at(0, 0), 'checklist', null)).toEqual({ kind: 'cycle' });
		expect(gridKeyAction(key(' '), at(0, 0), 'items', 2)).toEqual({ kind: 'edit', text: '2' });
		expect(gridKeyAction(key(' '), at(0, 0), 'timed', 7.25)).toEqual({
			kind: 'edit',
			text: '7.25'
		});
		expect(gridKeyAction(key(' '), at(0, 0), 'grade', undefined)).toEqual({
			kind: 'edit',
			text: ''
		});
	});

	it('Enter and F2 open the editor of a typed kind with its value', () => {
		expect(gridKeyAction(key('Enter'), at(0, 0), 'grade', 'B')).toEqual({
			kind: 'edit',
			text: 'B'
		});
		expect(gridKeyAction(key('F2'), at(0, 0), 'checklist', 1)).toEqual({ kind: 'edit', text: '1' });
	});

	it('digits and letters set a checklist cell directly; others are not the grid’s', () => {
		expect(gridKeyAction(key('1'), at(0, 0), 'checklist', null)).toEqual({ kind: 'set', value: 1 });
		expect(gridKeyAction(key('y'), at(0, 0), 'checklist', null)).toEqual({ kind: 'set', value: 1 });
		expect(gridKeyAction(key('0'), at(0, 0), 'checklist', 1)).toEqual({ kind: 'set', value: 0 });
		expect(gridKeyAction(key('N'), at(0, 0), 'checklist', 1)).toEqual({ kind: 'set', value: 0 });
		expect(gridKeyAction(key('7'), at(0, 0), 'checklist', 1)).toEqual({ kind: 'ignore' });
	});

	it('a typed character opens the editor of a typed kind with that character', () => {
		expect(gridKeyAction(key('3'), at(0, 0), 'items', 1)).toEqual({ kind: 'edit', text: '3' });
		expect(gridKeyAction(key('b'), at(0, 0), 'grade', 'A')).toEqual({ kind: 'edit', text: 'b' });
	});

	it('shortcuts with Ctrl, ⌘ or Alt stay the browser’s', () => {
		expect(gridKeyAction(key('c', { ctrl: true }), at(0, 0), 'items', 1)).toEqual({
			kind: 'ignore'
		});
		expect(gridKeyAction(key('1', { meta: true }), at(0, 0), 'checklist', null)).toEqual({
			kind: 'ignore'
		});
		expect(gridKeyAction(key('1', { alt: true }), at(0, 0), 'checklist', null)).toEqual({
			kind: 'ignore'
		});
		expect(gridKeyAction(key('Shift'), at(0, 0), 'items', null)).toEqual({ kind: 'ignore' });
	});

	it('Delete and Backspace clear a filled cell; on an empty one nothing happens', () => {
		expect(gridKeyAction(key('Delete'), at(0, 0), 'checklist', 0)).toEqual({
			kind: 'set',
			value: null
		});
		expect(gridKeyAction(key('Backspace'), at(0, 0), 'items', 2)).toEqual({
			kind: 'set',
			value: null
		});
		expect(gridKeyAction(key('Delete'), at(0, 0), 'items', null)).toEqual({ kind: 'none' });
		expect(gridKeyAction(key('Backspace'), at(0, 0), 'grade', undefined)).toEqual({ kind: 'none' });
	});

	it('Escape dismisses the cell’s error', () => {
		expect(gridKeyAction(key('Escape'), at(0, 2), 'items', 1)).toEqual({ kind: 'dismiss' });
	});

	it('read-only columns (total, level, saved) take no edits', () => {
		for (const k of [' ', 'Delete', 'Backspace', '1', 'F2', 'Escape'])
			expect(gridKeyAction(key(k), at(0, 6), 'checklist', null)).toEqual({ kind: 'ignore' });
	});
});

describe('editorKeyAction', () => {
	it('Enter saves and moves down, Shift+Enter up', () => {
		expect(editorKeyAction(key('Enter'))).toEqual({ kind: 'commit', dr: 1, dc: 0 });
		expect(editorKeyAction(key('Enter', { shift: true }))).toEqual({
			kind: 'commit',
			dr: -1,
			dc: 0
		});
	});

	it('Tab saves and moves across, Shift+Tab back', () => {
		expect(editorKeyAction(key('Tab'))).toEqual({ kind: 'commit', dr: 0, dc: 1 });
		expect(editorKeyAction(key('Tab', { shift: true }))).toEqual({ kind: 'commit', dr: 0, dc: -1 });
	});

	it('ArrowUp and ArrowDown save and move; Escape cancels; other keys are typing', () => {
		expect(editorKeyAction(key('ArrowUp'))).toEqual({ kind: 'commit', dr: -1, dc: 0 });
		expect(editorKeyAction(key('ArrowDown'))).toEqual({ kind: 'commit', dr: 1, dc: 0 });
		expect(editorKeyAction(key('Escape'))).toEqual({ kind: 'cancel' });
		expect(editorKeyAction(key('ArrowLeft'))).toBeNull();
		expect(editorKeyAction(key('5'))).toBeNull();
		expect(editorKeyAction(key('Backspace'))).toBeNull();
	});
});
