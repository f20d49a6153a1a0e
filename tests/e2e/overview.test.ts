/**
 * The coordinator's Overview: completeness per class and assessment, the
 * spread of a movement skill with the children behind on it one tap away,
 * and sync health per device. Results are recorded by a teacher through the
 * sync API first, so the figures are known.
 */
import {
	DEMO_IDS,
	LAPTOP,
	TABLET,
	demoUser,
	expectAxeClean,
	screenshot,
	signIn,
	recordChecklist
} from './helpers';
import { expect, test } from './fixtures';

const CATCH = (DEMO_IDS.assessments as Record<string, string>)['catch'] as string;
const SHARED = DEMO_IDS.classes.shared;
const TERM1 = DEMO_IDS.periods.term1;
const [KID1, KID2] = DEMO_IDS.students as string[];

test('the coordinator sees how complete a term is, who is behind on a skill, and sync health', async ({
	page,
	baseURL
}) => {
	// Teacher A: Catch for two children of the shared class, one at mastery, one near it,
	// from a tablet that still holds 3 unsent edits and 1 refused one (its push says so).
	const tablet = `dev_overview_${Date.now()}`;
	await recordChecklist(
		baseURL as string,
		CATCH,
		[
			{ student: KID1 as string, cls: SHARED, period: TERM1 },
			{ student: KID2 as string, cls: SHARED, period: TERM1, notYet: [0] }
		],
		{ device: tablet, pending: 3, failed: 1 }
	);
	await page.setViewportSize(LAPTOP);
	await signIn(page, demoUser('coordinator'));
	await page.getByRole('link', { name: 'Overview of all classes' }).click();
	await page.getByRole('combobox', { name: 'Term' }).selectOption({ label: 'Term 1 2026' });
	await expect(page.getByTestId(`done-${SHARED}-${CATCH}`)).toContainText('2/25');

	const catchTable = page.getByRole('table', { name: /^Catch: levels by class/ });
	const row = catchTable.getByRole('row', { name: /4 Wattle/ });
	await expect(row.getByRole('cell').nth(0)).toHaveText('1');
	await expect(row.getByRole('cell').nth(1)).toHaveText('1');
	await row.getByText('1 child').click();
	await row.getByRole('link').click();
	await expect(page).toHaveURL(new RegExp(`/classes/${SHARED}/students/${KID2}`));
	await page.goBack();

	await expect(page.getByRole('heading', { name: 'Sync health' })).toBeVisible();
	await expect(page.getByTestId('server-health')).toContainText('Changes sent, last hour / day');
	await expect(page.getByTestId('server-health')).toContainText(
		/Changes sent, last hour \/ day\s*[1-9]\d* \/ [1-9]\d*/
	);
	await expect(page.getByRole('row', { name: /Priya Raman/ }).first()).toBeVisible();
	// The counts the tablet's push carried, stored with its sync time (issue 13).
	const tabletRow = page.getByTestId(`health-${tablet}`);
	await expect(tabletRow.getByRole('cell').nth(2)).toHaveText(/just now|seconds? ago/);
	await expect(tabletRow.getByRole('cell').nth(3)).toHaveText('3');
	await expect(tabletRow.getByRole('cell').nth(4)).toHaveText('1');
	await expectAxeClean(page, 'overview');
	await screenshot(page, 'overview-laptop');
	await page.setViewportSize(TABLET);
	await screenshot(page, 'overview-tablet');
});
