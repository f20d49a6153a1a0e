/**
 * An in-process Transport for the engine's unit tests and the convergence
 * suite: the REAL handlers (handlePush, handlePull, handleStatus of
 * src/lib/sync/server) over an in-memory ServerStore. Only I/O is replaced
 * (the database by memory, the network by a JSON copy and injectable faults);
 * every rule is the one the PocketBase hooks run.
 *
 * InProcessServer is a thin facade over the store and the handlers: it signs
 * requests in as a user, answers non-200 answers with the errors the HTTP
 * transport raises, and fans committed records out to realtime subscribers in
 * their user's scope, as pb_hooks/sync/realtime.js does after each commit.
 */
import { applyExternalEdit, handlePull, handlePush, handleStatus } from '../server';
import type { Actor, HandlerAnswer } from '../server/store';
import { createMemoryStore, type MemoryStore, type MemoryUser } from '../server/memory-store';
import { scopeOf } from '../server/pull';
import type {
	Change,
	Json,
	Op,
	OpResult,
	PullResponse,
	PushRequest,
	PushResponse,
	SyncedCollection,
	WireRecord
} from '../core/types';
import { AuthError, RejectedError, ServerError } from '../errors';
import type { PullParams, Transport } from '../ports';

/** The teacher a request is signed in as unless told otherwise. */
export const DEFAULT_USER = 'usrteacher00001';

interface Subscriber {
	user: string;
	listener: (change: Change) => void;
}

/** A copy through JSON, as the wire would make. */
function wire<T>(value: T): T {
	return JSON.parse(JSON.stringify(value)) as T;
}

/** Maps a handler's non-200 answer to the transport's named errors, as transport/http.ts does. */
export function answerError(answer: HandlerAnswer): Error {
	const m = answer.body['message'];
	const message = typeof m === 'string' && m !== '' ? m : `status ${answer.status}`;
	if (answer.status === 401) return new AuthError(message);
	if (answer.status >= 500) return new ServerError(answer.status, message);
	return new RejectedError(answer.status, message);
}

/** The server for one test; many transports (devices, users) may share it. */
export class InProcessServer {
	readonly store: MemoryStore;
	#subscribers = new Set<Subscriber>();
	/** Every op the server received, with the answer it gave (for assertions). */
	readonly received: { op: Op; result: OpResult; user: string }[] = [];

	constructor(now: () => number) {
		this.store = createMemoryStore({ now });
		this.store.addUser({ id: DEFAULT_USER, role: 'teacher' });
	}

	addUser(user: MemoryUser): void {
		this.store.addUser(user);
	}

	/** The server's current record. */
	record(collection: SyncedCollection, id: string): WireRecord | undefined {
		return this.store.getRecord(collection, id) ?? undefined;
	}

	/** Current seq (the cursor a full pull ends at). */
	get seq(): number {
		return this.store.currentSeq();
	}

	/** Puts a record as office staff would (stamped by the caller), and tells subscribers. */
	seed(collection: SyncedCollection, record: Omit<WireRecord, 'seq'>): WireRecord {
		const stored = this.store.seedRecord(collection, record);
		this.broadcast();
		return stored;
	}

	#actor(user: string): Actor {
		const u = this.store.user(user);
		if (!u) throw new AuthError('not signed in');
		return { id: u.id, role: u.role };
	}

	/** POST /api/sync/push, synchronously, as `user`. Throws like the route's non-200 answers. */
	push(req: PushRequest, user = DEFAULT_USER): PushResponse {
		const body = wire(req);
		const text = JSON.stringify(body);
		const answer = handlePush(
			body,
			new TextEncoder().encode(text).length,
			this.#actor(user),
			this.store
		);
		this.broadcast();
		if (answer.status !== 200) throw answerError(answer);
		const res = wire(answer.body) as unknown as PushResponse;
		const ops = Array.isArray(body.ops) ? body.ops : [];
		res.results.forEach((result, i) => {
			const op = ops[i];
			if (op) this.received.push({ op, result: wire(result), user });
		});
		return res;
	}

	/** GET /api/sync/pull as `user`. */
	pull(params: PullParams & { device: string }, user = DEFAULT_USER): PullResponse {
		const answer = handlePull(queryOf(params), this.#actor(user), this.store);
		this.broadcast();
		if (answer.status !== 200) throw answerError(answer);
		return wire(answer.body) as unknown as PullResponse;
	}

	/** GET /api/sync/status as `user`. */
	status(device: string, user = DEFAULT_USER): { [key: string]: unknown } {
		const answer = handleStatus({ device }, this.#actor(user), this.store);
		if (answer.status !== 200) throw answerError(answer);
		return wire(answer.body);
	}

	/**
	 * An office edit in the admin UI: the fields merged into the record as it
	 * is now, stamped, derived and audited by the real applyExternalEdit, then
	 * sent to subscribers. Throws when the office's edit is refused.
	 */
	officeEdit(
		collection: SyncedCollection,
		id: string,
		fields: { [key: string]: Json }
	): WireRecord {
		const before = this.store.getRecord(collection, id);
		if (!before) throw new Error(`no ${collection} ${id}`);
		const edit = applyExternalEdit(
			{ collection, loaded: before, requested: { ...before, ...fields }, current: before },
			this.store,
			{ user: '', device: 'admin-ui' }
		);
		if (!edit.ok) throw new Error(`office edit refused: ${edit.code}: ${edit.reason}`);
		this.store.putRecord(collection, edit.record);
		for (const d of edit.derived) this.store.putRecord(d.collection, d.record);
		if (edit.audit) this.store.addAudit(edit.audit);
		this.broadcast();
		return edit.record;
	}

	/** Adds or removes a teacher of a class, as the office would (the scope changes). */
	setTeaches(user: string, classId: string, teaches: boolean): void {
		const cls = this.store.getRecord('classes', classId);
		if (!cls) throw new Error(`no class ${classId}`);
		const teachers = (Array.isArray(cls['teachers']) ? cls['teachers'] : []).filter(
			(t) => t !== user
		);
		if (teaches) teachers.push(user);
		this.seed('classes', { ...cls, teachers });
	}

	/** Realtime: `listener` hears each committed change in `user`'s scope. */
	subscribe(listener: (change: Change) => void, user = DEFAULT_USER): () => void {
		const sub = { user, listener };
		this.#subscribers.add(sub);
		return () => this.#subscribers.delete(sub);
	}

	/** Sends what the last request wrote to subscribers who may read it. */
	broadcast(): void {
		const written = this.store.takeWritten();
		if (written.length === 0) return;
		for (const sub of this.#subscribers) {
			const u = this.store.user(sub.user);
			if (!u) continue;
			const scope = scopeOf({ id: u.id, role: u.role }, this.store);
			for (const change of written) {
				if (this.store.visible(change.collection, change.record, scope)) sub.listener(wire(change));
			}
		}
	}
}

function queryOf(params: object): { [key: string]: string } {
	const q: { [key: string]: string } = {};
	for (const [key, value] of Object.entries(params)) {
		if (value !== undefined && value !== null) q[key] = String(value);
	}
	return q;
}

/**
 * A fault to inject: return an Error to fail the call before the server sees
 * it, `{ after: Error }` to let the server commit and lose the answer, or
 * `{ twice: true }` to deliver the request twice (a proxy that retries) and
 * answer with the second answer.
 */
export type Fault = Error | { after: Error } | { twice: true } | undefined;

export interface InProcessTransportOptions {
	/** The device id pulls are made for (pushes carry theirs in the body). */
	device: string;
	/** The user requests are signed in as (default DEFAULT_USER). */
	user?: string;
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
	options: InProcessTransportOptions
): InProcessTransport {
	const user = options.user ?? DEFAULT_USER;
	let connected = false;
	const subs = new Set<{ onChange: (c: Change) => void; onConnect: () => void }>();
	server.subscribe((change) => {
		if (!connected) return;
		for (const s of subs) queueMicrotask(() => s.onChange(wire(change)));
	}, user);
	async function call<T>(kind: 'push' | 'pull' | 'ping', req: unknown, fn: () => T): Promise<T> {
		await Promise.resolve();
		options.onCall?.(kind, req);
		const fault = options.fault?.(kind, req);
		if (fault instanceof Error) throw fault;
		if (fault && 'twice' in fault) fn();
		const res = wire(fn());
		if (fault && 'after' in fault) throw fault.after;
		return res;
	}
	return {
		push: (req) => call('push', req, () => server.push(req, user)),
		pull: (params) =>
			call('pull', params, () => server.pull({ ...params, device: options.device }, user)),
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
