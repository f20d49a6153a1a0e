/**
 * The office's first day on an EMPTY server (issue 13's "done when"): only the
 * Office page, from sign-in to a year's terms, its teachers and 300 students
 * in 12 classes with their teachers, then a teacher signs in and finds her
 * class. The office's part is timed and written to
 * test-results/first-day.json (machine time: a person also reads and clicks).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { startPocketBase, type RunningPocketBase } from '../../scripts/lib/pocketbase.mjs';
import { LAPTOP, screenshot } from './helpers';
import { expect, test } from './fixtures';

const OFFICE = { email: 'office@new.school.example', password: 'first-day-office-2027' };
const CLASS_NAMES = ['Banksia', 'Grevillea', 'Waratah'].flatMap((tree) =>
	['3', '4', '5', '6'].map((year) => `${year} ${tree}`)
);
const teacherOf = (i: number) => `class${i + 1}@new.school.example`;
const PE = 'pe@new.school.example';

function staffCsv(): string {
	const rows = CLASS_NAMES.map((_, i) => `${teacherOf(i)},Class Teacher ${i + 1},teacher`);
	return ['email,name,role', ...rows, `${PE},Jordan Pike,coordinator`].join('\n') + '\n';
}

/** 300 students, 25 a class, each class taught by its teacher and the PE coordinator. */
function rosterCsv(): string {
	const lines = ['student_number,given_name,family_name,class,year_level,teacher_emails'];
	for (let i = 0; i < 300; i++) {
		const c = i % CLASS_NAMES.length;
		const name = CLASS_NAMES[c] as string;
		lines.push(
			`${270001 + i},Child${i},"Family, ${i}",${name},${name.split(' ')[0]},${teacherOf(c)};${PE}`
		);
	}
	return '\ufeff' + lines.join('\r\n') + '\r\n';
}

async function choose(page: Page, region: string, name: string, csv: string): Promise<void> {
	await page
		.getByRole('region', { name: region })
		.getByLabel('Choose a CSV file')
		.setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csv) });
}

let server: RunningPocketBase;
let dataDir: string;
test.beforeAll(async () => {
	dataDir = mkdtempSync(join(tmpdir(), 'markbook-first-day-'));
	server = await startPocketBase({ dataDir, superuser: OFFICE });
});
test.afterAll(async () => {
	await server?.stop();
	rmSync(dataDir, { recursive: true, force: true });
});

test('an office goes from an empty server to 300 students in 12 classes with their teachers', async ({
	page,
	browser
}) => {
	test.setTimeout(120_000);
	await page.setViewportSize(LAPTOP);
	const started = Date.now();
	const steps: Record<string, number> = {};
	const mark = (step: string) => (steps[step] = Date.now() - started);

	await page.goto(`${server.url}/office`);
	await page.getByLabel('Email').fill(OFFICE.email);
	await page.getByLabel('Password').fill(OFFICE.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	mark('signed in');

	await page.getByRole('spinbutton', { name: 'Year' }).fill('2027');
	await page.getByRole('button', { name: 'Create these periods' }).click();
	await expect(page.getByTestId('year-done')).toContainText('4 periods made for 2027');
	mark('terms made');

	await choose(page, 'Bring in the staff', 'staff.csv', staffCsv());
	await expect(page.getByTestId('staff-summary')).toHaveText('13 new, 0 changed, 0 unchanged.');
	await page
		.getByRole('region', { name: 'Bring in the staff' })
		.getByRole('button', { name: 'Import', exact: true })
		.click();
	await expect(page.getByTestId('staff-done')).toContainText('13 new');
	mark('staff in');

	await choose(page, 'Bring in a class list', 'students.csv', rosterCsv());
	await expect(page.getByTestId('roster-summary')).toHaveText(
		'300 new students, 12 new classes, 0 changed, 0 unchanged.'
	);
	await page
		.getByRole('region', { name: 'Bring in a class list' })
		.getByRole('button', { name: 'Import', exact: true })
		.click();
	await expect(page.getByTestId('roster-done')).toContainText('300 new students, 12 new classes');
	mark('students in');
	await screenshot(page, 'first-day-office-done');

	mkdirSync('test-results', { recursive: true });
	writeFileSync(
		'test-results/first-day.json',
		JSON.stringify({ officeSeconds: (Date.now() - started) / 1000, stepsMs: steps }, null, 2)
	);
	console.log(`first day, office part: ${((Date.now() - started) / 1000).toFixed(1)} s`, steps);

	// The teacher of 4 Banksia (the office set her password in the admin UI; no mail here).
	const admin = await fetch(`${server.url}/api/collections/_superusers/auth-with-password`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ identity: OFFICE.email, password: OFFICE.password })
	}).then((r) => r.json() as Promise<{ token: string }>);
	const teacherEmail = teacherOf(CLASS_NAMES.indexOf('4 Banksia'));
	const found = await fetch(
		`${server.url}/api/collections/users/records?filter=${encodeURIComponent(`email = "${teacherEmail}"`)}`,
		{ headers: { authorization: admin.token } }
	).then((r) => r.json() as Promise<{ items: { id: string }[] }>);
	const teacherId = found.items[0]?.id as string;
	const password = 'chosen-by-her-2027';
	const set = await fetch(`${server.url}/api/collections/users/records/${teacherId}`, {
		method: 'PATCH',
		headers: { 'content-type': 'application/json', authorization: admin.token },
		body: JSON.stringify({ password, passwordConfirm: password })
	});
	expect(set.status).toBe(200);

	const context = await browser.newContext({ viewport: LAPTOP });
	const teacher = await context.newPage();
	await teacher.goto(`${server.url}/signin`);
	await teacher.getByLabel('Email').fill(teacherEmail);
	await teacher.getByLabel('Password').fill(password);
	await teacher.getByRole('button', { name: 'Sign in' }).click();
	await expect(teacher).toHaveURL(/\/classes$/);
	// Her class and only hers (the coordinator sees all twelve).
	await expect(teacher.getByRole('link', { name: /4 Banksia/ })).toBeVisible({ timeout: 15_000 });
	await expect(teacher.getByRole('link', { name: /4 Grevillea/ })).toHaveCount(0);
	await expect(teacher.getByText(/25 students/)).toBeVisible();
	await screenshot(teacher, 'first-day-teacher-classes');
	await context.close();
});
