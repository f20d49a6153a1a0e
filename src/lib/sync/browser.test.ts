import 'fake-indexeddb/auto';
import type PocketBase from 'pocketbase';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PushRequest } from './core/types';
import { createBrowserSyncEngine, type BrowserSync } from './browser';
import { recordingLog, RESULT, RESULT_KEY, seedSchool } from './testing';
import { InProcessServer } from './transport/in-process';

/** navigator.locks: exclusive mode, with and without `ifAvailable`. */
function fakeLocks() {
	const queues = new Map<string, (() => void)[]>();
	type Callback = (lock: { name: string } | null) => Promise<unknown>;
	return {
		request(name: string, options: { ifAvailable?: boolean }, cb: Callback): Promise<unknown> {
			const q = queues.get(name) ?? [];
			queues.set(name, q);
			if (options.ifAvailable && q.length > 0) return cb(null);
			return new Promise((resolve, reject) => {
				const run = () => {
					cb({ name })
						.then(resolve, reject)
						.finally(() => {
							q.shift();
							q[0]?.();
						});
				};
				q.push(run);
				if (q.length === 1) run();
			});
		}
	};
}

function fakePb(server: InProcessServer): PocketBase {
	const unsub = async () => undefined;
	return {
		send: async (
			path: string,
			opts: { body?: unknown; query?: { device: string; since: number; limit: number } }
		) => {
			if (path === '/api/sync/push')
				return JSON.parse(JSON.stringify(server.push(opts.body as PushRequest)));
			if (path === '/api/sync/pull')
				return JSON.parse(
					JSON.stringify(
						server.pull({
							device: String(opts.query?.device),
							since: Number(opts.query?.since),
							limit: Number(opts.query?.limit)
						})
					)
				);
			return { code: 200 };
		},
		realtime: { subscribe: async () => unsub },
		collection: () => ({ subscribe: async () => unsub })
	} as unknown as PocketBase;
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
	const end = Date.now() + ms;
	while (!cond()) {
		if (Date.now() > end) throw new Error('timed out waiting');
		await new Promise((r) => setTimeout(r, 10));
	}
}

let tabs: BrowserSync[] = [];
beforeEach(() => {
	vi.stubGlobal('navigator', { onLine: true, locks: fakeLocks() });
	vi.stubGlobal('window', new EventTarget());
});
afterEach(async () => {
	for (const t of tabs) await t.close();
	tabs = [];
	vi.unstubAllGlobals();
});

describe('browser wiring', () => {
	it('lets one tab sync; another follows, forwards its edits, and takes over when the first closes', async () => {
		const server = new InProcessServer(() => Date.now());
		seedSchool(server, Date.now() - 1000);
		const pb = fakePb(server);
		const log = recordingLog();
		const a = await createBrowserSyncEngine(pb, { userId: 'user1', log });
		// A lone tab leads as soon as it has started.
		expect(a.leader).toBe(true);
		const b = await createBrowserSyncEngine(pb, { userId: 'user1', log });
		tabs = [a, b];
		expect(b.leader).toBe(false);
		expect(b.device).toBe(a.device);

		const res = await b.edit('results', RESULT, { ...RESULT_KEY, notes: 'from b' });
		expect(res.ok).toBe(true);
		expect(b.get('results', RESULT)?.['notes']).toBe('from b');
		expect(a.get('results', RESULT)?.['notes']).toBe('from b');
		await a.syncNow();
		expect(server.record('results', RESULT)?.['notes']).toBe('from b');
		await until(() => b.pendingCount === 0 && b.state.lastSyncAt !== null);

		await a.close();
		await until(() => b.leader);
		expect(b.get('results', RESULT)?.['notes']).toBe('from b');
		await b.syncNow();
		expect(b.phase).toBe('idle');
	});

	it('keeps two users on one device apart', async () => {
		const server = new InProcessServer(() => Date.now());
		seedSchool(server, Date.now() - 1000);
		const log = recordingLog();
		const a = await createBrowserSyncEngine(fakePb(server), { userId: 'user2', log });
		await until(() => a.leader);
		await a.edit('results', RESULT, { ...RESULT_KEY, notes: 'user2' });
		const c = await createBrowserSyncEngine(fakePb(server), { userId: 'user3', log });
		tabs = [a, c];
		await until(() => c.leader);
		expect(c.get('results', RESULT)).toBeUndefined();
		expect(c.device).not.toBe(a.device);
	});
});
