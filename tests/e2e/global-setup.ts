// One real PocketBase for the browser run: migrations, hooks, the built app in
// its public dir, and the demo school. Tests reach it through MARKBOOK_URL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPocketBase } from '../../scripts/lib/pocketbase.mjs';
import { DEMO_SUPERUSER, seedDemoSchool } from '../../scripts/lib/seed.mjs';

export default async function globalSetup(): Promise<() => Promise<void>> {
	const dataDir = mkdtempSync(join(tmpdir(), 'markbook-e2e-'));
	const server = await startPocketBase({ dataDir, superuser: DEMO_SUPERUSER });
	await seedDemoSchool(server.url);
	process.env.MARKBOOK_URL = server.url;
	return async () => {
		await server.stop();
		rmSync(dataDir, { recursive: true, force: true });
	};
}
