// Issue 11.14: the app's HTML carries a Content-Security-Policy, and the API
// does not answer CORS `*`: same origin only, unless MARKBOOK_ORIGINS lists
// the origins a school allows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startPocketBase } from '../../scripts/lib/pocketbase.mjs';
import { startTestServer, type TestServer } from '../harness/pocketbase';

let server: TestServer;

beforeAll(async () => {
	server = await startTestServer();
}, 60_000);

afterAll(() => server?.stop());

const EVIL = 'https://evil.example';

describe('Content-Security-Policy', () => {
	test.each(['/', '/signin', '/classes/abc'])('the app at %s gets the policy', async (path) => {
		const res = await fetch(`${server.url}${path}`);
		await res.arrayBuffer();
		const csp = res.headers.get('content-security-policy') ?? '';
		expect(csp).toContain("default-src 'self'");
		expect(csp).toContain("connect-src 'self'");
		expect(csp).toContain("frame-ancestors 'none'");
		expect(csp).toContain("object-src 'none'");
	});

	test('the API and the admin UI (which has a policy of its own) are left to PocketBase', async () => {
		const app = await fetch(`${server.url}/`);
		await app.arrayBuffer();
		const api = await fetch(`${server.url}/api/health`);
		await api.arrayBuffer();
		expect(api.headers.get('content-security-policy')).toBeNull();
		const adminUi = await fetch(`${server.url}/_/`);
		await adminUi.arrayBuffer();
		expect(adminUi.headers.get('content-security-policy')).not.toBe(
			app.headers.get('content-security-policy')
		);
	});
});

describe('CORS', () => {
	test('by default no other origin may read the API', async () => {
		const res = await fetch(`${server.url}/api/health`, { headers: { origin: EVIL } });
		await res.arrayBuffer();
		expect(res.headers.get('access-control-allow-origin')).toBeNull();
		const preflight = await fetch(`${server.url}/api/collections/users/auth-with-password`, {
			method: 'OPTIONS',
			headers: { origin: EVIL, 'access-control-request-method': 'POST' }
		});
		await preflight.arrayBuffer();
		expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
	});

	test('MARKBOOK_ORIGINS lists the origins a school allows, and only those', async () => {
		const dataDir = mkdtempSync(join(tmpdir(), 'markbook-origins-'));
		const allowed = 'https://markbook.example.school';
		const pb = await startPocketBase({
			dataDir,
			stdio: 'pipe',
			env: { MARKBOOK_ORIGINS: `${allowed}, http://localhost:5173` }
		});
		try {
			const ok = await fetch(`${pb.url}/api/health`, { headers: { origin: allowed } });
			await ok.arrayBuffer();
			expect(ok.headers.get('access-control-allow-origin')).toBe(allowed);
			const other = await fetch(`${pb.url}/api/health`, { headers: { origin: EVIL } });
			await other.arrayBuffer();
			expect(other.headers.get('access-control-allow-origin')).toBeNull();
		} finally {
			await pb.stop();
			rmSync(dataDir, { recursive: true, force: true });
		}
	}, 60_000);
});
