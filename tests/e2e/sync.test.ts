/**
 * Sync as teachers live it, in two real browser contexts (two devices) against
 * the real PocketBase: realtime, offline entry and reload, a true conflict, a
 * refused edit and an expired session. Each test uses its own assessment in
 * Term 4 of the shared class, so tests do not see each other's edits.
 */
import type { Locator, Page } from '@playwright/test';
import {
	DEMO_IDS,
	deviceFor,
	office,
	screenshot,
	waitForServiceWorker,
	waitForSynced
} from './helpers';
import { expect, test } from './fixtures';

const CLASS = DEMO_IDS.classes.shared;
const TERM4 = DEMO_IDS.periods.term4;
const STUDENTS: string[] = DEMO_IDS.students.slice(0, 25);
const A = DEMO_IDS.assessments as Record<string, string>;

function gridUrl(assessment: string): string {
	return `/classes/${CLASS}?a=${assessment}&p=${TERM4}`;
}

function cell(page: Page, student: string, component: string): Locator {
	return page.locator(`[data-cell="${student}:${component}"]`);
}

/** The component keys of an assessment, as the office stored them. */
async function componentsOf(baseURL: string, assessment: string): Promise<string[]> {
	const rec = await office<{ components: { key: string }[] }>(
		baseURL,
		'GET',
		`/api/collections/assessments/records/${assessment}`
	);
	return rec.components.map((c) => c.key);
}

/** The grid's keys that set a checklist cell directly (Space cycles; see grid.test.ts). */
const CHECKLIST_KEYS = { demonstrated: 'd', 'not yet': 'n', 'not observed': 'Delete' } as const;

/** Sets a checklist cell by keyboard and waits until it reads `word`. */
async function setChecklist(cellLocator: Locator, word: keyof typeof CHECKLIST_KEYS) {
	await cellLocator.focus();
	await cellLocator.press(CHECKLIST_KEYS[word]);
	await expect(cellLocator).toHaveAttribute('aria-label', new RegExp(`: ${word}$`, 'i'));
}

async function openGrid(page: Page, assessment: string, student: string, component: string) {
	await page.goto(gridUrl(assessment));
	await expect(cell(page, student, component)).toBeVisible();
}

test('a colleague sees a ticked component within a second, briefly highlighted', async ({
	browser,
	baseURL
}) => {
	const assessment = A['dodge'] as string;
	const [key] = await componentsOf(baseURL!, assessment);
	const student = STUDENTS[0] as string;
	const a = await deviceFor(browser, 'teacherA', undefined, baseURL);
	const b = await deviceFor(browser, 'teacherB', undefined, baseURL);
	try {
		await openGrid(a.page, assessment, student, key!);
		await openGrid(b.page, assessment, student, key!);
		// Presence: each sees the other on the class page.
		await expect(a.page.getByTestId('presence')).toContainText('Tom Walker');
		await expect(b.page.getByTestId('presence')).toContainText('Sarah Nguyen');

		await setChecklist(cell(a.page, student, key!), 'demonstrated');
		const typedAt = Date.now();
		await expect(cell(b.page, student, key!)).toHaveAttribute('aria-label', /demonstrated$/i, {
			timeout: 1_000
		});
		const seenAfterMs = Date.now() - typedAt;
		expect(seenAfterMs).toBeLessThan(1_000);
		await expect(cell(a.page, student, key!)).toHaveAttribute('data-state', 'synced');
		await screenshot(b.page, 'grid-realtime-teacherB-laptop');
	} finally {
		await a.context.close();
		await b.context.close();
	}
});

test('a row entered offline survives a reload offline and syncs to a colleague on reconnect', async ({
	browser,
	baseURL
}) => {
	const assessment = A['two_hand_strike'] as string;
	const keys = await componentsOf(baseURL!, assessment);
	const student = STUDENTS[1] as string;
	const a = await deviceFor(browser, 'teacherA', undefined, baseURL);
	const b = await deviceFor(browser, 'teacherB', undefined, baseURL);
	try {
		await openGrid(a.page, assessment, student, keys[0]!);
		await openGrid(b.page, assessment, student, keys[0]!);
		await waitForServiceWorker(a.page);

		await a.context.setOffline(true);
		await expect(a.page.getByTestId('sync-badge')).toContainText('Offline');
		for (const [i, key] of keys.entries()) {
			await setChecklist(cell(a.page, student, key), i % 2 === 0 ? 'demonstrated' : 'not yet');
		}
		await expect(a.page.getByTestId('pending-count')).not.toHaveAttribute('data-pending', '0');
		await expect(cell(a.page, student, keys[0]!)).toHaveAttribute('data-state', 'offline');
		await screenshot(a.page, 'grid-offline-pending-laptop');

		// The service worker serves the app; the row is still there.
		await a.page.reload();
		for (const [i, key] of keys.entries()) {
			await expect(cell(a.page, student, key)).toHaveAttribute(
				'aria-label',
				i % 2 === 0 ? /demonstrated$/i : /not yet$/i
			);
		}
		// B has not seen any of it.
		await expect(cell(b.page, student, keys[0]!)).toHaveAttribute('aria-label', /not observed$/i);

		await a.context.setOffline(false);
		await waitForSynced(a.page);
		for (const [i, key] of keys.entries()) {
			await expect(cell(b.page, student, key)).toHaveAttribute(
				'aria-label',
				i % 2 === 0 ? /demonstrated$/i : /not yet$/i
			);
			await expect(cell(a.page, student, key)).toHaveAttribute('data-state', 'synced');
		}
	} finally {
		await a.context.close();
		await b.context.close();
	}
});

test('two teachers change one cell offline: both screens end equal and the loser resolves the notice', async ({
	browser,
	baseURL
}) => {
	const assessment = A['kick'] as string;
	const [key] = await componentsOf(baseURL!, assessment);
	const student = STUDENTS[2] as string;
	const a = await deviceFor(browser, 'teacherA', undefined, baseURL);
	const b = await deviceFor(browser, 'teacherB', undefined, baseURL);
	try {
		await openGrid(a.page, assessment, student, key!);
		await openGrid(b.page, assessment, student, key!);
		await a.context.setOffline(true);
		await b.context.setOffline(true);
		await setChecklist(cell(a.page, student, key!), 'demonstrated');
		// B's edit is the later one, so it wins.
		await b.page.waitForTimeout(20);
		await setChecklist(cell(b.page, student, key!), 'not yet');

		await a.context.setOffline(false);
		await waitForSynced(a.page);
		await b.context.setOffline(false);
		await waitForSynced(b.page);

		// Both screens equal: B's later value.
		await expect(cell(a.page, student, key!)).toHaveAttribute('aria-label', /not yet$/i);
		await expect(cell(b.page, student, key!)).toHaveAttribute('aria-label', /not yet$/i);
		// A, whose value lost, sees the conflict at the cell and on the conflicts page.
		await expect(cell(a.page, student, key!)).toHaveAttribute('data-state', 'conflict');
		// This cell's notice (other tests on this server leave notices of their own).
		const name = await a.page
			.locator(`tr[data-student="${student}"] th`)
			.evaluate((th) => (th.lastChild?.textContent ?? '').trim());
		expect(name).not.toBe('');
		await a.page
			.getByRole('navigation', { name: 'Main' })
			.getByRole('link', { name: /Conflicts/ })
			.click();
		const notice = a.page.getByTestId('conflict').filter({ hasText: `${name} · Kick` });
		await expect(notice).toHaveCount(1);
		await expect(notice.getByTestId('mine')).toHaveText('Demonstrated');
		await expect(notice.getByTestId('theirs')).toHaveText('Not yet');
		await expect(notice).toContainText('by Tom Walker');
		await screenshot(a.page, 'conflicts-teacherA-laptop');

		await notice.getByRole('button', { name: 'Keep mine' }).click();
		await expect(notice).toHaveCount(0);
		await waitForSynced(a.page);
		await b.page.reload();
		await expect(cell(b.page, student, key!)).toHaveAttribute('aria-label', /demonstrated$/i);
		await a.page.goto(gridUrl(assessment));
		await expect(cell(a.page, student, key!)).toHaveAttribute('aria-label', /demonstrated$/i);
		await expect(cell(a.page, student, key!)).toHaveAttribute('data-state', 'synced');
	} finally {
		await a.context.close();
		await b.context.close();
	}
});

test('an edit the server refuses shows its reason, survives a reload and can be discarded', async ({
	browser,
	baseURL
}) => {
	const assessment = A['leap'] as string;
	const original = await office<{ components: { key: string; label: string }[] }>(
		baseURL!,
		'GET',
		`/api/collections/assessments/records/${assessment}`
	);
	const removed = original.components[original.components.length - 1]!;
	const student = STUDENTS[3] as string;
	const a = await deviceFor(browser, 'teacherA', undefined, baseURL);
	try {
		await openGrid(a.page, assessment, student, removed.key);
		await a.context.setOffline(true);
		await setChecklist(cell(a.page, student, removed.key), 'demonstrated');
		// Meanwhile the office takes that component out of the assessment.
		await office(baseURL!, 'PATCH', `/api/collections/assessments/records/${assessment}`, {
			components: original.components.slice(0, -1)
		});
		await a.context.setOffline(false);

		await expect(a.page.getByTestId('sync-badge')).toContainText('1 not accepted');
		await a.page.goto('/conflicts');
		const card = a.page.getByTestId('rejected');
		await expect(card).toHaveCount(1);
		await expect(card.getByTestId('reason')).toContainText(`has no component “${removed.key}”`);
		await a.page.reload();
		await expect(card.getByTestId('reason')).toContainText(`has no component “${removed.key}”`);
		await screenshot(a.page, 'conflicts-rejected-laptop');

		a.page.once('dialog', (d) => void d.accept());
		await card.getByRole('button', { name: 'Discard' }).click();
		await expect(card).toHaveCount(0);
		await expect(a.page.getByTestId('sync-badge')).not.toContainText('not accepted');
	} finally {
		await office(baseURL!, 'PATCH', `/api/collections/assessments/records/${assessment}`, {
			components: original.components
		});
		await a.context.close();
	}
});

test('a cell whose edit the server refused counts in no total; editing it fixes that edit and the new value syncs', async ({
	browser,
	baseURL
}) => {
	const assessment = A['vertical_jump'] as string;
	const original = await office<{ components: { key: string; label: string }[] }>(
		baseURL!,
		'GET',
		`/api/collections/assessments/records/${assessment}`
	);
	const last = original.components[original.components.length - 1]!;
	const student = STUDENTS[5] as string;
	const a = await deviceFor(browser, 'teacherA', undefined, baseURL);
	try {
		await openGrid(a.page, assessment, student, last.key);
		await a.context.setOffline(true);
		await setChecklist(cell(a.page, student, last.key), 'demonstrated');
		// The office takes the component out while the edit waits, then puts it back.
		await office(baseURL!, 'PATCH', `/api/collections/assessments/records/${assessment}`, {
			components: original.components.slice(0, -1)
		});
		await a.context.setOffline(false);
		await expect(a.page.getByTestId('sync-badge')).toContainText('1 not accepted');
		await office(baseURL!, 'PATCH', `/api/collections/assessments/records/${assessment}`, {
			components: original.components
		});
		await openGrid(a.page, assessment, student, last.key);
		const target = cell(a.page, student, last.key);
		await expect(target).toHaveAttribute('data-state', 'rejected');
		// The refused mark stays on screen to be fixed, but it is not a mark: no total counts it.
		const total = a.page.locator(`tr[data-student="${student}"] [data-col="total"]`);
		await expect(target).toHaveAttribute('data-value', '1');
		await expect(total).toHaveText('');

		// The teacher corrects the cell in the grid: the refused edit is fixed, not stacked.
		await setChecklist(target, 'not yet');
		await expect(a.page.getByTestId('sync-badge')).not.toContainText('not accepted');
		await waitForSynced(a.page);
		await expect(target).toHaveAttribute('data-state', 'synced');
		await a.page.goto('/conflicts');
		await expect(a.page.getByTestId('rejected')).toHaveCount(0);
		const stored = await office<{ items: { student: string; values: Record<string, unknown> }[] }>(
			baseURL!,
			'GET',
			`/api/collections/results/records?filter=${encodeURIComponent(
				`assessment="${assessment}" && period="${TERM4}" && class="${CLASS}"`
			)}`
		);
		expect(stored.items.find((r) => r.student === student)?.values).toEqual({ [last.key]: 0 });
	} finally {
		await office(baseURL!, 'PATCH', `/api/collections/assessments/records/${assessment}`, {
			components: original.components
		});
		await a.context.close();
	}
});

test('after the session expires with edits pending, signing in again syncs them all', async ({
	browser,
	baseURL
}) => {
	// A teacher of their own new class, so changing the password touches nobody else.
	const email = `relief.${Date.now()}@demo.markbook.school`;
	const user = await office<{ id: string }>(baseURL!, 'POST', '/api/collections/users/records', {
		email,
		password: 'relief-pass-1',
		passwordConfirm: 'relief-pass-1',
		name: 'Relief Teacher',
		role: 'teacher',
		verified: true
	});
	const cls = await office<{ id: string }>(baseURL!, 'POST', '/api/collections/classes/records', {
		name: '5 Relief',
		year_level: 5,
		teachers: [user.id]
	});
	const student = await office<{ id: string }>(
		baseURL!,
		'POST',
		'/api/collections/students/records',
		{
			given_name: 'Ada',
			family_name: 'Reliefson',
			student_number: `R${Date.now()}`,
			classes: [cls.id]
		}
	);
	const assessment = A['hop'] as string;
	const [key] = await componentsOf(baseURL!, assessment);
	const a = await deviceFor(browser, { email, password: 'relief-pass-1' }, undefined, baseURL);
	try {
		await a.page.goto(`/classes/${cls.id}?a=${assessment}&p=${TERM4}`);
		// The page must be up (its code loaded) before the connection goes.
		await expect(cell(a.page, student.id, key!)).toBeVisible();
		await waitForServiceWorker(a.page);
		await a.context.setOffline(true);
		await setChecklist(cell(a.page, student.id, key!), 'demonstrated');
		// The office resets the password: every session of the user ends.
		await office(baseURL!, 'PATCH', `/api/collections/users/records/${user.id}`, {
			password: 'relief-pass-2',
			passwordConfirm: 'relief-pass-2'
		});
		await a.context.setOffline(false);
		const again = a.page.getByRole('region', { name: 'Sign in again to sync' });
		await expect(again).toBeVisible();
		await expect(a.page.getByTestId('pending-count')).toHaveAttribute('data-pending', '1');
		await screenshot(a.page, 'reauth-laptop');
		await again.getByLabel(/Password/).fill('relief-pass-2');
		await again.getByRole('button', { name: 'Sign in' }).click();
		await waitForSynced(a.page);
		const rows = await office<{ items: { values: Record<string, number> }[] }>(
			baseURL!,
			'GET',
			`/api/collections/results/records?filter=${encodeURIComponent(`student="${student.id}"`)}`
		);
		expect(rows.items.map((r) => r.values[key!])).toEqual([1]);
	} finally {
		await a.context.close();
	}
});

test('signing in once, the app starts and shows the classes offline', async ({
	browser,
	baseURL
}) => {
	const a = await deviceFor(browser, 'teacherA', undefined, baseURL);
	try {
		await waitForServiceWorker(a.page);
		await a.context.setOffline(true);
		await a.page.goto('/classes');
		await expect(a.page.getByRole('list', { name: 'My classes' }).locator('.name')).toHaveCount(2);
		await expect(a.page.getByTestId('sync-badge')).toContainText('Offline');
		// And a fresh navigation to a class page, offline.
		await a.page.goto(`/classes/${CLASS}`);
		await expect(a.page.getByRole('heading', { level: 1 })).toContainText('4 Wattle');
	} finally {
		await a.context.close();
	}
});
