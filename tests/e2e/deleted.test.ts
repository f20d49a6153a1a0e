/**
 * A term the office deletes leaves every screen (issue 10.5): devices drop it
 * from their lists, and a link naming it says so instead of showing another
 * term's marks.
 */
import { DEMO_IDS, demoUser, office, signIn, waitForSynced } from './helpers';
import { expect, test } from './fixtures';

test('a term the office deleted leaves the lists, and a link to it shows no other term', async ({
	page,
	baseURL
}) => {
	const url = baseURL as string;
	const made = await office<{ periods: { id: string }[] }>(url, 'POST', '/api/office/periods', {
		periods: [{ name: 'Term 9 2099', starts: '2099-01-27', ends: '2099-04-02' }]
	});
	const term = made.periods[0]?.id as string;
	await signIn(page, demoUser('teacherA'));
	await page.goto(`/classes/${DEMO_IDS.classes.shared}?p=${term}`);
	const periods = page.getByRole('combobox', { name: 'Period' });
	await expect(periods).toHaveValue(term);

	await office(url, 'DELETE', `/api/collections/periods/records/${term}`);
	// Realtime brings the tombstone; the term leaves the list and the page says why.
	await expect(page.getByTestId('selection-gone')).toContainText(
		'The term in this link is not on this device'
	);
	await expect(periods.locator('option', { hasText: 'Term 9 2099' })).toHaveCount(0);
	await expect(page.getByRole('grid')).toHaveCount(0);
	// A fresh load of the same link says the same.
	await page.reload();
	await expect(page.getByTestId('selection-gone')).toBeVisible();
});

test('a mark entered after the office deleted the result shows and syncs: the edit brings the result back', async ({
	page,
	baseURL
}) => {
	const url = baseURL as string;
	const JUMP = (DEMO_IDS.assessments as Record<string, string>)['vertical_jump'] as string;
	const CLASS = DEMO_IDS.classes.teacherA;
	const TERM = DEMO_IDS.periods.term3;
	await signIn(page, demoUser('teacherA'));
	await page.goto(`/classes/${CLASS}?a=${JUMP}&p=${TERM}`);
	const row = page.locator('[role="grid"] tbody tr[data-student]').nth(7);
	const student = (await row.getAttribute('data-student')) as string;
	const c1 = page.locator(`[data-cell="${student}:c1"]`);
	const c2 = page.locator(`[data-cell="${student}:c2"]`);
	await c1.focus();
	await c1.press('d');
	await waitForSynced(page);

	// The office deletes the child's result (admin UI or REST: a tombstone); realtime empties the row.
	const found = await office<{ items: { id: string }[] }>(
		url,
		'GET',
		`/api/collections/results/records?filter=${encodeURIComponent(
			`student='${student}' && assessment='${JUMP}' && period='${TERM}'`
		)}`
	);
	const resultId = found.items[0]?.id as string;
	await office(url, 'DELETE', `/api/collections/results/records/${resultId}`);
	await expect(c1).toHaveAttribute('data-value', '');

	// Then the teacher marks the child again: the mark stays on screen and reaches the server.
	await c2.focus();
	await c2.press('d');
	await waitForSynced(page);
	await page.waitForTimeout(300);
	await expect(c2).toHaveAttribute('data-value', '1');
	const stored = await office<{ deleted: boolean; values: Record<string, unknown> }>(
		url,
		'GET',
		`/api/collections/results/records/${resultId}`
	);
	expect(stored.deleted).toBe(false);
	expect(stored.values['c2']).toBe(1);
	// After a reload too (the device's replica holds the result alive).
	await page.reload();
	await expect(c2).toHaveAttribute('data-value', '1');
});
