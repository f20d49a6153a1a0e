/**
 * The Transport over HTTP, through the PocketBase JS SDK instance the app
 * already signed in with (its auth token rides on every request).
 *
 * Routes: POST /api/sync/push, GET /api/sync/pull, GET /api/health (ping).
 * Realtime: one `*` subscription per synced collection, plus PB_CONNECT,
 * which the SDK fires on every (re)connect: PocketBase does not replay events
 * missed while disconnected, so the engine pulls then.
 */
import { ClientResponseError, type RecordModel, type RecordSubscription } from 'pocketbase';
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
import { AuthError, NetworkError, RejectedError, ServerError } from '../errors';
import type { Log, PullParams, Transport } from '../ports';

export interface HttpTransportOptions {
	/** This device's id, sent on pulls (pushes carry it in the body). */
	device: string;
	/** Collections to follow in realtime (default: every synced collection). */
	collections?: readonly SyncedCollection[];
	log?: Log;
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
		if (e.status >= 500) return new ServerError(e.status, messageOf(e), { cause: e });
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
	async function call<T>(fn: () => Promise<T>): Promise<T> {
		try {
			return await fn();
		} catch (e) {
			throw toTransportError(e);
		}
	}
	return {
		push(req: PushRequest): Promise<PushResponse> {
			// requestKey null: never let the SDK auto-cancel a push in flight.
			return call(() =>
				pb.send<PushResponse>('/api/sync/push', { method: 'POST', body: req, requestKey: null })
			);
		},
		pull(params: PullParams): Promise<PullResponse> {
			return call(() =>
				pb.send<PullResponse>('/api/sync/pull', {
					method: 'GET',
					query: { device: options.device, since: params.since, limit: params.limit },
					requestKey: null
				})
			);
		},
		async ping(): Promise<boolean> {
			try {
				await pb.send('/api/health', { method: 'GET', requestKey: null });
				return true;
			} catch {
				return false;
			}
		},
		async subscribe(
			onChange: (change: Change) => void,
			onConnect: () => void
		): Promise<() => Promise<void>> {
			const unsubs: (() => Promise<void>)[] = [];
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
				for (const collection of collections) {
					const unsub = await pb
						.collection(collection)
						.subscribe('*', (event: RecordSubscription<RecordModel>) => {
							// Sync never hard-deletes (tombstones are updates); a hard delete in the
							// admin UI cannot be ordered by stamps, so it is left to the office.
							if (event.action === 'delete') {
								options.log?.warn(
									`sync: ignoring a hard delete of ${collection}/${event.record.id}`
								);
								return;
							}
							onChange({ collection, record: toWireRecord(event.record) });
						});
					unsubs.push(unsub);
				}
			} catch (e) {
				await unsubscribeAll();
				throw toTransportError(e);
			}
			return unsubscribeAll;
		}
	};
}
