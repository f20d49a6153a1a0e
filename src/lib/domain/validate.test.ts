import { describe, expect, it } from 'vitest';
import { resultId } from '../sync/core/ids';
import { formatStamp } from '../sync/core/stamp';
import type { Json, Op, WireRecord } from '../sync/core/types';
import { ENGLISH, HOP, RUNS, SPRINT } from './fixtures.test-helpers';
import { validateOp, type ValidateContext } from './validate';

const STAMP = formatStamp(1_767_225_600_000, 0, 'dev_7f3a');
const STU = 'stu000000000001';
const CLS = 'cls000000000001';
const PER = 'per000000000001';
const USR = 'usr000000000001';

function resultOp(assessmentId: string, fields: Record<string, Json>, extra: Partial<Op> = {}): Op {
	return {
		id: '0190a1b2-0000-7000-8000-000000000001',
		collection: 'results',
		record: resultId(STU, CLS, assessmentId, PER),
		fields,
		stamp: STAMP,
		base: {},
		...extra
	};
}

function code(op: unknown, ctx: ValidateContext = {}): string {
	const r = validateOp(op, ctx);
	return r.ok ? 'ok' : r.code;
}

describe('validateOp: shape', () => {
	it('accepts a well-formed create of a result', () => {
		const op = resultOp(HOP.id, {
			student: STU,
			class: CLS,
			assessment: HOP.id,
			period: PER,
			'values.c1': 1
		});
		expect(validateOp(op, { assessment: HOP, existing: null, device: 'dev_7f3a' })).toEqual({
			ok: true
		});
	});

	it('refuses malformed ops with a code', () => {
		const good = resultOp(HOP.id, { notes: 'x' });
		expect(code(null)).toBe('malformed');
		expect(code({ ...good, id: '' })).toBe('malformed');
		expect(code({ ...good, collection: 'users' })).toBe('unknown_collection');
		expect(code({ ...good, record: 'BAD ID' })).toBe('bad_record_id');
		expect(code({ ...good, stamp: '123:1:x' })).toBe('bad_stamp');
		expect(code({ ...good, base: { notes: 'yesterday' } })).toBe('bad_base');
		expect(code({ ...good, fields: [] })).toBe('malformed');
		expect(code({ ...good, delete: 'yes' })).toBe('malformed');
		expect(code(good, { device: 'dev_other' })).toBe('wrong_device');
		expect(code({ ...good, fields: {} })).toBe('no_fields');
	});

	it('refuses a value nested deeper than JSON allows, before any other check of it', () => {
		let deep: Json = 1;
		for (let i = 0; i < 1100; i++) deep = [deep];
		const op = resultOp(HOP.id, { notes: deep });
		expect(validateOp(op, { assessment: HOP })).toMatchObject({
			ok: false,
			code: 'too_deep',
			reason: expect.stringMatching(/“notes” is nested too deeply/)
		});
		expect(code(resultOp(HOP.id, { 'values.c1': deep }), { assessment: HOP })).toBe('too_deep');
	});

	it('refuses unknown, server and changed set-once fields', () => {
		expect(code(resultOp(HOP.id, { 'values.c1.x': 1 }))).toBe('bad_path');
		expect(code(resultOp(HOP.id, { colour: 'red' }))).toBe('unknown_field');
		expect(code(resultOp(HOP.id, { values: { c1: 1 } }))).toBe('unknown_field');
		expect(code(resultOp(HOP.id, { total: 4 }))).toBe('server_field');
		expect(code(resultOp(HOP.id, { level: 'mastery' }))).toBe('server_field');
		const existing: WireRecord = {
			id: 'x',
			stamps: { class: STAMP },
			seq: 1,
			deleted: false,
			class: CLS
		};
		expect(code(resultOp(HOP.id, { class: 'cls000000000002' }), { existing })).toBe(
			'immutable_field'
		);
		expect(code(resultOp(HOP.id, { class: CLS }), { existing })).toBe('ok');
	});

	it('refuses writes to collections devices only read, and creating conflicts', () => {
		const op = {
			id: 'o',
			collection: 'students',
			record: STU,
			fields: { given_name: 'Ann' },
			stamp: STAMP,
			base: {}
		};
		const r = validateOp(op);
		expect(r).toEqual({
			ok: false,
			code: 'read_only',
			reason: 'Students are managed by the school office and cannot be changed from the app.'
		});
		const conflict = {
			id: 'o',
			collection: 'conflicts',
			record: 'con000000000001',
			fields: { status: 'kept_theirs' },
			stamp: STAMP,
			base: {}
		};
		expect(code(conflict)).toBe('ok');
		expect(code(conflict, { existing: null })).toBe('not_creatable');
		expect(code({ ...conflict, fields: { status: 'whatever' } })).toBe('bad_value');
		expect(code({ ...conflict, delete: true })).toBe('not_deletable');
	});

	it('a create needs its natural key, and the id must be derived from it', () => {
		expect(code(resultOp(HOP.id, { 'values.c1': 1 }), { assessment: HOP, existing: null })).toBe(
			'missing_field'
		);
		const wrongId = resultOp(
			HOP.id,
			{ student: STU, class: CLS, assessment: HOP.id, period: PER },
			{ record: 'aaaaaaaaaaaaaaa' }
		);
		expect(code(wrongId, { existing: null })).toBe('id_mismatch');
		expect(code(resultOp(HOP.id, { student: 'not an id' }))).toBe('bad_value');
		expect(code(resultOp(HOP.id, { assessment: RUNS.id }), { assessment: HOP })).toBe(
			'assessment_mismatch'
		);
	});

	it('delete is a tombstone where the collection allows it; deleted must be boolean', () => {
		expect(code(resultOp(HOP.id, {}, { delete: true }))).toBe('ok');
		expect(code(resultOp(HOP.id, { deleted: false }))).toBe('ok');
		expect(code(resultOp(HOP.id, { deleted: 'no' }))).toBe('bad_value');
	});
});

describe('validateOp: component values', () => {
	it('checklist: 1, 0 or null only, with a reason naming the component', () => {
		for (const v of [1, 0, null])
			expect(code(resultOp(HOP.id, { 'values.c2': v }), { assessment: HOP })).toBe('ok');
		const r = validateOp(resultOp(HOP.id, { 'values.c2': 2 }), { assessment: HOP });
		expect(r).toEqual({
			ok: false,
			code: 'out_of_range',
			reason:
				'“Lands on the ball of the foot” (Hop) is 1 (demonstrated), 0 (not yet) or left empty (not observed); 2 is none of those.'
		});
		expect(code(resultOp(HOP.id, { 'values.c2': true }), { assessment: HOP })).toBe('out_of_range');
	});

	it('items: whole numbers 0…max', () => {
		expect(code(resultOp(RUNS.id, { 'values.run_3': 4 }), { assessment: RUNS })).toBe('ok');
		const r = validateOp(resultOp(RUNS.id, { 'values.run_3': 7 }), { assessment: RUNS });
		expect(r).toEqual({
			ok: false,
			code: 'out_of_range',
			reason: '“Run 3” (Shuttle runs) takes 0–4 points; 7 is too many.'
		});
		expect(code(resultOp(RUNS.id, { 'values.run_3': -1 }), { assessment: RUNS })).toBe(
			'out_of_range'
		);
		expect(code(resultOp(RUNS.id, { 'values.run_3': 2.5 }), { assessment: RUNS })).toBe(
			'bad_value'
		);
		expect(code(resultOp(RUNS.id, { 'values.run_3': '3' }), { assessment: RUNS })).toBe(
			'bad_value'
		);
	});

	it('timed: positive finite seconds under an hour', () => {
		expect(code(resultOp(SPRINT.id, { 'values.time': 8.73 }), { assessment: SPRINT })).toBe('ok');
		for (const v of [0, -1, 3600, 1e9])
			expect(code(resultOp(SPRINT.id, { 'values.time': v }), { assessment: SPRINT })).toBe(
				'out_of_range'
			);
		expect(code(resultOp(SPRINT.id, { 'values.time': 'fast' }), { assessment: SPRINT })).toBe(
			'bad_value'
		);
	});

	it('timed: the office’s plausible times refuse a slip of the thumb, with the bounds in words', () => {
		const BOUNDED = { ...SPRINT, seconds: { min: 4, max: 90 } };
		const ctx = { assessment: BOUNDED };
		expect(code(resultOp(SPRINT.id, { 'values.time': 7.9 }), ctx)).toBe('ok');
		expect(code(resultOp(SPRINT.id, { 'values.time': 90 }), ctx)).toBe('ok');
		expect(validateOp(resultOp(SPRINT.id, { 'values.time': 0.5 }), ctx)).toEqual({
			ok: false,
			code: 'implausible',
			reason:
				'0.5 s is not a plausible time for “50 m time” (50 m sprint): the school expects more than 4 s. Check the watch and record it again.'
		});
		expect(code(resultOp(SPRINT.id, { 'values.time': 4 }), ctx)).toBe('implausible');
		expect(code(resultOp(SPRINT.id, { 'values.time': 90.5 }), ctx)).toBe('implausible');
		// Without bounds, any time under an hour (as before).
		expect(code(resultOp(SPRINT.id, { 'values.time': 0.5 }), { assessment: SPRINT })).toBe('ok');
	});

	it('grade: a value on the scale', () => {
		expect(code(resultOp(ENGLISH.id, { 'values.grade': 'C' }), { assessment: ENGLISH })).toBe('ok');
		const r = validateOp(resultOp(ENGLISH.id, { 'values.grade': 'F' }), { assessment: ENGLISH });
		expect(r).toEqual({
			ok: false,
			code: 'not_in_scale',
			reason: '“Grade” (English) takes one of A, B, C, D, E; “F” is not on the scale.'
		});
	});

	it('refuses components the assessment lacks, and values without a known assessment', () => {
		expect(code(resultOp(HOP.id, { 'values.c9': 1 }), { assessment: HOP })).toBe(
			'unknown_component'
		);
		expect(code(resultOp(HOP.id, { 'values.c1': 1 }))).toBe('unknown_assessment');
	});

	it('notes: text up to 2000 characters (counted as people count them)', () => {
		expect(code(resultOp(HOP.id, { notes: 'x'.repeat(2000) }))).toBe('ok');
		expect(code(resultOp(HOP.id, { notes: '😀'.repeat(2000) }))).toBe('ok');
		expect(code(resultOp(HOP.id, { notes: 'x'.repeat(2001) }))).toBe('too_long');
		expect(code(resultOp(HOP.id, { notes: null }))).toBe('ok');
		expect(code(resultOp(HOP.id, { notes: 5 }))).toBe('bad_value');
	});
});

describe('validateOp: attempts and observations', () => {
	const attempt = (fields: Record<string, Json>): Op => ({
		id: 'o1',
		collection: 'attempts',
		record: 'att000000000001',
		fields: {
			student: STU,
			class: CLS,
			assessment: SPRINT.id,
			period: PER,
			seconds: 8.7,
			taken_at: '2026-03-02 10:15:00.000Z',
			by: USR,
			...fields
		},
		stamp: STAMP,
		base: {}
	});
	it('attempts: all fields, seconds in range, a real date, a timed assessment', () => {
		expect(code(attempt({}), { assessment: SPRINT })).toBe('ok');
		expect(code(attempt({ seconds: 4000 }))).toBe('out_of_range');
		expect(code(attempt({ taken_at: 'yesterday' }))).toBe('bad_date');
		expect(code(attempt({ taken_at: '2026-02-31T25:00:00Z' }))).toBe('bad_date');
		expect(code(attempt({}), { assessment: HOP })).toBe('assessment_mismatch');
		expect(code(attempt({ assessment: HOP.id }), { assessment: HOP })).toBe('not_timed');
		const bounded = { assessment: { ...SPRINT, seconds: { min: 4, max: 90 } } };
		expect(code(attempt({ seconds: 0.5 }), bounded)).toBe('implausible');
		expect(code(attempt({ seconds: 8.7 }), bounded)).toBe('ok');
		const { seconds: _drop, ...rest } = attempt({}).fields;
		expect(code({ ...attempt({}), fields: rest })).toBe('missing_field');
		// Wire version 2: an attempt names the class it was timed in.
		const { class: _class, ...classless } = attempt({}).fields;
		expect(code({ ...attempt({}), fields: classless })).toBe('missing_field');
	});

	const obs = (text: Json): Op => ({
		id: 'o2',
		collection: 'observations',
		record: 'obs000000000001',
		fields: { student: STU, class: CLS, text, by: USR },
		stamp: STAMP,
		base: {}
	});
	it('observations: 1…1000 characters of text', () => {
		expect(code(obs('Great follow-through today'))).toBe('ok');
		expect(code(obs('   '))).toBe('empty');
		expect(code(obs(''))).toBe('empty');
		expect(code(obs('x'.repeat(1001)))).toBe('too_long');
		expect(code(obs('x'.repeat(1000)))).toBe('ok');
	});
});
