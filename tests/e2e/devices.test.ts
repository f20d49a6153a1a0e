/**
 * The devices page (issue 12.6): an old browser the teacher no longer uses is
 * switched off and leaves the list (folded under "Switched off"), and the
 * device doing it asks for a sign-in (the server rotated the session) without
 * losing anything.
 */
import { LAPTOP, deviceFor, screenshot, demoUser } from './helpers';
import { expect, test } from './fixtures';

test('switching off an old browser folds it away under “Switched off”', async ({ browser }) => {
	const old = await deviceFor(browser, 'coordinator', LAPTOP);
	await old.context.close();

	const { page, context } = await deviceFor(browser, 'coordinator', LAPTOP);
	await page.goto('/devices');
	const syncing = page.getByRole('table', { name: 'Devices that sync' });
	// Once the page knows which row is this device.
	await expect(syncing.getByText('This device')).toBeVisible();
	const rows = await syncing.getByTestId('device').count();
	expect(rows).toBeGreaterThanOrEqual(2);
	// The other browser's row: not this device.
	const other = syncing.getByTestId('device').filter({ hasNotText: 'This device' }).first();
	const otherId = await other.getAttribute('data-device');
	page.once('dialog', (d) => void d.accept());
	await other.getByRole('button', { name: 'Switch off' }).click();

	// The server rotated the session: this device asks for the password again, and keeps its data.
	const reauth = page.getByRole('region', { name: 'Sign in again to sync' });
	await expect(reauth).toBeVisible({ timeout: 15_000 });
	await reauth.getByLabel(/^Password for/).fill(demoUser('coordinator').password);
	await reauth.getByRole('button', { name: 'Sign in' }).click();
	await expect(reauth).toBeHidden({ timeout: 15_000 });
	await page.goto('/devices');
	await expect(syncing.locator(`[data-device="${otherId}"]`)).toHaveCount(0);
	const folded = page.getByText(/^Switched off \(\d+\)$/);
	await expect(folded).toBeVisible();
	await folded.click();
	await expect(
		page.getByRole('table', { name: 'Switched-off devices' }).locator(`[data-device="${otherId}"]`)
	).toBeVisible();
	await screenshot(page, 'devices-switched-off-laptop');
	await context.close();
});
