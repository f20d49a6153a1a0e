import { afterEach, describe, expect, it, onTestFailed } from 'vitest';
import { backoffCap, RETRY_MAX_DELAY_MS } from './backoff';
import { WIRE_VERSION } from './core/types';
import { AuthError, NetworkError, RejectedError, ServerError } from './errors';
import {
	ASSESSMENT,
	CLASS,
	createHarness,
	RESULT,
	RESULT_KEY,
	TEACHER,
	testSeed,
	type Harness
} from './testing';

let h: Harness | undefined;
afterEach(async () => {
	await h?.engine.close();
	h = undefined;
});

/** A harness whose seed is printed if the test fails. */
async function harness(
	...args: Parameters<typeof createHarness> extends [number, ...infer R] ? R : never
): Promise<Harness> {
	const seed = testSeed();
	onTestFailed(() => console.log(`seed: ${seed} (rerun with SEED=${seed})`));
	h = await createHarness(seed, ...args);
	await h.scheduler.advance(0);
	h.events.length = 0;
	return h;
}

const counts = (req: { pending?: number; failed?: number }) => ({
	pending: req.pending,
	failed: req.failed
});
const values = (rec: { [k: string]: unknown } | undefined) => rec?.['values'];

describe('SyncEngine', () => {
	it('pulls the school on start, then pushes a debounced burst of edits as one coalesced op', async () => {
		const h = await harness();
		expect(h.engine.get('assessments', ASSESSMENT)?.['name']).toBe('Test items');
		await h.engine.edit('results', RESULT, { ...RESULT_KEY, 'values.a': 1 });
		await h.scheduler.advance(100);
		await h.engine.edit('results', RESULT, { 'values.a': 2 });
		await h.engine.edit('results', RESULT, { 'values.a': 3 });
		expect(values(h.engine.get('results', RESULT))).toEqual({ a: 3 });
		expect(h.engine.status('results', RESULT, 'values.a').status).toBe('pending');
		expect(h.engine.pendingCount).toBe(1);
		await h.scheduler.advance(1000);
		expect(h.events).toEqual(['400 push 1', '400 pull since=4']);
		expect(values(h.server.record('results', RESULT))).toEqual({ a: 3 });
		expect(h.engine.pendingCount).toBe(0);
		expect(h.engine.status('results', RESULT, 'values.a')).toMatchObject({
			status: 'synced',
			syncedAt: h.clock.now() - 700
		});
		expect(h.engine.phase).toBe('idle');
	});

	it('refuses an invalid edit on the device, with the reason, and queues nothing', async () => {
		const h = await harness();
		const res = await h.engine.edit('results', RESULT, { ...RESULT_KEY, 'values.a': 11 });
		expect(res).toMatchObject({ ok: false, code: 'out_of_range' });
		expect(h.engine.pendingCount).toBe(0);
	});

	it('keeps an edit made during a push as a new op, and sends it after', async () => {
		const h = await harness();
		await h.engine.edit('results', RESULT, { ...RESULT_KEY, notes: 'first' });
		// Hold the push open: edit while it is in flight.
		let release!: () => void;
		const gate = new Promise<void>((r) => (release = r));
		const push = h.transport.push.bind(h.transport);
		h.transport.push = async (req) => {
			await gate;
			return push(req);
		};
		await h.scheduler.advance(300);
		expect(h.engine.phase).toBe('pushing');
		await h.engine.edit('results', RESULT, { notes: 'second' });
		expect(h.engine.status('results', RESULT, 'notes')).toMatchObject({
			status: 'pending',
			inflight: true
		});
		release();
		await h.scheduler.advance(1000);
		expect(h.events).toEqual(['300 push 1', '300 push 1', '300 pull since=4']);
		expect(h.server.record('results', RESULT)?.['notes']).toBe('second');
		expect(h.server.received.map((r) => r.op.fields['notes'])).toEqual(['first', 'second']);
		expect(h.engine.pendingCount).toBe(0);
	});

	it('resumes after a partial failure, re-sending only unacked ops with the same ids', async () => {
		const h = await harness({ maxBatchOps: 2 });
		await h.engine.edit('results', RESULT, { ...RESULT_KEY, 'values.a': 1 });
		await h.engine.edit('results', RESULT, { 'values.b': 2 });
		await h.engine.edit('results', RESULT, { 'values.c': 3 });
		await h.engine.edit('results', RESULT, { notes: 'n' });
		// The second batch reaches the server but its answer is lost.
		h.faults.push.push(undefined, { after: new NetworkError('connection reset') });
		await h.scheduler.advance(300);
		expect(h.engine.phase).toBe('backoff');
		expect(h.engine.pendingCount).toBe(2);
		await h.scheduler.advance(RETRY_MAX_DELAY_MS);
		const sent = h.server.received.map((r) => `${r.op.id.slice(-4)} ${r.result.status}`);
		expect(sent).toHaveLength(6);
		expect(sent.slice(4)).toEqual([
			sent[2]?.replace('applied', 'duplicate'),
			sent[3]?.replace('applied', 'duplicate')
		]);
		expect(h.engine.pendingCount).toBe(0);
		expect(values(h.server.record('results', RESULT))).toEqual({ a: 1, b: 2, c: 3 });
		expect(h.events.filter((e) => e.includes('ping'))).toHaveLength(1);
	});

	it('marks a 4xx-rejected op with its reason, never retries it, and keeps it until fixed or discarded', async () => {
		const h = await harness();
		await h.engine.edit('results', RESULT, { ...RESULT_KEY, notes: 'ok' });
		await h.scheduler.advance(1000);
		// The office lowers the maximum of a and b to 5 while realtime is down.
		h.transport.disconnect();
		const asm = h.server.record('assessments', ASSESSMENT)!;
		h.server.seed('assessments', {
			...asm,
			components: [
				{ key: 'a', label: 'A', max: 5 },
				{ key: 'b', label: 'B', max: 5 }
			]
		});
		await h.engine.edit('results', RESULT, { 'values.a': 8 });
		await h.engine.edit('results', RESULT, { 'values.b': 9 });
		await h.scheduler.advance(1000);
		expect(h.engine.rejected.map((r) => r.code)).toEqual(['out_of_range', 'out_of_range']);
		const status = h.engine.status('results', RESULT, 'values.a');
		expect(status).toMatchObject({
			status: 'rejected',
			code: 'out_of_range',
			reason: expect.stringContaining('0–5')
		});
		expect(values(h.engine.get('results', RESULT))).toEqual({ a: 8, b: 9 }); // what the teacher typed stays visible
		h.events.length = 0;
		await h.engine.syncNow();
		expect(h.events).toEqual([`${h.clock.now() - 1767225600000} pull since=6`]);
		expect(h.engine.rejected).toHaveLength(2);

		expect(await h.engine.fix(status.opId!, 4)).toMatchObject({ ok: true });
		expect(await h.engine.discard(h.engine.status('results', RESULT, 'values.b').opId!)).toBe(true);
		expect(h.engine.rejected).toEqual([]);
		expect(values(h.engine.get('results', RESULT))).toEqual({ a: 4 });
		await h.scheduler.advance(1000);
		expect(values(h.server.record('results', RESULT))).toEqual({ a: 4 });
		expect(h.engine.status('results', RESULT, 'values.a').status).toBe('synced');
	});

	/** A result synced, then the office lowering every maximum to 5 unseen by the device. */
	async function lowerMaxUnseen(h: Harness): Promise<void> {
		await h.engine.edit('results', RESULT, { ...RESULT_KEY, notes: 'ok' });
		await h.scheduler.advance(1000);
		h.transport.disconnect();
		const asm = h.server.record('assessments', ASSESSMENT)!;
		h.server.seed('assessments', {
			...asm,
			components: ['a', 'b', 'c'].map((key) => ({ key, label: key, max: 5 }))
		});
	}

	it("carries the outbox's pending and refused counts on every push and pull, so the server's device row shows them", async () => {
		const h = await harness();
		const sent: { kind: string; pending: number | undefined; failed: number | undefined }[] = [];
		const { push, pull } = h.transport;
		h.transport.push = (req) => (sent.push({ kind: 'push', ...counts(req) }), push(req));
		h.transport.pull = (p) => (sent.push({ kind: 'pull', ...counts(p) }), pull(p));
		const row = () => h.server.status('dev_test')['device'];
		await lowerMaxUnseen(h);
		sent.length = 0;
		await h.engine.edit('results', RESULT, { 'values.a': 8 });
		await h.scheduler.advance(1000);
		// As of sending: the push counts its own op; the pull after it, the refusal.
		expect(sent).toEqual([
			{ kind: 'push', pending: 1, failed: 0 },
			{ kind: 'pull', pending: 0, failed: 1 }
		]);
		expect(row()).toMatchObject({ pending: 0, failed: 1 });
		// Queued edits while the server is unreachable: the next sync reports them as sent.
		h.faults.push.push(new NetworkError('down'));
		await h.engine.edit('results', RESULT, { 'values.b': 2 });
		await h.engine.edit('results', RESULT, { 'values.c': 3 });
		sent.length = 0;
		await h.scheduler.advance(1000);
		expect(sent[0]).toEqual({ kind: 'push', pending: 2, failed: 1 });
		expect(row()).toMatchObject({ pending: 0, failed: 1 });
		expect(await h.engine.discard(h.engine.status('results', RESULT, 'values.a').opId!)).toBe(true);
		await h.engine.syncNow();
		expect(row()).toMatchObject({ pending: 0, failed: 0 });
	});

	it('keeps a refused edit rejected when the answer was lost and its replay is answered from the receipt', async () => {
		const h = await harness();
		await lowerMaxUnseen(h);
		await h.engine.edit('results', RESULT, { 'values.a': 8 });
		h.faults.push.push({ after: new NetworkError('answer lost') });
		await h.scheduler.advance(RETRY_MAX_DELAY_MS * 2);
		const sent = h.server.received.filter((r) => 'values.a' in r.op.fields);
		expect(sent.map((r) => r.result.status)).toEqual(['rejected', 'rejected']);
		expect(h.engine.rejected.map((r) => r.code)).toEqual(['out_of_range']);
		expect(h.engine.status('results', RESULT, 'values.a').status).toBe('rejected');
		expect(values(h.server.record('results', RESULT))).toBeUndefined();
	});

	it('never folds a "duplicate" that carries a rejection code (an older server) as accepted', async () => {
		const h = await harness();
		await lowerMaxUnseen(h);
		await h.engine.edit('results', RESULT, { 'values.a': 8 });
		const push = h.transport.push.bind(h.transport);
		h.transport.push = async (req) => {
			const res = await push(req);
			// What servers before the fix answered to a replay of a rejected op.
			return {
				...res,
				results: res.results.map((r) =>
					r.status === 'rejected' ? { ...r, status: 'duplicate' } : r
				)
			};
		};
		await h.scheduler.advance(1000);
		expect(h.engine.rejected.map((r) => r.code)).toEqual(['out_of_range']);
		expect(h.engine.pendingCount).toBe(0);
		expect(h.engine.status('results', RESULT, 'values.a').status).toBe('rejected');
	});

	it('bisects a batch the server refuses as malformed (400) to reject only the bad op', async () => {
		const h = await harness();
		for (const f of ['a', 'b', 'c'])
			await h.engine.edit('results', RESULT, { ...RESULT_KEY, [`values.${f}`]: 1 });
		const push = h.transport.push.bind(h.transport);
		h.transport.push = async (req) => {
			if (req.ops.some((op) => 'values.b' in op.fields)) throw new RejectedError(400, 'bad op');
			return push(req);
		};
		await h.scheduler.advance(1000);
		expect(
			h.engine.rejected.map((r) => [
				Object.keys(r.op.fields).includes('values.b'),
				r.code,
				r.reason
			])
		).toEqual([[true, 'malformed', 'bad op']]);
		expect(h.engine.pendingCount).toBe(0);
		expect(h.engine.phase).toBe('idle');
	});

	it('asks for sign-in on 401, pauses with the outbox intact, and resumes', async () => {
		const h = await harness();
		h.faults.push.push(new AuthError('token expired'));
		await h.engine.edit('results', RESULT, { ...RESULT_KEY, notes: 'x' });
		await h.scheduler.advance(300);
		expect(h.engine.phase).toBe('needsSignIn');
		await h.scheduler.advance(10 * RETRY_MAX_DELAY_MS);
		expect(h.events).toEqual(['300 push 1']);
		expect(h.engine.pendingCount).toBe(1);
		h.engine.resume();
		await h.scheduler.advance(0);
		expect(h.engine.phase).toBe('idle');
		expect(h.server.record('results', RESULT)?.['notes']).toBe('x');
	});

	it('pauses as blocked on 403/426 with the edits kept pending', async () => {
		const h = await harness();
		h.faults.push.push(new RejectedError(426, 'Please update Markbook.'));
		await h.engine.edit('results', RESULT, { ...RESULT_KEY, notes: 'x' });
		await h.scheduler.advance(300);
		expect(h.engine.state).toMatchObject({
			phase: 'blocked',
			blocked: { status: 426, message: 'Please update Markbook.' },
			pendingCount: 1,
			rejected: []
		});
	});

	it('backs off 1 s doubling to 60 s with full jitter on 5xx and network errors, pinging before each retry', async () => {
		const h = await harness();
		for (let i = 0; i < 9; i++)
			h.faults.pull.push(i % 2 ? new ServerError(503, 'busy') : new NetworkError('down'));
		await h.engine.syncNow();
		const delays: number[] = [];
		for (let i = 1; i <= 9; i++) {
			expect(h.engine.phase).toBe('backoff');
			const wait = h.engine.state.retryAt! - h.clock.now();
			delays.push(wait);
			expect(wait, `attempt ${i}`).toBeGreaterThanOrEqual(0);
			expect(wait, `attempt ${i}`).toBeLessThan(backoffCap(i));
			await h.scheduler.advance(wait);
		}
		expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map(backoffCap)).toEqual([
			1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000
		]);
		expect(h.engine.phase).toBe('idle');
		// After a network error the next try starts with a heartbeat.
		expect(h.events.filter((e) => e.includes('ping'))).toHaveLength(5);
	});

	it('goes offline with the platform and syncs when it comes back', async () => {
		let online = true;
		const listeners = new Set<(o: boolean) => void>();
		const source = {
			isOnline: () => online,
			subscribe: (cb: (o: boolean) => void) => (listeners.add(cb), () => listeners.delete(cb))
		};
		const h = await harness({ online: source });
		online = false;
		for (const l of listeners) l(false);
		await h.engine.edit('results', RESULT, { ...RESULT_KEY, notes: 'offline' });
		await h.scheduler.advance(5000);
		expect(h.engine.phase).toBe('offline');
		expect(h.events).toEqual([]);
		online = true;
		for (const l of listeners) l(true);
		await h.scheduler.advance(0);
		expect(h.events).toEqual(['5000 push 1', '5000 pull since=4']);
	});

	it('applies realtime changes and pulls on every reconnect to catch missed ones', async () => {
		const h = await harness();
		const other = await createHarness(1);
		// Another teacher's device, on the same server.
		const server = h.server;
		const stamp = `${h.clock.now() + 5}:00000:dev_other`;
		server.push({
			v: WIRE_VERSION,
			device: 'dev_other',
			ops: [
				{
					id: 'o1',
					collection: 'results',
					record: RESULT,
					fields: { ...RESULT_KEY, notes: 'live' },
					stamp,
					base: {}
				}
			]
		});
		await h.scheduler.advance(0);
		expect(h.engine.get('results', RESULT)?.['notes']).toBe('live');
		expect(h.events).toEqual([]);
		h.transport.disconnect();
		server.push({
			v: WIRE_VERSION,
			device: 'dev_other',
			ops: [
				{
					id: 'o2',
					collection: 'results',
					record: RESULT,
					fields: { notes: 'missed' },
					stamp: stamp.replace(':00000:', ':00001:'),
					base: {}
				}
			]
		});
		await h.scheduler.advance(0);
		expect(h.engine.get('results', RESULT)?.['notes']).toBe('live');
		h.transport.reconnect();
		await h.scheduler.advance(0);
		expect(h.events).toEqual(['0 pull since=4']);
		expect(h.engine.get('results', RESULT)?.['notes']).toBe('missed');
		await other.engine.close();
	});

	it('replays the outbox over the replica at start-up: an edit written just before a crash shows and syncs', async () => {
		const h = await harness();
		h.faults.push.push(new NetworkError('down'));
		await h.engine.edit('results', RESULT, { ...RESULT_KEY, 'values.b': 7 });
		const engine = await h.restart();
		expect(values(engine.get('results', RESULT))).toEqual({ b: 7 });
		expect(engine.pendingCount).toBe(1);
		await h.scheduler.advance(1000);
		expect(values(h.server.record('results', RESULT))).toEqual({ b: 7 });
	});

	it('surfaces clamps when the device clock runs ahead, and keeps the clamped stamp', async () => {
		const h = await harness();
		h.serverSkewMs = -3_600_000;
		await h.engine.edit('results', RESULT, { ...RESULT_KEY, notes: 'ahead' });
		await h.scheduler.advance(1000);
		const { clamped, clockOffsetMs } = h.engine.state;
		expect(clamped).toHaveLength(1);
		expect(clamped[0]?.to < clamped[0]!.from).toBe(true);
		expect(clockOffsetMs).toBe(-3_600_000);
		const rec = h.engine.get('results', RESULT)!;
		expect(rec.stamps['notes']).toBe(h.server.record('results', RESULT)?.stamps['notes']);
		expect(rec.stamps['notes']).toBe(clamped[0]?.to);
	});

	it('re-fetches everything when the scope changes, and forgets records that left it', async () => {
		const h = await harness();
		await h.engine.edit('results', RESULT, { ...RESULT_KEY, notes: 'x' });
		await h.scheduler.advance(1000);
		expect(h.engine.list('results')).toHaveLength(1);
		// The office takes the teacher off the class: its records leave the device.
		h.server.setTeaches(TEACHER, CLASS, false);
		h.events.length = 0;
		await h.engine.syncNow();
		expect(h.events.map((e) => e.replace(/^\d+ /, ''))).toEqual(['pull since=5', 'pull since=0']);
		expect(h.engine.list('results')).toEqual([]);
		expect(h.engine.list('classes')).toEqual([]);
		expect(h.engine.get('assessments', ASSESSMENT)).toBeDefined();
		expect(await h.storage.get('meta/refetch')).toBeUndefined();
	});
});
