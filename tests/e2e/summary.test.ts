/**
 * The class summary per movement skill: counts per level for the period,
 * the children behind one tap away, axe-clean, printable. 3 Banksia, Vertical
 * jump, Term 1 (no other browser test enters it).
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { DEMO_IDS, LAPTOP, TABLET, deviceFor, rowName, screenshot, waitForSynced } from './helpers';
import { expect, test } from './fixtures';

const CLASS = DEMO_IDS.classes.teacherA;
const JUMP = (DEMO_IDS.assessments as Record<string, string>)['vertical_jump'] as string;
const { term1 } = DEMO_IDS.periods;

async function axeSerious(page: Page): Promise<string[]> {
	const options = { page } as unknown as ConstructorParameters<typeof AxeBuilder>[0];
	const result = await new AxeBuilder(options)
		.withTags(['wcag2a', 'wcag2aa', 'wcag21aa'])
		.analyze();
	return result.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('the class summary counts each skill’s levels and lists the children behind', async ({
	browser,
	baseURL
}) => {
	const { context, page } = await deviceFor(browser, 'teacherA', LAPTOP, baseURL);
	try {
		await page.goto(`/classes/${CLASS}?a=${JUMP}&p=${term1}`);
		const rows = page.locator('[role="grid"] tbody tr[data-student]');
		await expect(rows).toHaveCount(25);
		await waitForSynced(page);
		// Three children: mastery (6 of 6), near mastery (5 of 6), developing (one not yet).
		const names: string[] = [];
		const entries = [['1', '1', '1', '1', '1', '1'], ['1', '1', '1', '1', '1', '0'], ['0']];
		for (const [i, keys] of entries.entries()) {
			const row = rows.nth(i);
			names.push(await rowName(row));
			const id = await row.getAttribute('data-student');
			await page.locator(`[data-cell="${id}:c1"]`).focus();
			for (const k of keys) {
				await page.keyboard.press(k);
				await page.keyboard.press('ArrowRight');
			}
		}
		await waitForSynced(page);

		await page
			.getByRole('navigation', { name: 'Class views' })
			.getByRole('link', { name: 'Summary' })
			.click();
		await expect(page).toHaveURL(/\/summary\?/);
		const jump = page.locator(`[data-testid="class-summary"] tr[data-assessment="${JUMP}"]`);
		const count = (bucket: string) =>
			jump.locator(`[data-bucket="${bucket}"] summary, [data-bucket="${bucket}"] .zero`);
		await expect(count('mastery')).toHaveText('1');
		await expect(count('near_mastery')).toHaveText('1');
		await expect(count('developing')).toHaveText('1');
		await expect(count('not_observed')).toHaveText('22');
		// Every checklist skill has a row; each row's counts add up to the class.
		const skills = page.locator('[data-testid="class-summary"] tbody tr');
		await expect(skills).toHaveCount(12);

		// The children behind are one tap away, each a link to their report.
		await count('developing').click();
		const behind = jump.locator('[data-bucket="developing"] li');
		await expect(behind).toHaveText([names[2] ?? '']);
		await count('near_mastery').click();
		await expect(jump.locator('[data-bucket="near_mastery"] li')).toHaveText([names[1] ?? '']);
		expect(await axeSerious(page)).toEqual([]);
		await screenshot(page, 'summary-laptop');
		await page.setViewportSize({ width: 1440, height: 900 });
		await screenshot(page, 'summary-laptop-1440');
		await page.setViewportSize({ width: 1024, height: 768 });
		await screenshot(page, 'summary-tablet-landscape');
		await page.setViewportSize(TABLET);
		await screenshot(page, 'summary-tablet-portrait');
		await page.emulateMedia({ media: 'print' });
		await expect(page.getByRole('navigation', { name: 'Class views' })).toBeHidden();
		await expect(jump).toBeVisible();
		await screenshot(page, 'summary-print');
		await page.emulateMedia({ media: 'screen' });

		await behind.getByRole('link').click();
		await expect(page.getByRole('heading', { level: 2, name: names[2] })).toBeVisible();
	} finally {
		await context.close();
	}
});
