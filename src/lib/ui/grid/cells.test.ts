import { describe, expect, it } from 'vitest';
import type { AssessmentComponent } from '$lib/domain/assessment';
import { cellText, cellWords, nextChecklistValue, parseTyped } from './cells';

const item: AssessmentComponent = { key: 'q1', label: 'Item 1', max: 3 };
const grade: AssessmentComponent = { key: 'grade', label: 'Grade', scale: ['A', 'B', 'C'] };

describe('grid cells', () => {
	it('a checklist cell cycles demonstrated → not yet → not observed → demonstrated', () => {
		expect(nextChecklistValue(undefined)).toBe(1);
		expect(nextChecklistValue(1)).toBe(0);
		expect(nextChecklistValue(0)).toBe(null);
		expect(nextChecklistValue(null)).toBe(1);
	});

	it('names values in words for screen readers', () => {
		expect(cellWords('checklist', item, 1)).toBe('demonstrated');
		expect(cellWords('checklist', item, null)).toBe('not observed');
		expect(cellWords('items', item, 2)).toBe('2 of 3 points');
		expect(cellWords('grade', grade, 'B')).toBe('grade B');
		expect(cellText('checklist', 0)).toBe('✗');
	});

	it('typed text becomes a value; what fits nothing is kept for validation to refuse', () => {
		expect(parseTyped('items', item, ' 2 ')).toBe(2);
		expect(parseTyped('items', item, '')).toBe(null);
		expect(parseTyped('items', item, 'two')).toBe('two');
		expect(parseTyped('timed', item, '7,85')).toBe(7.85);
		expect(parseTyped('timed', item, '1:05.5')).toBe(65.5);
		expect(parseTyped('grade', grade, 'b')).toBe('B');
		expect(parseTyped('grade', grade, 'Z')).toBe('Z');
	});
});
