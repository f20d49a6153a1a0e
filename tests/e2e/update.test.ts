/**
 * The update prompt, from wherever the app was opened. The service worker is
 * registered at /sw.js with the root scope: a relative "./sw.js" on
 * /classes/<id> resolved to /classes/sw.js, which is the app's HTML, so a
 * teacher who opened a class directly never heard of a new version.
 *
 * A new version is made the way a deploy makes one: this test serves a copy of
 * the built app from its own PocketBase, then changes that copy's sw.js.
 */
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PUBLIC_DIR, startPocketBase } from '../../scripts/lib/pocketbase.mjs';
import { DEMO_SUPERUSER, seedDemoSchool } from '../../scripts/lib/seed.mjs';
import { DEMO_IDS, demoUser, screenshot, signIn, waitForServiceWorker } from './helpers';
import { expect, test } from './fixtures';

test('a new version is offered on a page opened at a deep URL', async ({ browser }) => {
	test.setTimeout(120_000);
	const root = mkdtempSync(join(tmpdir(), 'markbook-update-'));
	const publicDir = join(root, 'public');
	cpSync(PUBLIC_DIR, publicDir, { recursive: true });
	const server = await startPocketBase({
		dataDir: join(root, 'data'),
		publicDir,
		superuser: DEMO_SUPERUSER
	});
	const context = await browser.newContext({ baseURL: server.url });
	try {
		await seedDemoSchool(server.url);
		const page = await context.newPage();
		await signIn(page, demoUser('teacherA'));
		const deep = `/classes/${DEMO_IDS.classes.teacherA}`;

		// The app opened straight on a class page (a bookmark, a reload there).
		await page.goto(deep);
		await waitForServiceWorker(page);
		const registrations = await page.evaluate(async () =>
			(await navigator.serviceWorker.getRegistrations()).map((r) => ({
				scope: r.scope,
				script: (r.active ?? r.waiting ?? r.installing)?.scriptURL ?? ''
			}))
		);
		expect(registrations).toEqual([{ scope: `${server.url}/`, script: `${server.url}/sw.js` }]);
		await expect(page.getByText('A new version of Markbook is ready.')).toHaveCount(0);

		// A deploy: the service worker changes. The teacher reloads the class page.
		appendFileSync(join(publicDir, 'sw.js'), '\n// the next version\n');
		await page.goto(deep);
		await expect(page.getByText('A new version of Markbook is ready.')).toBeVisible({
			timeout: 30_000
		});
		await expect(page.getByRole('button', { name: 'Reload' })).toBeVisible();
		await expect(page.getByRole('button', { name: 'Later' })).toBeVisible();
		await screenshot(page, 'update-prompt-deep-url-laptop');
	} finally {
		await context.close();
		await server.stop();
		rmSync(root, { recursive: true, force: true });
	}
});
