/**
 * A checklist of twelve components on a laptop (issue 12.6): at 1440 px the
 * grid keeps Total, Level and Saved on screen instead of off to the right,
 * and on a tablet it scrolls inside itself, never the page.
 */
import { DEMO_IDS, deviceFor, office, screenshot } from './helpers';
import { expect, test } from './fixtures';

const CLASS = DEMO_IDS.classes.teacherB;

test('a twelve-component grid shows Total, Level and Saved at 1440 px', async ({
	browser,
	baseURL
}) => {
	const made = await office<{ id: string }>(
		baseURL as string,
		'POST',
		'/api/collections/assessments/records',
		{
			name: 'Ball skills circuit',
			framework: 'School',
			kind: 'checklist',
			components: Array.from({ length: 12 }, (_, i) => ({
				key: `c${i + 1}`,
				label: `Station ${i + 1}: ${['throws', 'catches', 'bounces', 'kicks'][i % 4]} with control and accuracy`
			})),
			levels: [],
			active: true
		}
	);
	const { page, context } = await deviceFor(browser, 'teacherB', { width: 1440, height: 900 });
	await page.goto(`/classes/${CLASS}?a=${made.id}`);
	const grid = page.getByRole('grid');
	await expect(grid.getByRole('columnheader', { name: /Station 12/ })).toBeAttached({
		timeout: 15_000
	});
	for (const name of ['Total', 'Level', 'Saved']) {
		const box = await grid.getByRole('columnheader', { name, exact: true }).boundingBox();
		expect(box, name).not.toBeNull();
		expect((box?.x ?? 0) + (box?.width ?? 0), `${name}'s right edge`).toBeLessThanOrEqual(1440);
	}
	// The page itself never scrolls sideways.
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1440);
	await screenshot(page, 'grid-12-components-1440');

	await page.setViewportSize({ width: 820, height: 1180 });
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(820);
	await screenshot(page, 'grid-12-components-tablet');
	await context.close();
});
