/**
 * Absent, injured or excused on the day (issue 12): one tap in field mode on
 * a landscape tablet marks a child away; the other teacher of the class sees
 * it in the grid, the class summary counts the child as absent (not as not
 * observed), and the CSV export says so. From the grid, a chip opens the
 * three kinds. A status lost to a colleague's reads in words on the Conflicts
 * page; the report, the progress table and the coordinator's Overview count
 * the child as away. Nothing shifts, every page stays axe-clean.
 *
 * 4 Wattle (taught by teachers A and B), Leap, Term 1: no other browser test
 * enters it.
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import Papa from 'papaparse';
import { resultId } from '../../src/lib/sync/core/ids';
import { formatStamp } from '../../src/lib/sync/core/stamp';
import { WIRE_VERSION } from '../../src/lib/sync/core/types';
import {
	DEMO_IDS,
	TABLET,
	demoUser,
	expectAxeClean,
	office,
	screenshot,
	signIn,
	waitForSynced
} from './helpers';
import { expect, test } from './fixtures';

const WATTLE = DEMO_IDS.classes.shared;
const LEAP = (DEMO_IDS.assessments as Record<string, string>)['leap'] as string;
const { term1 } = DEMO_IDS.periods;
const LANDSCAPE = { width: 1024, height: 768 } as const;
const LAPTOP_WIDE = { width: 1440, height: 900 } as const;

declare global {
	interface Window {
		__awayShifts: string[];
	}
}

/** A device for `who` whose pages record layout shifts from their first paint. */
async function device(
	browser: Browser,
	baseURL: string,
	who: 'teacherA' | 'teacherB' | 'coordinator',
	viewport: { width: number; height: number },
	touch: boolean
): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext({ viewport, hasTouch: touch, baseURL });
	await context.addInitScript(() => {
		window.__awayShifts = [];
		const describe = (n: Node | null | undefined): string => {
			const el = n instanceof Element ? n : (n?.parentElement ?? null);
			return el ? `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}` : '?';
		};
		new PerformanceObserver((list) => {
			for (const e of list.getEntries() as (PerformanceEntry & {
				value: number;
				sources?: { node?: Node | null }[];
			})[])
				window.__awayShifts.push(
					`${e.value.toFixed(4)} ${(e.sources ?? []).map((x) => describe(x.node)).join(', ')}`
				);
		}).observe({ type: 'layout-shift', buffered: true });
	});
	const page = await context.newPage();
	await signIn(page, demoUser(who));
	return { context, page };
}

async function resetShifts(page: Page): Promise<void> {
	await page.evaluate(
		() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))
	);
	await page.evaluate(() => (window.__awayShifts = []));
}

/** The device's calendar day, as the app writes it (YYYY-MM-DD). */
function today(): string {
	const d = new Date();
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

async function serverStatus(baseURL: string, student: string): Promise<unknown> {
	const id = resultId(student, WATTLE, LEAP, term1);
	const r = await office<{ status: unknown }>(
		baseURL,
		'GET',
		`/api/collections/results/records/${id}`
	);
	return r.status;
}

test('a child marked absent in field mode is away on the other teacher’s grid, summary and export', async ({
	browser,
	baseURL
}) => {
	const a = await device(browser, baseURL!, 'teacherA', LANDSCAPE, true);
	const b = await device(browser, baseURL!, 'teacherB', LAPTOP_WIDE, false);
	try {
		// Teacher A, field mode on a landscape tablet.
		await a.page.goto(`/classes/${WATTLE}/field?a=${LEAP}&p=${term1}`);
		await expect(a.page.getByTestId('position')).toHaveText('1 of 25');
		await waitForSynced(a.page);
		const name = ((await a.page.getByTestId('student-name').textContent()) ?? '').trim();
		const control = a.page.getByTestId('status-control');
		await expect(control).toHaveAttribute('data-status', 'present');
		const away = control.getByRole('button', { name: /Mark away/ });
		const box = await away.boundingBox();
		expect(box?.height ?? 0).toBeGreaterThanOrEqual(48);
		// The whole checklist still fits the screen.
		const last = a.page.locator('[data-component]').last();
		const lastBox = await last.boundingBox();
		expect((lastBox?.y ?? 1e9) + (lastBox?.height ?? 0)).toBeLessThanOrEqual(LANDSCAPE.height);
		await expectAxeClean(a.page, 'field mode with the status control');

		// One tap on Away: absent today. Aimed first, as a finger does; nothing moves.
		await resetShifts(a.page);
		await a.page.touchscreen.tap(box!.x + box!.width / 2, box!.y + box!.height / 2);
		const menu = control.locator('[popover]');
		await expect(control).toHaveAttribute('data-status', 'absent');
		await expect(menu).toBeHidden();
		await expect(away).toHaveText('✓ Absent');
		await waitForSynced(a.page);
		await a.page.waitForTimeout(400);
		expect(await a.page.evaluate(() => window.__awayShifts)).toEqual([]);

		// Once away, the chip opens the kinds (to change it, or to say present again).
		await resetShifts(a.page);
		await a.page.touchscreen.tap(box!.x + box!.width / 2, box!.y + box!.height / 2);
		await expect(menu).toBeVisible();
		const choices = menu.getByRole('button');
		await expect(choices).toHaveText(['Absent', 'Injured', 'Excused', 'Present']);
		for (const c of await choices.all())
			expect((await c.boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(48);
		await expectAxeClean(a.page, 'field mode with the status menu open');
		// (A full-page screenshot lays the page out again: shifts are counted around it.)
		expect(await a.page.evaluate(() => window.__awayShifts)).toEqual([]);
		await screenshot(a.page, 'absence-field-menu-1024');
		const absent = menu.getByRole('button', { name: 'Absent' });
		const spot = await absent.boundingBox();
		await a.page.touchscreen.tap(spot!.x + spot!.width / 2, spot!.y + spot!.height / 2);
		await expect(menu).toBeHidden();
		await expect(control).toHaveAttribute('data-status', 'absent');
		const student = await a.page.getByLabel('Jump to student').inputValue();
		expect(student).not.toBe('');
		expect(await serverStatus(baseURL!, student)).toEqual({ kind: 'absent', on: today() });
		await screenshot(a.page, 'absence-field-absent-1024');
		await a.page.setViewportSize(LAPTOP_WIDE);
		await screenshot(a.page, 'absence-field-absent-1440');
		await a.page.setViewportSize(TABLET);
		await screenshot(a.page, 'absence-field-absent-portrait');
		await a.page.setViewportSize(LANDSCAPE);

		// Teacher B's grid shows it on that child's row (realtime or the next pull).
		await b.page.goto(`/classes/${WATTLE}?a=${LEAP}&p=${term1}`);
		const row = b.page.locator(`[role="grid"] tr[data-student="${student}"]`);
		const chip = row.locator('[data-status-control]');
		await expect(chip).toHaveAttribute('data-status', 'absent', { timeout: 15_000 });
		await expect(chip.getByRole('button')).toHaveText('Absent');
		await expect(chip.getByRole('button')).toHaveAccessibleName(
			new RegExp(`^${name}: absent on \\d+ [A-Z][a-z]{2} \\d{4}\\. Mark away$`)
		);

		// From the grid: one click marks a second child absent; the next opens the kinds: injured.
		const rows = b.page.locator('[role="grid"] tbody tr[data-student]');
		const second = (await rows.nth(1).getAttribute('data-student')) ?? '';
		const secondChip = rows.nth(1).locator('[data-status-control]');
		await resetShifts(b.page);
		await secondChip.getByRole('button', { name: /Mark away/ }).click();
		await expect(secondChip).toHaveAttribute('data-status', 'absent');
		const gridMenu = secondChip.locator('[popover]');
		await expect(gridMenu).toBeHidden();
		await secondChip.getByRole('button', { name: /Mark away/ }).click();
		await expect(gridMenu).toBeVisible();
		await expect(gridMenu.getByRole('button', { name: 'Absent' })).toBeFocused();
		await expectAxeClean(b.page, 'grid with the status menu open');
		expect(await b.page.evaluate(() => window.__awayShifts)).toEqual([]);
		await screenshot(b.page, 'absence-grid-menu-1440');
		await resetShifts(b.page);
		await gridMenu.getByRole('button', { name: 'Injured' }).click();
		await expect(gridMenu).toBeHidden();
		await expect(secondChip).toHaveAttribute('data-status', 'injured');
		await waitForSynced(b.page);
		await b.page.waitForTimeout(400);
		expect(await b.page.evaluate(() => window.__awayShifts)).toEqual([]);
		expect(await serverStatus(baseURL!, second)).toEqual({ kind: 'injured', on: today() });
		// From the keyboard: the grid is still one Tab stop; Shift+Tab from a cell
		// reaches its row's chip, whose keys are its own (the grid ticks no cell).
		await b.page.getByRole('searchbox', { name: 'Find a student' }).focus();
		await b.page.keyboard.press('Tab');
		await b.page.keyboard.press('Tab');
		const focusedCell = b.page.locator('[role="grid"] td:focus');
		await expect(focusedCell).toHaveCount(1);
		await b.page.keyboard.press('ArrowDown');
		await b.page.keyboard.press('Shift+Tab');
		const chipButton = secondChip.getByRole('button', { name: /Mark away/ });
		await expect(chipButton).toBeFocused();
		await b.page.keyboard.press('Enter');
		await expect(gridMenu).toBeVisible();
		await expect(gridMenu.getByRole('button', { name: 'Injured' })).toBeFocused();
		await b.page.keyboard.press('Space'); // Injured again: unchanged, the menu closes
		await expect(gridMenu).toBeHidden();
		await expect(secondChip).toHaveAttribute('data-status', 'injured');
		await expect(rows.nth(1).locator('td[data-value]:not([data-value=""])')).toHaveCount(0);
		await screenshot(b.page, 'absence-grid-1440');
		await b.page.setViewportSize(LANDSCAPE);
		await screenshot(b.page, 'absence-grid-1024');
		await expectAxeClean(b.page, 'grid with statuses');

		// The class summary counts them as away, not as not observed.
		await b.page
			.getByRole('navigation', { name: 'Class views' })
			.getByRole('link', { name: 'Summary' })
			.click();
		await expect(b.page).toHaveURL(/\/summary\?/);
		const leap = b.page.locator(`[data-testid="class-summary"] tr[data-assessment="${LEAP}"]`);
		const count = (bucket: string) =>
			leap.locator(`[data-bucket="${bucket}"] summary, [data-bucket="${bucket}"] .zero`);
		await expect(count('absent')).toHaveText('1');
		await expect(count('injured')).toHaveText('1');
		await expect(count('excused')).toHaveText('0');
		await expect(count('not_observed')).toHaveText('23');
		await count('absent').click();
		await expect(leap.locator('[data-bucket="absent"] li')).toHaveText([name]);
		await expectAxeClean(b.page, 'class summary with away children');
		await screenshot(b.page, 'absence-summary-1024');
		await b.page.setViewportSize(LAPTOP_WIDE);
		await screenshot(b.page, 'absence-summary-1440');

		// The export has a status column: the kind and the day.
		await b.page.getByText('Export CSV', { exact: true }).click();
		const [download] = await Promise.all([
			b.page.waitForEvent('download'),
			b.page.getByRole('button', { name: /^Leap only$/ }).click()
		]);
		const csv = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
		const lines = Papa.parse<string[]>(csv.trim()).data;
		const header = lines[0] ?? [];
		const col = header.indexOf('Leap: status');
		expect(col).toBeGreaterThan(0);
		const [given] = name.split(' ');
		const absentLine = lines.find((l) => l.includes(given ?? '') && l[col] !== '');
		expect(absentLine?.[col]).toBe(`Absent (${today()})`);
		expect(lines.filter((l) => l[col] === `Injured (${today()})`)).toHaveLength(1);

		// Teacher A clears it again: Present.
		await away.tap();
		await menu.getByRole('button', { name: 'Present' }).tap();
		await expect(control).toHaveAttribute('data-status', 'present');
		await expect(away).toHaveText('Away');
		await waitForSynced(a.page);
		expect(await serverStatus(baseURL!, student)).toBeNull();
	} finally {
		await a.context.close();
		await b.context.close();
	}
});

/** Teacher `who` pushes one status op through the sync API, as a device would. */
async function pushStatus(
	baseURL: string,
	who: 'teacherA' | 'teacherB',
	device: string,
	student: string,
	status: unknown,
	ms: number
): Promise<string> {
	const user = demoUser(who);
	const auth = await fetch(`${baseURL}/api/collections/users/auth-with-password`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ identity: user.email, password: user.password })
	});
	const { token } = (await auth.json()) as { token: string };
	const res = await fetch(`${baseURL}/api/sync/push`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: token },
		body: JSON.stringify({
			v: WIRE_VERSION,
			device,
			ops: [
				{
					id: crypto.randomUUID(),
					collection: 'results',
					record: resultId(student, WATTLE, LEAP, term1),
					fields: { student, class: WATTLE, assessment: LEAP, period: term1, status },
					stamp: formatStamp(ms, 0, device),
					base: { status: null }
				}
			]
		})
	});
	const body = (await res.json()) as { results: { status: string }[] };
	return body.results[0]?.status ?? String(res.status);
}

test('a status lost to a colleague’s reads in words on the Conflicts page; the report says the child was away', async ({
	browser,
	baseURL
}) => {
	const a = await device(browser, baseURL!, 'teacherA', LAPTOP_WIDE, false);
	try {
		const student = (DEMO_IDS.students as string[])[3] as string;
		const t = Date.now();
		// Teacher B marks the child excused; teacher A's older "absent" arrives after it and loses.
		expect(
			await pushStatus(
				baseURL!,
				'teacherB',
				'dev_away_b',
				student,
				{ kind: 'excused', on: today() },
				t
			)
		).toBe('applied');
		expect(
			await pushStatus(
				baseURL!,
				'teacherA',
				'dev_away_a',
				student,
				{ kind: 'absent', on: today() },
				t - 60_000
			)
		).toBe('superseded');
		await a.page.getByRole('button', { name: 'Sync now' }).click();
		await waitForSynced(a.page);
		await a.page
			.getByRole('link', { name: /Conflicts/ })
			.first()
			.click();
		const notice = a.page.getByTestId('conflict').filter({ hasText: 'Away on the day' });
		await expect(notice).toHaveCount(1);
		await expect(notice.getByTestId('mine')).toHaveText(/^Absent on /);
		await expect(notice.getByTestId('theirs')).toHaveText(/^Excused on /);
		await notice.getByRole('button', { name: 'Edit' }).click();
		await expect(notice.getByLabel('New value').locator('option')).toHaveText([
			'Absent',
			'Injured',
			'Excused',
			'Present (no status)'
		]);
		await expectAxeClean(a.page, 'conflicts with a status notice');
		await screenshot(a.page, 'absence-conflict-1440');
		await notice.getByRole('button', { name: 'Cancel' }).click();
		await notice.getByRole('button', { name: 'Keep theirs' }).click();
		await expect(notice).toHaveCount(0);

		// The child's report: away for Leap, not "not assessed"; the progress table says so too.
		await a.page.goto(`/classes/${WATTLE}/students/${student}?p=${term1}`);
		await expect(a.page.getByTestId('away')).toHaveText(
			/^Away in Term 1 2026: Leap \(excused on \d+ [A-Z][a-z]{2} \d{4}\)\.$/
		);
		await expect(a.page.getByTestId('not-assessed')).toHaveCount(0);
		await expect(a.page.getByTestId(`progress-${LEAP}-${term1}`)).toHaveText('Excused');
		await expectAxeClean(a.page, 'student report with a status');
		await screenshot(a.page, 'absence-report-1440');
		await a.page.setViewportSize(LANDSCAPE);
		await screenshot(a.page, 'absence-report-1024');
	} finally {
		await a.context.close();
	}

	// The coordinator's Overview counts 4 Wattle's Leap children who were away
	// (whatever else this file left away), none of them as missing.
	const filter = encodeURIComponent(
		`class='${WATTLE}' && assessment='${LEAP}' && period='${term1}'`
	);
	const stored = await office<{ items: { status: { kind: string } | null }[] }>(
		baseURL!,
		'GET',
		`/api/collections/results/records?perPage=200&filter=${filter}`
	);
	const kinds = stored.items.flatMap((r) => (r.status ? [r.status.kind] : []));
	const words = ['absent', 'injured', 'excused']
		.map((k) => [kinds.filter((x) => x === k).length, k] as const)
		.filter(([n]) => n > 0)
		.map(([n, k]) => `${n} ${k}`)
		.join(', ');
	expect(kinds).toContain('excused');
	const c = await device(browser, baseURL!, 'coordinator', LAPTOP_WIDE, false);
	try {
		await c.page.getByRole('link', { name: 'Overview of all classes' }).click();
		await c.page.getByRole('combobox', { name: 'Term' }).selectOption({ label: 'Term 1 2026' });
		await expect(c.page.getByTestId(`done-${WATTLE}-${LEAP}`)).toContainText(
			`0/25 · ${kinds.length} away`
		);
		const leap = c.page.getByRole('table', { name: /^Leap: levels by class/ });
		await expect(leap.getByTestId(`away-${WATTLE}`)).toHaveText(
			new RegExp(`^${kinds.length}\\s*${words}$`)
		);
		await expectAxeClean(c.page, 'overview with away children');
		await screenshot(c.page, 'absence-overview-1440');
		await c.page.setViewportSize(LANDSCAPE);
		await screenshot(c.page, 'absence-overview-1024');
	} finally {
		await c.context.close();
	}
});
