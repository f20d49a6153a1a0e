import { describe, expect, it } from 'vitest';
import { resultId } from '../core/ids';
import type { HlcState } from '../core/stamp';
import type { WireRecord } from '../core/types';
import { RUNS, SPRINT } from '../../domain/fixtures.test-helpers';
import { applyExternalEdit, serverOwnedFields, type ExternalEditInput } from './external';
import type { LiveAttempt, ServerStore } from './store';

const NOW = 1_767_225_600_000;
const OFFICE = { user: '', device: 'admin-ui:office@school.test' };
const STU = 'stu000000000001';
const CLS = 'cls000000000001';
const PER = 'per000000000001';
const ID = resultId(STU, CLS, RUNS.id, PER);

/** The storage a handler reads (records, assessments, attempts) and its counters, in memory. */
function memoryStore(records: Record<string, WireRecord> = {}, attempts: LiveAttempt[] = []) {
	let hlc: HlcState = { ms: 0, counter: 0, device: 'server' };
	let seq = 100;
	const store = {
		now: () => NOW,
		loadHlc: () => hlc,
		saveHlc: (next: HlcState) => {
			hlc = next;
		},
		nextSeq: () => ++seq,
		currentSeq: () => seq,
		getRecord: (collection: string, id: string) => records[`${collection}/${id}`] ?? null,
		getAssessment: (id: string) =>
			[RUNS, SPRINT].find((a) => a.id === id) as unknown as { [key: string]: unknown },
		liveAttempts: () => attempts
	};
	return store as unknown as ServerStore;
}

const stored = (over: Partial<WireRecord> = {}): WireRecord => ({
	id: ID,
	student: STU,
	class: CLS,
	assessment: RUNS.id,
	period: PER,
	values: { run_1: 2 },
	notes: '',
	total: 2,
	level: 'beginning',
	best_time: null,
	// As a push's create leaves it: every path it set is stamped.
	stamps: Object.fromEntries(
		['student', 'class', 'assessment', 'period', 'values.run_1'].map((p) => [
			p,
			'1767225500000:00000:dev_a'
		])
	),
	seq: 7,
	deleted: false,
	...over
});

function update(loaded: WireRecord, changes: Partial<WireRecord>, current = loaded) {
	const input: ExternalEditInput = {
		collection: 'results',
		loaded,
		requested: { ...loaded, ...changes } as WireRecord,
		current
	};
	return applyExternalEdit(input, memoryStore(), OFFICE);
}

describe('applyExternalEdit', () => {
	it('merges only the paths the office changed onto the record as it is now', () => {
		const loaded = stored();
		// A push committed after PocketBase loaded the record: run_2 is new.
		const now = stored({
			values: { run_1: 2, run_2: 3 },
			total: 5,
			level: 'consolidating',
			stamps: { ...loaded.stamps, 'values.run_2': '1767225590000:00000:dev_b' },
			seq: 8
		});
		const edit = update(loaded, { notes: 'Checked', values: { run_1: 4 } }, now);
		expect(edit.ok).toBe(true);
		if (!edit.ok) return;
		// run_2 was not the office's change (its form sent the values it had seen).
		expect(edit.record['values']).toEqual({ run_1: 4, run_2: 3 });
		expect(edit.record['notes']).toBe('Checked');
		expect(edit.record['total']).toBe(7);
		expect(edit.record.stamps['values.run_2']).toBe(now.stamps['values.run_2']);
		expect(edit.record.stamps['values.run_1']).toMatch(/:server$/);
		expect(edit.record.seq).toBe(101);
		expect(edit.audit?.changes).toEqual({
			notes: ['', 'Checked'],
			'values.run_1': [2, 4],
			total: [5, 7]
		});
	});

	it('removes a component the office cleared, and only that one', () => {
		const loaded = stored({ values: { run_1: 2, run_3: 1 } });
		const now = stored({ values: { run_1: 2, run_2: 1, run_3: 1 } });
		const edit = update(loaded, { values: { run_1: 2 } }, now);
		expect(edit.ok && edit.record['values']).toEqual({ run_1: 2, run_2: 1 });
		expect(edit.ok && edit.audit?.changes['values.run_3']).toEqual([1, null]);
	});

	it.each(serverOwnedFields('results').map((f) => [f]))(
		'refuses a change to the server-owned %s',
		(field) => {
			const loaded = stored();
			const value = field === 'stamps' ? {} : field === 'deleted' ? true : 99;
			const edit = update(loaded, { [field]: value });
			expect(edit).toMatchObject({ ok: false, field, code: 'server_field' });
		}
	);

	it('takes a server-owned field sent back unchanged (the admin UI sends every field)', () => {
		const loaded = stored();
		const edit = update(loaded, { stamps: { ...loaded.stamps }, seq: 7, total: 2, notes: 'x' });
		expect(edit.ok).toBe(true);
	});

	it('refuses what a push would refuse, with the same reason', () => {
		const edit = update(stored(), { values: { run_1: 9 } });
		expect(edit).toMatchObject({ ok: false, field: 'values', code: 'out_of_range' });
		if (!edit.ok) expect(edit.reason).toMatch(/Run 1.*0–4 points/);
		expect(update(stored(), { class: 'cls000000000002' })).toMatchObject({
			ok: false,
			code: 'immutable_field'
		});
	});

	it('takes a status whole, stamped as one path, and refuses a malformed one', () => {
		const absent = { kind: 'absent', on: '2026-03-02' };
		const edit = update(stored(), { status: absent });
		expect(edit.ok).toBe(true);
		if (!edit.ok) return;
		expect(edit.record['status']).toEqual(absent);
		expect(edit.record.stamps['status']).toMatch(/:server$/);
		expect(Object.keys(edit.record.stamps).filter((p) => p.startsWith('status'))).toEqual([
			'status'
		]);
		expect(edit.audit?.changes).toEqual({ status: [null, absent] });
		const bad = update(stored(), { status: { kind: 'absent', on: '2026-02-30' } });
		expect(bad).toMatchObject({ ok: false, field: 'status', code: 'bad_status' });
	});

	it('refuses JSON nested deeper than the limit', () => {
		let deep: unknown = 1;
		for (let i = 0; i < 1100; i++) deep = [deep];
		const edit = update(stored(), { notes: deep as string });
		expect(edit).toMatchObject({ ok: false, field: 'notes', code: 'too_deep' });
	});

	it('stores nothing new (no audit, no seq) for an edit without a difference', () => {
		const loaded = stored();
		const edit = update(loaded, { values: { run_1: 2 }, notes: '' });
		expect(edit).toEqual({ ok: true, record: loaded, audit: null, derived: [] });
	});

	it('tombstones on delete, and re-derives the best time an attempt leaves', () => {
		const result: WireRecord = stored({
			id: resultId(STU, CLS, SPRINT.id, PER),
			assessment: SPRINT.id,
			values: {},
			total: null,
			level: 'fast',
			best_time: 7.5
		});
		const attempt: WireRecord = {
			id: 'att000000000001',
			student: STU,
			class: CLS,
			assessment: SPRINT.id,
			period: PER,
			seconds: 7.5,
			taken_at: '2026-03-01 01:00:00.000Z',
			by: 'usr000000000001',
			stamps: { seconds: '1767225500000:00000:dev_a' },
			seq: 9,
			deleted: false
		};
		const store = memoryStore({ [`results/${result.id}`]: result }, [
			{ id: attempt.id, seconds: 7.5 },
			{ id: 'att000000000002', seconds: 9.2 }
		]);
		const edit = applyExternalEdit(
			{
				collection: 'attempts',
				loaded: attempt,
				requested: attempt,
				current: attempt,
				deleting: true
			},
			store,
			OFFICE
		);
		expect(edit.ok).toBe(true);
		if (!edit.ok) return;
		expect(edit.record.deleted).toBe(true);
		expect(edit.audit).toMatchObject({ op: 'delete', changes: { deleted: [false, true] } });
		expect(edit.derived).toHaveLength(1);
		expect(edit.derived[0]?.record).toMatchObject({ best_time: 9.2, level: 'typical' });
		expect(edit.derived[0]?.record.seq).toBeGreaterThan(edit.record.seq);
	});
});

describe("the office's edits of an assessment's definition", () => {
	const catchSkill = (components: unknown): WireRecord => ({
		id: 'asm000000000001',
		name: 'Catch',
		framework: 'Vic FMS',
		kind: 'checklist',
		components: components as WireRecord['components'],
		levels: [],
		active: true,
		stamps: {},
		seq: 3,
		deleted: false
	});
	const edit = (components: unknown) => {
		const loaded = catchSkill([{ key: 'c1', label: 'Eyes on the ball', max: 1 }]);
		return applyExternalEdit(
			{
				collection: 'assessments',
				loaded,
				requested: { ...loaded, components: components as WireRecord['components'] },
				current: loaded
			},
			memoryStore(),
			OFFICE
		);
	};

	it('takes a component hint within the limit', () => {
		const r = edit([{ key: 'c1', label: 'Eyes on the ball', max: 1, hint: 'Watches it in.' }]);
		expect(r.ok).toBe(true);
	});

	it('refuses a definition the shared rules cannot read (an over-long hint) with the reason, on its field', () => {
		const r = edit([{ key: 'c1', label: 'Eyes on the ball', max: 1, hint: 'x'.repeat(201) }]);
		expect(r).toMatchObject({
			ok: false,
			field: 'components',
			code: 'bad_assessment',
			reason: expect.stringContaining('a hint takes at most 200')
		});
	});

	it('still lets the office rename an assessment whose definition is already broken', () => {
		const loaded = catchSkill([]);
		const r = applyExternalEdit(
			{
				collection: 'assessments',
				loaded,
				requested: { ...loaded, name: 'Catch (old)' },
				current: loaded
			},
			memoryStore(),
			OFFICE
		);
		expect(r.ok).toBe(true);
	});
});
