import { describe, expect, it } from 'vitest';
import type { EditResult } from '$lib/sync/client';
import { resultId } from '$lib/sync/core/ids';
import type { FieldPath, Json, WireRecord } from '$lib/sync/core/types';
import type { SyncStatus } from '$lib/sync/replica';
import type { ResultKey } from './data';
import { ResultEdits, editKey, type ResultsPort } from './result-edits.svelte';

const KEY: ResultKey = { student: 's1', class: 'c1', assessment: 'a1', period: 'p1' };
const ID = resultId(KEY.student, KEY.class, KEY.assessment, KEY.period);

interface Call {
	kind: 'edit' | 'fix';
	arg: string;
	fields: Record<FieldPath, Json>;
	answer: (r: EditResult | Error) => void;
}

/**
 * A sync client that holds writes until the test answers them (an answer
 * writes the replica first, as the engine does once the outbox is durable).
 */
function fakeSync() {
	const records = new Map<string, WireRecord>();
	const statuses = new Map<string, SyncStatus>();
	const calls: Call[] = [];
	const write = (fields: Record<FieldPath, Json>) => {
		const rec = records.get(ID) ?? ({ id: ID, values: {} } as unknown as WireRecord);
		const values = { ...(rec['values'] as Record<string, Json>) };
		for (const [p, v] of Object.entries(fields))
			if (p.startsWith('values.')) values[p.slice(7)] = v;
		records.set(ID, { ...rec, values } as WireRecord);
	};
	const held = (kind: Call['kind'], arg: string, fields: Record<FieldPath, Json>) =>
		new Promise<EditResult>((resolve, reject) => {
			calls.push({
				kind,
				arg,
				fields,
				answer: (r) => {
					if (r instanceof Error) return reject(r);
					if (r.ok) write(fields);
					resolve(r);
				}
			});
		});
	const port: ResultsPort = {
		get: (_c, id) => records.get(id),
		status: (_c, id, path) => statuses.get(`${id} ${path}`) ?? { status: 'synced', syncedAt: null },
		edit: (_c, id, fields) => held('edit', id, fields),
		fix: (opId, value, path) => held('fix', opId, { [path ?? '']: value })
	};
	return { port, calls, records, statuses, write };
}

const ok: EditResult = { ok: true, opId: 'op' };
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('ResultEdits', () => {
	it('shows a value at once, says saving until the write is durable, then shows the replica', async () => {
		const { port, calls } = fakeSync();
		const edits = new ResultEdits(port);
		const done = edits.set(KEY, 'c1', 1);
		expect(edits.value(ID, 'c1', undefined)).toBe(1);
		expect(edits.saving(ID, 'c1')).toBe(true);
		expect(calls).toHaveLength(1);
		expect(calls[0]!.fields).toMatchObject({ student: 's1', 'values.c1': 1 });
		calls[0]!.answer(ok);
		await expect(done).resolves.toEqual(ok);
		expect(edits.saving(ID, 'c1')).toBe(false);
		// The replica now holds it; a colleague's later value shows as it arrives.
		expect(edits.value(ID, 'c1', 1)).toBe(1);
		expect(edits.value(ID, 'c1', 0)).toBe(0);
	});

	it('builds quick presses on the last request, not on the value the replica still holds', () => {
		const { port, calls } = fakeSync();
		const edits = new ResultEdits(port);
		void edits.cycle(KEY, 'c1', undefined);
		void edits.cycle(KEY, 'c1', undefined);
		void edits.cycle(KEY, 'c1', undefined);
		expect(calls.map((c) => c.fields['values.c1'])).toEqual([1, 0, null]);
		expect(edits.value(ID, 'c1', undefined)).toBeNull();
	});

	it('an earlier answer does not undo a later request for the same cell', async () => {
		const { port, calls } = fakeSync();
		const edits = new ResultEdits(port);
		const first = edits.set(KEY, 'c1', 1);
		void edits.set(KEY, 'c1', 0);
		calls[0]!.answer(ok);
		await first;
		expect(edits.value(ID, 'c1', 1)).toBe(0);
		expect(edits.saving(ID, 'c1')).toBe(true);
	});

	it('field taps: a mark in one tap, the same mark again clears it', () => {
		const { port, calls } = fakeSync();
		const edits = new ResultEdits(port);
		void edits.tap(KEY, 'c1', undefined, 0);
		void edits.tap(KEY, 'c1', undefined, 0);
		void edits.tap(KEY, 'c1', undefined, 1);
		expect(calls.map((c) => c.fields['values.c1'])).toEqual([0, null, 1]);
	});

	it('writes nothing when the value is the one already shown', async () => {
		const { port, calls } = fakeSync();
		const edits = new ResultEdits(port);
		await expect(edits.set(KEY, 'c1', null)).resolves.toBeNull();
		expect(calls).toHaveLength(0);
	});

	it('fixes the rejected op of a component instead of stacking a new edit', async () => {
		const { port, calls, statuses } = fakeSync();
		statuses.set(`${ID} values.c1`, {
			status: 'rejected',
			syncedAt: null,
			opId: 'bad-op',
			reason: 'nope'
		});
		const edits = new ResultEdits(port);
		const done = edits.set(KEY, 'c1', 1);
		expect(calls.map((c) => [c.kind, c.arg])).toEqual([['fix', 'bad-op']]);
		expect(calls[0]!.fields).toEqual({ 'values.c1': 1 });
		calls[0]!.answer(ok);
		await expect(done).resolves.toEqual(ok);
		// Another component of the same result is an ordinary edit.
		void edits.set(KEY, 'c2', 1);
		expect(calls[1]!.kind).toBe('edit');
	});

	it('a refused write keeps the value on screen with its reason, until edited again or dismissed', async () => {
		const { port, calls } = fakeSync();
		const edits = new ResultEdits(port);
		const done = edits.set(KEY, 'c1', 1);
		calls[0]!.answer({ ok: false, code: 'invalid', reason: 'Not today' });
		await expect(done).resolves.toMatchObject({ ok: false, reason: 'Not today' });
		expect(edits.value(ID, 'c1', undefined)).toBe(1);
		expect(edits.saving(ID, 'c1')).toBe(false);
		expect(edits.error(ID, 'c1')).toBe('Not today');
		// Trying the same value again writes it again.
		void edits.set(KEY, 'c1', 1);
		expect(calls).toHaveLength(2);
		expect(edits.error(ID, 'c1')).toBeNull();
		calls[1]!.answer({ ok: false, code: 'invalid', reason: 'Still not' });
		await flush();
		edits.dismiss(ID, 'c1');
		expect(edits.error(ID, 'c1')).toBeNull();
		expect(edits.value(ID, 'c1', undefined)).toBeUndefined();
	});

	it('a write that throws (the syncing tab did not answer) is an error at the cell, not a silent revert', async () => {
		const { port, calls } = fakeSync();
		const edits = new ResultEdits(port);
		const done = edits.set(KEY, 'c1', 0);
		calls[0]!.answer(new Error('The syncing tab did not answer.'));
		await expect(done).resolves.toMatchObject({ ok: false, code: 'error' });
		expect(edits.value(ID, 'c1', undefined)).toBe(0);
		expect(edits.error(ID, 'c1')).toBe('The syncing tab did not answer.');
	});

	it('keeps showing a saved value until this tab’s replica reads it back (a follower tab)', async () => {
		const { port, calls, records } = fakeSync();
		const edits = new ResultEdits(port);
		// A follower: the answer comes before its replica reloads.
		const done = edits.set(KEY, 'c1', 1);
		const call = calls[0]!;
		const before = records.get(ID);
		call.answer(ok);
		if (before) records.set(ID, before);
		else records.delete(ID);
		await done;
		expect(edits.value(ID, 'c1', undefined)).toBe(1);
		expect(edits.saving(ID, 'c1')).toBe(false);
		// Once the replica moves (to ours, or to a colleague's value), it is shown.
		expect(edits.value(ID, 'c1', 0)).toBe(0);
	});

	it('keys cells by result id and component', () => {
		expect(editKey(ID, 'c1')).toBe(`${ID}/c1`);
	});

	it('a refusal before any write (typed text the device refuses) shows at the cell', () => {
		const { port } = fakeSync();
		const edits = new ResultEdits(port);
		edits.refuse(ID, 'q2', 'takes 0–1 points');
		expect(edits.error(ID, 'q2')).toBe('takes 0–1 points');
		expect(edits.error(ID, 'q1')).toBeNull();
		edits.dismiss(ID, 'q2');
		expect(edits.error(ID, 'q2')).toBeNull();
	});

	it('the next action elsewhere clears refusals, but a failed write keeps its reason', async () => {
		const { port, calls } = fakeSync();
		const edits = new ResultEdits(port);
		edits.refuse(ID, 'q2', 'takes 0–1 points');
		const done = edits.set(KEY, 'q1', 1);
		calls[0]!.answer({ ok: false, code: 'invalid', reason: 'Not today' });
		await done;
		edits.clearRefusals();
		expect(edits.error(ID, 'q2')).toBeNull();
		expect(edits.error(ID, 'q1')).toBe('Not today');
	});
});
