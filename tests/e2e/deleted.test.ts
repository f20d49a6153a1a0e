/**
 * A term the office deletes leaves every screen (issue 10.5): devices drop it
 * from their lists, and a link naming it says so instead of showing another
 * term's marks.
 */
import { DEMO_IDS, demoUser, office, signIn } from './helpers';
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
