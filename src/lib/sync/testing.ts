/**
 * Port doubles for tests: a manual clock, a manual scheduler driven by it, a
 * seeded random source, a recording logger, and a Storage that crashes after N
 * writes. Not exported from index.ts; tests import this module directly.
 */
import type { Clock, Log, Random, Scheduler, Storage, TimerHandle } from './ports';
import { resultId } from './core/ids';
import { formatStamp } from './core/stamp';
import type { Op, SyncedCollection } from './core/types';
import { createSyncEngine, type SyncEngine, type SyncEngineOptions } from './engine';
import { createMemoryStorage } from './storage/memory';
import {
	createInProcessTransport,
	DEFAULT_USER,
	InProcessServer,
	type Fault,
	type InProcessTransport
} from './transport/in-process';

/** A clock that moves only when told to. */
export class ManualClock implements Clock {
	#t: number;
	constructor(start = 1_767_225_600_000) {
		this.#t = start;
	}
	now(): number {
		return this.#t;
	}
	set(t: number): void {
		this.#t = t;
	}
}

interface Timer {
	id: number;
	at: number;
	fn: () => void;
}

/** Lets pending promise callbacks run (storage and transports are async). */
export async function flush(turns = 5): Promise<void> {
	for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r));
}

/** Timers on a ManualClock; `advance` runs them in time order and moves the clock. */
export class ManualScheduler implements Scheduler {
	#clock: ManualClock;
	#timers: Timer[] = [];
	#nextId = 1;
	/** Every delay ever scheduled, in order (for backoff assertions). */
	readonly scheduled: number[] = [];

	constructor(clock: ManualClock) {
		this.#clock = clock;
	}
	setTimeout(fn: () => void, ms: number): TimerHandle {
		const t = { id: this.#nextId++, at: this.#clock.now() + Math.max(0, ms), fn };
		this.#timers.push(t);
		this.scheduled.push(ms);
		return t.id;
	}
	clearTimeout(handle: TimerHandle): void {
		this.#timers = this.#timers.filter((t) => t.id !== handle);
	}
	/** Delays from now of the timers waiting, soonest first. */
	get pending(): number[] {
		return this.#timers.map((t) => t.at - this.#clock.now()).sort((a, b) => a - b);
	}
	/** Runs every timer due within `ms`, in order, letting async work settle after each. */
	async advance(ms: number): Promise<void> {
		const end = this.#clock.now() + ms;
		await flush();
		for (;;) {
			const due = this.#timers
				.filter((t) => t.at <= end)
				.sort((a, b) => a.at - b.at || a.id - b.id)[0];
			if (!due) break;
			this.#timers = this.#timers.filter((t) => t !== due);
			this.#clock.set(Math.max(this.#clock.now(), due.at));
			due.fn();
			await flush();
		}
		this.#clock.set(end);
		await flush();
	}
}

/** A seeded generator (mulberry32): the same seed gives the same sequence. */
export function seededRandom(seed: number): Random {
	let a = seed >>> 0;
	return {
		next() {
			a = (a + 0x6d2b79f5) >>> 0;
			let t = a;
			t = Math.imul(t ^ (t >>> 15), t | 1);
			t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
			return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
		}
	};
}

/** A logger that keeps what it was told. */
export function recordingLog(): Log & { lines: string[] } {
	const lines: string[] = [];
	const at = (level: string) => (message: string) => {
		lines.push(`${level}: ${message}`);
	};
	return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

/** Thrown by a CrashingStorage once its write budget is spent. */
export class CrashError extends Error {
	override readonly name = 'CrashError';
}

/**
 * Wraps a Storage so that the (n+1)-th single-key write and every later one
 * throw, as if the tab died right there. A setMany counts one write per entry
 * (the port does not promise atomicity across entries).
 */
export function crashingStorage(
	inner: Storage,
	writesAllowed: number
): Storage & { writes: number; crashed: boolean } {
	const state = { writes: 0, crashed: false };
	async function spend(): Promise<void> {
		if (state.crashed || state.writes >= writesAllowed) {
			state.crashed = true;
			throw new CrashError(`crash after ${writesAllowed} writes`);
		}
		state.writes++;
	}
	return Object.assign(state, {
		get: <T>(key: string) =>
			state.crashed ? Promise.reject(new CrashError('crashed')) : inner.get<T>(key),
		keys: (prefix: string) => inner.keys(prefix),
		async set(key: string, value: unknown) {
			await spend();
			await inner.set(key, value);
		},
		async remove(key: string) {
			await spend();
			await inner.remove(key);
		},
		async setMany(entries: ReadonlyArray<readonly [string, unknown]>) {
			for (const [key, value] of entries) {
				await spend();
				await inner.setMany([[key, value]]);
			}
		}
	});
}

// ── a small school and an engine harness ────────────────────────────────────

/** The teacher of CLASS (the in-process server's default user). */
export const TEACHER = DEFAULT_USER;
export const STUDENT = 'stu000000000001';
export const CLASS = 'cls000000000001';
export const ASSESSMENT = 'asm000000000001';
export const PERIOD = 'per000000000001';
/** The id of STUDENT's result for ASSESSMENT in PERIOD. */
export const RESULT = resultId(STUDENT, ASSESSMENT, PERIOD);
/** The fields that create RESULT. */
export const RESULT_KEY = {
	student: STUDENT,
	class: CLASS,
	assessment: ASSESSMENT,
	period: PERIOD
};

/**
 * Seeds the school as office staff would: TEACHER teaching CLASS, STUDENT in
 * it, PERIOD, and an `items` assessment with components a, b, c (0–10 each).
 * Four records, so a full pull ends at seq 4 (SCHOOL_SEQ).
 */
export function seedSchool(server: InProcessServer, now: number): void {
	const stamp = formatStamp(now, 0, 'server');
	const stamped = (fields: string[]) => Object.fromEntries(fields.map((f) => [f, stamp]));
	server.seed('classes', {
		id: CLASS,
		name: '5A',
		year_level: 5,
		teachers: [TEACHER],
		stamps: stamped(['name', 'year_level', 'teachers']),
		deleted: false
	});
	server.seed('students', {
		id: STUDENT,
		given_name: 'Ada',
		family_name: 'Lovelace',
		student_number: 'S0001',
		classes: [CLASS],
		stamps: stamped(['given_name', 'family_name', 'student_number', 'classes']),
		deleted: false
	});
	server.seed('periods', {
		id: PERIOD,
		name: 'Term 1',
		starts: '2026-01-27',
		ends: '2026-04-02',
		stamps: stamped(['name', 'starts', 'ends']),
		deleted: false
	});
	server.seed('assessments', {
		id: ASSESSMENT,
		name: 'Test items',
		framework: 'Test',
		kind: 'items',
		components: [
			{ key: 'a', label: 'A', max: 10 },
			{ key: 'b', label: 'B', max: 10 },
			{ key: 'c', label: 'C', max: 10 }
		],
		levels: [],
		active: true,
		stamps: stamped(['name', 'framework', 'kind', 'components', 'levels', 'active']),
		deleted: false
	});
}

/** The cursor after a full pull of the seeded school. */
export const SCHOOL_SEQ = 4;

/** A hand-made op on RESULT (for outbox-level tests). */
export function makeOp(
	id: string,
	stamp: string,
	fields: Op['fields'],
	base: Op['base'] = {},
	collection: SyncedCollection = 'results'
): Op {
	return { id, collection, record: RESULT, fields, stamp, base };
}

export interface Harness {
	seed: number;
	clock: ManualClock;
	scheduler: ManualScheduler;
	server: InProcessServer;
	transport: InProcessTransport;
	storage: Storage;
	log: ReturnType<typeof recordingLog>;
	/** Calls the transport saw, as `<ms since start> <call> <detail>`. */
	events: string[];
	/** Faults to inject, consumed in order per call kind. */
	faults: { push: Fault[]; pull: Fault[]; ping: Fault[] };
	engine: SyncEngine;
	/** The server's clock minus the device's (negative: the device runs ahead). */
	serverSkewMs: number;
	/** A new engine over the same storage (a restart), sharing the server. */
	restart(overrides?: Partial<SyncEngineOptions>): Promise<SyncEngine>;
}

/** Everything an engine test needs, seeded; the engine is started. */
export async function createHarness(
	seed: number,
	overrides: Partial<SyncEngineOptions> = {}
): Promise<Harness> {
	const clock = new ManualClock();
	const t0 = clock.now();
	const scheduler = new ManualScheduler(clock);
	const skew = { ms: 0 };
	const server = new InProcessServer(() => clock.now() + skew.ms);
	seedSchool(server, t0 - 1000);
	const events: string[] = [];
	const faults: Harness['faults'] = { push: [], pull: [], ping: [] };
	const device = overrides.device ?? 'dev_test';
	const transport = createInProcessTransport(server, {
		device,
		fault: (kind) => faults[kind].shift(),
		onCall: (kind, req) => {
			const detail =
				kind === 'push'
					? `${(req as { ops: Op[] }).ops.length}`
					: kind === 'pull'
						? `since=${(req as { since: number }).since}`
						: '';
			events.push(`${clock.now() - t0} ${kind}${detail ? ' ' + detail : ''}`);
		}
	});
	const storage = overrides.storage ?? createMemoryStorage();
	const log = recordingLog();
	const make = (o: Partial<SyncEngineOptions>) =>
		createSyncEngine({
			device,
			clock,
			scheduler,
			transport,
			storage,
			random: seededRandom(seed),
			log,
			...overrides,
			...o
		});
	const h: Harness = {
		seed,
		clock,
		scheduler,
		server,
		transport,
		storage,
		log,
		events,
		faults,
		engine: make({}),
		get serverSkewMs() {
			return skew.ms;
		},
		set serverSkewMs(ms: number) {
			skew.ms = ms;
		},
		async restart(o = {}) {
			await h.engine.close();
			h.engine = make(o);
			await h.engine.start();
			return h.engine;
		}
	};
	await h.engine.start();
	return h;
}

/** A seed from SEED in the environment, or a fresh one. Print it when a test fails. */
export function testSeed(): number {
	const env = typeof process !== 'undefined' ? process.env['SEED'] : undefined;
	return env ? Number(env) : Math.floor(Math.random() * 2 ** 31);
}
