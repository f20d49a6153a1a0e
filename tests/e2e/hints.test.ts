/**
 * Component hints in field mode (issue 12): what "demonstrated" looks like,
 * taken from the assessment's definition, small under each label; on a
 * landscape tablet the child's whole checklist still fits with its hints, and
 * a tap moves nothing. Works in 3 Banksia on Catch and Sprint run, Term 4,
 * which no other browser test records.
 */
import { DEMO_COMPONENT_HINTS } from '../../scripts/lib/seed.mjs';
import {
	DEMO_IDS,
	demoUser,
	expectAxeClean,
	onScreen,
	screenshot,
	signIn,
	waitForSynced
} from './helpers';
import { expect, test } from './fixtures';

const A = DEMO_IDS.assessments as Record<string, string>;
const CLASS = DEMO_IDS.classes.teacherA;
const TERM4 = DEMO_IDS.periods.term4;
const LANDSCAPE = { width: 1024, height: 768 } as const;

declare global {
	interface Window {
		__hintShifts: number[];
	}
}

for (const skill of ['catch', 'sprint_run'] as const) {
	test(`field mode shows each ${skill} component's hint under its label; the checklist fits a landscape tablet and a tap moves nothing`, async ({
		browser,
		baseURL
	}) => {
		const context = await browser.newContext({
			viewport: LANDSCAPE,
			hasTouch: true,
			baseURL: baseURL as string
		});
		await context.addInitScript(() => {
			window.__hintShifts = [];
			new PerformanceObserver((list) => {
				for (const e of list.getEntries() as (PerformanceEntry & { value: number })[])
					window.__hintShifts.push(e.value);
			}).observe({ type: 'layout-shift', buffered: true });
		});
		const page = await context.newPage();
		try {
			await signIn(page, demoUser('teacherA'));
			await page.goto(`/classes/${CLASS}/field?a=${A[skill]}&p=${TERM4}`);
			await expect(page.getByTestId('position')).toHaveText('1 of 25');
			await waitForSynced(page);

			const hints = DEMO_COMPONENT_HINTS[skill] as string[];
			const components = page.locator('[data-component]');
			await expect(components).toHaveCount(hints.length);
			for (const [i, hint] of hints.entries()) {
				const c = page.locator(`[data-component="c${i + 1}"]`);
				const label = c.locator('.label');
				const shown = c.locator('.hint');
				await expect(shown).toHaveText(hint);
				// Under the label, smaller and softer; the group is described by it.
				const [l, h] = [await label.boundingBox(), await shown.boundingBox()];
				expect(h!.y).toBeGreaterThanOrEqual(l!.y + l!.height - 1);
				const size = (el: typeof label) =>
					el.evaluate((n) => parseFloat(getComputedStyle(n).fontSize));
				expect(await size(shown)).toBeLessThan(await size(label));
				await expect(c).toHaveAccessibleName((await label.textContent())!.trim());
				await expect(c).toHaveAccessibleDescription(hint);
			}
			expect(await onScreen(page, '[data-component], [data-testid="student-name"]')).toEqual({
				ok: true,
				detail: expect.any(String)
			});
			for (const b of await page.locator('[data-choice]').all()) {
				const box = await b.boundingBox();
				expect(box?.height ?? 0).toBeGreaterThanOrEqual(48);
			}
			await expectAxeClean(page, `field mode hints (${skill})`);
			await screenshot(page, `field-hints-${skill}-tablet-landscape`);

			// Taps change colours only: no layout shift, the hints stay where they were.
			const before = await page.locator('.hint').first().boundingBox();
			await page.evaluate(
				() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))
			);
			await page.evaluate(() => (window.__hintShifts = []));
			await page.locator('[data-component="c1"] [data-choice="demonstrated"]').tap();
			await page.locator('[data-component="c2"] [data-choice="not_yet"]').tap();
			await page.locator('[data-component="c2"] [data-choice="not_yet"]').tap();
			await expect(page.locator('[data-component="c1"]')).toHaveAttribute(
				'data-mark',
				'demonstrated'
			);
			await expect(page.locator('[data-component="c2"]')).toHaveAttribute(
				'data-mark',
				'not_observed'
			);
			await waitForSynced(page);
			expect(await page.evaluate(() => window.__hintShifts)).toEqual([]);
			expect(await page.locator('.hint').first().boundingBox()).toEqual(before);
			await screenshot(page, `field-hints-${skill}-tapped-tablet-landscape`);
		} finally {
			await context.close();
		}
	});
}
