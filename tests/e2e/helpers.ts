/**
 * What the browser tests share: signing in as a demo teacher, the office's
 * REST access, the demo ids, and screenshots into test-results/screens/.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Locator, Page } from '@playwright/test';
import { DEMO_IDS, DEMO_SUPERUSER, DEMO_USERS } from '../../scripts/lib/seed.mjs';
import { resultId } from '../../src/lib/sync/core/ids';
import { formatStamp } from '../../src/lib/sync/core/stamp';
import { WIRE_VERSION } from '../../src/lib/sync/core/types';
import { expect } from './fixtures';

export { DEMO_IDS };

export type DemoKey = 'teacherA' | 'teacherB' | 'coordinator';

export const TABLET = { width: 820, height: 1180 } as const;
export const LAPTOP = { width: 1280, height: 800 } as const;

export function demoUser(key: DemoKey): {
	email: string;
	password: string;
	id: string;
	name: string;
} {
	const u = DEMO_USERS.find((x) => x.key === key);
	if (!u) throw new Error(`no demo user ${key}`);
	return u;
}

/** Signs in through the sign-in page and waits for the first sync to finish. */
export async function signIn(page: Page, who: { email: string; password: string }): Promise<void> {
	await page.goto('/signin');
	await page.getByLabel('Email').fill(who.email);
	await page.getByLabel('Password').fill(who.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).toHaveURL(/\/classes$/);
	await waitForSynced(page);
}

/** Waits until the badge says nothing is unsynced and a sync has happened. */
export async function waitForSynced(page: Page, timeout = 15_000): Promise<void> {
	await expect(page.getByTestId('pending-count')).toHaveAttribute('data-pending', '0', { timeout });
	await expect(page.getByTestId('sync-badge')).not.toContainText('Last synced never', { timeout });
}

/** A new browser context (own storage: another device) signed in as `key`. */
export async function deviceFor(
	browser: Browser,
	key: DemoKey | { email: string; password: string },
	viewport: { width: number; height: number } = LAPTOP,
	baseURL?: string
): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext({
		viewport,
		...(baseURL ? { baseURL } : {}),
		hasTouch: viewport.width < 1000
	});
	const page = await context.newPage();
	await signIn(page, typeof key === 'string' ? demoUser(key) : key);
	return { context, page };
}

/**
 * Waits for the service worker to control the page (needed before going
 * offline). It takes control once it has precached the whole app, which took
 * over 15 s once in CI on the shared 2-core machine.
 */
export async function waitForServiceWorker(page: Page): Promise<void> {
	await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, {
		timeout: 30_000
	});
}

/** A superuser token for the office's REST calls. */
export async function officeToken(baseURL: string): Promise<string> {
	const res = await fetch(`${baseURL}/api/collections/_superusers/auth-with-password`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ identity: DEMO_SUPERUSER.email, password: DEMO_SUPERUSER.password })
	});
	if (!res.ok) throw new Error(`office sign-in failed: ${res.status}`);
	return ((await res.json()) as { token: string }).token;
}

/** The office's REST call (admin UI equivalent); throws on an error status. */
export async function office<T = Record<string, unknown>>(
	baseURL: string,
	method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
	path: string,
	body?: unknown
): Promise<T> {
	const res = await fetch(`${baseURL}${path}`, {
		method,
		headers: { authorization: await officeToken(baseURL), 'content-type': 'application/json' },
		...(body === undefined ? {} : { body: JSON.stringify(body) })
	});
	if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
	return (res.status === 204 ? {} : await res.json()) as T;
}

/** The child's name in a grid row's header, without the status chip beside it. */
export async function rowName(row: Locator): Promise<string> {
	return row.locator('th').evaluate((th) => {
		const copy = th.cloneNode(true) as HTMLElement;
		for (const chip of copy.querySelectorAll('[data-status-control]')) chip.remove();
		return (copy.textContent ?? '').trim();
	});
}

/** A full-page screenshot under test-results/screens/ (looked at by people, not compared). */
export async function screenshot(page: Page, name: string): Promise<void> {
	await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true });
}

/** No serious or critical axe-core violations (WCAG 2.1 AA tags) on the page as it is. */
export async function expectAxeClean(page: Page, what: string): Promise<void> {
	// @axe-core/playwright types its Page from the top-level playwright-core, a
	// different copy from @playwright/test's nested one: same object, two types.
	const options = { page } as unknown as ConstructorParameters<typeof AxeBuilder>[0];
	const result = await new AxeBuilder(options)
		.withTags(['wcag2a', 'wcag2aa', 'wcag21aa'])
		.analyze();
	const serious = result.violations.filter(
		(v) => v.impact === 'serious' || v.impact === 'critical'
	);
	expect(
		serious.map(
			(v) => `${what}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`
		)
	).toEqual([]);
}

/** One checklist result to record: every component demonstrated except those in `notYet`. */
export interface ChecklistMark {
	student: string;
	cls: string;
	period: string;
	/** Indexes of the components marked "not yet". */
	notYet?: number[];
}

/**
 * Teacher A records checklist results of `assessment` through the sync API (as
 * a device would), so a page's figures are known; every op must be applied.
 * `from` names the device and the outbox counts its push reports.
 */
export async function recordChecklist(
	baseURL: string,
	assessment: string,
	marks: ChecklistMark[],
	from: { device?: string; pending?: number; failed?: number } = {}
): Promise<void> {
	const a = demoUser('teacherA');
	const auth = await fetch(`${baseURL}/api/collections/users/auth-with-password`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ identity: a.email, password: a.password })
	});
	const { token } = (await auth.json()) as { token: string };
	const skill = await office<{ components: { key: string }[] }>(
		baseURL,
		'GET',
		`/api/collections/assessments/records/${assessment}`
	);
	const keys = skill.components.map((c) => c.key);
	const { device = `dev_record_${Date.now()}`, ...counts } = from;
	const ops = marks.map((m, i) => ({
		id: crypto.randomUUID(),
		collection: 'results',
		record: resultId(m.student, m.cls, assessment, m.period),
		fields: {
			student: m.student,
			class: m.cls,
			assessment,
			period: m.period,
			...Object.fromEntries(
				keys.map((k, j) => [`values.${k}`, (m.notYet ?? []).includes(j) ? 0 : 1])
			)
		},
		stamp: formatStamp(Date.now(), i + 1, device),
		base: {}
	}));
	const res = await fetch(`${baseURL}/api/sync/push`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: token },
		body: JSON.stringify({ v: WIRE_VERSION, device, ops, ...counts })
	});
	const body = (await res.json()) as { results: { status: string }[] };
	expect(body.results.map((r) => r.status)).toEqual(marks.map(() => 'applied'));
}

/** Whether every element sits wholly inside the viewport, below the sticky header. */
export async function onScreen(
	page: Page,
	selector: string
): Promise<{ ok: boolean; detail: string }> {
	return page.evaluate((sel) => {
		const header = document.querySelector('header')?.getBoundingClientRect().bottom ?? 0;
		const bad: string[] = [];
		for (const el of document.querySelectorAll(sel)) {
			const r = el.getBoundingClientRect();
			if (r.top < header || r.bottom > window.innerHeight || r.height === 0)
				bad.push(`${el.getAttribute('data-component') ?? el.tagName} ${r.top}–${r.bottom}`);
		}
		return { ok: bad.length === 0, detail: `header ${header}, off screen: ${bad.join(', ')}` };
	}, selector);
}
