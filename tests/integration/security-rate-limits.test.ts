// Issue 11.8: rate limits, with the production rules (pb_migrations/
// …_markbook_rate_limits.js). A school is one NAT address: guessing one
// account's password is stopped per account, a staff room of 30 still signs in
// from one IP, and the sync routes are limited per user, not per IP.
import type PocketBase from 'pocketbase';
import { ClientResponseError } from 'pocketbase';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestServer, type TestServer } from '../harness/pocketbase';
import { login, pull } from '../harness/sync';

let server: TestServer;
let admin: PocketBase;

beforeAll(async () => {
	server = await startTestServer({ seed: true, rateLimits: 'production' });
	admin = await server.admin();
}, 60_000);

afterAll(() => server?.stop());

async function signInStatus(email: string, password: string): Promise<number> {
	try {
		await server.anon().collection('users').authWithPassword(email, password);
		return 200;
	} catch (error) {
		if (error instanceof ClientResponseError) return error.status;
		throw error;
	}
}

describe('rate limits', () => {
	test('40 wrong passwords in a row on one account: 429, and then even the right one waits', async () => {
		const a = login('teacherA');
		const statuses: number[] = [];
		for (let i = 0; i < 40; i++) statuses.push(await signInStatus(a.email, `wrong-${i}`));
		expect(statuses.slice(0, 10).every((s) => s === 400)).toBe(true);
		expect(statuses).toContain(429);
		expect(await signInStatus(a.email, a.password)).toBe(429);
		// The same account spelt in capitals is the same account.
		expect(await signInStatus(a.email.toUpperCase(), a.password)).toBe(429);
	});

	test(
		'a staff room of 30 signs in from one address, and a colleague is not locked out by the guessing',
		{ timeout: 120_000 },
		async () => {
			const b = login('teacherB');
			expect(await signInStatus(b.email, b.password)).toBe(200);
			const staff = Array.from({ length: 30 }, (_, i) => ({
				email: `staff${i}@demo.markbook.school`,
				password: `staff-password-${i}`
			}));
			for (const s of staff) {
				await admin.collection('users').create({
					email: s.email,
					password: s.password,
					passwordConfirm: s.password,
					name: s.email,
					role: 'teacher'
				});
			}
			const statuses = await Promise.all(staff.map((s) => signInStatus(s.email, s.password)));
			expect(statuses.filter((s) => s !== 200)).toEqual([]);
		}
	);

	test('sync requests are limited per user, not per address', async () => {
		const settings = await admin.settings.getAll();
		const rules = (settings['rateLimits'] as { rules: { label: string; maxRequests: number }[] })
			.rules;
		const sync = rules.find((r) => r.label === 'markbook:sync');
		expect(sync?.maxRequests).toBe(1200);
		// A small limit for the test, as the office could set in the admin UI.
		await admin.settings.update({
			rateLimits: {
				...(settings['rateLimits'] as object),
				rules: rules.map((r) => (r.label === 'markbook:sync' ? { ...r, maxRequests: 5 } : r))
			}
		});
		try {
			const c = login('coordinator');
			const coordinator = await server.as(c.email, c.password);
			const statuses: number[] = [];
			for (let i = 0; i < 7; i++)
				statuses.push((await pull(coordinator, 'dev_rate_c', 0, 1)).status);
			expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
			expect(statuses.slice(5)).toEqual([429, 429]);
			// Another user from the same address is not held up.
			const b = login('teacherB');
			const teacherB = await server.as(b.email, b.password);
			expect((await pull(teacherB, 'dev_rate_b', 0, 1)).status).toBe(200);
		} finally {
			await admin.settings.update({ rateLimits: settings['rateLimits'] as object });
		}
	});
});
