// Issue 11.14: the app runs under its Content-Security-Policy (the header from
// pb_hooks/security/headers.js and the hashed <meta> policy SvelteKit writes)
// without a single violation: sign-in, the class list, a class page, sync and
// realtime, the service worker.
import type { Page } from '@playwright/test';
import { DEMO_IDS, DEMO_USERS } from '../../scripts/lib/seed.mjs';
import { expect, test } from './fixtures';
import { signIn } from './helpers';

const teacherA = DEMO_USERS.find((u) => u.key === 'teacherA')!;

/** Collects CSP violations as the page reports them (event and console). */
async function watchViolations(page: Page): Promise<string[]> {
	const seen: string[] = [];
	page.on('console', (m) => {
		if (/Content Security Policy/i.test(m.text())) seen.push(`console: ${m.text()}`);
	});
	await page.exposeFunction('__cspViolation', (text: string) => seen.push(text));
	await page.addInitScript(() => {
		document.addEventListener('securitypolicyviolation', (e) => {
			(window as unknown as { __cspViolation(t: string): void }).__cspViolation(
				`${e.violatedDirective}: ${e.blockedURI}`
			);
		});
	});
	return seen;
}

test('the app works under its Content-Security-Policy, with no violation', async ({ page }) => {
	const violations = await watchViolations(page);
	const response = await page.goto('/signin');
	expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
	await signIn(page, teacherA);
	await page.goto(`/classes/${DEMO_IDS.classes.shared}`);
	await expect(page.getByRole('heading').first()).toBeVisible();
	await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, {
		timeout: 30_000
	});
	await page.reload();
	await expect(page.getByRole('heading').first()).toBeVisible();
	expect(violations).toEqual([]);
});
