import { describe, expect, test } from 'vitest';
import type { Assessment } from '$lib/domain/assessment';
import type { PeriodInfo } from './data';
import { selectionFrom } from './selection';

const A1 = { id: 'a1', name: 'Catch' } as Assessment;
const A2 = { id: 'a2', name: 'Hop' } as Assessment;
const T1: PeriodInfo = { id: 't1', name: 'Term 1', starts: 0, ends: 100 };
const T2: PeriodInfo = { id: 't2', name: 'Term 2', starts: 101, ends: 200 };
const q = (s: string) => new URLSearchParams(s);

describe('selectionFrom', () => {
	test('takes what the URL names, else the first assessment and the current term', () => {
		expect(selectionFrom(q('a=a2&p=t1'), [A1, A2], [T1, T2], 150)).toEqual({
			assessment: A2,
			period: T1,
			gone: null
		});
		expect(selectionFrom(q(''), [A1, A2], [T1, T2], 150)).toEqual({
			assessment: A1,
			period: T2,
			gone: null
		});
	});

	test('a link to an assessment or term the device no longer holds shows none, never another', () => {
		expect(selectionFrom(q('a=deleted&p=t1'), [A1, A2], [T1, T2], 150)).toMatchObject({
			assessment: null,
			gone: 'assessment'
		});
		expect(selectionFrom(q('a=a1&p=deleted'), [A1, A2], [T1, T2], 150)).toMatchObject({
			assessment: A1,
			period: null,
			gone: 'period'
		});
	});

	test('without one in the URL, the assessment last used in the class, if it still exists', () => {
		expect(selectionFrom(q(''), [A1, A2], [T1, T2], 150, 'a2').assessment).toBe(A2);
		expect(selectionFrom(q(''), [A1, A2], [T1, T2], 150, 'removed').assessment).toBe(A1);
		// The URL wins over the last used one.
		expect(selectionFrom(q('a=a1'), [A1, A2], [T1, T2], 150, 'a2').assessment).toBe(A1);
	});
});
