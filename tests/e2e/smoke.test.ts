import { DEMO_IDS, DEMO_SUPERUSER, DEMO_USERS } from '../../scripts/lib/seed.mjs';
import { expect, test } from './fixtures';

const teacherA = DEMO_USERS.find((u) => u.key === 'teacherA')!;

test('the demo teacher signs in and sees exactly their classes', async ({ page, baseURL }) => {
	await page.goto('/');
	await expect(page).toHaveURL(/\/signin$/);
	await page.getByLabel('Email').fill(teacherA.email);
	await page.getByLabel('Password').fill(teacherA.password);
	await page.getByRole('button', { name: 'Sign in' }).click();

	await expect(page).toHaveURL(/\/classes$/);
	await expect(page.getByRole('heading', { name: 'My classes' })).toBeVisible();
	const names = page.getByRole('list', { name: 'My classes' }).locator('.name');
	await expect(names).toHaveCount(2);

	// The two classes teacher A teaches, by name as the server has them.
	const admin = await fetch(`${baseURL}/api/collections/_superusers/auth-with-password`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ identity: DEMO_SUPERUSER.email, password: DEMO_SUPERUSER.password })
	}).then((r) => r.json() as Promise<{ token: string }>);
	const expected = await Promise.all(
		[DEMO_IDS.classes.shared, DEMO_IDS.classes.teacherA].map((id) =>
			fetch(`${baseURL}/api/collections/classes/records/${id}`, {
				headers: { authorization: admin.token }
			})
				.then((r) => r.json() as Promise<{ name: string }>)
				.then((r) => r.name)
		)
	);
	expect((await names.allTextContents()).sort()).toEqual(expected.sort());
	await page.screenshot({
		path: 'test-results/screens/classes-teacherA-laptop.png',
		fullPage: true
	});
});

test('a wrong password is refused with a readable message and no sign-in', async ({ page }) => {
	await page.goto('/signin');
	await page.getByLabel('Email').fill(teacherA.email);
	await page.getByLabel('Password').fill('not-the-password');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('alert')).toHaveText(
		'That email and password do not match an account.'
	);
	await expect(page).toHaveURL(/\/signin$/);
});

test('the service worker leaves the admin UI to PocketBase', async ({ page }) => {
	await page.goto('/signin');
	// Wait until the app's service worker controls the page, then open /_/.
	await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, {
		timeout: 15_000
	});
	await page.goto('/_/');
	await expect(page).toHaveTitle(/PocketBase|Superuser|Admin/i);
	await expect(page.getByRole('heading', { name: 'My classes' })).toHaveCount(0);
});

test('the office signs in to the admin UI and sees every Markbook collection', async ({ page }) => {
	await page.goto('/_/');
	await page.getByRole('textbox', { name: /email/i }).fill(DEMO_SUPERUSER.email);
	await page.getByRole('textbox', { name: /password/i }).fill(DEMO_SUPERUSER.password);
	await page.getByRole('button', { name: /login/i }).click();
	const sidebar = page.locator('.page-sidebar');
	for (const name of [
		'users',
		'classes',
		'students',
		'periods',
		'assessments',
		'results',
		'attempts',
		'observations',
		'audit_log',
		'devices',
		'conflicts',
		'sync_receipts'
	]) {
		await expect(sidebar.getByText(name, { exact: true })).toBeVisible();
	}
	await page.screenshot({ path: 'test-results/screens/admin-ui-collections.png' });
});
