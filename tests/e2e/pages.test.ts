/**
 * Every main page: no serious or critical axe-core violations, and a
 * screenshot online and offline at tablet and laptop sizes (people look at
 * them; they are not compared by pixels).
 */
import type { Page } from '@playwright/test';
import {
	DEMO_IDS,
	TABLET,
	deviceFor,
	expectAxeClean,
	screenshot,
	waitForServiceWorker
} from './helpers';
import { expect, test } from './fixtures';

const CLASS = DEMO_IDS.classes.shared;
const BALANCE = (DEMO_IDS.assessments as Record<string, string>)['static_balance'] as string;
const STUDENT = DEMO_IDS.students[0] as string;

const PAGES: { name: string; path: string; ready: (page: Page) => Promise<void> }[] = [
	{
		name: 'classes',
		path: '/classes',
		ready: async (p) => {
			await expect(p.getByRole('list', { name: 'My classes' })).toBeVisible();
		}
	},
	{
		name: 'grid',
		path: `/classes/${CLASS}?a=${BALANCE}`,
		ready: async (p) => {
			await expect(p.getByRole('grid')).toBeVisible();
		}
	},
	{
		name: 'field',
		path: `/classes/${CLASS}/field?a=${BALANCE}`,
		ready: async (p) => {
			await expect(p.locator('[data-component]').first()).toBeVisible();
		}
	},
	{
		name: 'student-report',
		path: `/classes/${CLASS}/students/${STUDENT}`,
		ready: async (p) => {
			await expect(p.getByRole('heading', { level: 2 }).first()).toBeVisible();
		}
	},
	{
		name: 'summary',
		path: `/classes/${CLASS}/summary?a=${BALANCE}`,
		ready: async (p) => {
			await expect(p.getByRole('table').first()).toBeVisible();
		}
	},
	{
		name: 'conflicts',
		path: '/conflicts',
		ready: async (p) => {
			await expect(p.getByRole('heading', { name: 'Conflicts and refused edits' })).toBeVisible();
		}
	},
	{
		name: 'devices',
		path: '/devices',
		ready: async (p) => {
			await expect(p.getByTestId('device').first()).toBeVisible();
		}
	}
];

test('the sign-in page has no serious accessibility violations', async ({ page }) => {
	await page.goto('/signin');
	await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
	await expectAxeClean(page, 'signin');
	await screenshot(page, 'signin-laptop');
	await page.setViewportSize(TABLET);
	await screenshot(page, 'signin-tablet');
});

// Issue 12's three sizes: a laptop, a tablet in landscape and in portrait.
for (const size of [
	{ label: 'laptop', viewport: { width: 1440, height: 900 } },
	{ label: 'tablet-landscape', viewport: { width: 1024, height: 768 } },
	{ label: 'tablet', viewport: TABLET }
]) {
	test(`main pages at ${size.label} size: accessible, and working online and offline`, async ({
		browser,
		baseURL
	}) => {
		const a = await deviceFor(browser, 'teacherA', size.viewport, baseURL);
		try {
			for (const p of PAGES) {
				await a.page.goto(p.path);
				await p.ready(a.page);
				if (size.label === 'laptop') await expectAxeClean(a.page, p.name);
				await screenshot(a.page, `${p.name}-online-${size.label}`);
			}
			await waitForServiceWorker(a.page);
			await a.context.setOffline(true);
			for (const p of PAGES) {
				// A fresh load of each page while offline: the service worker serves it.
				await a.page.goto(p.path);
				if (p.name === 'devices') {
					await expect(a.page.getByText(/Offline: this list is from/)).toBeVisible();
				} else {
					await p.ready(a.page);
				}
				await expect(a.page.getByTestId('sync-badge')).toContainText('Offline');
				await screenshot(a.page, `${p.name}-offline-${size.label}`);
			}
		} finally {
			await a.context.close();
		}
	});
}
