import { describe, expect, it } from 'vitest';
import { applyOp, applyRemote } from '../sync/core/apply';
import { resultId } from '../sync/core/ids';
import { formatStamp } from '../sync/core/stamp';
import type { Json, Op, WireRecord } from '../sync/core/types';
import { SCHEMAS, clientFields, ruleFor } from './collections';
import { STORED_FIELDS } from './fields';
import { HOP } from './fixtures.test-helpers';
import { isDay, statusOf, validateStatus } from './status';
import { validateOp } from './validate';

const T = 1_767_225_600_000;
const STU = 'stu000000000001';
const CLS = 'cls000000000001';
const PER = 'per000000000001';
const ID = resultId(STU, CLS, HOP.id, PER);

function op(fields: Record<string, Json>, ms: number, device = 'dev_a', n = 0): Op {
	return {
		id: `0190a1b2-0000-7000-8000-${String(ms).padStart(6, '0')}${device.slice(-1)}${n}`.slice(
			0,
			36
		),
		collection: 'results',
		record: ID,
		fields,
		stamp: formatStamp(T + ms, n, device),
		base: {}
	};
}

function code(value: Json): string {
	const r = validateStatus(value);
	return r.ok ? 'ok' : r.code;
}

describe('status: the value', () => {
	it('is null, or exactly { kind, on } with a known kind and a real day', () => {
		expect(code(null)).toBe('ok');
		for (const kind of ['absent', 'injured', 'excused'])
			expect(code({ kind, on: '2026-03-02' })).toBe('ok');
		expect(code({ kind: 'sick', on: '2026-03-02' })).toBe('bad_status');
		expect(code({ kind: 'absent' })).toBe('bad_status');
		expect(code({ on: '2026-03-02' })).toBe('bad_status');
		expect(code({ kind: 'absent', on: '2026-02-30' })).toBe('bad_status');
		expect(code({ kind: 'absent', on: '2026-3-2' })).toBe('bad_status');
		expect(code({ kind: 'absent', on: '2026-03-02T00:00:00Z' })).toBe('bad_status');
		expect(code({ kind: 'absent', on: '2026-03-02', by: 'me' })).toBe('bad_status');
		expect(code('absent')).toBe('bad_status');
		expect(code(['absent', '2026-03-02'])).toBe('bad_status');
		expect(code(1)).toBe('bad_status');
	});

	it('says what is wrong in words a teacher can read', () => {
		expect(validateStatus({ kind: 'sick', on: '2026-03-02' })).toEqual({
			ok: false,
			code: 'bad_status',
			reason: 'A child is absent, injured or excused on a day; “sick” is none of those.'
		});
		expect(validateStatus({ kind: 'injured', on: '2026-02-30' })).toMatchObject({
			reason: 'The day a child was injured is a date like 2026-03-02; “2026-02-30” is not one.'
		});
	});

	it('knows real days, leap years included', () => {
		expect(isDay('2028-02-29')).toBe(true);
		expect(isDay('2026-02-29')).toBe(false);
		expect(isDay('2026-13-01')).toBe(false);
		expect(isDay('2026-12-31')).toBe(true);
		expect(isDay(20260302)).toBe(false);
	});

	it('reads a stored status leniently (a malformed one is none)', () => {
		expect(statusOf({ kind: 'excused', on: '2026-05-01' })).toEqual({
			kind: 'excused',
			on: '2026-05-01'
		});
		expect(statusOf({ kind: 'gone', on: '2026-05-01' })).toBeNull();
		expect(statusOf(null)).toBeNull();
		expect(statusOf(undefined)).toBeNull();
		expect(statusOf('absent')).toBeNull();
	});
});

describe('status: one field of a result', () => {
	it('is stored as JSON and written by devices, as one lww path', () => {
		expect(STORED_FIELDS.results['status']).toEqual({ type: 'json' });
		expect(clientFields('results')).toContain('status');
		expect(ruleFor('results', 'status')).toBe('lww');
		// Not nested: `status.kind` is no path, so kind and day cannot be written apart.
		expect(SCHEMAS.results.fields['status']?.nested).toBeUndefined();
		expect(ruleFor('results', 'status.kind')).toBeNull();
	});

	it('is checked by validateOp on every op (a bad one refused with its reason)', () => {
		const good = op({ status: { kind: 'absent', on: '2026-03-02' } }, 1);
		expect(validateOp(good, { assessment: HOP })).toEqual({ ok: true });
		expect(validateOp(op({ status: null }, 1), { assessment: HOP })).toEqual({ ok: true });
		expect(validateOp(op({ status: { kind: 'away', on: '2026-03-02' } }, 1), {})).toMatchObject({
			ok: false,
			code: 'bad_status'
		});
		expect(validateOp(op({ 'status.kind': 'absent' }, 1), {})).toMatchObject({
			ok: false,
			code: 'unknown_field'
		});
	});

	it('merges as one unit: the later edit wins whole, in either order', () => {
		const absent = op({ status: { kind: 'absent', on: '2026-03-02' } }, 10, 'dev_a');
		const injured = op({ status: { kind: 'injured', on: '2026-03-03' } }, 20, 'dev_b');
		const schema = SCHEMAS.results;
		const ab = applyOp(applyOp(undefined, absent, schema).record, injured, schema).record;
		const ba = applyOp(applyOp(undefined, injured, schema).record, absent, schema).record;
		expect(ab['status']).toEqual({ kind: 'injured', on: '2026-03-03' });
		expect(ba['status']).toEqual({ kind: 'injured', on: '2026-03-03' });
		expect(ab.stamps['status']).toBe(injured.stamp);
		expect(ba.stamps).toEqual(ab.stamps);
		// The earlier edit, arriving last, loses whole: never injured on 2 March.
		expect(applyOp(ab, absent, schema).fieldOutcomes['status']).toBe('superseded');
	});

	it('a later clear (null) wins over an earlier mark, and marks do not touch the values', () => {
		const schema = SCHEMAS.results;
		let rec: WireRecord = applyOp(undefined, op({ 'values.c1': 1 }, 1), schema).record;
		rec = applyOp(rec, op({ status: { kind: 'absent', on: '2026-03-02' } }, 2), schema).record;
		const cleared = applyOp(rec, op({ status: null }, 3, 'dev_b'), schema).record;
		expect(cleared['status']).toBeNull();
		expect(cleared['values']).toEqual({ c1: 1 });
		// A replica pulling both records ends where the server is.
		const remote = applyRemote(rec, cleared, schema);
		expect(remote['status']).toBeNull();
		expect(applyRemote(cleared, rec, schema)['status']).toBeNull();
	});
});
