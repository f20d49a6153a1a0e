/**
 * Keyboard and sight (issue 12.6): the first Tab offers "Skip to the page",
 * which lands on the grid's current cell instead of sixteen presses away; the focus ring
 * has at least 3:1 contrast against what is behind it, in the page and on the
 * blue bar.
 */
import type { Page } from '@playwright/test';
import { DEMO_IDS, LAPTOP, deviceFor, screenshot } from './helpers';
import { expect, test } from './fixtures';

const CLASS = DEMO_IDS.classes.teacherA;
const A = DEMO_IDS.assessments as Record<string, string>;

/** WCAG contrast of the focused element's outline against the nearest opaque background behind it. */
function ringContrast(page: Page): Promise<number> {
	return page.evaluate(() => {
		const rgb = (c: string): [number, number, number, number] => {
			const m = c.match(/[\d.]+/g)?.map(Number) ?? [0, 0, 0];
			return [m[0] ?? 0, m[1] ?? 0, m[2] ?? 0, m[3] ?? 1];
		};
		const lum = ([r, g, b]: number[]) => {
			const f = (v: number) => {
				const s = v / 255;
				return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
			};
			return 0.2126 * f(r ?? 0) + 0.7152 * f(g ?? 0) + 0.0722 * f(b ?? 0);
		};
		const el = document.activeElement as HTMLElement;
		const style = getComputedStyle(el);
		if (style.outlineStyle === 'none' || parseFloat(style.outlineWidth) < 2) return 0;
		// The outline sits outside the element: its background is the parent's.
		let bg = el.parentElement;
		while (bg && rgb(getComputedStyle(bg).backgroundColor)[3] === 0) bg = bg.parentElement;
		const back = lum(rgb(bg ? getComputedStyle(bg).backgroundColor : 'rgb(255,255,255)'));
		const ring = lum(rgb(style.outlineColor));
		return (Math.max(back, ring) + 0.05) / (Math.min(back, ring) + 0.05);
	});
}

test('the first Tab skips the menu to the grid’s current cell; the ring shows everywhere', async ({
	browser
}) => {
	const { page, context } = await deviceFor(browser, 'teacherA', LAPTOP);
	await page.goto(`/classes/${CLASS}?a=${A['catch']}`);
	await expect(page.getByRole('grid')).toBeVisible();
	// The first Tab as the page has loaded (one pressed while the app is still
	// starting can be undone by the router's focus reset: load it again then).
	const skip = page.getByRole('link', { name: 'Skip to the page' });
	await expect(async () => {
		await page.reload();
		await expect(page.getByRole('grid')).toBeVisible();
		await page.keyboard.press('Tab');
		await expect(skip).toBeFocused({ timeout: 1_000 });
	}).toPass({ timeout: 30_000 });
	await expect(skip).toBeInViewport();
	await screenshot(page, 'skip-link-laptop');
	// On a page with a grid, the skip link lands on its current cell: the marks.
	await page.keyboard.press('Enter');
	await expect(page.locator('[role="grid"] :focus')).toHaveCount(1);
	await page.keyboard.press('ArrowRight');
	await expect(page.locator('[role="grid"] :focus')).toHaveCount(1);
	expect(await ringContrast(page)).toBeGreaterThanOrEqual(3);

	// Elsewhere it lands on the page itself; the next Tab is the page's first control.
	await page.goto('/devices');
	// The first Tab once the page is up (one pressed while the app is still
	// starting can be undone by the router's focus reset: load it again then).
	await expect(async () => {
		await page.reload();
		await expect(page.getByTestId('device').first()).toBeVisible();
		await page.keyboard.press('Tab');
		await expect(skip).toBeFocused({ timeout: 1_000 });
	}).toPass({ timeout: 30_000 });
	await page.keyboard.press('Enter');
	await expect(page.locator('main')).toBeFocused();
	await page.keyboard.press('Tab');
	expect(await page.evaluate(() => !!document.activeElement?.closest('main'))).toBe(true);
	expect(await ringContrast(page)).toBeGreaterThanOrEqual(3);

	// On the blue bar too.
	await page.getByRole('link', { name: 'Conflicts' }).focus();
	await page.keyboard.press('Shift+Tab');
	await page.keyboard.press('Tab');
	await expect(page.getByRole('link', { name: 'Conflicts' })).toBeFocused();
	expect(await ringContrast(page)).toBeGreaterThanOrEqual(3);
	await context.close();
});
