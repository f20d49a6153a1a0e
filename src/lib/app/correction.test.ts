import { describe, expect, it } from 'vitest';
import { parseAssessment, type Assessment } from '$lib/domain/assessment';
import { changedComponents, correctedValues, correctionRows, typedValue } from './correction';

function assessment(raw: Record<string, unknown>): Assessment {
	const parsed = parseAssessment({ id: 'a1', name: 'Test', framework: 'X', ...raw });
	if (!parsed.ok) throw new Error(parsed.reason);
	return parsed.assessment;
}

const CATCH = assessment({
	kind: 'checklist',
	components: [
		{ key: 'c1', label: 'Eyes on the ball' },
		{ key: 'c2', label: 'Hands meet it' }
	]
});
const SPRINT = assessment({ kind: 'timed', components: [{ key: 'time', label: 'Time (s)' }] });

describe('correcting a result in the Office', () => {
	it('lists every component with its label, value in words and choices', () => {
		const rows = correctionRows(CATCH, { c1: 1 });
		expect(rows.map((r) => [r.key, r.label, r.words])).toEqual([
			['c1', 'Eyes on the ball', 'Demonstrated'],
			['c2', 'Hands meet it', 'Not observed']
		]);
		expect(rows[0]?.choices?.map((c) => c.value)).toEqual([1, 0, null]);
		expect(correctionRows(SPRINT, null)[0]).toMatchObject({ choices: null, words: 'Empty' });
	});

	it('sends a typed time as a number, empty as cleared, and anything else as typed for the server to judge', () => {
		expect(typedValue(' 7.42 ')).toBe(7.42);
		expect(typedValue('7,4')).toBe(7.4);
		expect(typedValue('')).toBeNull();
		expect(typedValue('abc')).toBe('abc');
		expect(typedValue('1e3')).toBe('1e3');
	});

	it('changes only the components the office changed, onto the values as the server holds them now', () => {
		const rows = correctionRows(CATCH, { c1: 1, c2: 0 });
		const changes = changedComponents(rows, { c1: 1, c2: 1 });
		expect(changes).toEqual({ c2: 1 });
		// A teacher ticked c3 since the page was read: it stays.
		expect(correctedValues({ c1: 1, c2: 0, c3: 1 }, changes)).toEqual({ c1: 1, c2: 1, c3: 1 });
		expect(correctedValues({ c1: 1, c2: 0 }, { c1: null })).toEqual({ c2: 0 });
		expect(correctedValues(null, { c1: 0 })).toEqual({ c1: 0 });
	});
});
