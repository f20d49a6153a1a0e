/**
 * A child's progress across terms on the student report: a teacher records a
 * skill in two terms through the sync API first, then the report's table
 * shows each level under its own term, in words, and the other terms as not
 * observed.
 */
import {
	DEMO_IDS,
	demoUser,
	expectAxeClean,
	screenshot,
	signIn,
	TABLET,
	recordChecklist
} from './helpers';
import { expect, test } from './fixtures';

const HOP = (DEMO_IDS.assessments as Record<string, string>)['hop'] as string;
const CLASS = DEMO_IDS.classes.teacherA;
const STUDENT = DEMO_IDS.students[44] as string; // teacher A's own class; no other test records for them
const { term1: TERM1, term2: TERM2, term3: TERM3, term4: TERM4 } = DEMO_IDS.periods;

test('the student report shows each skill’s level across the terms of the year', async ({
	page,
	baseURL
}) => {
	// Teacher A: one component missed in Term 1 (near mastery), all of them in Term 3.
	await recordChecklist(baseURL as string, HOP, [
		{ student: STUDENT, cls: CLASS, period: TERM1, notYet: [0] },
		{ student: STUDENT, cls: CLASS, period: TERM3 }
	]);
	await page.setViewportSize({ width: 1024, height: 768 });
	await signIn(page, demoUser('teacherA'));
	await page.goto(`/classes/${CLASS}/students/${STUDENT}?p=${TERM2}`);

	const table = page.getByRole('table', { name: 'Progress across terms' });
	await expect(table).toBeVisible();
	const head = table.getByRole('row').first().getByRole('columnheader');
	await expect(head).toHaveText([
		'Skill',
		'Term 1 2026',
		'Term 2 2026',
		'Term 3 2026',
		'Term 4 2026'
	]);
	const row = table.getByRole('row', { name: /^Hop\b/ });
	await expect(row.getByRole('cell')).toHaveText([
		'Near mastery',
		'Not observed',
		/^★\s*Mastery$/, // the star is hidden from screen readers; the word says it
		'Not observed'
	]);
	await expect(page.getByTestId(`progress-${HOP}-${TERM3}`)).toHaveClass(/mastery/);
	await expect(page.getByTestId(`progress-${HOP}-${TERM4}`)).toHaveText('Not observed');
	// Movement skills only: the demo's twelve (other tests may add more); the timed sprint is not one.
	expect(await table.getByRole('row').count()).toBeGreaterThanOrEqual(13);
	await expect(table.getByRole('row', { name: /40 m sprint/ })).toHaveCount(0);

	await expectAxeClean(page, 'progress across terms');
	await screenshot(page, 'progress-laptop');
	await page.setViewportSize(TABLET);
	await screenshot(page, 'progress-tablet');
	await page.emulateMedia({ media: 'print' });
	await screenshot(page, 'progress-print');
});

test('the printed report names the teacher who wrote a note, never “You”', async ({ page }) => {
	const student = DEMO_IDS.students[45] as string;
	await page.setViewportSize({ width: 1024, height: 768 });
	await signIn(page, demoUser('teacherA'));
	await page.goto(`/classes/${CLASS}/students/${student}`);
	await page.getByLabel('Add note').fill('Catches with both hands now; keep practising the step.');
	await page.getByRole('button', { name: 'Add note' }).click();
	const note = page.getByTestId('note').filter({ hasText: 'Catches with both hands now' });
	await expect(note.locator('.by').filter({ visible: true })).toHaveText('You');
	await page.emulateMedia({ media: 'print' });
	await expect(note.locator('.by').filter({ visible: true })).toHaveText(demoUser('teacherA').name);
	await screenshot(page, 'report-note-print');
});
