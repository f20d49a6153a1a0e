/**
 * Several devices edit one result while the network drops requests, loses
 * answers after the server committed, and delivers realtime events late, out
 * of order and twice. When the network heals, every device holds what the
 * server holds, and no acknowledged edit is lost.
 */
import { describe, expect, it, onTestFailed } from 'vitest';
import type { Change } from './core/types';
import { createSyncEngine, type SyncEngine } from './engine';
import { NetworkError, ServerError } from './errors';
import { createMemoryStorage } from './storage/memory';
import {
	flush,
	ManualClock,
	ManualScheduler,
	recordingLog,
	RESULT,
	RESULT_KEY,
	seededRandom,
	seedSchool,
	testSeed
} from './testing';
import {
	createInProcessTransport,
	InProcessServer,
	type InProcessTransport
} from './transport/in-process';

const DEVICES = 3;
const STEPS = 200;

async function run(seed: number): Promise<void> {
	const rnd = seededRandom(seed);
	const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd.next() * xs.length)] as T;
	const clock = new ManualClock();
	const scheduler = new ManualScheduler(clock);
	const server = new InProcessServer(() => clock.now());
	seedSchool(server, clock.now() - 1000);
	let faulty = true;
	const devices: { engine: SyncEngine; transport: InProcessTransport; inbox: (() => void)[] }[] =
		[];
	for (let d = 0; d < DEVICES; d++) {
		const inbox: (() => void)[] = [];
		const transport = createInProcessTransport(server, {
			device: `dev_${d}`,
			fault: (kind) => {
				if (!faulty) return undefined;
				const r = rnd.next();
				if (kind === 'push' && r < 0.1) return { after: new NetworkError('answer lost') };
				if (r < 0.2)
					return rnd.next() < 0.5
						? new NetworkError('dropped')
						: new ServerError(502, 'bad gateway');
				return undefined;
			}
		});
		// Realtime events wait in an inbox; the test delivers them late, shuffled, sometimes twice.
		const subscribe = transport.subscribe.bind(transport);
		transport.subscribe = (onChange: (c: Change) => void, onConnect: () => void) =>
			subscribe((c) => inbox.push(() => onChange(c)), onConnect);
		const engine = createSyncEngine({
			device: `dev_${d}`,
			clock,
			scheduler,
			transport,
			storage: createMemoryStorage(),
			random: seededRandom(seed + d + 1),
			log: recordingLog()
		});
		await engine.start();
		devices.push({ engine, transport, inbox });
	}
	await scheduler.advance(0);

	for (let step = 0; step < STEPS; step++) {
		const dev = pick(devices);
		const r = rnd.next();
		if (r < 0.45) {
			const path = pick(['values.a', 'values.b', 'values.c', 'notes']);
			const value = path === 'notes' ? `n${step}` : Math.floor(rnd.next() * 11);
			const res = await dev.engine.edit('results', RESULT, { ...RESULT_KEY, [path]: value });
			expect(res.ok).toBe(true);
		} else if (r < 0.65) {
			const batch = dev.inbox.splice(0);
			batch.sort(() => rnd.next() - 0.5);
			for (const deliver of batch) {
				deliver();
				if (rnd.next() < 0.2) deliver();
			}
		} else if (r < 0.75) {
			if (dev.transport.connected) dev.transport.disconnect();
			else dev.transport.reconnect();
		} else {
			await scheduler.advance(Math.floor(rnd.next() * 5000));
		}
		await flush();
	}

	// Heal the network.
	faulty = false;
	for (const d of devices) if (!d.transport.connected) d.transport.reconnect();
	for (let round = 0; round < 3; round++) {
		for (const d of devices) await d.engine.syncNow();
		await scheduler.advance(120_000);
	}
	const truth = server.record('results', RESULT);
	for (const [i, d] of devices.entries()) {
		expect(d.engine.pendingCount, `device ${i}`).toBe(0);
		expect(d.engine.rejected, `device ${i}`).toEqual([]);
		const mine = d.engine.get('results', RESULT);
		expect(
			{ values: mine?.['values'], notes: mine?.['notes'], stamps: mine?.stamps },
			`device ${i}`
		).toEqual({
			values: truth?.['values'],
			notes: truth?.['notes'],
			stamps: truth?.stamps
		});
	}
	// Every op the server applied was applied once.
	const applied = server.received.filter((x) => x.result.status === 'applied').map((x) => x.op.id);
	expect(new Set(applied).size).toBe(applied.length);
	for (const d of devices) await d.engine.close();
}

describe('convergence', () => {
	for (let i = 0; i < 5; i++) {
		it(`devices converge with the server under a lossy, reordering network (run ${i})`, async () => {
			const seed = testSeed();
			onTestFailed(() => console.log(`seed: ${seed} (rerun with SEED=${seed})`));
			await run(seed);
		});
	}
});
