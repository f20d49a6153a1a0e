import { test as base, expect } from '@playwright/test';

/**
 * Playwright's `test`, pointed at the PocketBase that global setup started.
 * Every test also fails on a Content-Security-Policy violation in the app
 * (issue 11.14; the admin UI at /_/ has PocketBase's own policy and is left out).
 */
export const test = base.extend({
	baseURL: async ({}, use) => {
		const url = process.env.MARKBOOK_URL;
		if (!url) throw new Error('MARKBOOK_URL is not set: run through playwright.config.ts');
		await use(url);
	},
	context: async ({ context }, use) => {
		const violations: string[] = [];
		await context.exposeFunction('__markbookCspViolation', (text: string) => violations.push(text));
		await context.addInitScript(() => {
			document.addEventListener('securitypolicyviolation', (e) => {
				if (new URL(e.documentURI).pathname.startsWith('/_/')) return;
				(window as unknown as { __markbookCspViolation(t: string): void }).__markbookCspViolation(
					`${e.documentURI}: ${e.violatedDirective} blocked ${e.blockedURI}`
				);
			});
		});
		await use(context);
		expect(violations, 'Content-Security-Policy violations').toEqual([]);
	}
});

export { expect };
