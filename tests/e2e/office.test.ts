/**
 * The Office page: the office signs in with its superuser account, checks a
 * class list (dry run: new / changed / unchanged rows, problems by row),
 * imports it, brings in a staff list the class list then names, and makes
 * next year's periods from a template.
 */
import { DEMO_SUPERUSER } from '../../scripts/lib/seed.mjs';
import { LAPTOP, TABLET, expectAxeClean, office, screenshot } from './helpers';
import { expect, test } from './fixtures';

const GOOD = [
	'student_number,given_name,family_name,class,year_level,teacher_emails',
	'50001,Zoë,"O’Brien, Jr",5 Kurrajong,5,',
	"50002,Seán,D'Arcy,5 Kurrajong,5,"
].join('\n');
const BAD = GOOD + '\n50003,,Lee,5 Kurrajong,5,\n50001,Mia,Tan,5 Kurrajong,5,';

test('the office checks a class list, sees its problems by row, then imports it', async ({
	page
}) => {
	await page.setViewportSize(LAPTOP);
	await page.goto('/office');
	await page.getByLabel('Email').fill(DEMO_SUPERUSER.email);
	await page.getByLabel('Password').fill(DEMO_SUPERUSER.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('heading', { name: 'Bring in a class list' })).toBeVisible();

	const roster = page.getByRole('region', { name: 'Bring in a class list' });
	const file = roster.getByLabel('Choose a CSV file');
	await file.setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(BAD) });
	await expect(page.getByText('2 problem(s)')).toBeVisible();
	await expect(page.getByRole('row', { name: /^4 given_name/ })).toBeVisible();
	await expect(page.getByRole('row', { name: /^5 student_number .*row 2/ })).toBeVisible();
	await screenshot(page, 'office-dry-run-laptop');

	await file.setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(GOOD) });
	await expect(page.getByTestId('roster-summary')).toHaveText(
		'2 new students, 1 new classes, 0 changed, 0 unchanged.'
	);
	await expect(page.getByRole('row', { name: /Zoë O’Brien, Jr 5 Kurrajong New/ })).toBeVisible();
	await expectAxeClean(page, 'office dry run');
	await roster.getByRole('button', { name: 'Import', exact: true }).click();
	await expect(page.getByTestId('roster-done')).toContainText('2 new students, 1 new classes');

	// The same file again changes nothing.
	await file.setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(GOOD) });
	await expect(page.getByTestId('roster-summary')).toHaveText(
		'0 new students, 0 new classes, 0 changed, 2 unchanged.'
	);
});

test('the office brings in a staff list, then a class list that names them', async ({
	page,
	baseURL
}) => {
	await page.setViewportSize(LAPTOP);
	await page.goto('/office');
	await page.getByLabel('Email').fill(DEMO_SUPERUSER.email);
	await page.getByLabel('Password').fill(DEMO_SUPERUSER.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	const staff = page.getByRole('region', { name: 'Bring in the staff' });
	const STAFF =
		'email,name,role\nmere.parata@demo.markbook.school,Mere Parata,\nbad-email,X,teacher\n';
	await staff.getByLabel('Choose a CSV file').setInputFiles({
		name: 'staff.csv',
		mimeType: 'text/csv',
		buffer: Buffer.from(STAFF)
	});
	await expect(staff.getByRole('row', { name: /^3 email .*not an email/ })).toBeVisible();
	await expect(staff.getByRole('row', { name: /Mere Parata Teacher New/ })).toBeVisible();
	await expectAxeClean(page, 'office staff dry run');
	await screenshot(page, 'office-staff-dry-run-laptop');
	await staff.getByRole('button', { name: 'Import the rows without problems' }).click();
	await expect(page.getByTestId('staff-done')).toContainText('1 new, 0 changed');
	// No mail server here: the office is told, with what to do instead.
	await expect(staff.getByRole('alert')).toContainText('could not be emailed');
	const made = await office<{ items: { name: string; role: string }[] }>(
		baseURL as string,
		'GET',
		`/api/collections/users/records?filter=${encodeURIComponent('email = "mere.parata@demo.markbook.school"')}`
	);
	expect(made.items.map((u) => [u.name, u.role])).toEqual([['Mere Parata', 'teacher']]);

	const roster = page.getByRole('region', { name: 'Bring in a class list' });
	await roster.getByLabel('Choose a CSV file').setInputFiles({
		name: 'class.csv',
		mimeType: 'text/csv',
		buffer: Buffer.from(
			'student_number,given_name,family_name,class,teacher_emails\n60001,Aroha,Ngata,6 Kōwhai,mere.parata@demo.markbook.school\n'
		)
	});
	await expect(page.getByTestId('roster-summary')).toHaveText(
		'1 new students, 1 new classes, 0 changed, 0 unchanged.'
	);
});

test('the office makes next year’s periods from a template, with dates to edit', async ({
	page,
	baseURL
}) => {
	await page.setViewportSize(TABLET);
	await page.goto('/office');
	await page.getByLabel('Email').fill(DEMO_SUPERUSER.email);
	await page.getByLabel('Password').fill(DEMO_SUPERUSER.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.getByRole('spinbutton', { name: 'Year' }).fill('2031');
	await page.getByLabel('Periods').selectOption('semesters');
	await expect(page.getByLabel('Name of period 1')).toHaveValue('Semester 1 2031');
	await page.getByLabel('Semester 2 2031 ends').fill('2031-12-12');
	await expect(page.getByLabel('Semester 2 2031 ends')).toHaveValue('2031-12-12');
	await screenshot(page, 'office-new-year-tablet');
	await page.getByRole('button', { name: 'Create these periods' }).click();
	await expect(page.getByTestId('year-done')).toContainText('2 periods made for 2031');
	const made = await office<{ items: { name: string; ends: string }[] }>(
		baseURL as string,
		'GET',
		`/api/collections/periods/records?filter=${encodeURIComponent('name ~ "2031"')}&sort=name`
	);
	expect(made.items.map((p) => [p.name, p.ends])).toEqual([
		['Semester 1 2031', '2031-06-26 00:00:00.000Z'],
		['Semester 2 2031', '2031-12-12 00:00:00.000Z']
	]);
	// A second time: the names exist, so nothing is made and the office is told.
	await page.getByRole('button', { name: 'Create these periods' }).click();
	await expect(page.getByRole('alert')).toContainText('already exists');
});
