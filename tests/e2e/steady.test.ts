/**
 * Nothing moves under a finger. A teacher taps where a cell or toggle was a
 * moment ago; if a banner, notice or save mark moved the page in between, the
 * tap lands on another child or component. These tests record every
 * `layout-shift` entry (PerformanceObserver, including the ones within 500 ms
 * of input that CLS leaves out: those are exactly the dangerous ones here)
 * during bursts of edits, and tap at positions measured before the burst, as a
 * finger does, instead of re-aiming at each element like a locator would.
 *
 * They work in 3 Banksia on Overarm throw (grid, Term 1; field, Term 2), which
 * no other browser test touches.
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { DEMO_IDS, demoUser, office, onScreen, screenshot, signIn, waitForSynced } from './helpers';
import { expect, test } from './fixtures';

const CLASS = DEMO_IDS.classes.teacherA;
const THROW = (DEMO_IDS.assessments as Record<string, string>)['overarm_throw'] as string;
const { term1, term2 } = DEMO_IDS.periods;
const LANDSCAPE = { width: 1024, height: 768 } as const;
const PORTRAIT = { width: 820, height: 1180 } as const;

interface Shift {
	value: number;
	hadRecentInput: boolean;
	sources: string[];
}

declare global {
	interface Window {
		__shifts: Shift[];
	}
}

/** A touch device whose pages record layout shifts from their first paint. */
async function tablet(
	browser: Browser,
	baseURL: string,
	viewport: { width: number; height: number }
): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext({ viewport, hasTouch: true, isMobile: false, baseURL });
	await context.addInitScript(() => {
		window.__shifts = [];
		const describe = (n: Node | null | undefined): string => {
			if (!n) return '?';
			const el = n instanceof Element ? n : n.parentElement;
			if (!el) return n.nodeName;
			const id = el.getAttribute('data-testid') ?? el.getAttribute('data-cell') ?? el.id;
			return `${el.tagName.toLowerCase()}${id ? `[${id}]` : ''}.${[...el.classList].join('.')}`;
		};
		new PerformanceObserver((list) => {
			for (const e of list.getEntries() as (PerformanceEntry & {
				value: number;
				hadRecentInput: boolean;
				sources?: { node?: Node | null }[];
			})[]) {
				window.__shifts.push({
					value: e.value,
					hadRecentInput: e.hadRecentInput,
					sources: (e.sources ?? []).map((s) => describe(s.node))
				});
			}
		}).observe({ type: 'layout-shift', buffered: true });
	});
	const page = await context.newPage();
	await signIn(page, demoUser('teacherA'));
	return { context, page };
}

async function resetShifts(page: Page): Promise<void> {
	// Two frames: shifts of the previous paint are reported, then dropped.
	await page.evaluate(
		() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))
	);
	await page.evaluate(() => (window.__shifts = []));
}

const shifts = (page: Page): Promise<Shift[]> => page.evaluate(() => window.__shifts);

/**
 * Starts noting what blinks while edits sync: Sync now disabled, or a mark
 * saying "syncing" (each short push used to flip both, on every edit).
 */
async function watchBlinks(page: Page): Promise<void> {
	await page.evaluate(() => {
		const w = window as unknown as { __blinks: string[] };
		w.__blinks = [];
		new MutationObserver((records) => {
			for (const r of records) {
				const el = r.target as HTMLElement;
				if (r.attributeName === 'disabled' && el.closest('[data-testid="sync-badge"]'))
					w.__blinks.push(`Sync now disabled=${el.hasAttribute('disabled')}`);
				if (r.attributeName === 'data-state' && el.getAttribute('data-state') === 'syncing')
					w.__blinks.push(`${el.tagName} data-state=syncing`);
			}
		}).observe(document.body, {
			subtree: true,
			attributes: true,
			attributeFilter: ['disabled', 'data-state']
		});
	});
}

const blinks = (page: Page): Promise<string[]> =>
	page.evaluate(() => (window as unknown as { __blinks: string[] }).__blinks);

/** The centre of an element now, where a finger aims. */
async function centre(page: Page, selector: string): Promise<{ x: number; y: number }> {
	const box = await page.locator(selector).boundingBox();
	if (!box) throw new Error(`${selector} is not visible`);
	return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

async function results(baseURL: string, period: string) {
	const filter = encodeURIComponent(`assessment='${THROW}' && period='${period}'`);
	const res = await office<{ items: { student: string; values: Record<string, unknown> }[] }>(
		baseURL,
		'GET',
		`/api/collections/results/records?perPage=200&filter=${filter}`
	);
	return res.items;
}

test('grid on a landscape tablet: rapid taps land on the intended cells and nothing shifts', async ({
	browser,
	baseURL
}) => {
	const { context, page } = await tablet(browser, baseURL!, LANDSCAPE);
	try {
		await page.goto(`/classes/${CLASS}?a=${THROW}&p=${term1}`);
		await expect(page.locator('[role="grid"] tbody tr[data-student]')).toHaveCount(25);
		await waitForSynced(page);
		const rows = page.locator('[role="grid"] tbody tr[data-student]');
		const target = (await rows.nth(4).getAttribute('data-student')) ?? '';
		const other = (await rows.nth(2).getAttribute('data-student')) ?? '';

		// Aim at five cells of one row, then tap them 200 ms apart without re-aiming.
		const keys = ['c1', 'c2', 'c3', 'c4', 'c5'];
		await page.locator(`[data-cell="${target}:c1"]`).scrollIntoViewIfNeeded();
		const spots = [];
		for (const k of keys) spots.push(await centre(page, `[data-cell="${target}:${k}"]`));
		await resetShifts(page);
		await watchBlinks(page);
		for (const spot of spots) {
			await page.touchscreen.tap(spot.x, spot.y);
			await page.waitForTimeout(200);
		}
		for (const k of keys) {
			await expect(page.locator(`[data-cell="${target}:${k}"]`)).toHaveAttribute('data-value', '1');
		}
		await waitForSynced(page);
		await page.waitForTimeout(500); // the save marks settle after the sync
		expect(await shifts(page)).toEqual([]);
		// Five pushes ran; none blinked the header or a cell.
		expect(await blinks(page)).toEqual([]);
		await screenshot(page, 'steady-grid-tablet-landscape');
		await page.setViewportSize(PORTRAIT);
		await screenshot(page, 'steady-grid-tablet-portrait');
		await page.setViewportSize({ width: 1440, height: 900 });
		await screenshot(page, 'steady-grid-laptop');
		await page.setViewportSize(LANDSCAPE);

		// Keyboard bursts too (a tablet with a keyboard case, or a laptop).
		await resetShifts(page);
		await page.locator(`[data-cell="${other}:c1"]`).focus();
		for (const key of ['1', 'ArrowRight', '0', 'ArrowRight', '1', 'ArrowRight', 'Space']) {
			await page.keyboard.press(key);
			await page.waitForTimeout(60);
		}
		await expect(page.locator(`[data-cell="${other}:c4"]`)).toHaveAttribute('data-value', '1');
		await waitForSynced(page);
		await page.waitForTimeout(500);
		expect(await shifts(page)).toEqual([]);

		// This browser has not promised to keep the data: the warning comes once the
		// taps pause, at the end of the page (it moves nothing), and stays away once read.
		const warning = page.getByTestId('persist-warning');
		await expect(warning).toBeVisible({ timeout: 10_000 });
		expect(await shifts(page)).toEqual([]);
		await screenshot(page, 'steady-persist-notice-tablet-landscape');
		// A full-page capture stretches the viewport for a moment: not a shift a teacher sees.
		await resetShifts(page);
		await warning.getByRole('button', { name: 'Got it' }).tap();
		await expect(warning).toHaveCount(0);
		await page.locator(`[data-cell="${other}:c5"]`).tap();
		await page.waitForTimeout(3000);
		await expect(warning).toHaveCount(0);
		expect(await shifts(page)).toEqual([]);

		// The server has exactly the tapped row and the typed one.
		const stored = await results(baseURL!, term1);
		expect(stored.find((r) => r.student === target)?.values).toEqual({
			c1: 1,
			c2: 1,
			c3: 1,
			c4: 1,
			c5: 1
		});
		expect(stored.find((r) => r.student === other)?.values).toEqual({
			c1: 1,
			c2: 0,
			c3: 1,
			c4: 1,
			c5: 1
		});
		expect(stored).toHaveLength(2);
	} finally {
		await context.close();
	}
});

test('field mode on a portrait tablet: quick taps land on the intended components and nothing shifts', async ({
	browser,
	baseURL
}) => {
	const { context, page } = await tablet(browser, baseURL!, PORTRAIT);
	try {
		await page.goto(`/classes/${CLASS}/field?a=${THROW}&p=${term2}`);
		await expect(page.getByTestId('position')).toHaveText('1 of 25');
		await waitForSynced(page);
		await page.getByLabel('Auto-advance when all observed').uncheck();

		// Each mark is one tap on its own target.
		const marks = {
			c1: 'demonstrated',
			c2: 'not_yet',
			c3: 'demonstrated',
			c4: 'not_yet',
			c5: 'demonstrated'
		} as const;
		const spots = [];
		for (const [k, m] of Object.entries(marks)) {
			spots.push(await centre(page, `[data-component="${k}"] [data-choice="${m}"]`));
		}
		await resetShifts(page);
		for (const spot of spots) {
			await page.touchscreen.tap(spot.x, spot.y);
			await page.waitForTimeout(200);
		}
		for (const [k, m] of Object.entries(marks)) {
			await expect(page.locator(`[data-component="${k}"]`)).toHaveAttribute('data-mark', m);
		}
		await expect(page.locator('[data-component="c6"]')).toHaveAttribute(
			'data-mark',
			'not_observed'
		);
		await waitForSynced(page);
		await page.waitForTimeout(500);
		expect(await shifts(page)).toEqual([]);
		await screenshot(page, 'steady-field-tablet-portrait');
	} finally {
		await context.close();
	}
});

/** The header's items all on one row. */
async function headerRows(page: Page): Promise<number> {
	return page.evaluate(() => {
		const tops = new Set<number>();
		for (const el of document.querySelectorAll('header > *')) {
			const r = el.getBoundingClientRect();
			if (r.width > 0) tops.add(Math.round(r.top + r.height / 2));
		}
		return [...tops].reduce<number[]>((rows, y) => {
			if (!rows.some((r) => Math.abs(r - y) < 12)) rows.push(y);
			return rows;
		}, []).length;
	});
}

test('field mode fits a landscape tablet: the name and a whole 7-component checklist on one screen', async ({
	browser,
	baseURL
}) => {
	const strike = (DEMO_IDS.assessments as Record<string, string>)['two_hand_strike'] as string;
	const { context, page } = await tablet(browser, baseURL!, LANDSCAPE);
	try {
		await page.goto(`/classes/${CLASS}/field?a=${strike}&p=${DEMO_IDS.periods.term4}`);
		await expect(page.getByTestId('position')).toHaveText('1 of 25');
		await waitForSynced(page);
		const components = page.locator('[data-component]');
		await expect(components).toHaveCount(7);
		expect(await headerRows(page)).toBe(1);
		expect(await onScreen(page, '[data-component], [data-testid="student-name"]')).toEqual({
			ok: true,
			detail: expect.any(String)
		});
		for (const b of await page.locator('[data-choice], .student-bar button').all()) {
			const box = await b.boundingBox();
			expect(box?.height ?? 0).toBeGreaterThanOrEqual(48);
			expect(box?.width ?? 0).toBeGreaterThanOrEqual(48);
		}
		await screenshot(page, 'field-fit-tablet-landscape');

		// The whole student in seven taps, "Not yet" one tap; auto-advance brings
		// the next child, whose name and checklist are on screen without scrolling.
		const first = await page.getByTestId('student-name').textContent();
		for (let i = 1; i <= 7; i++) {
			const choice = i % 3 === 0 ? 'not_yet' : 'demonstrated';
			await page.locator(`[data-component="c${i}"] [data-choice="${choice}"]`).tap();
		}
		await expect(page.locator('[data-component="c3"]')).toHaveAttribute('data-mark', 'not_yet');
		await expect(page.getByTestId('position')).toHaveText('2 of 25');
		await expect(page.getByTestId('student-name')).not.toHaveText(first ?? '');
		expect(await onScreen(page, '[data-component], [data-testid="student-name"]')).toEqual({
			ok: true,
			detail: expect.any(String)
		});
		expect(await page.evaluate(() => window.scrollY)).toBe(0);

		// Tapping the chosen mark again clears it (not observed).
		await page.getByRole('button', { name: 'Previous student' }).tap();
		await page.locator('[data-component="c3"] [data-choice="not_yet"]').tap();
		await expect(page.locator('[data-component="c3"]')).toHaveAttribute(
			'data-mark',
			'not_observed'
		);
		await page.locator('[data-component="c3"] [data-choice="not_yet"]').tap();
		await waitForSynced(page);

		// A portrait tablet and a laptop: the header stays one row; the page looks right.
		await page.setViewportSize(PORTRAIT);
		expect(await headerRows(page)).toBe(1);
		await screenshot(page, 'field-fit-tablet-portrait');
		await page.setViewportSize({ width: 1440, height: 900 });
		expect(await headerRows(page)).toBe(1);
		expect(await onScreen(page, '[data-component], [data-testid="student-name"]')).toEqual({
			ok: true,
			detail: expect.any(String)
		});
		await screenshot(page, 'field-fit-laptop');
	} finally {
		await context.close();
	}
});

test('a colleague opening the class moves nothing on the teacher’s grid', async ({
	browser,
	baseURL
}) => {
	const { context, page } = await tablet(browser, baseURL!, LANDSCAPE);
	const other = await browser.newContext({
		baseURL: baseURL!,
		viewport: { width: 1280, height: 800 }
	});
	try {
		await page.goto(`/classes/${CLASS}?a=${THROW}&p=${term2}`);
		await expect(page.locator('[role="grid"] tbody tr[data-student]')).toHaveCount(25);
		await waitForSynced(page);
		await resetShifts(page);
		// The coordinator opens the same class elsewhere: her name appears in the heading.
		const coordinator = await other.newPage();
		await signIn(coordinator, demoUser('coordinator'));
		await coordinator.goto(`/classes/${CLASS}?a=${THROW}&p=${term2}`);
		await expect(page.getByTestId('presence').locator('.chip')).not.toHaveCount(0, {
			timeout: 20_000
		});
		await page.waitForTimeout(300);
		expect(await shifts(page)).toEqual([]);
	} finally {
		await other.close();
		await context.close();
	}
});
