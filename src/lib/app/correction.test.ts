import { describe, expect, it } from 'vitest';
import { parseAssessment, type Assessment } from '$lib/domain/assessment';
import {
	changedComponents,
	correctionRows,
	seenValues,
	sendCorrection,
	typedValue
} from './correction';

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

	it('sends only the components the office changed, each with the value it saw', async () => {
		const rows = correctionRows(CATCH, { c1: 1, c2: 0 });
		const changes = changedComponents(rows, { c1: 1, c2: 1 });
		expect(changes).toEqual({ c2: 1 });
		expect(seenValues({ c1: 1, c2: 0 }, { c2: 1, c3: 0 })).toEqual({ c2: 0, c3: null });
		expect(seenValues(null, { c1: 0 })).toEqual({ c1: null });

		const sent: { url: string; init: RequestInit }[] = [];
		const answering =
			(status: number, body: unknown): typeof fetch =>
			async (url, init) => {
				sent.push({ url: String(url), init: init ?? {} });
				return new Response(JSON.stringify(body), { status });
			};
		const key = { student: 's', class: 'c', assessment: 'a', period: 'p' };
		const ok = await sendCorrection(
			'https://school.test',
			'TOKEN',
			key,
			changes,
			{ c1: 1, c2: 0 },
			answering(200, { id: 'r1', values: { c1: 1, c2: 1 } })
		);
		expect(ok).toEqual({ ok: true, record: { id: 'r1', values: { c1: 1, c2: 1 } } });
		expect(sent[0]?.url).toBe('https://school.test/api/office/results/correct');
		expect(JSON.parse(String(sent[0]?.init.body))).toEqual({
			...key,
			changes: { c2: 1 },
			base: { c2: 0 }
		});
		expect((sent[0]?.init.headers as Record<string, string>)['authorization']).toBe('TOKEN');

		const refused = await sendCorrection(
			'',
			'T',
			key,
			changes,
			{},
			answering(409, {
				status: 409,
				message: 'changed since you opened it',
				data: { changed: ['c2'] }
			})
		);
		expect(refused).toEqual({
			ok: false,
			status: 409,
			message: 'changed since you opened it',
			changed: ['c2']
		});
	});
});
