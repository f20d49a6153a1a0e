import { describe, expect, it } from 'vitest';
import { HOP } from '$lib/domain/fixtures.test-helpers';
import { validateOp } from '$lib/domain/validate';
import { formatStamp } from '$lib/sync/core/stamp';
import type { Json, Op, SyncedCollection, WireRecord } from '$lib/sync/core/types';
import { describeEdit, mainPath, shown } from './conflicts';
import type { Reader } from './data';
import {
	dayOf,
	chosenStatus,
	saveStatus,
	resultStatus,
	statusChoices,
	statusEdit,
	statusPhrase,
	statusValueWords,
	statusWords
} from './status';

const KEY = {
	student: 'stu000000000001',
	class: 'cls000000000001',
	assessment: HOP.id,
	period: 'per000000000001'
};
const rec = (id: string, fields: Record<string, Json>): WireRecord =>
	({ id, stamps: {}, seq: 1, deleted: false, ...fields }) as WireRecord;

function reader(records: Partial<Record<SyncedCollection, WireRecord[]>>): Reader {
	return {
		get: (c, id) => records[c]?.find((r) => r.id === id),
		list: (c, p) => (records[c] ?? []).filter((r) => (p ? p(r) : true))
	};
}

describe('a child’s status, as pages use it', () => {
	it('a kind chosen is set for today; the same kind keeps its day; Present clears it', () => {
		const today = '2026-03-02';
		const absent = chosenStatus(null, 'absent', today);
		expect(absent).toEqual({ kind: 'absent', on: today });
		expect(chosenStatus(absent, 'absent', '2026-03-05')).toEqual({ kind: 'absent', on: today });
		expect(chosenStatus(absent, 'injured', '2026-03-03')).toEqual({
			kind: 'injured',
			on: '2026-03-03'
		});
		expect(chosenStatus(absent, null, today)).toBeNull();
		expect(chosenStatus(null, null, today)).toBeNull();
	});

	it('the edit writes kind and day as one path, and the domain accepts it', () => {
		const edit = statusEdit(KEY, { kind: 'excused', on: '2026-03-02' });
		expect(edit.fields['status']).toEqual({ kind: 'excused', on: '2026-03-02' });
		expect(Object.keys(edit.fields).filter((p) => p.startsWith('status'))).toEqual(['status']);
		const op: Op = {
			id: '0190a1b2-0000-7000-8000-000000000001',
			collection: 'results',
			record: edit.id,
			fields: edit.fields,
			stamp: formatStamp(1_767_225_600_000, 0, 'dev_a'),
			base: {}
		};
		expect(validateOp(op, { assessment: HOP, existing: null })).toEqual({ ok: true });
		expect(statusEdit(KEY, null).fields['status']).toBeNull();
	});

	it('reads the status of a result and says it in words', () => {
		const edit = statusEdit(KEY, { kind: 'injured', on: '2026-03-02' });
		const db = reader({ results: [rec(edit.id, edit.fields)] });
		const status = resultStatus(db, KEY);
		expect(status).toEqual({ kind: 'injured', on: '2026-03-02' });
		expect(statusWords(status)).toBe('Injured');
		expect(statusWords(status, true)).toBe('Injured on 2 Mar 2026');
		expect(statusWords(null)).toBe('Present');
		expect(statusPhrase(status)).toBe('injured on 2 Mar 2026');
		expect(statusPhrase(null)).toBe('present');
		expect(resultStatus(reader({}), KEY)).toBeNull();
	});

	it('a day is the device’s calendar day', () => {
		expect(dayOf(new Date(2026, 2, 2, 23, 59).getTime())).toBe('2026-03-02');
		expect(dayOf(new Date(2026, 2, 3, 0, 1).getTime())).toBe('2026-03-03');
	});

	it('a conflict notice or rejected edit of a status is described in words', () => {
		const edit = statusEdit(KEY, { kind: 'absent', on: '2026-03-02' });
		const db = reader({
			results: [rec(edit.id, edit.fields)],
			students: [rec(KEY.student, { given_name: 'Mia', family_name: 'Chen' })]
		});
		const context = describeEdit(db, 'results', edit.id, 'status');
		expect(context.field).toBe('Away on the day');
		expect(context.title).toBe('Mia Chen');
		expect(shown(context, { kind: 'absent', on: '2026-03-02' })).toBe('Absent on 2 Mar 2026');
		expect(shown(context, null)).toBe('Present (no status)');
		expect(statusValueWords({ kind: '??' })).toBe('{"kind":"??"}');
		const op = {
			id: 'x',
			collection: 'results',
			record: edit.id,
			fields: edit.fields,
			stamp: '',
			base: {}
		} as Op;
		expect(mainPath(op)).toBe('status');
	});

	it('offers each kind for today, then present', () => {
		expect(statusChoices('2026-03-02')).toEqual([
			{ label: 'Absent', value: { kind: 'absent', on: '2026-03-02' } },
			{ label: 'Injured', value: { kind: 'injured', on: '2026-03-02' } },
			{ label: 'Excused', value: { kind: 'excused', on: '2026-03-02' } },
			{ label: 'Present (no status)', value: null }
		]);
	});
});

describe('saveStatus', () => {
	function editor(state: { status: string; opId?: string }) {
		const calls: string[] = [];
		return {
			calls,
			status: () => ({ ...state, syncedAt: null }) as never,
			edit: async (_c: 'results', id: string, fields: Record<string, Json>) => {
				calls.push(`edit ${id} ${JSON.stringify(fields['status'])}`);
				return { ok: true as const, opId: 'op1' };
			},
			fix: async (opId: string, value: Json, path?: string) => {
				calls.push(`fix ${opId} ${path} ${JSON.stringify(value)}`);
				return { ok: true as const, opId };
			}
		};
	}

	it('edits the result, kind and day together', async () => {
		const sync = editor({ status: 'synced' });
		await saveStatus(sync, KEY, { kind: 'absent', on: '2026-03-02' });
		expect(sync.calls).toEqual([
			`edit ${statusEdit(KEY, null).id} {"kind":"absent","on":"2026-03-02"}`
		]);
	});

	it('fixes a refused status edit instead of stacking a new one', async () => {
		const sync = editor({ status: 'rejected', opId: 'bad1' });
		await saveStatus(sync, KEY, null);
		expect(sync.calls).toEqual(['fix bad1 status null']);
	});

	it('turns a thrown error into a refusal', async () => {
		const sync = {
			...editor({ status: 'synced' }),
			edit: () => Promise.reject(new Error('Sync has not started: sign in first.'))
		};
		expect(await saveStatus(sync, KEY, null)).toEqual({
			ok: false,
			code: 'error',
			reason: 'Sync has not started: sign in first.'
		});
	});
});
