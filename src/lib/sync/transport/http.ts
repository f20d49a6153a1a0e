/**
 * The Transport over HTTP, through the PocketBase JS SDK instance the app
 * already signed in with (its auth token rides on every request).
 *
 * Routes: POST /api/sync/push, GET /api/sync/pull, GET /api/health (ping).
 * Realtime: the server's sync topic (`markbook/changes`: batches of changed
 * records in the user's scope, sent after each commit by pb_hooks/sync/realtime.js),
 * plus PB_CONNECT, which the SDK fires on every (re)connect: PocketBase does
 * not replay events missed while disconnected, so the engine pulls then.
 */
import { ClientResponseError, type RecordModel } from 'pocketbase';
import type PocketBase from 'pocketbase';
import { SYNCED_COLLECTIONS } from '../../domain/collections';
import type {
	Change,
	Json,
	PullResponse,
	PushRequest,
	PushResponse,
	SyncedCollection,
	WireRecord
} from '../core/types';
import { AuthError, EpochChangedError, NetworkError, RejectedError, ServerError } from '../errors';
import type { Log, PullParams, Transport } from '../ports';

/** The realtime topic the server sends synced changes on: `{ changes: Change[] }`. */
export const SYNC_TOPIC = 'markbook/changes';

export interface HttpTransportOptions {
	/** This device's id, sent on pulls (pushes carry it in the body). */
	device: string;
	/** Collections to follow in realtime (default: every synced collection). */
	collections?: readonly SyncedCollection[];
	log?: Log;
	/**
	 * How long a request may go unanswered before it fails as a network error
	 * (and is retried): a half-open connection or a stalled server must not
	 * hold the sync loop forever. Default REQUEST_TIMEOUT_MS.
	 */
	timeoutMs?: { push?: number; pull?: number; ping?: number };
}

/** Per request kind, ms: a 500-op push on a slow link takes seconds, a ping none. */
export const REQUEST_TIMEOUT_MS = { push: 60_000, pull: 30_000, ping: 10_000 } as const;

/** The changes of one sync-topic message that are well formed and followed. */
export function changesOfMessage(
	data: unknown,
	collections: readonly SyncedCollection[]
): Change[] {
	const list = (data as { changes?: unknown } | null)?.changes;
	if (!Array.isArray(list)) return [];
	const out: Change[] = [];
	for (const c of list as Change[]) {
		if (
			c &&
			typeof c === 'object' &&
			collections.indexOf(c.collection) >= 0 &&
			c.record &&
			typeof c.record.id === 'string'
		)
			out.push({
				collection: c.collection,
				record: toWireRecord(c.record as unknown as RecordModel)
			});
	}
	return out;
}

function messageOf(e: ClientResponseError): string {
	const m = e.response?.['message'];
	return typeof m === 'string' && m !== '' ? m : e.message;
}

/** Maps an SDK failure to the port's named errors. */
export function toTransportError(e: unknown): Error {
	if (e instanceof ClientResponseError) {
		if (e.isAbort || e.status === 0) return new NetworkError(`network: ${e.message}`, { cause: e });
		if (e.status === 401) return new AuthError(messageOf(e), { cause: e });
		if (e.status === 409 && e.response?.['code'] === 'epoch_changed') {
			const epoch = e.response['epoch'];
			return new EpochChangedError(typeof epoch === 'string' ? epoch : null, messageOf(e), {
				cause: e
			});
		}
		// 429: the server's rate limit (README, "Limits"); wait and retry, like a 5xx.
		if (e.status >= 500 || e.status === 429)
			return new ServerError(e.status, messageOf(e), { cause: e });
		if (e.status >= 400) return new RejectedError(e.status, messageOf(e), { cause: e });
		return new ServerError(e.status, `unexpected status ${e.status}`, { cause: e });
	}
	// fetch itself threw (offline, DNS, CORS): the SDK usually wraps these, but not always.
	return new NetworkError(e instanceof Error ? e.message : String(e), { cause: e });
}

const DROPPED_FIELDS = ['collectionId', 'collectionName', 'expand', 'created', 'updated'];

/** A PocketBase record (realtime event, REST) as a WireRecord. */
export function toWireRecord(record: RecordModel): WireRecord {
	const out: { [key: string]: Json | undefined } = {};
	for (const key of Object.keys(record)) {
		if (DROPPED_FIELDS.indexOf(key) < 0) out[key] = record[key] as Json;
	}
	const stamps = record['stamps'];
	return {
		...out,
		id: record.id,
		stamps:
			stamps && typeof stamps === 'object' && !Array.isArray(stamps)
				? (stamps as Record<string, string>)
				: {},
		seq: typeof record['seq'] === 'number' ? record['seq'] : 0,
		deleted: record['deleted'] === true
	};
}

/** A Transport speaking the wire contract through `pb`. */
export function createHttpTransport(pb: PocketBase, options: HttpTransportOptions): Transport {
	const collections = options.collections ?? SYNCED_COLLECTIONS;
	const timeout = { ...REQUEST_TIMEOUT_MS, ...options.timeoutMs };
	// A timed-out request aborts; the SDK reports it as an abort, which is a NetworkError.
	const deadline = (kind: keyof typeof REQUEST_TIMEOUT_MS) => AbortSignal.timeout(timeout[kind]);
	async function call<T>(fn: () => Promise<T>): Promise<T> {
		try {
			return await fn();
		} catch (e) {
			throw toTransportError(e);
		}
	}
	return {
		push(req: PushRequest): Promise<PushResponse> {
			// requestKey null: never let the SDK auto-cancel a push in flight. The
			// epoch goes in the query, so the server checks it before reading the body.
			const { epoch, ...body } = req;
			return call(() =>
				pb.send<PushResponse>('/api/sync/push', {
					method: 'POST',
					body,
					...(epoch !== undefined ? { query: { epoch } } : {}),
					requestKey: null,
					signal: deadline('push')
				})
			);
		},
		pull(params: PullParams): Promise<PullResponse> {
			return call(() =>
				pb.send<PullResponse>('/api/sync/pull', {
					method: 'GET',
					query: {
						device: options.device,
						since: params.since,
						limit: params.limit,
						...(params.epoch !== undefined ? { epoch: params.epoch } : {}),
						...(params.pending !== undefined ? { pending: params.pending } : {}),
						...(params.failed !== undefined ? { failed: params.failed } : {})
					},
					requestKey: null,
					signal: deadline('pull')
				})
			);
		},
		async ping(): Promise<boolean> {
			try {
				await pb.send('/api/health', { method: 'GET', requestKey: null, signal: deadline('ping') });
				return true;
			} catch {
				return false;
			}
		},
		async subscribe(
			onChange: (change: Change) => void,
			onConnect: () => void,
			onDisconnect?: () => void
		): Promise<() => Promise<void>> {
			const unsubs: (() => Promise<void>)[] = [];
			if (onDisconnect) {
				// The SDK has one disconnect callback per client: chain any other.
				const previous = pb.realtime.onDisconnect;
				pb.realtime.onDisconnect = (subs) => {
					previous?.(subs);
					onDisconnect();
				};
				unsubs.push(async () => {
					if (previous) pb.realtime.onDisconnect = previous;
					else delete pb.realtime.onDisconnect;
				});
			}
			const unsubscribeAll = async () => {
				for (const u of unsubs.splice(0)) {
					try {
						await u();
					} catch (e) {
						options.log?.warn('sync: realtime unsubscribe failed', e);
					}
				}
			};
			try {
				unsubs.push(await pb.realtime.subscribe('PB_CONNECT', () => onConnect()));
				// One topic for every synced collection, already filtered to the user's
				// scope by the server. (Sync never hard-deletes: tombstones are updates.)
				unsubs.push(
					await pb.realtime.subscribe(SYNC_TOPIC, (data: unknown) => {
						for (const change of changesOfMessage(data, collections)) onChange(change);
					})
				);
			} catch (e) {
				await unsubscribeAll();
				throw toTransportError(e);
			}
			return unsubscribeAll;
		}
	};
}
