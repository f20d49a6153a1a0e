import { test as base, expect } from '@playwright/test';

/** Playwright's `test`, pointed at the PocketBase that global setup started. */
export const test = base.extend({
	baseURL: async ({}, use) => {
		const url = process.env.MARKBOOK_URL;
		if (!url) throw new Error('MARKBOOK_URL is not set: run through playwright.config.ts');
		await use(url);
	}
});

export { expect };
