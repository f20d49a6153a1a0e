/**
 * Workload 2, fan-out latency: 30 devices (30 teachers of one class, each its
 * own engine, SDK client and SSE connection) follow the class in realtime; a
 * 31st device edits one result; the time from its edit() call until all 30
 * replicas hold the new value. p50/p95 over the samples.
 *
 * The writer pushes at once (pushDebounceMs 0): the engine's 300 ms debounce
 * coalesces keystrokes and is not part of fan-out. All 31 engines share this
 * one Node process (2 cores with PocketBase), which adds client-side delay a
 * school's 30 separate tablets would not have.
 */
import { type BenchContext, recordPeak } from '../lib/context';
import { createBenchDevice, until, type BenchDevice } from '../lib/markbook-device';
import { startBenchServer } from '../lib/markbook-server';
import { RssSampler } from '../lib/rss';
import { resultKeys, seedSchool } from '../lib/school';
import { median, percentile, since, sleep } from '../lib/stats';
import type { WorkloadResult } from '../lib/report';

const DEVICES = 30;
const TIMEOUT_MS = 30_000;

export async function fanoutWorkload(ctx: BenchContext): Promise<WorkloadResult> {
	const edits = ctx.quick ? 10 : 50;
	const server = await startBenchServer();
	const devices: BenchDevice[] = [];
	try {
		const admin = await server.admin();
		const school = await seedSchool(admin, {
			teachers: DEVICES,
			classes: [{ teachers: Array.from({ length: DEVICES }, (_, i) => i) }],
			studentsPerClass: 25,
			assessments: 4,
			periods: 1
		});
		const keys = resultKeys(school, [0], school.periods[0]!);
		const connect = async (i: number, realtime: boolean): Promise<BenchDevice> => {
			const t = school.teachers[i]!;
			const pb = await server.as(t.email, t.password);
			return createBenchDevice({
				pb,
				name: `fan${i}${realtime ? '' : 'w'}`,
				storage: 'memory',
				realtime,
				online: true,
				pushDebounceMs: 0
			});
		};
		for (let i = 0; i < DEVICES; i++) devices.push(await connect(i, true));
		const writer = await connect(0, false);
		devices.push(writer);
		const readers = devices.slice(0, DEVICES);
		await Promise.all(devices.map((d) => d.engine.syncNow()));
		await sleep(1_000); // let every SSE subscription settle
		const samples: number[] = [];
		const sampler = new RssSampler(server.pid);
		for (let n = 0; n < edits; n++) {
			const k = keys[n % keys.length]!;
			const value = (Math.floor(n / keys.length) + 1) % 2;
			const start = performance.now();
			const res = await writer.engine.edit('results', k.id, {
				student: k.student,
				class: k.class,
				assessment: k.assessment,
				period: k.period,
				'values.c1': value
			});
			if (!res.ok) throw new Error(`edit refused: ${res.reason}`);
			await Promise.all(
				readers.map((d) =>
					until(
						d.engine,
						() =>
							(d.engine.get('results', k.id)?.['values'] as Record<string, number> | undefined)?.[
								'c1'
							] === value,
						TIMEOUT_MS,
						`device ${d.id} to receive ${k.id}`,
						5
					)
				)
			);
			samples.push(since(start));
			await sleep(100);
		}
		recordPeak('pocketbase', 'fanout', sampler.stop());
		// Where the time goes: the writer's push round trip (the server applies and
		// commits) vs the rest (realtime broadcast, 30 clients applying it).
		const pushMs = writer.wire.pushes.slice(-edits).map((p) => p.ms);
		const p50 = percentile(samples, 50);
		const p95 = percentile(samples, 95);
		ctx.log(
			`  ${edits} edits to ${DEVICES} devices: p50 ${p50} ms, p95 ${p95} ms; the writer's push round trip p50 ${percentile(pushMs, 50)} ms`
		);
		const problems = devices.flatMap((d) => d.problems);
		return {
			name: 'fanout',
			sizes: { devices: DEVICES, edits },
			samples: { ours: samples },
			medians: { ours: median(samples), p50, p95 },
			facts: { engineProblems: problems.slice(0, 20), writerPushMs: pushMs },
			rows: [
				{
					workload: '2 fan-out',
					metric: `edit → all ${DEVICES} replicas, p50 (ms)`,
					ours: p50,
					target: 'info',
					met: null
				},
				{
					workload: '2 fan-out',
					metric: `edit → all ${DEVICES} replicas, p95 (ms)`,
					ours: p95,
					target: '< 50 ms',
					met: p95 < 50,
					note: `over ${edits} edits; the writer's push round trip alone: p50 ${percentile(pushMs, 50)} ms; writer pushes at once (no 300 ms debounce); 31 engines share one Node process`
				}
			]
		};
	} finally {
		await Promise.all(devices.map((d) => d.close()));
		await server.stop();
	}
}
