/**
 * Issue 12.5: where the user may not write, the UI is read-only. The demo's
 * coordinator reads every class and teaches none: she sees the grid, field
 * mode and the report, and is never offered an edit the server would refuse
 * ("You do not teach this class"), so nothing is ever "not accepted".
 */
import { DEMO_IDS, LAPTOP, TABLET, deviceFor, expectAxeClean, screenshot } from './helpers';
import { expect, test } from './fixtures';

const CLASS = DEMO_IDS.classes.teacherA;
const A = DEMO_IDS.assessments as Record<string, string>;
const STUDENT = DEMO_IDS.students[30] as string;

test('a coordinator sees a class she does not teach read-only, and nothing is refused', async ({
	browser
}) => {
	const { page, context } = await deviceFor(browser, 'coordinator', LAPTOP);
	await page.goto(`/classes/${CLASS}?a=${A['catch']}`);
	await expect(page.getByTestId('read-only')).toContainText('you do not teach');
	const grid = page.getByRole('grid');
	await expect(grid).toBeVisible();
	await expect(page.getByRole('button', { name: 'Fill empty cells…' })).toHaveCount(0);

	// A click and the keys that edit change nothing (arrows still move).
	const first = grid.locator('[role="gridcell"][data-cell]').first();
	const cellId = await first.getAttribute('data-cell');
	// Other tests may have recorded here: whatever it holds must stay.
	const before = (await first.getAttribute('data-value')) ?? '';
	await first.click();
	await page.keyboard.press('Space');
	await page.keyboard.press('1');
	await page.keyboard.press('Enter');
	await page.waitForTimeout(300);
	await expect(grid.locator(`[data-cell="${cellId}"]`)).toHaveAttribute('data-value', before);
	await expect(grid.locator(`[data-cell="${cellId}"]`)).not.toHaveAttribute(
		'data-state',
		/saving|local|rejected/
	);
	await page.keyboard.press('ArrowRight');
	await expect(grid.locator(':focus')).toHaveAttribute('data-c', '1');
	await expect(grid.getByRole('button', { name: /Mark away/ }).first()).toBeDisabled();
	await expectAxeClean(page, 'read-only grid');
	await screenshot(page, 'read-only-grid-laptop');

	// Field mode: every toggle is there, showing the marks, and none can be pressed.
	await page.setViewportSize(TABLET);
	await page.goto(`/classes/${CLASS}/field?a=${A['catch']}`);
	const toggles = page.locator('[data-component] button');
	await expect(toggles.first()).toBeVisible();
	expect(await toggles.count()).toBeGreaterThan(0);
	for (const b of await toggles.all()) await expect(b).toBeDisabled();
	await screenshot(page, 'read-only-field-tablet');

	// No note form on the report; and the badge has nothing refused to show.
	await page.goto(`/classes/${CLASS}/students/${STUDENT}`);
	await expect(page.getByTestId('read-only')).toBeVisible();
	await expect(page.getByLabel('Add note')).toHaveCount(0);
	await expect(page.getByTestId('sync-badge')).not.toContainText('not accepted');
	await context.close();
});
