import { describe, expect, it } from 'vitest';
import { ChangeFlasher } from './flash';

describe('ChangeFlasher', () => {
	it('flashes a change that did not come from this tab, never the first sight of a cell', () => {
		const f = new ChangeFlasher();
		expect(
			f.observe('s', [
				['a', undefined],
				['b', 1]
			])
		).toEqual([]);
		expect(
			f.observe('s', [
				['a', 1],
				['b', 1],
				['c', 1]
			])
		).toEqual(['a']);
	});

	it('does not flash this tab’s own edit, but flashes a different value that wins over it', () => {
		const f = new ChangeFlasher();
		f.observe('s', [['a', null]]);
		f.expect('a', 1);
		expect(f.observe('s', [['a', 1]])).toEqual([]);
		f.expect('a', 0);
		expect(f.observe('s', [['a', null]])).toEqual(['a']);
	});

	it('a new scope (assessment or period) starts fresh', () => {
		const f = new ChangeFlasher();
		f.observe('s', [['a', 1]]);
		expect(f.observe('t', [['a', 0]])).toEqual([]);
	});
});
