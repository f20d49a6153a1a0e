/**
 * The coordinator's Overview: completeness per class and assessment, the
 * spread of a movement skill with the children behind on it one tap away,
 * and sync health per device. Results are recorded by a teacher through the
 * sync API first, so the figures are known.
 */
import {
	DEMO_IDS,
	LAPTOP,
	TABLET,
	demoUser,
	expectAxeClean,
	office,
	screenshot,
	signIn
} from './helpers';
import { expect, test } from './fixtures';
import { resultId } from '../../src/lib/sync/core/ids';
import { WIRE_VERSION } from '../../src/lib/sync/core/types';
import { formatStamp } from '../../src/lib/sync/core/stamp';

const CATCH = (DEMO_IDS.assessments as Record<string, string>)['catch'] as string;
const SHARED = DEMO_IDS.classes.shared;
const TERM1 = DEMO_IDS.periods.term1;
const [KID1, KID2] = DEMO_IDS.students as string[];

/** Teacher A records Catch for two children of the shared class: one at mastery, one near it. */
async function recordCatch(baseURL: string): Promise<void> {
	const a = demoUser('teacherA');
	const auth = await fetch(`${baseURL}/api/collections/users/auth-with-password`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ identity: a.email, password: a.password })
	});
	const { token } = (await auth.json()) as { token: string };
	const skill = await office<{ components: { key: string }[] }>(
		baseURL,
		'GET',
		`/api/collections/assessments/records/${CATCH}`
	);
	const keys = skill.components.map((c) => c.key);
	const device = `dev_overview_${Date.now()}`;
	let n = 0;
	const ops = [KID1, KID2].map((student, i) => ({
		id: crypto.randomUUID(),
		collection: 'results',
		record: resultId(student as string, SHARED, CATCH, TERM1),
		fields: {
			student,
			class: SHARED,
			assessment: CATCH,
			period: TERM1,
			...Object.fromEntries(keys.map((k, j) => [`values.${k}`, i === 1 && j === 0 ? 0 : 1]))
		},
		stamp: formatStamp(Date.now(), ++n, device),
		base: {}
	}));
	const res = await fetch(`${baseURL}/api/sync/push`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: token },
		body: JSON.stringify({ v: WIRE_VERSION, device, ops })
	});
	const body = (await res.json()) as { results: { status: string }[] };
	expect(body.results.map((r) => r.status)).toEqual(['applied', 'applied']);
}

test('the coordinator sees how complete a term is, who is behind on a skill, and sync health', async ({
	page,
	baseURL
}) => {
	await recordCatch(baseURL as string);
	await page.setViewportSize(LAPTOP);
	await signIn(page, demoUser('coordinator'));
	await page.getByRole('link', { name: 'Overview of all classes' }).click();
	await page.getByRole('combobox', { name: 'Term' }).selectOption({ label: 'Term 1 2026' });
	await expect(page.getByTestId(`done-${SHARED}-${CATCH}`)).toContainText('2/25');

	const catchTable = page.getByRole('table', { name: /^Catch: levels by class/ });
	const row = catchTable.getByRole('row', { name: /4 Wattle/ });
	await expect(row.getByRole('cell').nth(0)).toHaveText('1');
	await expect(row.getByRole('cell').nth(1)).toHaveText('1');
	await row.getByText('1 child').click();
	await row.getByRole('link').click();
	await expect(page).toHaveURL(new RegExp(`/classes/${SHARED}/students/${KID2}`));
	await page.goBack();

	await expect(page.getByRole('heading', { name: 'Sync health' })).toBeVisible();
	await expect(page.getByTestId('server-health')).toContainText('Changes sent, last hour / day');
	await expect(page.getByTestId('server-health')).toContainText(
		/Changes sent, last hour \/ day\s*[1-9]\d* \/ [1-9]\d*/
	);
	await expect(page.getByRole('row', { name: /Priya Raman/ }).first()).toBeVisible();
	await expectAxeClean(page, 'overview');
	await screenshot(page, 'overview-laptop');
	await page.setViewportSize(TABLET);
	await screenshot(page, 'overview-tablet');
});
