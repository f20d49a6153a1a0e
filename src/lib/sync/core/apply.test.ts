import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyOp, applyRemote, emptyRecord, setServerFields } from './apply';
import type { CollectionSchema } from './schema';
import { formatStamp } from './stamp';
import type { Json, Op, WireRecord } from './types';

const T = 1_767_225_600_000;
const st = (ms: number, counter = 0, device = 'a') => formatStamp(T + ms, counter, device);
const ID = 'abcdefabcdef123';

// Every rule at least once, shaped like `results`.
const schema: CollectionSchema = {
	collection: 'results',
	clientWritable: true,
	clientCreates: true,
	deletable: true,
	naturalKey: ['student'],
	fields: {
		student: { rule: 'immutable' },
		values: { rule: 'lww', nested: true },
		notes: { rule: 'lww' },
		fastest: { rule: 'min' },
		tags: { rule: 'append' },
		total: { rule: 'server' }
	}
};

let opCounter = 0;
function op(
	fields: Record<string, Json>,
	stamp: string,
	base: Record<string, string | null> = {},
	extra: Partial<Op> = {}
): Op {
	return {
		id: `op${opCounter++}`,
		collection: 'results',
		record: ID,
		fields,
		stamp,
		base,
		...extra
	};
}

describe('applyOp', () => {
	it('creates a record, stamping each path with the op stamp', () => {
		const r = applyOp(
			undefined,
			op({ student: 's1', 'values.run_1': 1, notes: 'ok' }, st(1)),
			schema
		);
		expect(r.record).toEqual({
			id: ID,
			deleted: false,
			notes: 'ok',
			seq: 0,
			stamps: { notes: st(1), student: st(1), 'values.run_1': st(1) },
			student: 's1',
			values: { run_1: 1 }
		});
		expect(r.fieldOutcomes).toEqual({
			student: 'applied',
			'values.run_1': 'applied',
			notes: 'applied'
		});
		expect(r.changed).toBe(true);
	});

	it('merges components independently: two teachers ticking different components never collide', () => {
		const a = applyOp(undefined, op({ 'values.run_1': 1 }, st(2, 0, 'a')), schema).record;
		const b = applyOp(a, op({ 'values.run_2': 0 }, st(1, 0, 'b')), schema);
		expect(b.record['values']).toEqual({ run_1: 1, run_2: 0 });
		expect(b.losers).toEqual([]);
	});

	it('null removes a component, and the removal carries its own stamp', () => {
		const a = applyOp(undefined, op({ 'values.run_1': 1 }, st(1)), schema).record;
		const b = applyOp(
			a,
			op({ 'values.run_1': null }, st(2), { 'values.run_1': st(1) }),
			schema
		).record;
		expect(b['values']).toEqual({});
		expect(b.stamps['values.run_1']).toBe(st(2));
		// An older write arriving late does not bring the value back.
		const c = applyOp(b, op({ 'values.run_1': 0 }, st(1, 5)), schema);
		expect(c.record['values']).toEqual({});
		expect(c.fieldOutcomes['values.run_1']).toBe('superseded');
	});

	it('refuses server fields and unknown paths without touching the record', () => {
		const a = applyOp(undefined, op({ notes: 'x' }, st(1)), schema).record;
		const r = applyOp(a, op({ total: 99, bogus: 1, 'notes.deep': 1 }, st(2)), schema);
		expect(r.fieldOutcomes).toEqual({
			total: 'refused',
			bogus: 'refused',
			'notes.deep': 'refused'
		});
		expect(r.record).toEqual(a);
		expect(r.changed).toBe(false);
	});

	it('sets seq only when the op changed the record', () => {
		const a = applyOp(undefined, op({ notes: 'x' }, st(1)), schema, { seq: 7 });
		expect(a.record.seq).toBe(7);
		const b = applyOp(a.record, op({ notes: 'x' }, st(1)), schema, { seq: 8 });
		expect(b.changed).toBe(false);
		expect(b.record.seq).toBe(7);
	});

	it('reports the overwritten value when the editor had not seen it (current loses)', () => {
		const a = applyOp(undefined, op({ 'values.run_1': 1 }, st(1, 0, 'a')), schema).record;
		const r = applyOp(
			a,
			op({ 'values.run_1': 0 }, st(2, 0, 'b'), { 'values.run_1': null }),
			schema
		);
		expect(r.record['values']).toEqual({ run_1: 0 });
		expect(r.losers).toEqual([
			{
				path: 'values.run_1',
				lost: 'current',
				mine: 1,
				theirs: 0,
				mineStamp: st(1, 0, 'a'),
				theirsStamp: st(2, 0, 'b')
			}
		]);
	});

	it('reports the incoming value when a concurrent newer value stays (incoming loses)', () => {
		const a = applyOp(undefined, op({ notes: 'newer' }, st(5, 0, 'a')), schema).record;
		const r = applyOp(a, op({ notes: 'older' }, st(3, 0, 'b'), { notes: st(1) }), schema);
		expect(r.fieldOutcomes['notes']).toBe('superseded');
		expect(r.losers).toEqual([
			{
				path: 'notes',
				lost: 'incoming',
				mine: 'older',
				theirs: 'newer',
				mineStamp: st(3, 0, 'b'),
				theirsStamp: st(5, 0, 'a')
			}
		]);
	});

	it('reports no loser when the editor saw the current value, or the values agree', () => {
		const a = applyOp(undefined, op({ notes: 'x' }, st(1)), schema).record;
		expect(applyOp(a, op({ notes: 'y' }, st(2), { notes: st(1) }), schema).losers).toEqual([]);
		expect(applyOp(a, op({ notes: 'x' }, st(2), { notes: null }), schema).losers).toEqual([]);
	});

	it('delete is an lww tombstone; only an explicit newer deleted:false undeletes', () => {
		const a = applyOp(undefined, op({ notes: 'x' }, st(1)), schema).record;
		const d = applyOp(a, op({}, st(2), {}, { delete: true }), schema);
		expect(d.record.deleted).toBe(true);
		expect(d.fieldOutcomes).toEqual({ deleted: 'applied' });
		const edit = applyOp(d.record, op({ notes: 'y' }, st(3)), schema).record;
		expect(edit.deleted).toBe(true);
		const older = applyOp(edit, op({ deleted: false }, st(1, 9)), schema).record;
		expect(older.deleted).toBe(true);
		const undelete = applyOp(edit, op({ deleted: false }, st(4)), schema).record;
		expect(undelete.deleted).toBe(false);
	});
});

describe('setServerFields', () => {
	it('stamps only the derived fields whose value changed', () => {
		const a = applyOp(undefined, op({ notes: 'x' }, st(1)), schema).record;
		const b = setServerFields(a, { total: 3, level: null }, st(2, 0, 'server'));
		expect(b['total']).toBe(3);
		expect(b.stamps['total']).toBe(st(2, 0, 'server'));
		expect(b.stamps['level']).toBeUndefined();
	});
});

// ---- convergence -------------------------------------------------------

const arbStamp = fc
	.tuple(
		fc.integer({ min: 0, max: 4 }),
		fc.integer({ min: 0, max: 1 }),
		fc.constantFrom('a', 'b', 'c')
	)
	.map(([m, c, d]) => st(m, c, d));
const arbBase = fc.dictionary(
	fc.constantFrom('notes', 'values.c1'),
	fc.option(arbStamp, { nil: null }),
	{ maxKeys: 2 }
);
const arbFields: fc.Arbitrary<Record<string, Json>> = fc.record(
	{
		student: fc.constant('s1'),
		'values.c1': fc.constantFrom(0, 1, null),
		'values.c2': fc.constantFrom(0, 1, null),
		notes: fc.constantFrom('a', 'b', null),
		fastest: fc.constantFrom(9.5, 10, 11),
		tags: fc.array(fc.record({ id: fc.constantFrom('t1', 't2'), by: fc.constantFrom('a', 'b') }), {
			maxLength: 2
		}),
		total: fc.integer({ min: 0, max: 3 }),
		deleted: fc.boolean()
	},
	{ requiredKeys: [] }
) as fc.Arbitrary<Record<string, Json>>;
const arbOp = fc
	.tuple(arbFields, arbStamp, arbBase, fc.boolean())
	.map(([fields, stamp, base, del]) => op(fields, stamp, base, del ? { delete: true } : {}));
const arbOps = fc.array(arbOp, { minLength: 1, maxLength: 8 });

/** A delivery of every op at least once, in any order, some twice. */
const arbDelivery = (ops: Op[]) =>
	fc.subarray(ops).chain((dups) => {
		const all = ops.concat(dups);
		return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length });
	});

const fold = (ops: Op[]) =>
	ops.reduce<WireRecord | undefined>((r, o) => applyOp(r, o, schema).record, undefined);

describe('convergence', () => {
	it('replicas applying the same ops in any order, with duplicates, end byte-identical', () => {
		fc.assert(
			fc.property(
				arbOps.chain((ops) => fc.tuple(arbDelivery(ops), arbDelivery(ops), arbDelivery(ops))),
				([x, y, z]) => {
					const a = JSON.stringify(fold(x));
					expect(JSON.stringify(fold(y))).toBe(a);
					expect(JSON.stringify(fold(z))).toBe(a);
				}
			),
			{ numRuns: 300 }
		);
	});

	it('applyRemote is commutative, associative and idempotent on records', () => {
		const arbRecord = fc
			.tuple(arbOps, fc.integer({ min: 0, max: 3 }))
			.map(([ops, seq]) => ({ ...(fold(ops) as WireRecord), seq }));
		fc.assert(
			fc.property(arbRecord, arbRecord, arbRecord, (a, b, c) => {
				const m = (x: WireRecord, y: WireRecord) => applyRemote(x, y, schema);
				expect(JSON.stringify(m(a, b))).toBe(JSON.stringify(m(b, a)));
				expect(JSON.stringify(m(m(a, b), c))).toBe(JSON.stringify(m(a, m(b, c))));
				const ab = m(a, b);
				expect(JSON.stringify(m(ab, ab))).toBe(JSON.stringify(ab));
				expect(JSON.stringify(applyRemote(undefined, ab, schema))).toBe(JSON.stringify(ab));
			}),
			{ numRuns: 300 }
		);
	});

	it('a device applying its own ops and pulling server snapshots at random points ends identical to the server', () => {
		fc.assert(
			fc.property(
				arbOps.chain((ops) =>
					fc.tuple(
						arbDelivery(ops),
						fc.subarray(ops),
						fc.array(fc.nat(), { maxLength: 6 }),
						fc.array(fc.nat(), { maxLength: 6 })
					)
				),
				([serverOrder, deviceOps, pullAt, pullSnap]) => {
					// The server applies every op, numbering its changes.
					const snaps: WireRecord[] = [];
					let server: WireRecord | undefined;
					serverOrder.forEach((o, i) => {
						server = applyOp(server, o, schema, { seq: i + 1 }).record;
						snaps.push(server);
					});
					// The device applies its own ops and, now and then, a (possibly
					// stale, possibly repeated) server snapshot.
					let device: WireRecord | undefined;
					deviceOps.forEach((o, i) => {
						device = applyOp(device, o, schema).record;
						for (let k = 0; k < pullAt.length; k++) {
							if ((pullAt[k] as number) % (deviceOps.length + 1) === i) {
								device = applyRemote(
									device,
									snaps[(pullSnap[k] ?? 0) % snaps.length] as WireRecord,
									schema
								);
							}
						}
					});
					device = applyRemote(device, server as WireRecord, schema);
					expect(JSON.stringify(device)).toBe(JSON.stringify(server));
				}
			),
			{ numRuns: 300 }
		);
	});
});

describe('applyRemote', () => {
	it('takes unstamped fields from the record with the larger seq', () => {
		const local: WireRecord = { ...emptyRecord(ID), seq: 3, name: 'old' };
		const incoming: WireRecord = { ...emptyRecord(ID), seq: 5, name: 'new' };
		expect(applyRemote(local, incoming, schema)['name']).toBe('new');
		expect(applyRemote(incoming, local, schema)['name']).toBe('new');
		expect(applyRemote(local, incoming, schema).seq).toBe(5);
	});

	it('keeps a pending local edit that is newer than the pulled value', () => {
		const server = applyOp(undefined, op({ notes: 'server' }, st(1)), schema, { seq: 4 }).record;
		const local = applyOp(server, op({ notes: 'mine' }, st(2)), schema).record;
		const merged = applyRemote(local, server, schema);
		expect(merged['notes']).toBe('mine');
		expect(merged.seq).toBe(4);
	});
});
