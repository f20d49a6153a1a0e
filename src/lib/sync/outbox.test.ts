import { describe, expect, it } from 'vitest';
import { formatStamp } from './core/stamp';
import type { Op, OpResult } from './core/types';
import { Outbox } from './outbox';
import { createMemoryStorage } from './storage/memory';
import {
	CrashError,
	crashingStorage,
	makeOp,
	recordingLog,
	RESULT,
	RESULT_KEY,
	seedSchool
} from './testing';
import { InProcessServer } from './transport/in-process';
import type { Storage } from './ports';

const T0 = 1_767_225_600_000;
const st = (n: number) => formatStamp(T0 + n, 0, 'dev_test');
const open = (storage: Storage) => Outbox.open(storage, { log: recordingLog() });

describe('Outbox coalescing', () => {
	it('merges repeated edits of one path into the latest, keeping the first base', async () => {
		const ob = await open(createMemoryStorage());
		await ob.enqueue(makeOp('op1', st(1), { notes: 'a' }, { notes: st(0) }), T0);
		await ob.enqueue(makeOp('op2', st(2), { notes: 'ab' }, { notes: st(1) }), T0);
		await ob.enqueue(makeOp('op3', st(3), { notes: 'abc' }, { notes: st(2) }), T0);
		const items = ob.items();
		expect(items).toHaveLength(1);
		expect(items[0]?.op).toMatchObject({
			id: 'op3',
			fields: { notes: 'abc' },
			stamp: st(3),
			base: { notes: st(0) }
		});
	});

	it('takes only the shared paths from an older op; the older op keeps its id and stamp', async () => {
		const ob = await open(createMemoryStorage());
		await ob.enqueue(
			makeOp(
				'op1',
				st(1),
				{ 'values.a': 1, 'values.b': 2 },
				{ 'values.a': null, 'values.b': null }
			),
			T0
		);
		await ob.enqueue(makeOp('op2', st(2), { 'values.a': 5 }, { 'values.a': st(1) }), T0);
		expect(ob.items().map((i) => [i.op.id, i.op.stamp, i.op.fields, i.op.base])).toEqual([
			['op1', st(1), { 'values.b': 2 }, { 'values.b': null }],
			['op2', st(2), { 'values.a': 5 }, { 'values.a': null }]
		]);
	});

	it('never coalesces into an op in flight: an edit during a push becomes a new op', async () => {
		const ob = await open(createMemoryStorage());
		await ob.enqueue(makeOp('op1', st(1), { notes: 'a' }), T0);
		const batch = await ob.takeBatch(500, 1e6);
		expect(batch.map((o) => o.id)).toEqual(['op1']);
		await ob.enqueue(makeOp('op2', st(2), { notes: 'b' }, { notes: st(1) }), T0);
		expect(ob.items().map((i) => [i.op.id, i.inflight, i.op.fields])).toEqual([
			['op1', true, { notes: 'a' }],
			['op2', false, { notes: 'b' }]
		]);
		// Nor after it failed and came back: it may already be on the server.
		ob.release(['op1']);
		await ob.enqueue(makeOp('op3', st(3), { notes: 'c' }, { notes: st(2) }), T0);
		expect(ob.items().map((i) => [i.op.id, i.op.fields, i.op.base])).toEqual([
			['op1', { notes: 'a' }, {}],
			// op2 was never sent, so op3 took it over, with op2's base.
			['op3', { notes: 'c' }, { notes: st(1) }]
		]);
	});

	it('settles acks: applied, duplicate and superseded go; rejected stays with its reason until discarded', async () => {
		const ob = await open(createMemoryStorage());
		for (const [i, f] of ['notes', 'values.a', 'values.b', 'values.c'].entries()) {
			await ob.enqueue(makeOp(`op${i}`, st(i), { [f]: 1 }), T0);
		}
		await ob.takeBatch(500, 1e6);
		const results: OpResult[] = [
			{ id: 'op0', status: 'applied' },
			{ id: 'op1', status: 'duplicate' },
			{ id: 'op2', status: 'superseded' },
			{ id: 'op3', status: 'rejected', code: 'out_of_range', reason: 'too many' }
		];
		await ob.settle(results);
		expect(ob.pendingCount).toBe(0);
		expect(ob.rejected).toEqual([
			{ op: expect.objectContaining({ id: 'op3' }), code: 'out_of_range', reason: 'too many' }
		]);
		// A rejected op is never sent again, nor coalesced into.
		expect(await ob.takeBatch(500, 1e6)).toEqual([]);
		await ob.enqueue(makeOp('op4', st(9), { 'values.c': 2 }), T0);
		expect(ob.items().map((i) => i.op.id)).toEqual(['op3', 'op4']);
		expect(await ob.discard('op3')).toBe(true);
		expect(ob.rejected).toEqual([]);
	});

	it('bounds a batch by count and bytes, but always sends at least one op', async () => {
		const ob = await open(createMemoryStorage());
		for (let i = 0; i < 5; i++)
			await ob.enqueue(
				{ ...makeOp(`op${i}`, st(i), { notes: 'x'.repeat(100) }), record: `rec00000000000${i}` },
				T0
			);
		expect((await ob.takeBatch(2, 1e6)).map((o) => o.id)).toEqual(['op0', 'op1']);
		expect((await ob.takeBatch(500, 10)).map((o) => o.id)).toEqual(['op2']);
		const size = JSON.stringify(ob.items()[3]?.op).length;
		expect((await ob.takeBatch(500, 2 * size)).map((o) => o.id)).toEqual(['op3', 'op4']);
	});

	it('survives a restart: same ops, same ids, pending again, still not coalescable once sent', async () => {
		const storage = createMemoryStorage();
		const a = await open(storage);
		await a.enqueue(makeOp('op1', st(1), { notes: 'a' }), T0);
		await a.takeBatch(500, 1e6);
		await a.enqueue(makeOp('op2', st(2), { 'values.a': 1 }), T0);
		const b = await open(storage);
		expect(b.items().map((i) => [i.op.id, i.inflight])).toEqual([
			['op1', false],
			['op2', false]
		]);
		await b.enqueue(makeOp('op3', st(3), { notes: 'b' }, { notes: st(1) }), T0);
		expect(b.items().map((i) => i.op.id)).toEqual(['op1', 'op2', 'op3']);
	});
});

// ── crash points ────────────────────────────────────────────────────────────

/**
 * A day of edits against a server, on a storage that dies after `budget`
 * writes. Returns the values whose edit resolved (must survive) and the value
 * being written when it died (may survive).
 */
async function scenario(
	storage: Storage,
	server: InProcessServer
): Promise<{ sure: Record<string, unknown>; maybe: Record<string, unknown>[] }> {
	const sure: Record<string, unknown> = {};
	const maybe: Record<string, unknown>[] = [];
	const ob = await open(storage);
	let n = 0;
	const edit = async (fields: Op['fields'], base: Op['base'] = {}) => {
		n++;
		maybe.push(fields);
		await ob.enqueue({ ...makeOp(`op${n}`, st(n), fields, base) }, T0 + n);
		maybe.pop();
		Object.assign(sure, fields);
	};
	const push = async () => {
		const ops = await ob.takeBatch(500, 1e6);
		const res = server.push({ device: 'dev_test', ops: JSON.parse(JSON.stringify(ops)) as Op[] });
		await ob.settle(res.results);
	};
	try {
		await edit({ ...RESULT_KEY, notes: 'a' });
		await edit({ notes: 'b' }, { notes: st(1) });
		await edit({ 'values.a': 3 });
		const ops = await ob.takeBatch(500, 1e6);
		const res = server.push({ device: 'dev_test', ops: JSON.parse(JSON.stringify(ops)) as Op[] });
		await edit({ notes: 'c' }, { notes: st(2) }); // during the push
		await ob.settle(res.results);
		await edit({ 'values.b': 99 }); // the server refuses 99 (max 10)
		await edit({ 'values.b': 4, 'values.c': 5 });
		await push();
		const rejected = ob.rejected[0];
		if (rejected) await ob.discard(rejected.op.id);
		await edit({ notes: 'd' }, { notes: st(4) });
		await edit({ notes: 'e' }, { notes: st(4) });
	} catch (e) {
		if (!(e instanceof CrashError)) throw e;
	}
	return { sure, maybe };
}

describe('Outbox crash points', () => {
	it('loses no resolved edit and sends nothing twice the server cannot dedupe, whatever write it dies at', async () => {
		let total = 0;
		{
			const storage = crashingStorage(createMemoryStorage(), Infinity);
			const server = new InProcessServer(() => T0 + 1000);
			seedSchool(server, T0 - 1000);
			await scenario(storage, server);
			total = storage.writes;
		}
		expect(total).toBeGreaterThan(8);
		for (let budget = 0; budget <= total; budget++) {
			const inner = createMemoryStorage();
			const server = new InProcessServer(() => T0 + 1000);
			seedSchool(server, T0 - 1000);
			const { sure, maybe } = await scenario(crashingStorage(inner, budget), server);

			// Restart on what reached disk, and drain the outbox.
			const ob = await open(inner);
			for (let guard = 0; ob.hasSendable && guard < 10; guard++) {
				const ops = await ob.takeBatch(500, 1e6);
				await ob.settle(
					server.push({ device: 'dev_test', ops: JSON.parse(JSON.stringify(ops)) as Op[] }).results
				);
			}
			const record = server.record('results', RESULT);
			const context = `crash after ${budget} of ${total} writes`;
			for (const [path, value] of Object.entries(sure)) {
				if (path === 'values.b' && value === 99) continue;
				const later = maybe.find((m) => path in m);
				const got = path.startsWith('values.')
					? (record?.['values'] as Record<string, unknown> | undefined)?.[path.slice(7)]
					: record?.[path];
				expect([value, later?.[path]], context).toContain(got);
			}
			// An op id seen twice carried no new value the second time (only fewer paths).
			const first = new Map<string, Op>();
			for (const { op } of server.received) {
				const prev = first.get(op.id);
				if (!prev) {
					first.set(op.id, op);
					continue;
				}
				expect(op.stamp, context).toBe(prev.stamp);
				for (const p of Object.keys(op.fields))
					expect(op.fields[p], context).toEqual(prev.fields[p]);
			}
			// Nothing applied twice.
			const appliedIds = server.received
				.filter((r) => r.result.status === 'applied')
				.map((r) => r.op.id);
			expect(new Set(appliedIds).size, context).toBe(appliedIds.length);
		}
	});
});

describe('Outbox order', () => {
	it('sends ops enqueued as `first` (a reset re-creating records) before older ones, also after a restart', async () => {
		const storage = createMemoryStorage();
		const ob = await open(storage);
		await ob.enqueue(makeOp('old1', st(5), { 'values.a': 1 }), T0);
		await ob.enqueue(makeOp('old2', st(6), { notes: 'n' }), T0);
		await ob.enqueue(makeOp('again', st(1), { ...RESULT_KEY, 'values.b': 2 }), T0, { first: true });
		await ob.close();
		const reopened = await open(storage);
		expect((await reopened.takeBatch(2, 1e6)).map((o) => o.id)).toEqual(['again', 'old1']);
		expect((await reopened.takeBatch(2, 1e6)).map((o) => o.id)).toEqual(['old2']);
	});
});
