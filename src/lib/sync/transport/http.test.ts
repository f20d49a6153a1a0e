import { ClientResponseError } from 'pocketbase';
import type PocketBase from 'pocketbase';
import { describe, expect, it } from 'vitest';
import { AuthError, NetworkError, RejectedError, ServerError } from '../errors';
import { SYNC_TOPIC, createHttpTransport, toTransportError, toWireRecord } from './http';

const err = (status: number, message = 'm', isAbort = false) =>
	new ClientResponseError({
		status,
		response: { message },
		isAbort,
		url: 'http://x/api/sync/push'
	});

describe('http transport', () => {
	it('maps SDK failures to the named errors, keeping the cause and the server message', () => {
		expect(toTransportError(err(0))).toBeInstanceOf(NetworkError);
		expect(toTransportError(err(200, 'aborted', true))).toBeInstanceOf(NetworkError);
		expect(toTransportError(new TypeError('fetch failed'))).toBeInstanceOf(NetworkError);
		expect(toTransportError(err(401))).toBeInstanceOf(AuthError);
		const e426 = toTransportError(err(426, 'Please update the app.'));
		expect(e426).toBeInstanceOf(RejectedError);
		expect(e426).toMatchObject({ status: 426, message: 'Please update the app.' });
		expect(e426.cause).toBeInstanceOf(ClientResponseError);
		for (const s of [400, 403, 413])
			expect(toTransportError(err(s))).toMatchObject({ name: 'RejectedError', status: s });
		expect(toTransportError(err(503))).toBeInstanceOf(ServerError);
	});

	it('treats 429 (rate limited) as retryable, never as a refusal of the edits', () => {
		const e429 = toTransportError(err(429, 'Too many sync requests.'));
		expect(e429).toBeInstanceOf(ServerError);
		expect(e429).toMatchObject({ status: 429, message: 'Too many sync requests.' });
	});

	it('turns a PocketBase record into a wire record', () => {
		const rec = toWireRecord({
			id: 'r1',
			collectionId: 'c',
			collectionName: 'results',
			created: 'x',
			updated: 'y',
			notes: 'n',
			stamps: { notes: 's' },
			seq: 4,
			deleted: false,
			expand: {}
		});
		expect(rec).toEqual({ id: 'r1', notes: 'n', stamps: { notes: 's' }, seq: 4, deleted: false });
	});

	it('sends the routes of the wire contract and subscribes to PB_CONNECT and the sync topic', async () => {
		const calls: unknown[] = [];
		const topics: string[] = [];
		const handlers = new Map<string, (data: unknown) => void>();
		const pb = {
			send: async (path: string, opts: unknown) => {
				calls.push([path, opts]);
				if (path === '/api/sync/pull') throw err(500, 'boom');
				return { results: [], cursor: 0, serverTime: 1 };
			},
			realtime: {
				subscribe: async (topic: string, cb: (data: unknown) => void) => {
					topics.push(topic);
					handlers.set(topic, cb);
					return async () => undefined;
				}
			},
			collection: (name: string) => ({
				subscribe: async (topic: string) => (topics.push(`${name}/${topic}`), async () => undefined)
			})
		} as unknown as PocketBase;
		const t = createHttpTransport(pb, { device: 'dev_1', collections: ['results', 'conflicts'] });
		await t.push({ v: 1, device: 'dev_1', ops: [] });
		await expect(t.pull({ since: 5, limit: 10 })).rejects.toBeInstanceOf(ServerError);
		expect(calls).toEqual([
			[
				'/api/sync/push',
				{
					method: 'POST',
					body: { v: 1, device: 'dev_1', ops: [] },
					requestKey: null,
					signal: expect.any(AbortSignal)
				}
			],
			[
				'/api/sync/pull',
				{
					method: 'GET',
					query: { device: 'dev_1', since: 5, limit: 10 },
					requestKey: null,
					signal: expect.any(AbortSignal)
				}
			]
		]);
		const got: unknown[] = [];
		let connects = 0;
		const unsub = await t.subscribe(
			(change) => got.push(change),
			() => connects++
		);
		expect(topics).toEqual(['PB_CONNECT', SYNC_TOPIC]);
		handlers.get('PB_CONNECT')?.({});
		// One message carries many changes; unfollowed collections and junk are dropped.
		handlers.get(SYNC_TOPIC)?.({
			changes: [
				{ collection: 'results', record: { id: 'r1', stamps: {}, seq: 3, deleted: false } },
				{ collection: 'students', record: { id: 's1', stamps: {}, seq: 4, deleted: false } },
				{ collection: 'results', record: null },
				null
			]
		});
		handlers.get(SYNC_TOPIC)?.({ nope: true });
		expect(connects).toBe(1);
		expect(got).toEqual([
			{ collection: 'results', record: { id: 'r1', stamps: {}, seq: 3, deleted: false } }
		]);
		await unsub();
	});

	it('fails a request the server never answers as a network error, after its timeout', async () => {
		const pb = {
			// A stalled server: the request ends only when its signal aborts, as fetch does.
			send: (_path: string, opts: { signal?: AbortSignal }) =>
				new Promise((_resolve, reject) => {
					opts.signal?.addEventListener('abort', () => reject(err(0, 'aborted', true)));
				})
		} as unknown as PocketBase;
		const t = createHttpTransport(pb, {
			device: 'dev_a',
			timeoutMs: { push: 20, pull: 20, ping: 20 }
		});
		const started = Date.now();
		await expect(t.push({ v: 2, device: 'dev_a', ops: [] })).rejects.toBeInstanceOf(NetworkError);
		await expect(t.pull({ since: 0, limit: 10 })).rejects.toBeInstanceOf(NetworkError);
		expect(await t.ping()).toBe(false);
		expect(Date.now() - started).toBeLessThan(5_000);
	});
});
