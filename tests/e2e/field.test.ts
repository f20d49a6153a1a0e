/**
 * Field mode (a tablet on the oval), observations and the per-student report.
 * These tests use 3 Banksia (teacher A's own class) in Terms 2 and 3, and one
 * student of 4 Wattle for notes, so they do not meet the grid tests' cells.
 */
import type { Locator, Page } from '@playwright/test';
import {
	DEMO_IDS,
	LAPTOP,
	TABLET,
	demoUser,
	deviceFor,
	office,
	screenshot,
	waitForSynced
} from './helpers';
import { expect, test } from './fixtures';

const ASSESSMENTS = DEMO_IDS.assessments as Record<string, string>;
const BANKSIA = DEMO_IDS.classes.teacherA;
const WATTLE = DEMO_IDS.classes.shared;
const { term2, term3 } = DEMO_IDS.periods;
const LANDSCAPE = { width: 1180, height: 820 } as const;

interface Listed<T> {
	items: T[];
}
interface ResultRow {
	values: Record<string, number | string | null>;
	total: number | null;
	level: string | null;
}
interface AttemptRow {
	seconds: number;
	deleted: boolean;
}
interface NoteRow {
	text: string;
	by: string;
	deleted: boolean;
}

function filter(fields: Record<string, string>): string {
	const f = Object.entries(fields)
		.map(([k, v]) => `${k}='${v}'`)
		.join('&&');
	return encodeURIComponent(`(${f})`);
}

async function serverRows<T>(baseURL: string, collection: string, fields: Record<string, string>) {
	const list = await office<Listed<T>>(
		baseURL,
		'GET',
		`/api/collections/${collection}/records?perPage=200&filter=${filter(fields)}`
	);
	return list.items;
}

async function height(locator: Locator): Promise<number> {
	const box = await locator.boundingBox();
	if (!box) throw new Error('not visible');
	return box.height;
}

/**
 * Opens a class view the way a teacher does, by tapping through from My
 * classes, not with a full reload: a reload makes the tab re-take the sync
 * lock and re-open its storage, and these tests are about the pages.
 */
async function open(
	page: Page,
	classId: string,
	view: 'Field mode' | 'Students',
	select: { assessment?: string; period?: string; student?: string } = {}
): Promise<void> {
	await page
		.getByRole('navigation', { name: 'Main' })
		.getByRole('link', { name: 'Classes' })
		.click();
	await page.locator(`a[href$="/classes/${classId}"]`).click();
	await page
		.getByRole('navigation', { name: 'Class views' })
		.getByRole('link', { name: view })
		.click();
	// Let the view's navigation land before changing the query (a newer goto would cancel it).
	await expect(page).toHaveURL(view === 'Field mode' ? /\/field(\?|$)/ : /\/students(\?|$)/);
	if (select.assessment) await page.getByLabel('Assessment').selectOption(select.assessment);
	if (select.period) await page.getByLabel('Period').selectOption(select.period);
	if (select.student && view === 'Field mode') {
		await page.getByLabel('Jump to student').selectOption(select.student);
	} else if (select.student) {
		await page.locator(`a.report[href*="/students/${select.student}"]`).click();
	}
}

/** A checklist component: a group with a Demonstrated and a Not yet target. */
function toggle(page: Page, key: string): Locator {
	return page.locator(`[data-component="${key}"]`);
}

/** One tap on a component's mark (on the mark already set, it clears). */
function mark(page: Page, key: string, choice: 'demonstrated' | 'not_yet'): Locator {
	return toggle(page, key).locator(`[data-choice="${choice}"]`);
}

test('field mode on a tablet-sized viewport: a whole student assessed with taps only', async ({
	browser,
	baseURL
}) => {
	const hop = ASSESSMENTS['hop'] as string;
	const { context, page } = await deviceFor(browser, 'teacherA', TABLET, baseURL);
	try {
		await open(page, BANKSIA, 'Field mode', { assessment: hop, period: term2 });
		await expect(page.getByTestId('position')).toHaveText('1 of 25');
		const first = (await page.getByTestId('student-name').textContent())?.trim() ?? '';
		expect(first).not.toBe('');

		await expect(page.locator('[data-component]')).toHaveCount(5);
		const targets = page.locator('[data-choice]');
		await expect(targets).toHaveCount(10);
		for (const t of await targets.all()) expect(await height(t)).toBeGreaterThanOrEqual(56);
		for (const name of ['Previous student', 'Next student', 'Undo']) {
			expect(await height(page.getByRole('button', { name }))).toBeGreaterThanOrEqual(48);
		}
		await screenshot(page, 'field-checklist-empty-tablet');

		// Each mark is one tap on its own target; a tap on the mark already set clears it.
		const c1 = toggle(page, 'c1');
		const label1 = (await c1.locator('.label').textContent())?.trim() ?? '';
		await expect(c1).toHaveAccessibleName(label1);
		await expect(c1).toHaveAttribute('data-mark', 'not_observed');
		await expect(c1).toContainText('not observed');
		await mark(page, 'c1', 'demonstrated').tap();
		await expect(c1).toHaveAttribute('data-mark', 'demonstrated');
		await expect(mark(page, 'c1', 'demonstrated')).toHaveAttribute('aria-pressed', 'true');
		await mark(page, 'c1', 'not_yet').tap();
		await expect(c1).toHaveAttribute('data-mark', 'not_yet');
		await expect(mark(page, 'c1', 'not_yet')).toHaveAttribute('aria-pressed', 'true');
		await expect(mark(page, 'c1', 'demonstrated')).toHaveAttribute('aria-pressed', 'false');
		await mark(page, 'c1', 'not_yet').tap();
		await expect(c1).toHaveAttribute('data-mark', 'not_observed');

		// Undo walks back, one change at a time.
		const undo = page.getByRole('button', { name: 'Undo' });
		await expect(page.getByTestId('undo-what')).toContainText(`${label1} back to not yet`);
		await undo.tap();
		await expect(c1).toHaveAttribute('data-mark', 'not_yet');
		await undo.tap();
		await expect(c1).toHaveAttribute('data-mark', 'demonstrated');

		// c2 not yet (one tap), the rest demonstrated.
		await mark(page, 'c2', 'not_yet').tap();
		await expect(toggle(page, 'c2')).toHaveAttribute('data-mark', 'not_yet');
		await mark(page, 'c3', 'demonstrated').tap();
		await mark(page, 'c4', 'demonstrated').tap();
		await expect(page.getByTestId('summary')).toContainText('4 of 5 observed');
		await screenshot(page, 'field-checklist-partly-tablet');

		// The last tap completes the student: it shows, then the next student comes up.
		await mark(page, 'c5', 'demonstrated').tap();
		await expect(toggle(page, 'c5')).toHaveAttribute('data-mark', 'demonstrated');
		await expect(page.getByTestId('field-message')).toContainText('All observed');
		await expect(page.getByTestId('position')).toHaveText('2 of 25');
		await expect(page.getByTestId('student-name')).not.toHaveText(first);
		await expect(toggle(page, 'c1')).toHaveAttribute('data-mark', 'not_observed');

		// Undo after the advance goes back to that student and reverts the last tap.
		await undo.tap();
		await expect(page.getByTestId('position')).toHaveText('1 of 25');
		await expect(toggle(page, 'c5')).toHaveAttribute('data-mark', 'not_observed');
		await mark(page, 'c5', 'demonstrated').tap();
		await expect(page.getByTestId('position')).toHaveText('2 of 25');

		// Back to the first student: everything as tapped, saved and synced.
		await page.getByRole('button', { name: 'Previous student' }).tap();
		await expect(page.getByTestId('position')).toHaveText('1 of 25');
		const marks = {
			c1: 'demonstrated',
			c2: 'not_yet',
			c3: 'demonstrated',
			c4: 'demonstrated',
			c5: 'demonstrated'
		};
		for (const [key, mark] of Object.entries(marks)) {
			await expect(toggle(page, key)).toHaveAttribute('data-mark', mark);
			await expect(toggle(page, key)).toHaveAttribute('data-state', 'synced', { timeout: 15_000 });
		}
		await expect(page.getByTestId('summary')).toContainText('Total 4 of 5');
		await expect(page.getByTestId('summary')).toContainText('Near mastery');
		await screenshot(page, 'field-checklist-done-tablet');

		// The server has the same result, derived the same way.
		const [given, ...family] = first.split(' ');
		const [who] = await serverRows<{ id: string }>(baseURL!, 'students', {
			given_name: given ?? '',
			family_name: family.join(' ')
		});
		const [result] = await serverRows<ResultRow>(baseURL!, 'results', {
			student: who!.id,
			assessment: hop,
			period: term2
		});
		expect(result?.values).toEqual({ c1: 1, c2: 0, c3: 1, c4: 1, c5: 1 });
		expect(result?.total).toBe(4);
		expect(result?.level).toBe('near_mastery');

		// Switching auto-advance off keeps a completed student on screen.
		await page.getByLabel('Auto-advance when all observed').tap();
		await page.getByRole('button', { name: 'Next student' }).tap();
		for (const key of ['c1', 'c2', 'c3', 'c4', 'c5']) await mark(page, key, 'demonstrated').tap();
		await page.waitForTimeout(1500);
		await expect(page.getByTestId('position')).toHaveText('2 of 25');
		await page.getByLabel('Auto-advance when all observed').tap();

		// The jump list reaches any student.
		await page.getByLabel('Jump to student').selectOption({ index: 9 });
		await expect(page.getByTestId('position')).toHaveText('10 of 25');

		await page.setViewportSize(LANDSCAPE);
		await page.getByRole('button', { name: 'Previous student' }).tap();
		await screenshot(page, 'field-checklist-tablet-landscape');
		await page.setViewportSize(LAPTOP);
		await screenshot(page, 'field-checklist-laptop');
	} finally {
		await context.close();
	}
});

test('field mode items and grades: big number and grade buttons', async ({ browser, baseURL }) => {
	const student = DEMO_IDS.students[30] as string;
	const { context, page } = await deviceFor(browser, 'teacherA', TABLET, baseURL);
	try {
		await open(page, BANKSIA, 'Field mode', {
			assessment: ASSESSMENTS['items'],
			period: term3,
			student
		});
		await page.getByRole('button', { name: 'Item 1: 1 point', exact: true }).tap();
		await page.getByRole('button', { name: 'Item 8: 3 points' }).tap();
		await expect(page.getByRole('button', { name: 'Item 8: 3 points' })).toHaveAttribute(
			'aria-pressed',
			'true'
		);
		await expect(page.getByTestId('summary')).toContainText('Total 4 of 20');
		await screenshot(page, 'field-items-tablet');

		await page.getByLabel('Assessment').selectOption(ASSESSMENTS['grade'] as string);
		await page.getByRole('button', { name: 'Grade: B', exact: true }).tap();
		await expect(page.getByTestId('summary')).toContainText('Grade B');
		await screenshot(page, 'field-grade-tablet');
		await waitForSynced(page);
	} finally {
		await context.close();
	}
});

test('the stopwatch records attempts and shows the best; a mistyped one is deleted', async ({
	browser,
	baseURL
}) => {
	const sprint = DEMO_IDS.assessments.sprint as string;
	const student = DEMO_IDS.students[27] as string;
	const { context, page } = await deviceFor(browser, 'teacherA', TABLET, baseURL);
	try {
		await open(page, BANKSIA, 'Field mode', { assessment: sprint, period: term3, student });
		const go = page.getByRole('button', { name: 'Start' });
		const attempts = page.getByTestId('attempt');
		await expect(attempts).toHaveCount(0);
		expect(await height(go)).toBeGreaterThanOrEqual(64);

		// A double tap (0.4 s for 40 m) is refused in words: the office's bounds are 4–90 s.
		await go.tap();
		await page.waitForTimeout(400);
		await page.getByRole('button', { name: 'Stop' }).tap();
		await expect(page.getByTestId('stopwatch-refused')).toContainText(
			'is not a plausible time for “40 m sprint”: the school expects more than 4 s'
		);
		await expect(attempts).toHaveCount(0);

		await page.getByRole('button', { name: 'Start' }).tap();
		await page.waitForTimeout(4300);
		await page.getByRole('button', { name: 'Stop' }).tap();
		await expect(attempts).toHaveCount(1);
		await expect(page.getByTestId('stopwatch-refused')).toHaveText('');

		await page.getByRole('button', { name: 'Start' }).tap();
		await page.waitForTimeout(5500);
		await page.getByRole('button', { name: 'Stop' }).tap();
		await expect(attempts).toHaveCount(2);
		// The quicker run is the best.
		await expect(attempts.nth(0)).toHaveAttribute('data-best', 'true');
		await expect(attempts.nth(1)).toHaveAttribute('data-best', 'false');
		const firstSecs = Number(
			(await attempts.nth(0).locator('.secs').textContent())?.replace(' s', '')
		);
		expect(firstSecs).toBeGreaterThan(4);
		expect(firstSecs).toBeLessThan(30);

		// Reset is a false start: nothing recorded.
		await page.getByRole('button', { name: 'Start' }).tap();
		await page.getByRole('button', { name: 'Reset' }).tap();
		await expect(attempts).toHaveCount(2);

		// Typing that is not a time, and an impossible time, are refused in words.
		const typed = page.getByLabel('Or type a time (seconds)');
		await typed.fill('abc');
		await page.getByRole('button', { name: 'Add time' }).tap();
		await expect(page.getByTestId('typed-refused')).toContainText('“abc” is not');
		await expect(typed).toHaveAttribute('aria-invalid', 'true');
		await typed.fill('0.5');
		await page.getByRole('button', { name: 'Add time' }).tap();
		await expect(page.getByTestId('typed-refused')).toContainText('0.5 s is not a plausible time');
		await expect(attempts).toHaveCount(2);

		// A time read off another watch, and a typo.
		await typed.fill('4,05');
		await page.getByRole('button', { name: 'Add time' }).tap();
		await expect(attempts).toHaveCount(3);
		await expect(page.getByTestId('typed-refused')).toHaveText('');
		await expect(attempts.nth(2)).toHaveAttribute('data-best', 'true');
		await expect(page.getByTestId('summary')).toContainText('Best 4.05 s');
		await page.getByRole('button', { name: 'Delete attempt 3 (4.05 s)' }).tap();
		await expect(attempts).toHaveCount(2);
		await expect(attempts.nth(0)).toHaveAttribute('data-best', 'true');
		await expect(page.getByTestId('summary')).toContainText(`Best ${firstSecs.toFixed(2)} s`);
		await expect(page.getByTestId('summary')).toContainText('Above expected level');
		await screenshot(page, 'field-stopwatch-tablet');

		// On the server: two live attempts, the typo tombstoned.
		await waitForSynced(page);
		const rows = await serverRows<AttemptRow>(baseURL!, 'attempts', {
			student,
			assessment: sprint,
			period: term3
		});
		expect(
			rows
				.filter((r) => !r.deleted)
				.map((r) => r.seconds)
				.sort()
		).toHaveLength(2);
		expect(rows.filter((r) => r.deleted).map((r) => r.seconds)).toEqual([4.05]);

		await page.setViewportSize(LAPTOP);
		await screenshot(page, 'field-stopwatch-laptop');
	} finally {
		await context.close();
	}
});

test('an observation appended by one teacher is seen by the colleague and never overwritten', async ({
	browser,
	baseURL
}) => {
	const student = DEMO_IDS.students[24] as string; // 4 Wattle, shared by both teachers
	const a = await deviceFor(browser, 'teacherA', LAPTOP, baseURL);
	const b = await deviceFor(browser, 'teacherB', TABLET, baseURL);
	try {
		await open(a.page, WATTLE, 'Students', { student });
		await open(b.page, WATTLE, 'Students', { student });
		const sarahsNote = 'Balanced on one foot for ten seconds, both sides.';
		const tomsNote = 'Needs a reminder to keep eyes forward when hopping.';

		await a.page.getByLabel('Add note').fill(sarahsNote);
		await a.page.getByRole('button', { name: 'Add note' }).click();
		const aNotes = a.page.getByTestId('note');
		await expect(aNotes.first()).toContainText(sarahsNote);
		await expect(aNotes.first()).toContainText('You');

		// Tom sees Sarah's note, by name, without reloading.
		const bNotes = b.page.getByTestId('note');
		await expect(bNotes.filter({ hasText: sarahsNote })).toHaveCount(1, { timeout: 10_000 });
		await expect(bNotes.filter({ hasText: sarahsNote })).toContainText(demoUser('teacherA').name);
		// Only the author may remove a note.
		await expect(
			bNotes.filter({ hasText: sarahsNote }).getByRole('button', { name: 'Remove…' })
		).toHaveCount(0);

		await b.page.getByLabel('Add note').fill(tomsNote);
		await b.page.getByRole('button', { name: 'Add note' }).tap();
		await expect(bNotes.first()).toContainText(tomsNote);

		// Sarah now has both, newest first; hers is unchanged.
		await expect(aNotes).toHaveCount(2, { timeout: 10_000 });
		await expect(aNotes.nth(0)).toContainText(tomsNote);
		await expect(aNotes.nth(0)).toContainText(demoUser('teacherB').name);
		await expect(aNotes.nth(1)).toContainText(sarahsNote);
		await screenshot(a.page, 'observations-two-teachers-laptop');
		await screenshot(b.page, 'observations-two-teachers-tablet');

		await waitForSynced(a.page);
		await waitForSynced(b.page);
		const rows = await serverRows<NoteRow>(baseURL!, 'observations', { student });
		expect(rows.map((r) => r.text).sort()).toEqual([sarahsNote, tomsNote].sort());
		expect(rows.find((r) => r.text === sarahsNote)?.by).toBe(demoUser('teacherA').id);
		expect(rows.find((r) => r.text === tomsNote)?.by).toBe(demoUser('teacherB').id);

		// Sarah withdraws her own note; Tom's stays, on both screens.
		await aNotes.nth(1).getByRole('button', { name: 'Remove…' }).click();
		await aNotes.nth(1).getByRole('button', { name: 'Remove', exact: true }).click();
		await expect(aNotes).toHaveCount(1);
		await expect(bNotes).toHaveCount(1, { timeout: 10_000 });
		await expect(bNotes.first()).toContainText(tomsNote);

		// Field mode has the same notes for the current student.
		await b.page.getByRole('link', { name: 'Field mode', exact: true }).last().click();
		await expect(b.page.getByTestId('note').first()).toContainText(tomsNote);
	} finally {
		await a.context.close();
		await b.context.close();
	}
});

test('the student report shows the period’s results and notes, and prints clean', async ({
	browser,
	baseURL
}) => {
	const student = DEMO_IDS.students[33] as string; // 3 Banksia
	const skip = ASSESSMENTS['skip'] as string;
	const { context, page } = await deviceFor(browser, 'teacherA', LAPTOP, baseURL);
	try {
		// Something to report: a checklist, an item score and a grade in Term 3.
		await open(page, BANKSIA, 'Field mode', { assessment: skip, period: term3, student });
		await page.getByLabel('Auto-advance when all observed').uncheck();
		for (const key of ['c1', 'c2', 'c3']) await mark(page, key, 'demonstrated').click();
		await mark(page, 'c4', 'not_yet').click();
		await expect(toggle(page, 'c4')).toHaveAttribute('data-mark', 'not_yet');
		await page.getByLabel('Assessment').selectOption(ASSESSMENTS['grade'] as string);
		await page.getByRole('button', { name: 'Grade: A', exact: true }).click();
		await expect(page.getByRole('button', { name: 'Grade: A', exact: true })).toHaveAttribute(
			'aria-pressed',
			'true'
		);
		await page.getByLabel('Add note').fill('Skips confidently with a steady rhythm.');
		await page.getByRole('button', { name: 'Add note' }).click();

		await page
			.getByRole('navigation', { name: 'Class views' })
			.getByRole('link', { name: 'Students' })
			.click();
		await expect(page.getByRole('list', { name: 'Students' }).getByRole('listitem')).toHaveCount(
			25
		);
		await screenshot(page, 'students-list-laptop');
		const link = page
			.getByRole('list', { name: 'Students' })
			.locator(`a[href*="/students/${student}"]`);
		const name = (await link.locator('.name').textContent())?.trim() ?? '';
		await link.click();

		await expect(page.getByRole('heading', { level: 2, name })).toBeVisible();
		await expect(page.getByText('3 Banksia (Year 3)')).toBeVisible();
		await expect(page.getByTestId('report-period')).toHaveText('Term 3 2026');
		const skipSection = page.locator(`[data-assessment="${skip}"]`);
		await expect(skipSection).toContainText('Total 3 of 5');
		await expect(skipSection).toContainText('Developing');
		await expect(skipSection.getByRole('listitem')).toHaveCount(5);
		await expect(skipSection.getByRole('listitem').nth(3)).toContainText('Not yet');
		await expect(skipSection.getByRole('listitem').nth(4)).toContainText('Not observed');
		await expect(page.locator(`[data-assessment="${ASSESSMENTS['grade']}"]`)).toContainText(
			'Grade A'
		);
		await expect(page.getByTestId('not-assessed')).toContainText('Hop');
		await expect(page.getByTestId('note')).toContainText('Skips confidently');
		await screenshot(page, 'student-report-laptop');
		await page.setViewportSize(TABLET);
		await screenshot(page, 'student-report-tablet');

		// Print: the report alone, no app chrome, buttons or forms.
		await page.setViewportSize(LAPTOP);
		await page.emulateMedia({ media: 'print' });
		await expect(page.getByRole('heading', { level: 2, name })).toBeVisible();
		await expect(page.getByRole('button', { name: 'Print report' })).toBeHidden();
		await expect(page.getByRole('button', { name: 'Add note' })).toBeHidden();
		await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
		await expect(page.getByRole('navigation', { name: 'Class views' })).toBeHidden();
		await expect(page.getByRole('heading', { level: 1 })).toBeHidden();
		await expect(page.getByText('Printed ')).toBeVisible();
		await screenshot(page, 'student-report-print');
	} finally {
		await context.close();
	}
});
