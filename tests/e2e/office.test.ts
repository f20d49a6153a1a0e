/**
 * The Office page: the office signs in with its superuser account, checks a
 * class list (dry run: new / changed / unchanged rows, problems by row),
 * imports it, brings in a staff list the class list then names, makes next
 * year's periods from a template, and corrects a child's result without raw
 * JSON.
 */
import type { Page } from '@playwright/test';
import { DEMO_SUPERUSER } from '../../scripts/lib/seed.mjs';
import { resultId } from '../../src/lib/sync/core/ids';
import {
	DEMO_IDS,
	LAPTOP,
	TABLET,
	deviceFor,
	expectAxeClean,
	office,
	recordChecklist,
	screenshot,
	waitForSynced
} from './helpers';
import { expect, test } from './fixtures';

/** The sizes the Office is used at: an office laptop and a tablet in landscape. */
const DESK = { width: 1440, height: 900 } as const;
const TABLET_LANDSCAPE = { width: 1024, height: 768 } as const;

async function signInOffice(page: Page): Promise<void> {
	await page.goto('/office');
	await page.getByLabel('Email').fill(DEMO_SUPERUSER.email);
	await page.getByLabel('Password').fill(DEMO_SUPERUSER.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('heading', { name: 'Correct a result' })).toBeVisible();
}

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
	await signInOffice(page);
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
	await signInOffice(page);
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
	await signInOffice(page);
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

test('the office corrects a child’s result by component; the teacher’s grid shows it; the audit names the office', async ({
	page,
	browser,
	baseURL
}) => {
	const A = DEMO_IDS.assessments as Record<string, string>;
	const CATCH = A['catch'] as string;
	const GREVILLEA = DEMO_IDS.classes.teacherB;
	const TERM2 = DEMO_IDS.periods.term2;

	// Teacher B has the class's Catch grid open on her laptop.
	const teacher = await deviceFor(browser, 'teacherB', LAPTOP, baseURL);
	try {
		await teacher.page.goto(`/classes/${GREVILLEA}?a=${CATCH}&p=${TERM2}`);
		await expect(teacher.page.getByRole('grid')).toBeVisible();
		await waitForSynced(teacher.page);
		const kid = (await teacher.page
			.locator('[role="grid"] tbody tr[data-student]')
			.first()
			.getAttribute('data-student')) as string;
		const kidName = (
			(await teacher.page.locator(`tr[data-student="${kid}"] th`).textContent()) ?? ''
		).trim();

		await page.setViewportSize(DESK);
		await signInOffice(page);
		const panel = page.getByRole('region', { name: 'Correct a result' });
		await panel.getByLabel('Class').selectOption({ label: '6 Grevillea' });
		await panel.getByLabel('Student').selectOption(kid);
		await panel.getByLabel('Assessment').selectOption({ label: 'Catch (Vic FMS)' });
		await panel.getByLabel('Term').selectOption({ label: 'Term 2 2026' });
		await expect(panel.getByTestId('correct-none')).toBeVisible();
		const table = panel.getByRole('table', { name: 'Components of Catch' });
		await expect(table.getByRole('row')).toHaveCount(7);
		await expect(table.getByRole('rowheader').first()).toHaveText(
			'Eyes focused on the object throughout'
		);

		// Record two components (the result is made under the wire's id).
		await panel
			.getByLabel('Eyes focused on the object throughout: change to')
			.selectOption({ label: 'Demonstrated' });
		await panel
			.getByLabel('Hands move to meet the object: change to')
			.selectOption({ label: 'Not yet' });
		await panel.getByRole('button', { name: 'Save 2 changes' }).click();
		await expect(panel.getByTestId('correct-done')).toContainText('Saved 2 changes');
		await expect(panel.getByTestId('now-c1')).toHaveText('Demonstrated');
		await expect(panel.getByTestId('now-c3')).toHaveText('Not yet');

		// Correct one of them: only it changes.
		await panel
			.getByLabel('Hands move to meet the object: change to')
			.selectOption({ label: 'Demonstrated' });
		await panel.getByRole('button', { name: 'Save 1 change' }).click();
		await expect(panel.getByTestId('correct-done')).toContainText('Saved 1 change');
		await expect(panel.getByTestId('now-c3')).toHaveText('Demonstrated');
		await expect(panel.getByTestId('correct-derived')).toContainText('total 2');
		await expectAxeClean(page, 'office correct a result');
		await screenshot(page, 'office-correct-desk');

		// The teacher's open grid receives it (realtime), as the office left it.
		const cell = (c: string) => teacher.page.locator(`[data-cell="${kid}:${c}"]`);
		await expect(cell('c1')).toHaveAttribute('aria-label', /: demonstrated$/, {
			timeout: 15_000
		});
		await expect(cell('c3')).toHaveAttribute('aria-label', /: demonstrated$/);
		await expect(cell('c2')).toHaveAttribute('aria-label', /: not observed$/);
		expect(kidName).not.toBe('');

		// The audit log has both saves, by the office.
		const id = resultId(kid, GREVILLEA, CATCH, TERM2);
		const audit = await office<{
			items: { user: string; device: string; op: string; changes: Record<string, unknown> }[];
		}>(
			baseURL as string,
			'GET',
			`/api/collections/audit_log/records?sort=created&filter=${encodeURIComponent(`record='${id}'`)}`
		);
		expect(audit.items.map((a) => [a.op, a.user, a.device])).toEqual([
			['create', '', `admin-ui:${DEMO_SUPERUSER.email}`],
			['update', '', `admin-ui:${DEMO_SUPERUSER.email}`]
		]);
		expect(audit.items[1]?.changes['values.c3']).toEqual([0, 1]);
	} finally {
		await teacher.context.close();
	}
});

test('a correction the server refuses shows its reason and changes nothing', async ({
	page,
	baseURL
}) => {
	const SPRINT = (DEMO_IDS.assessments as Record<string, string>)['sprint'] as string;
	const BANKSIA = DEMO_IDS.classes.teacherA;
	const TERM4 = DEMO_IDS.periods.term4;
	await page.setViewportSize(TABLET_LANDSCAPE);
	await signInOffice(page);
	const panel = page.getByRole('region', { name: 'Correct a result' });
	await panel.getByLabel('Class').selectOption({ label: '3 Banksia' });
	await panel.getByLabel('Student').selectOption({ index: 3 });
	const kid = await panel.getByLabel('Student').inputValue();
	await panel.getByLabel('Assessment').selectOption({ label: '40 m sprint (ASTS)' });
	await panel.getByLabel('Term').selectOption({ label: 'Term 4 2026' });
	const time = panel.getByLabel('Time (s), best of the attempts: change to');
	await time.fill('8.2');
	await panel.getByRole('button', { name: 'Save 1 change' }).click();
	await expect(panel.getByTestId('now-time')).toHaveText('8.2 s');

	await time.fill('2');
	await panel.getByRole('button', { name: 'Save 1 change' }).click();
	await expect(panel.getByRole('alert')).toContainText(
		'2 s is not a plausible time for “Time (s), best of the attempts” (40 m sprint): the school expects more than 4 s.'
	);
	await expect(panel.getByTestId('now-time')).toHaveText('8.2 s');
	const stored = await office<{ values: Record<string, unknown> }>(
		baseURL as string,
		'GET',
		`/api/collections/results/records/${resultId(kid, BANKSIA, SPRINT, TERM4)}`
	);
	expect(stored.values).toEqual({ time: 8.2 });
	await expectAxeClean(page, 'office correction refused');
	await screenshot(page, 'office-correct-refused-tablet');
});

test('a correction of a component a teacher changed since the page read it is refused, shown as it is now, and saved on a second go', async ({
	page,
	baseURL
}) => {
	const KICK = (DEMO_IDS.assessments as Record<string, string>)['kick'] as string;
	const BANKSIA = DEMO_IDS.classes.teacherA;
	const TERM3 = DEMO_IDS.periods.term3;
	const kid = (DEMO_IDS.students as string[])[34] as string; // one of 3 Banksia's
	// Both edits from one device of the teacher's: one after the other, no conflict notice of her own.
	const device = { device: `dev_office_409_${Date.now()}` };
	await recordChecklist(
		baseURL as string,
		KICK,
		[{ student: kid, cls: BANKSIA, period: TERM3 }],
		device
	);

	await page.setViewportSize(DESK);
	await signInOffice(page);
	const panel = page.getByRole('region', { name: 'Correct a result' });
	await panel.getByLabel('Class').selectOption({ label: '3 Banksia' });
	await panel.getByLabel('Student').selectOption(kid);
	await panel.getByLabel('Assessment').selectOption({ label: 'Kick (Vic FMS)' });
	await panel.getByLabel('Term').selectOption({ label: 'Term 3 2026' });
	await expect(panel.getByTestId('now-c1')).toHaveText('Demonstrated');
	const c1 = panel.getByLabel('Eyes focused on the ball throughout: change to');
	await c1.selectOption({ label: 'Not observed' });

	// Meanwhile the teacher's device marks the same component "not yet".
	await recordChecklist(
		baseURL as string,
		KICK,
		[{ student: kid, cls: BANKSIA, period: TERM3, notYet: [0] }],
		device
	);
	await panel.getByRole('button', { name: 'Save 1 change' }).click();
	await expect(panel.getByRole('alert')).toContainText(
		'“Eyes focused on the ball throughout” changed since you opened this result (someone saved it meanwhile); nothing was saved.'
	);
	// The teacher's value is shown as it is now; the office's choice stays on screen.
	await expect(panel.getByTestId('now-c1')).toHaveText('Not yet');
	await expect(c1).toHaveValue('2');
	const id = resultId(kid, BANKSIA, KICK, TERM3);
	const read = () =>
		office<{ values: Record<string, unknown> }>(
			baseURL as string,
			'GET',
			`/api/collections/results/records/${id}`
		);
	expect((await read()).values['c1']).toBe(0);
	await expectAxeClean(page, 'office correction changed since opened');

	// Saved again with the teacher's value in view: it replaces it.
	await panel.getByRole('button', { name: 'Save 1 change' }).click();
	await expect(panel.getByTestId('correct-done')).toContainText('Saved 1 change');
	await expect(panel.getByTestId('now-c1')).toHaveText('Not observed');
	const stored = (await read()).values;
	expect(stored['c1']).toBeUndefined();
	expect(stored['c2']).toBe(1);
});
