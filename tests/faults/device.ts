/**
 * A device of the fault suite: the REAL engine (createSyncEngine) with the
 * REAL HTTP transport, talking to PocketBase through the fault proxy, with
 * memory or localforage (fake-indexeddb) storage, a clock that may be off,
 * and a client timeout (the engine has none of its own: it is set on the
 * PocketBase SDK's requests, see `CLIENT_TIMEOUT_MS`).
 *
 * Every push is recorded with the server's answers, when they arrived: that
 * is what the device "saw acknowledged".
 */
import 'fake-indexeddb/auto';
import PocketBase from 'pocketbase';
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
import type { Op, OpResult, PushRequest } from '../../src/lib/sync/core/types';
import { DEMO_IDS, DEMO_USERS } from '../../scripts/lib/seed.mjs';
import { installEventSource } from '../harness/event-source';

/** How long a device waits for an answer before giving up on a request. */
export const CLIENT_TIMEOUT_MS = 1_500;

export type Teacher = 'teacherA' | 'teacherB';

export interface PushRecord {
	ops: Op[];
	results?: OpResult[];
	error?: string;
}

export interface FaultDevice {
	id: string;
	teacher: Teacher;
	userId: string;
	engine: SyncEngine;
	/** A client signed in as this teacher, straight to the server (for the checks). */
	direct: PocketBase;
	/** Off: every request fails on the device, nothing leaves it. */
	offline: boolean;
	/** Pushes still to lose the answer of: the server applies them, the device hears nothing. */
	loseAnswers: number;
	clockOffsetMs: number;
	pushes: PushRecord[];
	/** The order of this device's edits, by op id (filled in by whoever edits). */
	editOrder: Map<string, number>;
	logLines: string[];
	close(): Promise<void>;
}

let counter = 0;

export async function makeFaultDevice(options: {
	serverUrl: string;
	proxyUrl: string;
	teacher: Teacher;
	name: string;
	storage: 'memory' | 'localforage';
	clockOffsetMs?: number;
	realtime?: boolean;
	seed: number;
}): Promise<FaultDevice> {
	// Node 20 has no EventSource; the SDK's realtime needs one.
	if (options.realtime) installEventSource();
	const user = DEMO_USERS.find((u) => u.key === options.teacher);
	if (!user) throw new Error(`no demo user ${options.teacher}`);
	const direct = new PocketBase(options.serverUrl);
	direct.autoCancellation(false);
	await direct.collection('users').authWithPassword(user.email, user.password);
	const pb = new PocketBase(options.proxyUrl);
	pb.autoCancellation(false);
	pb.authStore.save(direct.authStore.token, direct.authStore.record);
	// The client timeout: a request the server does not answer in time fails
	// as a network error (the SDK maps an abort to status 0).
	pb.beforeSend = (url, reqOptions) => {
		reqOptions.signal ??= AbortSignal.timeout(CLIENT_TIMEOUT_MS);
		return { url, options: reqOptions };
	};

	const id = `dev_f${options.name}_${process.pid}_${++counter}`;
	const logLines: string[] = [];
	const log: Log = {
		info: (m) => logLines.push(`info: ${m}`),
		warn: (m) => logLines.push(`warn: ${m}`),
		error: (m, ...d) =>
			logLines.push(
				`error: ${m} ${d.map((x) => (x instanceof Error ? x.message : JSON.stringify(x))).join(' ')}`
			)
	};
	const http = createHttpTransport(pb, { device: id, log });
	const device: FaultDevice = {
		id,
		teacher: options.teacher,
		userId: DEMO_IDS.users[options.teacher],
		engine: undefined as unknown as SyncEngine,
		direct,
		offline: false,
		loseAnswers: 0,
		clockOffsetMs: options.clockOffsetMs ?? 0,
		pushes: [],
		editOrder: new Map(),
		logLines,
		close: async () => {
			await device.engine.close();
			pb.realtime.unsubscribe().catch(() => undefined);
			pb.cancelAllRequests();
		}
	};
	const offline = () => new NetworkError('network: offline (fault suite switch)');
	const transport: Transport = {
		push: async (req: PushRequest) => {
			if (device.offline) throw offline();
			const entry: PushRecord = { ops: req.ops.map((o) => structuredClone(o)) };
			device.pushes.push(entry);
			try {
				const res = await http.push(req);
				if (device.loseAnswers > 0) {
					device.loseAnswers--;
					throw new NetworkError('network: the answer was lost (fault suite switch)');
				}
				entry.results = structuredClone(res.results);
				return res;
			} catch (e) {
				entry.error = e instanceof Error ? e.message : String(e);
				throw e;
			}
		},
		pull: async (params) => {
			if (device.offline) throw offline();
			return http.pull(params);
		},
		ping: async () => (device.offline ? false : http.ping()),
		subscribe: (onChange, onConnect) => http.subscribe(onChange, onConnect)
	};
	let state = options.seed >>> 0;
	const random = () => {
		state = (state * 1664525 + 1013904223) >>> 0;
		return state / 4294967296;
	};
	device.engine = createSyncEngine({
		device: id,
		clock: { now: () => Date.now() + device.clockOffsetMs },
		scheduler: {
			setTimeout: (fn, ms) => setTimeout(fn, ms),
			clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>)
		},
		transport,
		storage:
			options.storage === 'memory'
				? createMemoryStorage()
				: createLocalforageStorage({ name: `markbook-faults-${id}` }),
		random: { next: random },
		log,
		realtime: options.realtime === true
	});
	await device.engine.start();
	return device;
}
