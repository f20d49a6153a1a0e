/**
 * Timing sprints as they are run: several children at once, one Start and a
 * Stop per lane; and the school's plausible times, refused in words in the
 * grid too. 3 Banksia, 40 m sprint, Term 1 (no other browser test uses it).
 */
import { DEMO_IDS, TABLET, deviceFor, office, screenshot, waitForSynced } from './helpers';
import { expect, test } from './fixtures';

const CLASS = DEMO_IDS.classes.teacherA;
const SPRINT = DEMO_IDS.assessments.sprint as string;
const { term1 } = DEMO_IDS.periods;

interface AttemptRow {
	student: string;
	seconds: number;
	deleted: boolean;
}

test('three lanes timed with one Start: each Stop records its own child', async ({
	browser,
	baseURL
}) => {
	const { context, page } = await deviceFor(browser, 'teacherA', TABLET, baseURL);
	try {
		await page.goto(`/classes/${CLASS}/field?a=${SPRINT}&p=${term1}`);
		await expect(page.getByTestId('position')).toHaveText('1 of 25');
		await waitForSynced(page);
		const names: string[] = [];
		for (let i = 0; i < 3; i++) {
			names.push(
				(await page.getByLabel('Jump to student').locator('option').nth(i).textContent())
					?.replace(/^\d+\.\s*/, '')
					.trim() ?? ''
			);
		}
		await page.getByLabel('Lanes').selectOption('3');
		const lanes = page.getByTestId('lane');
		await expect(lanes).toHaveCount(3);
		for (const [i, name] of names.entries()) await expect(lanes.nth(i)).toContainText(name);
		await expect(page.getByRole('button', { name: /^Stop lane/ }).first()).toBeDisabled();

		await page.getByRole('button', { name: 'Start' }).tap();
		await page.waitForTimeout(4200);
		// They finish in their own order: lane 3, then 1, then 2.
		await page.getByRole('button', { name: `Stop lane 3: ${names[2]}` }).tap();
		await page.waitForTimeout(300);
		await page.getByRole('button', { name: `Stop lane 1: ${names[0]}` }).tap();
		await page.waitForTimeout(300);
		await page.getByRole('button', { name: `Stop lane 2: ${names[1]}` }).tap();
		for (let i = 0; i < 3; i++) await expect(lanes.nth(i)).toContainText(/\d+\.\d\d s/);
		await expect(page.getByRole('button', { name: 'Start' })).toBeEnabled();
		// This child's attempt is listed here; the others' on their own pages.
		await expect(page.getByTestId('attempt')).toHaveCount(1);
		await screenshot(page, 'field-stopwatch-lanes-tablet');

		await waitForSynced(page);
		const students = DEMO_IDS.students as string[];
		const filter = encodeURIComponent(`assessment='${SPRINT}' && period='${term1}'`);
		const rows = (
			await office<{ items: AttemptRow[] }>(
				baseURL!,
				'GET',
				`/api/collections/attempts/records?perPage=200&filter=${filter}`
			)
		).items;
		expect(rows).toHaveLength(3);
		const byStudent = new Map(rows.map((r) => [r.student, r.seconds]));
		expect(byStudent.size).toBe(3);
		const [t1, t2, t3] = [...byStudent.values()].sort((a, b) => a - b);
		expect(t1).toBeGreaterThan(4);
		expect((t3 ?? 0) - (t1 ?? 0)).toBeGreaterThan(0.4); // lane 2 stopped ~0.6 s after lane 3
		expect(t2).toBeDefined();
		for (const id of byStudent.keys()) expect(students).toContain(id);

		// The next child's page has their attempt.
		await page.getByRole('button', { name: 'Next student' }).tap();
		await expect(page.getByTestId('attempt')).toHaveCount(1);
	} finally {
		await context.close();
	}
});

test('the grid refuses an impossible sprint time at the cell, with the bounds in words', async ({
	browser,
	baseURL
}) => {
	const { context, page } = await deviceFor(browser, 'teacherA', TABLET, baseURL);
	try {
		await page.goto(`/classes/${CLASS}?a=${SPRINT}&p=${term1}`);
		await expect(page.locator('[role="grid"] tbody tr[data-student]')).toHaveCount(25);
		await waitForSynced(page);
		const id = await page
			.locator('[role="grid"] tbody tr[data-student]')
			.nth(5)
			.getAttribute('data-student');
		const cell = page.locator(`[data-cell="${id}:time"]`);
		await cell.focus();
		await page.keyboard.type('0.5');
		await page.keyboard.press('Enter');
		await expect(cell.locator('[role="alert"]')).toContainText(
			'0.5 s is not a plausible time for “Time (s), best of the attempts” (40 m sprint): the school expects more than 4 s'
		);
		await expect(page.getByTestId('pending-count')).toHaveAttribute('data-pending', '0');
		await page.keyboard.press('Escape');
	} finally {
		await context.close();
	}
});
