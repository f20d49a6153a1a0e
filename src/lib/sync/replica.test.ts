import { describe, expect, it } from 'vitest';
import { formatStamp } from './core/stamp';
import type { WireRecord } from './core/types';
import { Outbox } from './outbox';
import { Replica } from './replica';
import { createMemoryStorage } from './storage/memory';
import { crashingStorage, makeOp, recordingLog, RESULT, RESULT_KEY } from './testing';

const T0 = 1_767_225_600_000;
const st = (n: number, dev = 'dev_test') => formatStamp(T0 + n, 0, dev);
const serverResult = (
	fields: Partial<WireRecord>,
	stamps: Record<string, string>,
	seq = 5
): WireRecord =>
	({ id: RESULT, ...RESULT_KEY, ...fields, stamps, seq, deleted: false }) as WireRecord;

async function openBoth(storage = createMemoryStorage()) {
	const outbox = await Outbox.open(storage, { log: recordingLog() });
	const replica = await Replica.open(storage, outbox);
	return { storage, outbox, replica };
}

describe('Replica', () => {
	it('names the collections whose records changed, so pages re-read only those', async () => {
		const { outbox, replica } = await openBoth();
		expect([...replica.takeChanged()]).toEqual([]);
		await outbox.enqueue(makeOp('op1', st(5), { notes: 'a' }), T0);
		expect([...replica.takeChanged()]).toEqual(['results']);
		expect([...replica.takeChanged()]).toEqual([]);
		await outbox.settle([{ id: 'op1', status: 'applied' }]);
		expect(replica.status('results', RESULT)).toMatchObject({ status: 'synced' });
		replica.takeChanged();
		const notice = {
			id: 'c1',
			collection: 'results',
			record: RESULT,
			status: 'open',
			stamps: { status: st(1, 'dev_other') },
			seq: 6,
			deleted: false
		} as WireRecord;
		await replica.applyServer([{ collection: 'conflicts', record: notice }], T0);
		expect([...replica.takeChanged()]).toEqual(['conflicts']);
		// The notice shows in the status at once (status() keeps open notices between changes).
		expect(replica.status('results', RESULT)).toMatchObject({
			status: 'conflict',
			conflictId: 'c1'
		});
	});

	it('does not name a collection when server state repeats what it holds (the realtime echo of a push answer)', async () => {
		const { storage, outbox, replica } = await openBoth();
		const rec = serverResult({ values: { a: 1 } }, { 'values.a': st(1, 'dev_other') });
		await replica.applyServer([{ collection: 'results', record: rec }], T0);
		expect([...replica.takeChanged()]).toEqual(['results']);
		const seen = replica.get('results', RESULT);
		// The same record again (a copy, as a realtime event carries it): nothing to re-render…
		await replica.applyServer([{ collection: 'results', record: structuredClone(rec) }], T0 + 5);
		expect([...replica.takeChanged()]).toEqual([]);
		expect(replica.get('results', RESULT)).toBe(seen);
		// …but it was received now: the status says so, and storage keeps it.
		expect(replica.status('results', RESULT).syncedAt).toBe(T0 + 5);
		const reopened = await Replica.open(storage, outbox);
		expect(reopened.status('results', RESULT).syncedAt).toBe(T0 + 5);
		// A real change still names it.
		const next = serverResult({ values: { a: 2 } }, { 'values.a': st(2, 'dev_other') }, 6);
		await replica.applyServer([{ collection: 'results', record: next }], T0 + 6);
		expect([...replica.takeChanged()]).toEqual(['results']);
		expect(replica.get('results', RESULT)?.['values']).toEqual({ a: 2 });
	});

	it('shows server state with pending edits laid over it, merged as the server would', async () => {
		const { outbox, replica } = await openBoth();
		await replica.applyServer(
			[
				{
					collection: 'results',
					record: serverResult(
						{ values: { a: 1, b: 1 } },
						{ 'values.a': st(1, 'dev_other'), 'values.b': st(9, 'dev_other') }
					)
				}
			],
			T0
		);
		// Our edit of a is newer; our edit of b is older than the server's, so it will lose there too.
		await outbox.enqueue(makeOp('op1', st(5), { 'values.a': 2, 'values.b': 2 }), T0);
		expect(replica.get('results', RESULT)?.['values']).toEqual({ a: 2, b: 1 });
		expect(replica.serverRecord('results', RESULT)?.['values']).toEqual({ a: 1, b: 1 });
		expect(replica.status('results', RESULT, 'values.a')).toMatchObject({
			status: 'pending',
			opId: 'op1',
			syncedAt: T0
		});
		expect(replica.baseStamp('results', RESULT, 'values.a')).toBe(st(5));
		expect(replica.baseStamp('results', RESULT, 'values.b')).toBe(st(9, 'dev_other'));
	});

	it('replays the outbox at start-up, so a crash right after the outbox write loses nothing', async () => {
		const inner = createMemoryStorage();
		const { replica } = await openBoth(inner);
		await replica.applyServer(
			[{ collection: 'results', record: serverResult({ notes: 'old' }, { notes: st(1) }) }],
			T0
		);
		// The tab dies right after the outbox write (the replica keeps no copy of overlays).
		const outbox = await Outbox.open(crashingStorage(inner, 1), { log: recordingLog() });
		await outbox.enqueue(makeOp('op1', st(5), { notes: 'new' }), T0);
		const after = await openBoth(inner);
		expect(after.replica.get('results', RESULT)?.['notes']).toBe('new');
		expect(after.replica.status('results', RESULT, 'notes').status).toBe('pending');
	});

	it('reports rejected edits, then open conflicts, then synced', async () => {
		const { outbox, replica } = await openBoth();
		await replica.applyServer(
			[
				{
					collection: 'results',
					record: serverResult({ notes: 'theirs' }, { notes: st(9, 'dev_other') })
				}
			],
			T0
		);
		expect(replica.status('results', RESULT, 'notes')).toEqual({ status: 'synced', syncedAt: T0 });
		const conflict: WireRecord = {
			id: 'cnf000000000001',
			collection: 'results',
			record: RESULT,
			field: 'notes',
			mine: 'mine',
			theirs: 'theirs',
			status: 'open',
			stamps: { status: st(10, 'server') },
			seq: 6,
			deleted: false
		};
		await replica.applyServer([{ collection: 'conflicts', record: conflict }], T0 + 1);
		expect(replica.status('results', RESULT, 'notes')).toMatchObject({
			status: 'conflict',
			conflictId: 'cnf000000000001'
		});
		expect(replica.status('results', RESULT, 'values.a').status).toBe('synced');
		await outbox.enqueue(makeOp('op1', st(20), { 'values.a': 99 }), T0);
		await outbox.takeBatch(500, 1e6);
		await outbox.settle([
			{ id: 'op1', status: 'rejected', code: 'out_of_range', reason: 'A takes 0–10 points.' }
		]);
		expect(replica.status('results', RESULT)).toMatchObject({
			status: 'rejected',
			code: 'out_of_range',
			opId: 'op1'
		});
		// Resolving the conflict (an edit of its status) clears it at once.
		await outbox.enqueue(
			{
				...makeOp('op2', st(21), { status: 'kept_theirs' }, {}, 'conflicts'),
				record: 'cnf000000000001'
			},
			T0
		);
		expect(replica.status('results', RESULT, 'notes').status).toBe('synced');
	});

	it('lists live records only, local creates included', async () => {
		const { outbox, replica } = await openBoth();
		await outbox.enqueue(makeOp('op1', st(1), { ...RESULT_KEY, notes: 'n' }), T0);
		expect(replica.list('results').map((r) => r.id)).toEqual([RESULT]);
		await outbox.enqueue({ ...makeOp('op2', st(2), {}), delete: true }, T0);
		expect(replica.list('results')).toEqual([]);
		expect(replica.get('results', RESULT)?.deleted).toBe(true);
	});
});
