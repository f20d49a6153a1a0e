/**
 * A Markbook device for the bench: the real sync engine (src/lib/sync) over
 * the real HTTP transport and a signed-in PocketBase SDK, as in
 * tests/harness/devices.ts, with two differences the workloads need:
 * - the network is switched through the engine's own OnlineSource port (as
 *   `navigator.onLine` is in a browser), so going offline queues edits without
 *   failed requests and backoff, and coming back is the engine's reconnect;
 * - realtime can be on (the run polyfills EventSource for the SDK in Node).
 */
import type PocketBase from 'pocketbase';
import {
	createHttpTransport,
	createLocalforageStorage,
	createMemoryStorage,
	createSyncEngine,
	type Log,
	type OnlineSource,
	type Storage,
	type SyncEngine,
	type Transport
} from '../../../src/lib/sync/index';

/** Where the device keeps its outbox and replica. */
export type ClientStorage = 'memory' | 'fake-indexeddb';

export interface BenchDeviceOptions {
	pb: PocketBase;
	name: string;
	storage: ClientStorage;
	realtime: boolean;
	online: boolean;
	pushDebounceMs?: number;
	/** IndexedDB database name (fake-indexeddb), to reopen the same storage. */
	databaseName?: string;
}

/** Round trips the device made, to tell server time from client time. */
export interface WireStats {
	pushes: { ops: number; ms: number }[];
	pulls: { changes: number; ms: number }[];
}

export interface BenchDevice {
	id: string;
	wire: WireStats;
	engine: SyncEngine;
	storageName: string;
	setOnline(online: boolean): void;
	/** Warnings and errors the engine logged (a clean run has none). */
	problems: string[];
	close(): Promise<void>;
}

/** A switch the bench flips; the engine observes it like navigator.onLine. */
class Switch implements OnlineSource {
	#online: boolean;
	#listeners = new Set<(online: boolean) => void>();
	constructor(online: boolean) {
		this.#online = online;
	}
	isOnline(): boolean {
		return this.#online;
	}
	subscribe(cb: (online: boolean) => void): () => void {
		this.#listeners.add(cb);
		return () => this.#listeners.delete(cb);
	}
	set(online: boolean): void {
		this.#online = online;
		for (const l of [...this.#listeners]) l(online);
	}
}

let counter = 0;

export function storageFor(kind: ClientStorage, name: string): Storage {
	return kind === 'memory' ? createMemoryStorage() : createLocalforageStorage({ name });
}

/** Creates and starts an engine. The caller closes it. */
export async function createBenchDevice(o: BenchDeviceOptions): Promise<BenchDevice> {
	const id = `dev_${o.name}_${process.pid}_${++counter}`;
	const storageName = o.databaseName ?? `markbook-bench-${id}`;
	const problems: string[] = [];
	const log: Log = {
		info: () => undefined,
		warn: (m) => problems.push(`warn: ${m}`),
		error: (m, ...d) =>
			problems.push(
				`error: ${m} ${d.map((x) => (x instanceof Error ? x.message : JSON.stringify(x))).join(' ')}`
			)
	};
	const online = new Switch(o.online);
	const wire: WireStats = { pushes: [], pulls: [] };
	const engine = createSyncEngine({
		device: id,
		clock: { now: () => Date.now() },
		scheduler: {
			setTimeout: (fn, ms) => setTimeout(fn, ms),
			clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>)
		},
		transport: timed(createHttpTransport(o.pb, { device: id, log }), wire),
		storage: storageFor(o.storage, storageName),
		random: { next: () => Math.random() },
		log,
		online,
		realtime: o.realtime,
		...(o.pushDebounceMs !== undefined ? { pushDebounceMs: o.pushDebounceMs } : {})
	});
	await engine.start();
	return {
		id,
		wire,
		engine,
		storageName,
		setOnline: (v) => online.set(v),
		problems,
		close: async () => {
			await engine.close();
			o.pb.realtime.unsubscribe().catch(() => undefined);
			o.pb.authStore.clear();
		}
	};
}

/** The transport, timing each push and pull round trip into `wire`. */
function timed(inner: Transport, wire: WireStats): Transport {
	return {
		...inner,
		async push(req) {
			const start = performance.now();
			const res = await inner.push(req);
			wire.pushes.push({ ops: req.ops.length, ms: Math.round(performance.now() - start) });
			return res;
		},
		async pull(params) {
			const start = performance.now();
			const res = await inner.pull(params);
			wire.pulls.push({ changes: res.changes.length, ms: Math.round(performance.now() - start) });
			return res;
		}
	};
}

/** Resolves when `predicate` holds, checked on every engine change and every `pollMs`. */
export function until(
	engine: SyncEngine,
	predicate: () => boolean,
	timeoutMs: number,
	what: string,
	pollMs = 50
): Promise<void> {
	return new Promise((resolve, reject) => {
		let done = false;
		const finish = (error?: Error): void => {
			if (done) return;
			done = true;
			unsub();
			clearInterval(poll);
			clearTimeout(timer);
			if (error) reject(error);
			else resolve();
		};
		const check = (): void => {
			if (predicate()) finish();
		};
		const unsub = engine.subscribe(check);
		const poll = setInterval(check, pollMs);
		const timer = setTimeout(
			() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)),
			timeoutMs
		);
		check();
	});
}
