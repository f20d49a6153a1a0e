import { describe, expect, it } from 'vitest';
import { markOf, tapMark, valueOfMark } from './field';

describe('tapMark (field mode: a target per mark)', () => {
	it('sets either mark in one tap from not observed', () => {
		expect(tapMark('not_observed', 'demonstrated')).toBe('demonstrated');
		expect(tapMark('not_observed', 'not_yet')).toBe('not_yet');
	});

	it('switches straight between the two marks', () => {
		expect(tapMark('demonstrated', 'not_yet')).toBe('not_yet');
		expect(tapMark('not_yet', 'demonstrated')).toBe('demonstrated');
	});

	it('clears the component when the mark already set is tapped again', () => {
		expect(tapMark('demonstrated', 'demonstrated')).toBe('not_observed');
		expect(tapMark('not_yet', 'not_yet')).toBe('not_observed');
		expect(valueOfMark(tapMark(markOf(0), 'not_yet'))).toBeNull();
	});
});
