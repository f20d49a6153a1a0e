/**
 * One fault run: three devices (teacher A on two, teacher B on one) edit a
 * few results of the class both teach, seeded, while a scenario's faults hit
 * them; then the faults stop, everything heals, and the checks count what
 * went wrong. `runSuite` runs many, on one server and one proxy.
 *
 * The workload, per step (weights): edit a component or the notes (notes
 * values are unique per edit, which is what lets the audit log show an op
 * applied twice), "tap on, tap off", a background sync, a device going
 * offline or back, a pause, and a contested cell (A and B both offline edit
 * one field with different values, then come back in a seeded order). Each
 * run also makes one edit the server must refuse (a result in the shared
 * class for a student who is not in it: the device cannot know).
 */
import { DEMO_IDS, FMS_SKILLS } from '../../scripts/lib/seed.mjs';
import { resultId } from '../../src/lib/sync/core/ids';
import type { Json } from '../../src/lib/sync/core/types';
import { FaultProxy, seededRandom } from '../harness/fault-proxy';
import { checkRun, zeroCounts, type CheckReport, type Counts } from './checks';
import { makeFaultDevice, type FaultDevice, type Teacher } from './device';
import type { FaultContext, Scenario } from './scenarios';
import { FaultServer } from './server';

const SHARED = DEMO_IDS.classes.shared;
const SHARED_STUDENTS = DEMO_IDS.students.slice(0, 25);
const B_STUDENTS = DEMO_IDS.students.slice(50, 75);
const PERIODS = [
	DEMO_IDS.periods.term1,
	DEMO_IDS.periods.term2,
	DEMO_IDS.periods.term3,
	DEMO_IDS.periods.term4
];
const SKILLS = FMS_SKILLS.map((s) => DEMO_IDS.assessments[s.key] as string);
const COMPONENTS = ['values.c1', 'values.c2', 'values.c3', 'values.c4', 'values.c5'];

/** Three results per run, never reused on one server: 25 students × 12 skills × 4 terms / 3. */
const CELLS_PER_RUN = 3;
const MAX_RUNS_PER_SERVER = Math.floor(
	(SHARED_STUDENTS.length * SKILLS.length * PERIODS.length) / CELLS_PER_RUN
);

export interface RunOptions {
	/** Workload steps (default 30). */
	steps?: number;
	log?: (line: string) => void;
}

export interface RunResult {
	scenario: string;
	seed: number;
	counts: Counts;
	details: string[];
	events: string[];
	ms: number;
	/** Faults injected: the proxy's (resets, lost answers, doubles, delays, cut streams) and the events (kills, stops, restores). */
	faults: number;
	/** The run itself broke (not a count): its message. */
	error?: string;
}

export function failed(r: RunResult): boolean {
	return r.error !== undefined || Object.values(r.counts).some((n) => n > 0);
}

interface Cell {
	id: string;
	key: Record<string, Json>;
}

/** The world a suite runs in: one server, one proxy; `close()` stops both. */
export interface FaultWorld {
	server: FaultServer;
	proxy: FaultProxy;
	runs: number;
	close(): Promise<void>;
}

/** Runs one world can hold (each run takes results of its own). */
export const RUNS_PER_WORLD = MAX_RUNS_PER_SERVER;

export async function startWorld(): Promise<FaultWorld> {
	const server = await FaultServer.start();
	let proxy: FaultProxy;
	try {
		proxy = await FaultProxy.start(server.port, 1);
	} catch (e) {
		await server.stop();
		throw e;
	}
	return {
		server,
		proxy,
		runs: 0,
		async close() {
			await proxy.close();
			await server.stop();
		}
	};
}

function cellsFor(n: number): Cell[] {
	if (n >= MAX_RUNS_PER_SERVER) throw new Error(`at most ${MAX_RUNS_PER_SERVER} runs per server`);
	const out: Cell[] = [];
	for (let i = 0; i < CELLS_PER_RUN; i++) {
		const k = n * CELLS_PER_RUN + i;
		const student = SHARED_STUDENTS[k % SHARED_STUDENTS.length] as string;
		const rest = Math.floor(k / SHARED_STUDENTS.length);
		const assessment = SKILLS[rest % SKILLS.length] as string;
		const period = PERIODS[Math.floor(rest / SKILLS.length) % PERIODS.length] as string;
		out.push({
			id: resultId(student, SHARED, assessment, period),
			key: { student, class: SHARED, assessment, period }
		});
	}
	return out;
}

/** How long healing may take before what is still pending counts as unhealed. */
const HEAL_LIMIT_MS = 20_000;

const quiet = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs one scenario with one seed in `world`. Never throws: a broken run is reported. */
export async function runScenario(
	world: FaultWorld,
	scenario: Scenario,
	seed: number,
	options: RunOptions = {}
): Promise<RunResult> {
	const started = Date.now();
	const random = seededRandom(seed);
	const events: string[] = [];
	const log = (line: string) => {
		events.push(`${Date.now() - started} ms ${line}`);
		options.log?.(`[${scenario.name} ${seed}] ${line}`);
	};
	const { server, proxy } = world;
	const run = world.runs++;
	const cells = cellsFor(run);
	const poison: Cell = (() => {
		const student = B_STUDENTS[run % B_STUDENTS.length] as string;
		const assessment = SKILLS[run % SKILLS.length] as string;
		const period = PERIODS[run % PERIODS.length] as string;
		return {
			id: resultId(student, SHARED, assessment, period),
			key: { student, class: SHARED, assessment, period }
		};
	})();
	const devices: FaultDevice[] = [];
	const background: Promise<void>[] = [];
	let done = false;
	let during: Promise<void> = Promise.resolve();
	const errorsBefore = proxy.serverErrors.length;
	const injectedBefore = proxy.injected;
	let token = 0;
	let edits = 0;
	const note = () => `n${seed}.${++token}`;
	const edit = async (d: FaultDevice, cell: Cell, path: string, value: Json) => {
		const res = await d.engine.edit('results', cell.id, { ...cell.key, [path]: value });
		if (!res.ok)
			throw new Error(
				`${d.id} refused its own edit ${path}=${JSON.stringify(value)}: ${res.reason}`
			);
		d.editOrder.set(res.opId, ++edits);
	};
	const ctx: FaultContext = {
		server,
		proxy,
		devices,
		records: [...cells.map((c) => c.id), poison.id],
		officeRecords: new Set(),
		office5xx: 0,
		random,
		edit: (d, cell, path, value) => edit(d, cells[cell] as Cell, path, value),
		touch: async (d) => {
			const cell = cells[Math.floor(random() * cells.length)] as Cell;
			await edit(d, cell, 'notes', note());
		},
		done: () => done,
		sleep: async (ms) => {
			const end = Date.now() + ms;
			while (!done && Date.now() < end) await quiet(Math.min(50, end - Date.now()));
		},
		log
	};
	let report: CheckReport = { counts: zeroCounts(), details: [] };
	let error: string | undefined;
	try {
		proxy.reseed(seed);
		proxy.plan = {};
		const teachers: Teacher[] = ['teacherA', 'teacherB', 'teacherA'];
		for (let i = 0; i < 3; i++) {
			devices.push(
				await makeFaultDevice({
					serverUrl: server.url,
					proxyUrl: proxy.url,
					teacher: teachers[i] as Teacher,
					name: `${i}`,
					storage: i === 0 ? 'localforage' : 'memory',
					clockOffsetMs: scenario.clocks?.[i] ?? 0,
					realtime: scenario.realtime === true,
					seed: (seed + i * 7919) >>> 0
				})
			);
		}
		for (const d of devices) await d.engine.syncNow();

		// ── faults on ──
		proxy.plan = { ...(scenario.plan ?? {}) };
		if (scenario.before) await scenario.before(ctx);
		if (scenario.during)
			during = scenario.during(ctx).catch((e: unknown) => log(`fault loop failed: ${String(e)}`));
		const steps = options.steps ?? 30;
		const poisonAt = Math.floor(random() * steps);
		const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
		const taps = scenario.taps ?? 1;
		for (let step = 0; step < steps; step++) {
			if (step === poisonAt) await edit(devices[0] as FaultDevice, poison, 'values.c1', 1);
			const roll = random() * (12 + taps);
			const d = pick(devices);
			if (roll < 6) {
				const path = random() < 0.3 ? 'notes' : pick(COMPONENTS);
				await edit(d, pick(cells), path, path === 'notes' ? note() : random() < 0.5 ? 1 : 0);
			} else if (roll < 9) {
				background.push(d.engine.syncNow().catch((e: unknown) => log(`sync failed: ${String(e)}`)));
			} else if (roll < 10) {
				d.offline = !d.offline;
			} else if (roll < 11) {
				await quiet(random() * 150);
			} else if (roll < 12) {
				// A contested cell: A and B, both offline, edit one field with different values.
				const a = devices[0] as FaultDevice;
				const b = devices[1] as FaultDevice;
				const cell = pick(cells);
				const path = pick(COMPONENTS);
				a.offline = b.offline = true;
				const v = random() < 0.5 ? 1 : 0;
				const first = random() < 0.5 ? a : b;
				await edit(first, cell, path, v);
				await quiet(5);
				await edit(first === a ? b : a, cell, path, 1 - v);
				const order = random() < 0.5 ? [a, b] : [b, a];
				for (const x of order) {
					x.offline = false;
					await x.engine.syncNow().catch((e: unknown) => log(`sync failed: ${String(e)}`));
				}
			} else {
				// Tap on, tap off.
				const cell = pick(cells);
				const path = pick(COMPONENTS);
				await edit(d, cell, path, 1);
				background.push(d.engine.syncNow().catch(() => undefined));
				await edit(d, cell, path, 0);
			}
		}
		await Promise.all(background.splice(0));

		// ── faults off, heal ──
		done = true;
		await during;
		proxy.plan = {};
		proxy.onPushForwarded = null;
		server.resume();
		if (!server.alive) await server.restart();
		await server.waitHealthy();
		for (const d of devices) {
			d.offline = false;
			d.loseAnswers = 0;
		}
		// Rounds until every device is idle with nothing pending (a busy machine
		// may need several: a request past the client timeout fails the round).
		const healBy = Date.now() + HEAL_LIMIT_MS;
		for (let round = 0; ; round++) {
			for (const d of devices) await d.engine.syncNow();
			if (devices.every((d) => d.engine.pendingCount === 0 && d.engine.phase === 'idle')) break;
			if (round >= 3 && Date.now() > healBy) break;
			await quiet(200);
		}
		await quiet(400);
		for (const d of devices) await d.engine.syncNow();
		await quiet(200);

		report = await checkRun({
			server,
			devices,
			records: ctx.records,
			officeRecords: ctx.officeRecords,
			// A 503 while a restore is under way is the design's retryable answer.
			http5xx:
				proxy.serverErrors.slice(errorsBefore).filter((e) => !e.expected).length + ctx.office5xx
		});
		for (const e of proxy.serverErrors.slice(errorsBefore))
			report.details.push(
				`5xx${e.expected ? ' (expected: a restore under way)' : ''}: ${e.status} ${e.path} ${e.body}`
			);
	} catch (e) {
		error = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
		done = true;
	} finally {
		done = true;
		proxy.plan = {};
		proxy.onPushForwarded = null;
		proxy.allow503 = false;
		server.resume();
		await during;
		await Promise.allSettled(background);
		for (const d of devices) await d.close().catch(() => undefined);
		if (!server.alive) await server.restart().catch(() => undefined);
	}
	const result: RunResult = {
		scenario: scenario.name,
		seed,
		counts: report.counts,
		details: report.details,
		events,
		ms: Date.now() - started,
		faults:
			proxy.injected -
			injectedBefore +
			events.filter((e) => /killed|SIGSTOP|restore of/.test(e)).length
	};
	if (error !== undefined) result.error = error;
	return result;
}

/** The seed of run `i` of a suite started with `seed`. */
export function runSeed(seed: number, i: number): number {
	return (seed + Math.imul(i, 0x9e3779b9)) >>> 0;
}
