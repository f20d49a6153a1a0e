/**
 * Desk mode, the class × component grid, driven as a teacher at a desk does:
 * keyboard only, bulk entry, Esc, a value the device refuses, a colleague's
 * edit flashing, search, and how it looks on a laptop, a tablet and paper.
 * Every test works in 3 Banksia (teacher A's own class) on its own assessment
 * and term, so the tests (and sync.test.ts, in 4 Wattle) never meet.
 */
import type { Locator, Page } from '@playwright/test';
import {
	DEMO_IDS,
	LAPTOP,
	TABLET,
	deviceFor,
	office,
	rowName,
	screenshot,
	waitForSynced
} from './helpers';
import { expect, test } from './fixtures';

const CLASS = DEMO_IDS.classes.teacherA;
const A = DEMO_IDS.assessments as Record<string, string>;
const P = DEMO_IDS.periods;

function gridUrl(assessment: string, period: string): string {
	return `/classes/${CLASS}?a=${assessment}&p=${period}`;
}

function cell(page: Page, student: string, component: string): Locator {
	return page.locator(`[data-cell="${student}:${component}"]`);
}

/** The student id and shown name of the grid's row `i` (rows are sorted by family name). */
async function rowAt(page: Page, i: number): Promise<{ id: string; name: string }> {
	const row = page.locator('[role="grid"] tbody tr').nth(i);
	return {
		id: (await row.getAttribute('data-student')) ?? '',
		name: await rowName(row)
	};
}

async function openGrid(page: Page, assessment: string, period: string): Promise<void> {
	await page.goto(gridUrl(assessment, period));
	await expect(page.getByRole('grid')).toBeVisible();
	await expect(page.locator('[role="grid"] tbody tr[data-student]')).toHaveCount(25);
	// Until this tab has taken the sync lock, edits go to a leader tab that may not
	// exist yet (right after a navigation); wait until this tab has synced.
	await waitForSynced(page);
}

/** The results the server holds for an assessment and period (the office's view). */
async function serverResults(
	baseURL: string,
	assessment: string,
	period: string
): Promise<{ student: string; values: Record<string, unknown> }[]> {
	const filter = encodeURIComponent(`assessment='${assessment}' && period='${period}'`);
	const res = await office<{ items: { student: string; values: Record<string, unknown> }[] }>(
		baseURL,
		'GET',
		`/api/collections/results/records?perPage=200&filter=${filter}`
	);
	return res.items;
}

const focused = (page: Page) => page.locator('[role="grid"] :focus');

test('desk mode: a whole row entered with the keyboard only', async ({ browser, baseURL }) => {
	const assessment = A['catch'] as string;
	const a = await deviceFor(browser, 'teacherA', LAPTOP, baseURL);
	try {
		const { page } = a;
		await openGrid(page, assessment, P.term2);
		const first = await rowAt(page, 0);

		// Tab from the search box past "Fill empty cells…" lands in the grid: one Tab stop.
		await page.getByRole('searchbox', { name: 'Find a student' }).focus();
		await page.keyboard.press('Tab');
		await page.keyboard.press('Tab');
		await expect(focused(page)).toHaveAttribute('data-cell', `${first.id}:c1`);
		await expect(page.locator('[role="grid"] [tabindex="0"]')).toHaveCount(1);

		await page.keyboard.press('ArrowDown');
		await page.keyboard.press('ArrowDown');
		const student = await rowAt(page, 2);
		await expect(focused(page)).toHaveAttribute('data-cell', `${student.id}:c1`);

		await page.keyboard.press('Space'); // c1: demonstrated
		await page.keyboard.press('ArrowRight');
		await page.keyboard.press('Space');
		await page.keyboard.press('Space'); // c2: not yet
		await page.keyboard.press('ArrowRight');
		await page.keyboard.press('1'); // c3: demonstrated
		await page.keyboard.press('ArrowRight');
		await page.keyboard.press('0');
		await page.keyboard.press('y'); // c4: not yet, then demonstrated
		await page.keyboard.press('ArrowRight');
		await page.keyboard.press('Space'); // c5: demonstrated
		await page.keyboard.press('ArrowRight');
		await page.keyboard.press('Space');
		await page.keyboard.press('Delete'); // c6: cleared (not observed)…
		await page.keyboard.press('d'); // …then demonstrated
		await page.keyboard.press('End');
		await expect(focused(page)).toHaveAttribute('data-col', 'saved');
		await page.keyboard.press('Home');
		await expect(focused(page)).toHaveAttribute('data-cell', `${student.id}:c1`);
		await page.keyboard.press('Enter'); // moves down
		const next = await rowAt(page, 3);
		await expect(focused(page)).toHaveAttribute('data-cell', `${next.id}:c1`);

		const expected = [
			'demonstrated',
			'not yet',
			'demonstrated',
			'demonstrated',
			'demonstrated',
			'demonstrated'
		];
		const label = (i: number) =>
			page
				.locator('[role="grid"] thead th.comp')
				.nth(i)
				.textContent()
				.then((t) => (t ?? '').trim());
		for (const [i, word] of expected.entries()) {
			await expect(cell(page, student.id, `c${i + 1}`)).toHaveAttribute(
				'aria-label',
				`${student.name}, ${await label(i)}: ${word}`
			);
		}
		// Totals and levels follow the entries.
		const row = page.locator(`tr[data-student="${student.id}"]`);
		await expect(row.locator('[data-col="total"]')).toHaveText('5/6');
		await expect(row.locator('[data-col="level"]')).toHaveText('Near mastery');

		// Every cell and the row reach "synced".
		await waitForSynced(page);
		for (let i = 1; i <= 6; i++)
			await expect(cell(page, student.id, `c${i}`)).toHaveAttribute('data-state', 'synced');
		await expect(row).toHaveAttribute('data-state', 'synced');
		await expect(row.locator('[data-col="saved"]')).toContainText(/Synced \d\d:\d\d/);
		await screenshot(page, 'grid-desk-row-laptop');

		// Another device, signed in fresh, sees the row as entered.
		const b = await deviceFor(browser, 'teacherA', LAPTOP, baseURL);
		try {
			await openGrid(b.page, assessment, P.term2);
			for (const [i, word] of expected.entries()) {
				await expect(cell(b.page, student.id, `c${i + 1}`)).toHaveAttribute(
					'aria-label',
					new RegExp(`: ${word}$`)
				);
			}
			await expect(
				b.page.locator(`tr[data-student="${student.id}"] [data-col="level"]`)
			).toHaveText('Near mastery');
		} finally {
			await b.context.close();
		}
		const stored = (await serverResults(baseURL!, assessment, P.term2)).find(
			(r) => r.student === student.id
		);
		expect(stored?.values).toEqual({ c1: 1, c2: 0, c3: 1, c4: 1, c5: 1, c6: 1 });
	} finally {
		await a.context.close();
	}
});

test('desk mode: typed scores save on Enter and move down; Tab moves across', async ({
	browser,
	baseURL
}) => {
	const assessment = A['items'] as string;
	const a = await deviceFor(browser, 'teacherA', LAPTOP, baseURL);
	try {
		const { page } = a;
		await openGrid(page, assessment, P.term2);
		const r0 = await rowAt(page, 0);
		const r1 = await rowAt(page, 1);
		await cell(page, r0.id, 'q1').focus();
		for (const [i, digit] of ['1', '0', '1', '2'].entries()) {
			await page.keyboard.press(digit); // starts editing with that digit
			await expect(page.getByRole('textbox', { name: `${r0.name}, Item ${i + 1}` })).toHaveValue(
				digit
			);
			await page.keyboard.press(i < 3 ? 'Tab' : 'Enter');
		}
		await expect(focused(page)).toHaveAttribute('data-cell', `${r1.id}:q4`);
		await page.keyboard.press('2');
		await page.keyboard.press('Enter');
		await expect(cell(page, r1.id, 'q4')).toHaveAttribute(
			'aria-label',
			`${r1.name}, Item 4: 2 of 2 points`
		);

		const row0 = page.locator(`tr[data-student="${r0.id}"]`);
		await expect(row0.locator('[data-col="total"]')).toHaveText('4/20');
		await expect(row0.locator('[data-col="level"]')).toHaveText('Below expected');
		await waitForSynced(page);
		await expect(cell(page, r0.id, 'q4')).toHaveAttribute('data-state', 'synced');
		const stored = await serverResults(baseURL!, assessment, P.term2);
		expect(stored.find((r) => r.student === r0.id)?.values).toEqual({ q1: 1, q2: 0, q3: 1, q4: 2 });
		expect(stored.find((r) => r.student === r1.id)?.values).toEqual({ q4: 2 });
	} finally {
		await a.context.close();
	}
});

test('bulk entry fills only the empty cells of a column, after a confirmation', async ({
	browser,
	baseURL
}) => {
	const assessment = A['hop'] as string;
	const a = await deviceFor(browser, 'teacherA', LAPTOP, baseURL);
	try {
		const { page } = a;
		await openGrid(page, assessment, P.term3);
		const r0 = await rowAt(page, 0);
		const r1 = await rowAt(page, 1);
		// A tap cycles: demonstrated, then not yet.
		await cell(page, r0.id, 'c2').click();
		await cell(page, r0.id, 'c2').click();
		await expect(cell(page, r0.id, 'c2')).toHaveAttribute('aria-label', /: not yet$/);

		// Cancel changes nothing.
		await page.getByRole('button', { name: 'Fill empty cells…' }).click();
		const dialog = page.getByRole('dialog', { name: 'Fill empty cells' });
		await expect(dialog.getByLabel('Column')).toHaveValue('c2'); // the focused column
		await expect(dialog.getByTestId('bulk-count')).toHaveAttribute('data-count', '24');
		await dialog.getByRole('button', { name: 'Cancel' }).click();
		await expect(dialog).toHaveCount(0);
		await expect(cell(page, r1.id, 'c2')).toHaveAttribute('aria-label', /: not observed$/);

		await page.getByRole('button', { name: 'Fill empty cells…' }).click();
		await expect(dialog.getByTestId('bulk-count')).toContainText('24 of 25 students');
		await dialog.getByLabel('Set them to').selectOption({ label: '✓ demonstrated' });
		await screenshot(page, 'grid-bulk-dialog-laptop');
		await dialog.getByRole('button', { name: 'Set 24 cells' }).click();
		await expect(dialog).toHaveCount(0);

		await expect(page.locator('[data-cell$=":c2"][aria-label$=": demonstrated"]')).toHaveCount(24);
		await expect(cell(page, r0.id, 'c2')).toHaveAttribute('aria-label', /: not yet$/);
		await expect(page.locator('[data-cell$=":c1"][aria-label$=": not observed"]')).toHaveCount(25);
		await waitForSynced(page);
		await expect(page.locator('[data-cell$=":c2"][data-state="synced"]')).toHaveCount(25);
		const stored = await serverResults(baseURL!, assessment, P.term3);
		expect(stored).toHaveLength(25);
		expect(stored.filter((r) => r.values['c2'] === 1)).toHaveLength(24);
	} finally {
		await a.context.close();
	}
});

test('Esc cancels an edit and keeps the value that was there', async ({ browser, baseURL }) => {
	const assessment = A['items'] as string;
	const a = await deviceFor(browser, 'teacherA', LAPTOP, baseURL);
	try {
		const { page } = a;
		await openGrid(page, assessment, P.term3);
		const r = await rowAt(page, 5);
		const q8 = cell(page, r.id, 'q8');
		await q8.focus();
		await page.keyboard.press('2');
		await page.keyboard.press('Enter');
		await expect(q8).toHaveAttribute('aria-label', /: 2 of 3 points$/);

		await page.keyboard.press('ArrowUp');
		await expect(focused(page)).toHaveAttribute('data-cell', `${r.id}:q8`);
		await page.keyboard.press('3');
		const editor = page.getByRole('textbox', { name: `${r.name}, Item 8` });
		await expect(editor).toHaveValue('3');
		await page.keyboard.press('Escape');
		await expect(editor).toHaveCount(0);
		await expect(focused(page)).toHaveAttribute('data-cell', `${r.id}:q8`);
		await expect(q8).toHaveAttribute('aria-label', /: 2 of 3 points$/);

		// On an empty cell too: nothing is saved.
		await page.keyboard.press('ArrowRight');
		await page.keyboard.press('1');
		await page.keyboard.press('Escape');
		await expect(cell(page, r.id, 'q9')).toHaveAttribute('aria-label', /: not scored$/);
		await waitForSynced(page);
		const stored = (await serverResults(baseURL!, assessment, P.term3)).find(
			(x) => x.student === r.id
		);
		expect(stored?.values).toEqual({ q8: 2 });
	} finally {
		await a.context.close();
	}
});

test('a value the device refuses shows its reason at the cell and stores nothing', async ({
	browser,
	baseURL
}) => {
	const a = await deviceFor(browser, 'teacherA', LAPTOP, baseURL);
	try {
		const { page } = a;
		const items = A['items'] as string;
		await openGrid(page, items, P.term1);
		const r = await rowAt(page, 7);
		await cell(page, r.id, 'q2').focus();
		await page.keyboard.press('7');
		await page.keyboard.press('Enter');
		const alert = page.locator(`[data-cell="${r.id}:q2"] [role="alert"]`);
		await expect(alert).toContainText('takes 0–1 points; 7 is too many');
		const editor = page.getByRole('textbox', { name: `${r.name}, Item 2` });
		await expect(editor).toHaveAttribute('aria-invalid', 'true');
		await expect(page.getByTestId('pending-count')).toHaveAttribute('data-pending', '0');
		await screenshot(page, 'grid-refused-value-laptop');
		await page.keyboard.press('Escape');
		await expect(alert).toHaveCount(0);
		await expect(cell(page, r.id, 'q2')).toHaveAttribute('aria-label', /: not scored$/);

		// A grade off the scale: the same.
		const grade = A['grade'] as string;
		await openGrid(page, grade, P.term1);
		await cell(page, r.id, 'grade').focus();
		await page.keyboard.press('z');
		await page.keyboard.press('Enter');
		await expect(page.locator(`[data-cell="${r.id}:grade"] [role="alert"]`)).toContainText(
			'takes one of A, B, C, D, E; “z” is not on the scale'
		);
		await page.keyboard.press('Escape');
		// A lower-case letter on the scale is fine.
		await page.keyboard.press('b');
		await page.keyboard.press('Enter');
		await expect(cell(page, r.id, 'grade')).toHaveAttribute('aria-label', /: grade B$/);
		await waitForSynced(page);

		expect(await serverResults(baseURL!, items, P.term1)).toEqual([]);
		const grades = await serverResults(baseURL!, grade, P.term1);
		expect(grades.map((g) => [g.student, g.values])).toEqual([[r.id, { grade: 'B' }]]);
	} finally {
		await a.context.close();
	}
});

test('another device’s edit appears highlighted; this tab’s own edit does not flash', async ({
	browser,
	baseURL
}) => {
	const assessment = A['side_gallop'] as string;
	const a = await deviceFor(browser, 'teacherA', LAPTOP, baseURL);
	const b = await deviceFor(browser, 'teacherA', LAPTOP, baseURL);
	try {
		await openGrid(a.page, assessment, P.term1);
		await openGrid(b.page, assessment, P.term1);
		const r = await rowAt(a.page, 3);
		await cell(a.page, r.id, 'c3').click();
		await expect(cell(b.page, r.id, 'c3')).toHaveAttribute('aria-label', /: demonstrated$/);
		await expect(cell(b.page, r.id, 'c3')).toHaveClass(/\bflash\b/);
		await expect(cell(a.page, r.id, 'c3')).not.toHaveClass(/\bflash\b/);
		await screenshot(b.page, 'grid-highlight-laptop');
		// Briefly: the highlight goes after about two seconds.
		await expect(cell(b.page, r.id, 'c3')).not.toHaveClass(/\bflash\b/, { timeout: 4_000 });
	} finally {
		await a.context.close();
		await b.context.close();
	}
});

test('search jumps to a student; the grid on a tablet and on paper', async ({
	browser,
	baseURL
}) => {
	const assessment = A['static_balance'] as string;
	const a = await deviceFor(browser, 'teacherA', TABLET, baseURL);
	try {
		const { page } = a;
		await openGrid(page, assessment, P.term1);
		const target = await rowAt(page, 11);
		await screenshot(page, 'grid-desk-tablet');

		const search = page.getByRole('searchbox', { name: 'Find a student' });
		await search.fill(target.name.split(' ')[1] ?? target.name);
		await expect(page.locator('[role="grid"] tbody tr[data-student]')).toHaveCount(1);
		await expect(page.getByText('Showing 1 of 25 students')).toBeVisible();
		await search.press('Enter');
		await expect(focused(page)).toHaveAttribute('data-cell', `${target.id}:c1`);
		await page.keyboard.press('Space');
		await expect(cell(page, target.id, 'c1')).toHaveAttribute('aria-label', /: demonstrated$/);
		await search.fill('');
		await expect(page.locator('[role="grid"] tbody tr[data-student]')).toHaveCount(25);
		await waitForSynced(page);

		// Paper: the whole class, plain, with its heading, no buttons.
		await page.setViewportSize(LAPTOP);
		await page.emulateMedia({ media: 'print' });
		await expect(page.getByRole('button', { name: 'Fill empty cells…' })).toBeHidden();
		await expect(
			page.getByRole('heading', { name: /Static balance \(Vic FMS\) · Term 1 2026/ })
		).toBeVisible();
		await screenshot(page, 'grid-print');
		await page.emulateMedia({ media: 'screen' });
		await screenshot(page, 'grid-desk-laptop');
	} finally {
		await a.context.close();
	}
});

test('a timed assessment takes typed seconds; best time and level follow', async ({
	browser,
	baseURL
}) => {
	const assessment = A['sprint'] as string;
	const a = await deviceFor(browser, 'teacherA', LAPTOP, baseURL);
	try {
		const { page } = a;
		await openGrid(page, assessment, P.term4);
		const r0 = await rowAt(page, 0);
		const r1 = await rowAt(page, 1);
		await cell(page, r0.id, 'time').focus();
		await page.keyboard.type('8,2');
		await page.keyboard.press('Enter');
		await page.keyboard.type('1:05');
		await page.keyboard.press('Enter');
		const row0 = page.locator(`tr[data-student="${r0.id}"]`);
		await expect(cell(page, r0.id, 'time')).toHaveAttribute('aria-label', /: 8\.2 seconds$/);
		await expect(row0.locator('[data-col="best"]')).toHaveText('8.2');
		await expect(row0.locator('[data-col="level"]')).toHaveText('At expected level');
		await expect(page.locator(`tr[data-student="${r1.id}"] [data-col="level"]`)).toHaveText(
			'Working towards'
		);
		await waitForSynced(page);
		await screenshot(page, 'grid-timed-laptop');
		const stored = await serverResults(baseURL!, assessment, P.term4);
		expect(stored.find((r) => r.student === r1.id)?.values).toEqual({ time: 65 });
	} finally {
		await a.context.close();
	}
});
