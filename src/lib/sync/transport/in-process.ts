/**
 * An in-process Transport over a tiny model of the server, for the engine's
 * unit tests and the convergence suite. It is honest where it matters: it runs
 * the same core the hooks run (validateOp, clampStamp, applyOp), keeps receipts
 * per op id, numbers changes with a sequence, pages pulls by cursor, and
 * delivers realtime events only while "connected". It does not authorize,
 * derive totals or write audit entries; the real server's tests cover those.
 */
import { SCHEMAS } from '../../domain/collections';
import { parseAssessment } from '../../domain/assessment';
import { validateOp } from '../../domain/validate';
import { applyOp } from '../core/apply';
import { summarizeOutcomes } from '../core/merge';
import { clampStamp } from '../core/stamp';
import { CLOCK_MAX_AHEAD_MS, WIRE_VERSION } from '../core/types';
import type {
	Change,
	Op,
	OpResult,
	PullResponse,
	PushRequest,
	PushResponse,
	SyncedCollection,
	WireRecord
} from '../core/types';
import { RejectedError } from '../errors';
import type { PullParams, Transport } from '../ports';

/** The server model. One per test; many transports (devices) may share it. */
export class InProcessServer {
	#records = new Map<string, { collection: SyncedCollection; record: WireRecord }>();
	#receipts = new Map<string, OpResult>();
	#seq = 0;
	#subscribers = new Set<(change: Change) => void>();
	#now: () => number;
	#hidden = new Set<string>();
	#scopeChanged = false;
	/** Every op the server ever received, with the answer it gave (for assertions). */
	readonly received: { op: Op; result: OpResult }[] = [];

	constructor(now: () => number) {
		this.#now = now;
	}

	/** The server's current record. */
	record(collection: SyncedCollection, id: string): WireRecord | undefined {
		return this.#records.get(collection + '/' + id)?.record;
	}

	/** Current seq (the cursor a full pull ends at). */
	get seq(): number {
		return this.#seq;
	}

	/** Puts a record as office staff would in the admin UI (stamped by the caller). */
	seed(collection: SyncedCollection, record: Omit<WireRecord, 'seq'>): WireRecord {
		const stored = { ...record, seq: ++this.#seq } as WireRecord;
		this.#store(collection, stored);
		return stored;
	}

	#store(collection: SyncedCollection, record: WireRecord): void {
		this.#records.set(collection + '/' + record.id, { collection, record });
		for (const s of this.#subscribers) s({ collection, record });
	}

	/** POST /api/sync/push, synchronously. Throws RejectedError like the route's 4xx. */
	push(req: PushRequest): PushResponse {
		if (req.v !== undefined && req.v !== WIRE_VERSION)
			throw new RejectedError(426, 'Please update the app.');
		if (!req || typeof req.device !== 'string' || !Array.isArray(req.ops))
			throw new RejectedError(400, 'The request lists no ops.');
		const results = req.ops.map((op) => this.#pushOne(req.device, op));
		return { results, cursor: this.#seq, serverTime: this.#now() };
	}

	#pushOne(device: string, op: Op): OpResult {
		const receipt = this.#receipts.get(op.id);
		if (receipt) {
			const dup: OpResult = { id: op.id, status: 'duplicate' };
			this.received.push({ op, result: dup });
			return dup;
		}
		const existing = this.record(op.collection, op.record);
		const assessmentId = op.fields['assessment'] ?? existing?.['assessment'];
		const aRec =
			typeof assessmentId === 'string' ? this.record('assessments', assessmentId) : undefined;
		const parsed = aRec ? parseAssessment(aRec) : undefined;
		const check = validateOp(op, {
			device,
			existing: existing ?? null,
			...(parsed?.ok ? { assessment: parsed.assessment } : {})
		});
		let result: OpResult;
		if (!check.ok) {
			result = { id: op.id, status: 'rejected', code: check.code, reason: check.reason };
		} else {
			const clamp = clampStamp(op.stamp, this.#now(), CLOCK_MAX_AHEAD_MS);
			const applied = applyOp(existing, { ...op, stamp: clamp.stamp }, SCHEMAS[op.collection], {
				seq: this.#seq + 1
			});
			const summary = summarizeOutcomes(applied.fieldOutcomes);
			if (summary === 'refused') {
				result = {
					id: op.id,
					status: 'rejected',
					code: 'refused',
					reason: 'A field of this change cannot be written.'
				};
			} else {
				if (applied.changed) {
					this.#seq++;
					this.#store(op.collection, applied.record);
				}
				result =
					summary === 'superseded'
						? { id: op.id, status: 'superseded', record: applied.record }
						: { id: op.id, status: 'applied', record: applied.record };
				if (clamp.clamped) result.clamped = { from: op.stamp, to: clamp.stamp };
			}
		}
		// Rejected ops get no receipt: a fixed op is a new op anyway.
		if (result.status !== 'rejected') this.#receipts.set(op.id, result);
		this.received.push({ op, result });
		return result;
	}

	/**
	 * Takes a record out of this user's scope (a teacher removed from a class):
	 * pulls stop returning it, and the next pull says the scope changed.
	 */
	hide(collection: SyncedCollection, id: string): void {
		this.#hidden.add(collection + '/' + id);
		this.#scopeChanged = true;
	}

	/** GET /api/sync/pull. */
	pull(params: PullParams): PullResponse {
		if (this.#scopeChanged && params.since > 0) {
			this.#scopeChanged = false;
			return { changes: [], cursor: params.since, more: true, scopeChanged: true };
		}
		const all = [...this.#records.entries()]
			.filter(([key]) => !this.#hidden.has(key))
			.map(([, r]) => r)
			.filter((r) => r.record.seq > params.since)
			.sort((a, b) => a.record.seq - b.record.seq);
		const page = all.slice(0, params.limit);
		const last = page[page.length - 1];
		return {
			changes: page.map((r) => ({ collection: r.collection, record: r.record })),
			cursor: last ? last.record.seq : params.since,
			more: all.length > page.length,
			scopeChanged: false
		};
	}

	/** Realtime fan-out. */
	subscribe(listener: (change: Change) => void): () => void {
		this.#subscribers.add(listener);
		return () => this.#subscribers.delete(listener);
	}
}

/** A copy through JSON, as the wire would make. */
function wire<T>(value: T): T {
	return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * A fault to inject: return an Error to fail the call before the server sees
 * it, or `{ after: Error }` to let the server commit and lose the answer.
 */
export type Fault = Error | { after: Error } | undefined;

export interface InProcessTransportOptions {
	/** Consulted on every call. */
	fault?: (call: 'push' | 'pull' | 'ping', req: unknown) => Fault;
	/** Called with each call, for event logs. */
	onCall?: (call: 'push' | 'pull' | 'ping' | 'subscribe', req: unknown) => void;
}

/** A Transport to `server`, async like the network, with injectable faults. */
export interface InProcessTransport extends Transport {
	/** Drops the realtime connection (events are missed until reconnect). */
	disconnect(): void;
	/** Reconnects realtime and fires onConnect, as PB_CONNECT does. */
	reconnect(): void;
	readonly connected: boolean;
}

export function createInProcessTransport(
	server: InProcessServer,
	options: InProcessTransportOptions = {}
): InProcessTransport {
	let connected = false;
	const subs = new Set<{ onChange: (c: Change) => void; onConnect: () => void }>();
	server.subscribe((change) => {
		if (!connected) return;
		const copy = wire(change);
		for (const s of subs) queueMicrotask(() => s.onChange(copy));
	});
	async function call<T>(kind: 'push' | 'pull' | 'ping', req: unknown, fn: () => T): Promise<T> {
		await Promise.resolve();
		options.onCall?.(kind, req);
		const fault = options.fault?.(kind, req);
		if (fault instanceof Error) throw fault;
		const res = wire(fn());
		if (fault && 'after' in fault) throw fault.after;
		return res;
	}
	return {
		push: (req) => call('push', req, () => server.push(wire(req))),
		pull: (params) => call('pull', params, () => server.pull(params)),
		ping: () => call('ping', null, () => true).catch(() => false),
		async subscribe(onChange, onConnect) {
			options.onCall?.('subscribe', null);
			const sub = { onChange, onConnect };
			subs.add(sub);
			if (!connected) connected = true;
			queueMicrotask(onConnect);
			return async () => {
				subs.delete(sub);
			};
		},
		disconnect() {
			connected = false;
		},
		reconnect() {
			connected = true;
			for (const s of subs) queueMicrotask(s.onConnect);
		},
		get connected() {
			return connected;
		}
	};
}
