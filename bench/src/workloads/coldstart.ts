/**
 * Workload 4, cold start: a new device signs in to a school of S students ×
 * 20 assessments (S × 20 results, full: 1,000 × 20 = 20,000) as the
 * coordinator (who reads everything); the time from sign-in until it is fully
 * usable offline: every result in its replica, durable in its storage
 * (localforage on fake-indexeddb, as in the app; each pull page is awaited
 * until written). Checked afterwards, untimed: a second engine over the same
 * database, offline, sees every result.
 */
import type { BenchContext } from '../lib/context';
import { createBenchDevice, until } from '../lib/markbook-device';
import { startBenchServer } from '../lib/markbook-server';
import { resultKeys, seedResults, seedSchool } from '../lib/school';
import { median, since } from '../lib/stats';
import type { WorkloadResult } from '../lib/report';

const STUDENTS_PER_CLASS = 25;
const ASSESSMENTS = 20;
const TIMEOUT_MS = 600_000;

export async function coldStartWorkload(ctx: BenchContext): Promise<WorkloadResult> {
	const students = ctx.quick ? 100 : 1_000;
	const classes = students / STUDENTS_PER_CLASS;
	const expected = students * ASSESSMENTS;
	const server = await startBenchServer();
	try {
		const admin = await server.admin();
		const school = await seedSchool(admin, {
			teachers: 1,
			coordinator: true,
			classes: Array.from({ length: classes }, () => ({ teachers: [0] })),
			studentsPerClass: STUDENTS_PER_CLASS,
			assessments: ASSESSMENTS,
			periods: 1
		});
		const seedStart = performance.now();
		const seeder = await server.as(school.teachers[0]!.email, school.teachers[0]!.password);
		await seedResults(
			seeder,
			resultKeys(
				school,
				Array.from({ length: classes }, (_, i) => i),
				school.periods[0]!
			)
		);
		ctx.log(`  seeded ${expected} results in ${Math.round(since(seedStart))} ms`);
		const coordinator = school.coordinator!;
		const samples: number[] = [];
		const persisted: number[] = [];
		for (let run = 0; run < ctx.runs; run++) {
			const start = performance.now();
			const pb = await server.as(coordinator.email, coordinator.password);
			const device = await createBenchDevice({
				pb,
				name: `cold${run}`,
				storage: 'fake-indexeddb',
				realtime: false,
				online: true
			});
			await until(
				device.engine,
				() => device.engine.lastSyncAt !== null && device.engine.phase === 'idle',
				TIMEOUT_MS,
				'the first sync',
				20
			);
			const ms = since(start);
			const held = device.engine.list('results').length;
			await device.close();
			if (held !== expected) throw new Error(`the replica holds ${held} of ${expected} results`);
			samples.push(ms);
			// Offline reopen over the same database: what a teacher on the oval would have.
			const again = await createBenchDevice({
				pb: await server.as(coordinator.email, coordinator.password),
				name: `cold${run}b`,
				storage: 'fake-indexeddb',
				realtime: false,
				online: false,
				databaseName: device.storageName
			});
			persisted.push(again.engine.list('results').length);
			await again.close();
			ctx.log(
				`  run ${run + 1}: ${ms} ms to a complete replica of ${held} results; reopened offline: ${persisted[persisted.length - 1]}`
			);
		}
		const m = median(samples);
		const allPersisted = persisted.every((n) => n === expected);
		return {
			name: 'coldstart',
			sizes: { students, assessments: ASSESSMENTS, results: expected, runs: ctx.runs },
			samples: { ours: samples },
			medians: { ours: m },
			facts: { persistedAfterReopen: persisted },
			rows: [
				{
					workload: '4 cold start',
					metric: `sign-in → ${expected.toLocaleString('en')} results usable offline (ms)`,
					ours: m,
					target: '< 3,000 ms',
					met: m < 3_000 && allPersisted,
					note: `client: localforage on fake-indexeddb; reopened offline it held ${persisted.join(', ')} of ${expected}`
				}
			]
		};
	} finally {
		await server.stop();
	}
}
