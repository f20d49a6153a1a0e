/**
 * A PocketBase for one workload: the project's binary, migrations and hooks
 * (scripts/lib/pocketbase.mjs, the same launcher as `npm start` and the test
 * harness), a temporary data dir on disk (SQLite, WAL), and the process id so
 * its memory can be read. Signing in works as in tests/harness/pocketbase.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PocketBase from 'pocketbase';
import { relaxRateLimits, startPocketBase } from '../../../scripts/lib/pocketbase.mjs';
import { DEMO_SUPERUSER } from '../../../scripts/lib/seed.mjs';

export interface BenchServer {
	url: string;
	pid: number;
	/** A client signed in as the office (superuser). */
	admin(): Promise<PocketBase>;
	/** A client signed in as a `users` record. */
	as(email: string, password: string): Promise<PocketBase>;
	stop(): Promise<void>;
}

export async function startBenchServer(): Promise<BenchServer> {
	const dataDir = mkdtempSync(join(tmpdir(), 'markbook-bench-pb-'));
	const pb = await startPocketBase({ dataDir, superuser: DEMO_SUPERUSER, stdio: 'pipe' });
	// A benchmark measures the server, not its rate limits (README, "Limits and security").
	await relaxRateLimits(pb.url, DEMO_SUPERUSER);
	const client = (): PocketBase => {
		const c = new PocketBase(pb.url);
		c.autoCancellation(false);
		return c;
	};
	return {
		url: pb.url,
		pid: pb.process.pid as number,
		async admin() {
			const c = client();
			await c
				.collection('_superusers')
				.authWithPassword(DEMO_SUPERUSER.email, DEMO_SUPERUSER.password);
			return c;
		},
		async as(email, password) {
			const c = client();
			await c.collection('users').authWithPassword(email, password);
			return c;
		},
		async stop() {
			await pb.stop();
			rmSync(dataDir, { recursive: true, force: true });
		}
	};
}
