/**
 * The class page's export and its default assessment (issue 12.6): Export CSV
 * offers the assessment on screen (a handful of columns) or every assessment
 * of the term; a grade is one column, not two; a class opens on the
 * assessment last used in it.
 */
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import type { Page } from '@playwright/test';
import { DEMO_IDS, LAPTOP, deviceFor, screenshot } from './helpers';
import { expect, test } from './fixtures';

const CLASS = DEMO_IDS.classes.teacherB;
const A = DEMO_IDS.assessments as Record<string, string>;

async function download(page: Page, choice: RegExp): Promise<{ name: string; rows: string[][] }> {
	await page.getByText('Export CSV', { exact: true }).click();
	const wait = page.waitForEvent('download');
	await page.getByRole('button', { name: choice }).click();
	const file = await wait;
	const text = readFileSync((await file.path()) as string, 'utf8').replace(/^\uFEFF/, '');
	return { name: file.suggestedFilename(), rows: Papa.parse<string[]>(text.trim()).data };
}

test('Export CSV gives the assessment on screen or all of them; a grade once; the last used assessment opens', async ({
	browser
}) => {
	const { page, context } = await deviceFor(browser, 'teacherB', LAPTOP);
	await page.goto(`/classes/${CLASS}?a=${A['catch']}`);
	await expect(page.getByRole('grid')).toBeVisible();

	const shown = await download(page, /^Catch/);
	expect(shown.name).toMatch(/– Catch\.csv$/);
	const header = shown.rows[0] as string[];
	expect(header.slice(0, 3)).toEqual(['Student number', 'Family name', 'Given name']);
	expect(header.every((h, i) => i < 3 || h.startsWith('Catch'))).toBe(true);
	expect(header.slice(-2)).toEqual(['Catch: level', 'Catch: status']);
	expect(shown.rows).toHaveLength(26); // the header and 25 children

	await page.getByText('Export CSV', { exact: true }).click();
	await screenshot(page, 'export-menu-laptop');
	await page.keyboard.press('Escape'); // closes the menu again
	await expect(page.getByRole('button', { name: /^Every assessment of/ })).toBeHidden();
	const all = await download(page, /^Every assessment of/);
	expect(all.name).toMatch(/– results\.csv$/);
	const allHeader = all.rows[0] as string[];
	expect(allHeader.length).toBeGreaterThan(header.length * 5);
	const gradeColumns = allHeader.filter(
		(h) => h.startsWith('Physical Education') && !h.endsWith(': status')
	);
	expect(gradeColumns.length, `grade columns: ${gradeColumns.join(' | ')}`).toBe(1);

	// The next visit to the class (no assessment in the link) opens on the one last used.
	await page.getByLabel('Assessment').selectOption(A['hop'] as string);
	await expect(page).toHaveURL(new RegExp(`a=${A['hop']}`));
	await page.goto(`/classes/${CLASS}`);
	await expect(page.getByLabel('Assessment')).toHaveValue(A['hop'] as string);
	await context.close();
});
