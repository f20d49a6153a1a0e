/**
 * Devices for driving the REAL sync engine against the REAL server: a signed-in
 * PocketBase SDK client, the HTTP transport wrapped in a network we control,
 * localforage (over fake-indexeddb) or memory storage, a wall clock (optionally
 * offset: a device whose clock runs ahead) and real timers.
 *
 *   const a = await makeDevice(server, 'teacherA');
 *   a.net.offline = true;  await a.engine.edit(…);  a.net.offline = false;  await a.sync();
 *
 * The network wrapper:
 * - `offline`: every call throws the engine's NetworkError (ping answers false);
 * - `loseAnswers`: the next N pushes reach the server, which applies them, and
 *   then the answer is lost (NetworkError instead of the response);
 * - `hold()`: the next push waits at a gate until released (a push in flight);
 * - `pushes`: every push request as sent, with its answer or error.
 */
import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type PocketBase from 'pocketbase';
import type { RecordModel } from 'pocketbase';
import {
	NetworkError,
	createHttpTransport,
	createLocalforageStorage,
	createMemoryStorage,
	createSyncEngine,
	type Log,
	type SyncEngine,
	type Transport
} from '../../src/lib/sync/index';
import type {
	Change,
	Op,
	OpResult,
	PushRequest,
	SyncedCollection,
	WireRecord
} from '../../src/lib/sync/core/types';
import { sortKeys } from '../../src/lib/sync/core/json';
import { startTestServer, type TestServer } from './pocketbase';
import { login } from './sync';

export type Teacher = 'teacherA' | 'teacherB' | 'coordinator';

/** One push as the device sent it. */
export interface PushLog {
	ops: Op[];
	/** The server's answers, when the device received them. */
	results?: OpResult[];
	/** Set when the push failed (or its answer was "lost"). */
	error?: string;
	/** Whether the request reached the server (false when offline). */
	reached: boolean;
	/** Round trip of the request in ms (0 when offline). */
	ms: number;
}

export class Network {
	offline = false;
	/** Pushes whose answer is still to be lost. */
	loseAnswers = 0;
	readonly pushes: PushLog[] = [];
	/** Changes delivered by realtime (devices made with `realtime: true`), with when they arrived. */
	readonly realtime: { change: Change; at: number }[] = [];
	/** Realtime (re)connects seen (PB_CONNECT). */
	connects = 0;
	#gate: { arrived: () => void; released: Promise<void>; when: 'request' | 'answer' } | null = null;

	/**
	 * Holds the next push: its request before it leaves the device (`request`),
	 * or its answer after the server applied it (`answer`). `arrived` resolves
	 * when a push is waiting at the gate; `release()` lets it go on.
	 */
	hold(when: 'request' | 'answer' = 'request'): { arrived: Promise<void>; release: () => void } {
		let arrived!: () => void;
		let release!: () => void;
		const arrivedP = new Promise<void>((r) => (arrived = r));
		const released = new Promise<void>((r) => (release = r));
		this.#gate = { arrived, released, when };
		return { arrived: arrivedP, release };
	}

	/** Ops pushed (each send counted, retries included). */
	get opsSent(): Op[] {
		return this.pushes.flatMap((p) => p.ops);
	}

	wrap(inner: Transport): Transport {
		const offlineError = () => new NetworkError('network: offline (test switch)');
		return {
			push: async (req: PushRequest) => {
				const gate = this.#gate;
				this.#gate = null;
				if (gate?.when === 'request') {
					gate.arrived();
					await gate.released;
				}
				const entry: PushLog = {
					ops: req.ops.map((o) => structuredClone(o)),
					reached: !this.offline,
					ms: 0
				};
				this.pushes.push(entry);
				if (this.offline) {
					entry.error = 'offline';
					throw offlineError();
				}
				let res;
				const started = Date.now();
				try {
					res = await inner.push(req);
					entry.ms = Date.now() - started;
				} catch (e) {
					entry.ms = Date.now() - started;
					entry.error = e instanceof Error ? e.message : String(e);
					throw e;
				}
				if (gate?.when === 'answer') {
					gate.arrived();
					await gate.released;
				}
				if (this.loseAnswers > 0) {
					this.loseAnswers--;
					entry.error = 'answer lost';
					throw new NetworkError('network: the answer was lost (test switch)');
				}
				entry.results = res.results;
				return res;
			},
			pull: async (params) => {
				if (this.offline) throw offlineError();
				return inner.pull(params);
			},
			ping: async () => (this.offline ? false : inner.ping()),
			subscribe: (onChange, onConnect) =>
				inner.subscribe(
					(change) => {
						this.realtime.push({ change, at: Date.now() });
						onChange(change);
					},
					() => {
						this.connects++;
						onConnect();
					}
				)
		};
	}
}

export interface Device {
	id: string;
	teacher: Teacher;
	userId: string;
	pb: PocketBase;
	engine: SyncEngine;
	net: Network;
	/** Milliseconds this device's clock runs ahead of the real one (settable). */
	clockOffsetMs: number;
	logLines: string[];
	/** syncNow(), failing when the cycle did not end idle. */
	sync(): Promise<void>;
	/** Closes the engine and starts a new one over the same storage and device id (an app restart). */
	restart(): Promise<void>;
	close(): Promise<void>;
}

let deviceCounter = 0;

export interface DeviceOptions {
	storage?: 'localforage' | 'memory';
	clockOffsetMs?: number;
	name?: string;
	/** Start with the network off (the device cannot even pull first). */
	offline?: boolean;
	/**
	 * Follow realtime (default false: Node 20 has no EventSource; pass true after
	 * installEventSource() from ./event-source).
	 */
	realtime?: boolean;
}

/** A started engine for `teacher` on a new device. Close it when done. */
export async function makeDevice(
	server: TestServer,
	teacher: Teacher,
	options: DeviceOptions = {}
): Promise<Device> {
	const user = login(teacher);
	const pb = await server.as(user.email, user.password);
	const id = `dev_${options.name ?? teacher}_${process.pid}_${++deviceCounter}_${Math.floor(Math.random() * 1e6)}`;
	const net = new Network();
	net.offline = options.offline === true;
	const logLines: string[] = [];
	const log: Log = {
		info: (m) => logLines.push(`info: ${m}`),
		warn: (m) => logLines.push(`warn: ${m}`),
		error: (m, ...d) =>
			logLines.push(
				`error: ${m} ${d.map((x) => (x instanceof Error ? x.message : JSON.stringify(x))).join(' ')}`
			)
	};
	const memory = createMemoryStorage();
	const device: Device = {
		id,
		teacher,
		userId: user.id,
		pb,
		net,
		clockOffsetMs: options.clockOffsetMs ?? 0,
		logLines,
		engine: undefined as unknown as SyncEngine,
		restart: async () => undefined,
		async sync() {
			await device.engine.syncNow();
			const s = device.engine.state;
			if (s.phase !== 'idle') {
				throw new Error(
					`${id}: sync ended in phase ${s.phase}: ${JSON.stringify(s.lastError ?? s.blocked)}`
				);
			}
		},
		async close() {
			await device.engine.close();
		}
	};
	const makeEngine = () =>
		createSyncEngine({
			device: id,
			clock: { now: () => Date.now() + device.clockOffsetMs },
			scheduler: {
				setTimeout: (fn, ms) => setTimeout(fn, ms),
				clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>)
			},
			transport: net.wrap(createHttpTransport(pb, { device: id, log })),
			// A restart opens the same database again, as a reloaded tab would.
			storage:
				options.storage === 'memory'
					? memory
					: createLocalforageStorage({ name: `markbook-test-${id}` }),
			random: { next: () => Math.random() },
			log,
			// Node 20 has no EventSource: unless asked, devices learn of others' edits by pulling.
			realtime: options.realtime === true
		});
	device.restart = async () => {
		await device.engine.close();
		device.engine = makeEngine();
		await device.engine.start();
	};
	device.engine = makeEngine();
	await device.engine.start();
	return device;
}

/** Polls `predicate` every 20 ms until it holds; throws after `timeoutMs`. */
export async function waitFor(
	predicate: () => boolean | Promise<boolean>,
	timeoutMs = 10_000,
	what = 'condition'
): Promise<void> {
	const end = Date.now() + timeoutMs;
	for (;;) {
		if (await predicate()) return;
		if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 20));
	}
}

const NOT_WIRE = ['collectionId', 'collectionName', 'created', 'updated', 'expand'];

/** A REST record as the wire shows it (what the hooks' toWire does), keys sorted. */
export function wireOf(record: RecordModel | WireRecord): WireRecord {
	const plain = JSON.parse(JSON.stringify(record)) as Record<string, unknown>;
	for (const key of NOT_WIRE) delete plain[key];
	if (!plain['stamps'] || typeof plain['stamps'] !== 'object') plain['stamps'] = {};
	plain['seq'] = typeof plain['seq'] === 'number' ? plain['seq'] : 0;
	plain['deleted'] = plain['deleted'] === true;
	return sortKeys(plain as WireRecord);
}

/** Canonical JSON of a record (sorted keys, wire fields only). */
export function canonical(record: RecordModel | WireRecord | undefined): string {
	return record === undefined ? 'undefined' : JSON.stringify(wireOf(record));
}

/** Records of a collection as the server holds them (read as superuser), by id. */
export async function serverState(
	admin: PocketBase,
	collection: SyncedCollection,
	filter = ''
): Promise<Map<string, WireRecord>> {
	const rows = await admin.collection(collection).getFullList({ filter, batch: 1000 });
	return new Map(rows.map((r) => [r.id, wireOf(r)]));
}

/** One record as the server holds it, or undefined. */
export async function serverRecord(
	admin: PocketBase,
	collection: SyncedCollection,
	id: string
): Promise<WireRecord | undefined> {
	try {
		return wireOf(await admin.collection(collection).getOne(id));
	} catch (e) {
		if ((e as { status?: number }).status === 404) return undefined;
		throw e;
	}
}

/** audit_log entries of one record. */
export async function auditCount(admin: PocketBase, record: string): Promise<number> {
	const list = await admin
		.collection('audit_log')
		.getList(1, 1, { filter: admin.filter('record = {:r}', { r: record }) });
	return list.totalItems;
}

/** sync_receipts for one op id. */
export async function receiptCount(admin: PocketBase, opId: string): Promise<number> {
	const list = await admin
		.collection('sync_receipts')
		.getList(1, 1, { filter: admin.filter('op_id = {:o}', { o: opId }) });
	return list.totalItems;
}

/** A test file's school: one seeded server, and devices closed after each test. */
export interface School {
	server: TestServer;
	admin: PocketBase;
	device(teacher: Teacher, options?: DeviceOptions): Promise<Device>;
}

/** Registers the file's hooks; the fields are set once `beforeAll` has run. */
export function useSchool(): School {
	const devices: Device[] = [];
	const school = {
		async device(teacher: Teacher, options: DeviceOptions = {}): Promise<Device> {
			const d = await makeDevice(school.server, teacher, options);
			devices.push(d);
			return d;
		}
	} as School;
	const closeAll = () => Promise.all(devices.splice(0).map((d) => d.close()));
	beforeAll(async () => {
		school.server = await startTestServer({ seed: true });
		school.admin = await school.server.admin();
	}, 60_000);
	afterEach(closeAll);
	afterAll(async () => {
		await closeAll();
		await school.server?.stop();
	});
	return school;
}
