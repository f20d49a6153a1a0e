/**
 * GET /api/markbook/health against a real PocketBase: who may read it, and
 * that its figures follow what happened (pushes and refusals, a stale device,
 * a backup).
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { HealthReport } from '../../src/lib/domain/health';
import { useSchool } from '../harness/devices';
import { login, push, resultOp, stamp } from '../harness/sync';
import { A_OWN, A_STUDENTS, HOP, TERM1 } from '../harness/demo';

const school = useSchool();

async function health(token: string): Promise<{ status: number; body: HealthReport }> {
	const res = await fetch(`${school.server.url}/api/markbook/health`, {
		headers: token ? { authorization: token } : {}
	});
	return { status: res.status, body: (await res.json()) as HealthReport };
}

describe('the health view', () => {
	it('is for the office and coordinators only', async () => {
		const teacher = await school.server.as(login('teacherA').email, login('teacherA').password);
		expect((await health('')).status).toBe(401);
		expect((await health(teacher.authStore.token)).status).toBe(403);
		const coordinator = await school.server.as(
			login('coordinator').email,
			login('coordinator').password
		);
		expect((await health(coordinator.authStore.token)).status).toBe(200);
	});

	it('counts pushes and refusals, lists a device silent for a week, and names the last backup', async () => {
		const admin = school.admin.authStore.token;
		const before = (await health(admin)).body;
		const teacher = await school.server.as(login('teacherA').email, login('teacherA').password);
		const good = resultOp({
			student: A_STUDENTS[0] as string,
			cls: A_OWN,
			assessment: HOP,
			period: TERM1,
			fields: { 'values.c1': 1 },
			stamp: stamp(Date.now(), 0, 'dev_health')
		});
		const bad = resultOp({
			student: A_STUDENTS[1] as string,
			cls: A_OWN,
			assessment: HOP,
			period: TERM1,
			fields: { 'values.c1': 7 },
			stamp: stamp(Date.now(), 1, 'dev_health')
		});
		const res = await push(teacher, { device: 'dev_health', ops: [good, bad] });
		expect(res.body.results.map((r) => r.status)).toEqual(['applied', 'rejected']);
		await school.admin.collection('devices').create({
			user: login('teacherB').id,
			device_id: 'dev_forgotten_ipad',
			name: 'Forgotten iPad',
			active: true,
			last_sync_at: '2026-01-02 03:04:05.000Z'
		});
		await school.admin.backups.create('health_check.zip');

		const after = (await health(admin)).body;
		expect(after.pushes.hour - before.pushes.hour).toBe(2);
		expect(after.refusals.hour - before.refusals.hour).toBe(1);
		expect(after.pushes.day).toBeGreaterThanOrEqual(after.pushes.hour);
		expect(after.devices.stale.map((d) => d.device_id)).toContain('dev_forgotten_ipad');
		expect(after.devices.stale.find((d) => d.device_id === 'dev_forgotten_ipad')?.user).toBe(
			'Tom Walker'
		);
		expect(after.devices.stale.map((d) => d.device_id)).not.toContain('dev_health');
		expect(after.backups.last?.key).toBe('health_check.zip');
		expect(after.backups.cron).not.toBe('');
		expect(after.database.bytes).toBeGreaterThan(100_000);
		expect(after.audit).toBeGreaterThan(before.audit);
		expect(after.seq).toBeGreaterThan(before.seq);
		expect(after.epoch).toBe(before.epoch);
	});
});
