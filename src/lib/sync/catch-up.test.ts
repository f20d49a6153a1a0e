/**
 * Catching up without realtime (issue 10.6) and after the server's data was
 * restored (10.7), under the manual clock: event logs, no sleeps.
 */
import { afterEach, describe, expect, it, onTestFailed } from 'vitest';
import { resultId } from './core/ids';
import { formatStamp } from './core/stamp';
import { WIRE_VERSION } from './core/types';
import { CATCH_UP_PULL_MS, REALTIME_STALE_MS } from './engine';
import { EpochChangedError, ServerError } from './errors';
import { createMemoryStorage } from './storage/memory';
import {
	ASSESSMENT,
	CLASS,
	PERIOD,
	RESULT,
	RESULT_KEY,
	crashingStorage,
	createHarness,
	testSeed,
	type Harness
} from './testing';

let h: Harness | undefined;
afterEach(async () => {
	await h?.engine.close();
	h = undefined;
});

async function harness(
	...args: Parameters<typeof createHarness> extends [number, ...infer R] ? R : never
) {
	const seed = testSeed();
	onTestFailed(() => console.log(`seed: ${seed} (rerun with SEED=${seed})`));
	h = await createHarness(seed, ...args);
	// Classmates of STUDENT, for colleagues' results (the server checks the class).
	for (const n of [2, 3, 4, 5]) {
		h.server.seed('students', {
			id: `stu00000000000${n}`,
			given_name: `Kid ${n}`,
			family_name: 'Test',
			student_number: `S000${n}`,
			classes: [CLASS],
			stamps: {},
			deleted: false
		});
	}
	await h.scheduler.advance(0);
	h.events.length = 0;
	return h;
}

/** Ms since the harness started of each pull in the event log. */
const pullTimes = (events: string[]) =>
	events.filter((e) => e.includes(' pull')).map((e) => Number(e.split(' ')[0]));

/** A colleague's result, written on the server as another device would. */
function colleagueEdit(h: Harness, student: string, value: number): string {
	const id = resultId(student, CLASS, ASSESSMENT, PERIOD);
	const res = h.server.push({
		v: WIRE_VERSION,
		device: 'dev_colleague',
		ops: [
			{
				id: `0190a0b0-0000-7000-8000-${String(value).padStart(12, '0')}`,
				collection: 'results',
				record: id,
				fields: {
					student,
					class: CLASS,
					assessment: ASSESSMENT,
					period: PERIOD,
					'values.a': value
				},
				stamp: formatStamp(h.clock.now(), 0, 'dev_colleague'),
				base: {}
			}
		]
	});
	expect(res.results[0]?.status).toBe('applied');
	return id;
}

describe('catch-up without realtime', () => {
	it('with realtime off, pulls every 30 s ± 20 % while open, and brings a colleague’s edit', async () => {
		const h = await harness({ realtime: false });
		const t0 = h.clock.now();
		const id = colleagueEdit(h, 'stu000000000002', 4);
		await h.scheduler.advance(4 * CATCH_UP_PULL_MS);
		const times = pullTimes(h.events);
		expect(times.length).toBeGreaterThanOrEqual(3);
		const gaps = times.map((t, i) => t - (i === 0 ? 0 : (times[i - 1] as number)));
		// The first gap counts from the start-up pull at 0.
		for (const gap of gaps) {
			expect(gap).toBeGreaterThanOrEqual(0.8 * CATCH_UP_PULL_MS);
			expect(gap).toBeLessThanOrEqual(1.2 * CATCH_UP_PULL_MS);
		}
		// Not all the same: jittered, so devices do not pull in lockstep.
		expect(new Set(gaps).size).toBeGreaterThan(1);
		expect(h.engine.get('results', id)?.['values']).toEqual({ a: 4 });
		expect(h.clock.now() - t0).toBe(4 * CATCH_UP_PULL_MS);
		await h.engine.close();
		h.events.length = 0;
		await h.scheduler.advance(2 * CATCH_UP_PULL_MS);
		expect(h.events).toEqual([]);
	});

	it('with realtime live, does not poll; a stream silent past REALTIME_STALE_MS is taken as dead, resubscribed and pulled', async () => {
		const h = await harness();
		// The stream dies without a word (a proxy holds it open and sends nothing).
		h.transport.disconnect();
		const id = colleagueEdit(h, 'stu000000000003', 6);
		await h.scheduler.advance(REALTIME_STALE_MS - 1000);
		expect(h.events).toEqual([]);
		expect(h.engine.get('results', id)).toBeUndefined();
		await h.scheduler.advance(2000);
		expect(h.events[0]).toBe(`${REALTIME_STALE_MS} subscribe`);
		expect(pullTimes(h.events)[0]).toBe(REALTIME_STALE_MS);
		expect(h.engine.get('results', id)?.['values']).toEqual({ a: 6 });
		expect(h.log.lines).toContain(
			'info: sync: realtime has been silent too long; reconnecting, and pulling meanwhile'
		);
	});

	it('a disconnect the transport reports starts the 30 s catch-up at once', async () => {
		const h = await harness();
		let lost: (() => void) | undefined;
		const subscribe = h.transport.subscribe.bind(h.transport);
		h.transport.subscribe = (onChange, onConnect, onDisconnect) => {
			lost = onDisconnect;
			return subscribe(onChange, onConnect, onDisconnect);
		};
		await h.restart();
		await h.scheduler.advance(0);
		h.events.length = 0;
		h.transport.disconnect();
		expect(lost).toBeTypeOf('function');
		lost?.();
		const id = colleagueEdit(h, 'stu000000000004', 7);
		await h.scheduler.advance(1.2 * CATCH_UP_PULL_MS);
		expect(pullTimes(h.events)).toHaveLength(1);
		expect(h.engine.get('results', id)?.['values']).toEqual({ a: 7 });
		// A reconnect (PB_CONNECT) ends the polling: back to the stale check.
		h.transport.reconnect();
		await h.scheduler.advance(0);
		h.events.length = 0;
		await h.scheduler.advance(REALTIME_STALE_MS - 1000);
		expect(h.events).toEqual([]);
	});

	it('a push refused as epoch_changed (nothing applied) makes the engine pull first, then push again at once', async () => {
		const h = await harness();
		h.faults.push.push(new EpochChangedError('e2', 'The server’s data was restored or replaced.'));
		const cursor = h.server.seq;
		await h.engine.edit('results', RESULT, { ...RESULT_KEY, 'values.a': 3 });
		await h.scheduler.advance(300);
		expect(h.events).toEqual([
			'300 push 1',
			`300 pull since=${cursor}`,
			'300 push 1',
			`300 pull since=${cursor}`
		]);
		expect(h.engine.phase).toBe('idle');
		expect(h.engine.pendingCount).toBe(0);
		expect(h.server.record('results', RESULT)?.['values']).toEqual({ a: 3 });
	});

	it('keeps an op answered 503 (a restore under way) and sends it after the backoff', async () => {
		const h = await harness();
		h.faults.push.push(new ServerError(503, 'The server is being restored from a backup.'));
		await h.engine.edit('results', RESULT, { ...RESULT_KEY, 'values.a': 2 });
		await h.scheduler.advance(300);
		expect(h.engine.phase).toBe('backoff');
		expect(h.engine.pendingCount).toBe(1);
		await h.scheduler.advance(60_000);
		expect(h.engine.pendingCount).toBe(0);
		expect(h.server.record('results', RESULT)?.['values']).toEqual({ a: 2 });
	});
});

/**
 * A device with edits acknowledged before and after a backup, and the server
 * then restored from it: the memory store's real restore, which changes the
 * epoch as a PocketBase restore does (the handlers answer `reset`).
 */
async function restoredSchool(h: Harness) {
	const other = resultId('stu000000000005', CLASS, ASSESSMENT, PERIOD);
	await h.engine.edit('results', RESULT, { ...RESULT_KEY, 'values.a': 1 });
	await h.scheduler.advance(1000);
	const backup = h.server.store.snapshot();
	await h.engine.edit('results', RESULT, { 'values.b': 2 });
	await h.engine.edit('results', other, {
		...RESULT_KEY,
		student: 'stu000000000005',
		'values.a': 9
	});
	await h.scheduler.advance(1000);
	expect(h.engine.pendingCount).toBe(0);
	h.server.store.restore(backup);
	return { restored: h.server, other };
}

describe('reset after a restore', () => {
	it('survives a crash at any write of the reset: the next start finishes it and loses nothing', async () => {
		// Crash at each storage write of the reset in turn, until a run has no write left to crash at.
		let crashedAt = -1;
		const MAX_WRITES = 80;
		for (let writes = 0; writes <= MAX_WRITES && crashedAt === writes - 1; writes++) {
			const memory = createMemoryStorage();
			const h = await harness({ storage: memory });
			const { restored, other } = await restoredSchool(h);
			const crashing = crashingStorage(memory, writes);
			await h.restart({ storage: crashing });
			await h.scheduler.advance(1000);
			await h.engine.close();
			if (crashing.crashed) crashedAt = writes;
			await h.restart({ storage: memory });
			await h.scheduler.advance(5000);
			const at = `crash after ${writes} writes`;
			expect(h.engine.pendingCount, at).toBe(0);
			expect(restored.record('results', RESULT)?.['values'], at).toEqual({ a: 1, b: 2 });
			expect(restored.record('results', other)?.['values'], at).toEqual({ a: 9 });
			for (const id of [RESULT, other]) {
				expect(h.engine.get('results', id), at).toEqual(restored.record('results', id));
			}
			await h.engine.close();
		}
		// Every write of the reset was a crash point (20 or more), and then a run went through.
		expect(crashedAt).toBeGreaterThanOrEqual(20);
		expect(crashedAt).toBeLessThan(MAX_WRITES);
	});

	it('re-sends the device’s own edits the restored server lost, never over a newer value, and then equals the server', async () => {
		const h = await harness();
		const other = resultId('stu000000000005', CLASS, ASSESSMENT, PERIOD);
		await h.engine.edit('results', RESULT, { ...RESULT_KEY, 'values.a': 1 });
		await h.scheduler.advance(1000);
		// The backup: the school as it is now.
		const backup = h.server.store.snapshot();
		// Acknowledged after the backup: b and c of the result, and a new result.
		await h.engine.edit('results', RESULT, { 'values.b': 2 });
		await h.engine.edit('results', RESULT, { 'values.c': 3 });
		await h.engine.edit('results', other, {
			...RESULT_KEY,
			student: 'stu000000000005',
			'values.a': 9
		});
		await h.scheduler.advance(1000);
		expect(h.engine.pendingCount).toBe(0);

		// The restored server: the backup, then a colleague sets c, later than ours.
		// The device pulled everything: its cursor is the server's seq before the restore.
		const cursorBefore = h.server.seq;
		h.server.store.restore(backup);
		const restored = h.server;
		h.clock.set(h.clock.now() + 5000);
		restored.push({
			v: WIRE_VERSION,
			device: 'dev_colleague',
			ops: [
				{
					id: '0190a0b0-0000-7000-8000-00000000000c',
					collection: 'results',
					record: RESULT,
					fields: { 'values.c': 8 },
					stamp: formatStamp(h.clock.now(), 0, 'dev_colleague'),
					base: {}
				}
			]
		});
		h.events.length = 0;
		await h.restart();
		await h.scheduler.advance(1000);

		// The old cursor, under the old epoch, is answered reset; then a pull from 0.
		const pulls = h.events.filter((e) => e.includes(' pull '));
		expect(pulls.slice(0, 2).map((e) => e.split(' ').slice(1).join(' '))).toEqual([
			`pull since=${cursorBefore}`,
			'pull since=0'
		]);
		expect(h.log.lines.some((l) => l.includes('restored or replaced'))).toBe(true);
		expect(h.engine.pendingCount).toBe(0);
		expect(restored.record('results', RESULT)?.['values']).toEqual({ a: 1, b: 2, c: 8 });
		expect(restored.record('results', other)?.['values']).toEqual({ a: 9 });
		expect(restored.record('results', other)?.['student']).toBe('stu000000000005');
		for (const id of [RESULT, other]) {
			expect(h.engine.get('results', id)).toEqual(restored.record('results', id));
		}
		// The reset is over: the next pull is an ordinary one from the cursor, under the new epoch.
		h.events.length = 0;
		await h.engine.syncNow();
		expect(
			h.events.filter((e) => e.includes(' pull ')).map((e) => e.split(' ').slice(1).join(' '))
		).toEqual([`pull since=${restored.seq}`]);
	});
});

describe('a conflict notice the restore took', () => {
	/** The conflicts rows the server holds for the teacher's `values.b` of RESULT. */
	const notices = (h: Harness) =>
		h.server
			.pull({ since: 0, limit: 1000, device: 'dev_check' })
			.changes.filter(
				(c) =>
					c.collection === 'conflicts' &&
					c.record['record'] === RESULT &&
					c.record['field'] === 'values.b'
			)
			.map((c) => c.record['mine']);

	/** A colleague's `values.b` of RESULT, pushed straight to the server (a re-send carries base null). */
	const colleagueB = (h: Harness, id: string, stamp: string) =>
		h.server.push({
			v: WIRE_VERSION,
			device: 'dev_colleague',
			ops: [
				{
					id,
					collection: 'results',
					record: RESULT,
					fields: { 'values.b': 5 },
					stamp,
					base: {}
				}
			]
		}).results[0]?.status;

	for (const colleagueFirst of [true, false]) {
		it(`is made again after the reset when the loser's edit was answered superseded after the backup (colleague re-sends ${colleagueFirst ? 'first' : 'last'})`, async () => {
			const h = await harness();
			await h.engine.edit('results', RESULT, { ...RESULT_KEY, 'values.a': 1 });
			await h.scheduler.advance(1000);
			const backup = h.server.store.snapshot();
			// After the backup: a colleague's b, later than the teacher's coming edit
			// (the server's clock, and the colleague's, run ahead of this device's).
			h.serverSkewMs = 5000;
			const stamp = formatStamp(h.clock.now() + 5000, 0, 'dev_colleague');
			expect(colleagueB(h, '0190a0b0-0000-7000-8000-0000000000b1', stamp)).toBe('applied');
			// The teacher, not having seen it, types b: superseded, and the server makes a notice.
			await h.engine.edit('results', RESULT, { 'values.b': 2 });
			await h.scheduler.advance(1000);
			expect(h.engine.pendingCount).toBe(0);
			expect(h.engine.get('results', RESULT)?.['values']).toEqual({ a: 1, b: 5 });
			expect(notices(h)).toEqual([2]);

			// The restore takes the colleague's b and the notice.
			h.server.store.restore(backup);
			expect(notices(h)).toEqual([]);
			// The colleague's device re-sends its edit (as concurrent: base null).
			if (colleagueFirst)
				expect(colleagueB(h, '0190a0b0-0000-7000-8000-0000000000b2', stamp)).toBe('applied');
			await h.engine.syncNow();
			await h.scheduler.advance(1000);
			if (!colleagueFirst)
				expect(colleagueB(h, '0190a0b0-0000-7000-8000-0000000000b2', stamp)).toBe('applied');
			await h.engine.syncNow();
			await h.scheduler.advance(1000);

			expect(h.engine.pendingCount).toBe(0);
			expect(h.server.record('results', RESULT)?.['values']).toEqual({ a: 1, b: 5 });
			// The teacher's 2 lost to the colleague's 5: the notice is there again, once.
			expect(notices(h)).toEqual([2]);
			expect(h.engine.get('results', RESULT)).toEqual(h.server.record('results', RESULT));
		});
	}

	it("is made again after the reset when the loser's edit was applied, then overwritten by a colleague's concurrent edit, both after the backup", async () => {
		const h = await harness();
		await h.engine.edit('results', RESULT, { ...RESULT_KEY, 'values.a': 1 });
		await h.scheduler.advance(1000);
		const backup = h.server.store.snapshot();
		// After the backup: the teacher's b is applied, then a colleague's b, made
		// without having seen it, overwrites it (the server makes the notice).
		await h.engine.edit('results', RESULT, { 'values.b': 2 });
		await h.scheduler.advance(1000);
		h.clock.set(h.clock.now() + 1000);
		const stamp = formatStamp(h.clock.now(), 0, 'dev_colleague');
		expect(colleagueB(h, '0190a0b0-0000-7000-8000-0000000000b3', stamp)).toBe('applied');
		expect(notices(h)).toEqual([2]);
		// The teacher's device hears of it.
		await h.engine.syncNow();
		expect(h.engine.get('results', RESULT)?.['values']).toEqual({ a: 1, b: 5 });

		// The restore takes both b's and the notice; the colleague re-sends first (base null).
		h.server.store.restore(backup);
		expect(colleagueB(h, '0190a0b0-0000-7000-8000-0000000000b4', stamp)).toBe('applied');
		expect(notices(h)).toEqual([]);
		await h.engine.syncNow();
		await h.scheduler.advance(1000);
		await h.engine.syncNow();

		expect(h.engine.pendingCount).toBe(0);
		expect(h.server.record('results', RESULT)?.['values']).toEqual({ a: 1, b: 5 });
		expect(notices(h)).toEqual([2]);
		expect(h.engine.get('results', RESULT)).toEqual(h.server.record('results', RESULT));
	});

	it("is made after the reset when a colleague's concurrent edit reached the restored server first, over nothing", async () => {
		const h = await harness();
		await h.engine.edit('results', RESULT, { ...RESULT_KEY, 'values.a': 1 });
		await h.scheduler.advance(1000);
		const backup = h.server.store.snapshot();
		// After the backup: the teacher's b is applied.
		await h.engine.edit('results', RESULT, { 'values.b': 2 });
		await h.scheduler.advance(1000);
		expect(h.engine.pendingCount).toBe(0);
		// The restore takes it; a colleague's b, made without having seen it and
		// later, reaches the restored server first: it overwrites nothing, no notice.
		h.server.store.restore(backup);
		h.clock.set(h.clock.now() + 1000);
		const stamp = formatStamp(h.clock.now(), 0, 'dev_colleague');
		expect(colleagueB(h, '0190a0b0-0000-7000-8000-0000000000b5', stamp)).toBe('applied');
		expect(notices(h)).toEqual([]);
		await h.engine.syncNow();
		await h.scheduler.advance(1000);
		await h.engine.syncNow();

		expect(h.engine.pendingCount).toBe(0);
		expect(h.server.record('results', RESULT)?.['values']).toEqual({ a: 1, b: 5 });
		// The teacher's 2 lost to the colleague's 5, unseen: a notice.
		expect(notices(h)).toEqual([2]);
		expect(h.engine.get('results', RESULT)).toEqual(h.server.record('results', RESULT));
	});
});
