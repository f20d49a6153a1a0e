/**
 * The integration-test harness: a real PocketBase process on a free port with
 * a temporary data dir and the project's migrations and hooks. No fakes.
 *
 *   let server: TestServer;
 *   beforeAll(async () => { server = await startTestServer({ seed: true }); });
 *   afterAll(() => server?.stop());
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PocketBase from 'pocketbase';
import {
	PROJECT_ROOT,
	ensurePocketBaseBinary,
	relaxRateLimits,
	startPocketBase
} from '../../scripts/lib/pocketbase.mjs';
import { DEMO_SUPERUSER, seedDemoSchool } from '../../scripts/lib/seed.mjs';

export { PROJECT_ROOT };
export const PB_BIN: string = ensurePocketBaseBinary();

export interface TestServer {
	url: string;
	dataDir: string;
	/** A client signed in as the demo superuser (office staff). */
	admin(): Promise<PocketBase>;
	/** A client signed in as a user of the `users` collection. */
	as(email: string, password: string): Promise<PocketBase>;
	/** A client that is not signed in. */
	anon(): PocketBase;
	/** The server's recent output, for diagnosing a failure. */
	output(): string;
	/** Stop the process and delete its data dir. Safe to call twice. */
	stop(): Promise<void>;
}

const running = new Set<TestServer>();

// Stop every server even when a test file crashes or the run is interrupted.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.once(signal, () => {
		void Promise.all([...running].map((s) => s.stop())).finally(() => process.exit(130));
	});
}
process.once('exit', () => {
	for (const server of running) void server.stop();
});

export interface TestServerOptions {
	seed?: boolean;
	/**
	 * `relaxed` (the default) multiplies the rate limits by 1,000: tests sign in
	 * and sync far faster from 127.0.0.1 than a school does. `production` keeps
	 * them as a school gets them (the security suite).
	 */
	rateLimits?: 'relaxed' | 'production';
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
	const dataDir = mkdtempSync(join(tmpdir(), 'markbook-test-'));
	const pb = await startPocketBase({ dataDir, superuser: DEMO_SUPERUSER }).catch(
		(error: unknown) => {
			rmSync(dataDir, { recursive: true, force: true });
			throw error;
		}
	);
	let stopped = false;
	const server: TestServer = {
		url: pb.url,
		dataDir,
		async admin() {
			const client = new PocketBase(pb.url);
			client.autoCancellation(false);
			await client
				.collection('_superusers')
				.authWithPassword(DEMO_SUPERUSER.email, DEMO_SUPERUSER.password);
			return client;
		},
		async as(email, password) {
			const client = new PocketBase(pb.url);
			client.autoCancellation(false);
			await client.collection('users').authWithPassword(email, password);
			return client;
		},
		anon() {
			const client = new PocketBase(pb.url);
			client.autoCancellation(false);
			return client;
		},
		output: () => pb.output(),
		async stop() {
			if (stopped) return;
			stopped = true;
			running.delete(server);
			await pb.stop();
			rmSync(dataDir, { recursive: true, force: true });
		}
	};
	running.add(server);
	if (opts.rateLimits !== 'production') {
		try {
			await relaxRateLimits(pb.url, DEMO_SUPERUSER);
		} catch (error) {
			await server.stop();
			throw error;
		}
	}
	if (opts.seed) {
		try {
			await seedDemoSchool(pb.url);
		} catch (error) {
			await server.stop();
			throw error;
		}
	}
	return server;
}
