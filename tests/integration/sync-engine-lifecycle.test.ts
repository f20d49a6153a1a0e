/**
 * The REAL sync engine against the REAL server, across the life of a device:
 * an app restart with edits queued, an expired session, a device the office
 * deactivates, and a teacher's classes changing. See sync-engine.test.ts.
 */
import 'fake-indexeddb/auto';
import type PocketBase from 'pocketbase';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Json, WireRecord } from '../../src/lib/sync/core/types';
import {
	auditCount,
	canonical,
	receiptCount,
	serverRecord,
	waitFor,
	useSchool
} from '../harness/devices';
import { login, resultId } from '../harness/sync';
import {
	BALANCE,
	TERM1,
	SHARED,
	B_OWN,
	SHARED_STUDENTS,
	B_STUDENTS,
	TEACHER_A,
	TEACHER_B
} from '../harness/demo';

const school = useSchool();
const device = school.device;
let admin: PocketBase;
beforeAll(() => {
	({ admin } = school);
});

function cell(student: string, cls: string) {
	return {
		id: resultId(student, cls, BALANCE, TERM1),
		key: { student, class: cls, assessment: BALANCE, period: TERM1 } as Record<string, Json>
	};
}

function valuesOf(record: WireRecord | undefined): Record<string, Json> {
	return (record?.['values'] ?? {}) as Record<string, Json>;
}

async function deviceRow(id: string) {
	return admin.collection('devices').getFirstListItem(admin.filter('device_id = {:d}', { d: id }));
}

describe('the engine across a device’s life', () => {
	it('edits queued offline and an op whose answer was lost survive an app restart and are applied once', async () => {
		const a = await device('teacherA');
		await a.sync();
		const x = cell(SHARED_STUDENTS[0] as string, SHARED);
		const y = cell(SHARED_STUDENTS[1] as string, SHARED);
		a.net.loseAnswers = 1;
		const lost = await a.engine.edit('results', x.id, { ...x.key, 'values.c1': 1 });
		if (!lost.ok) throw new Error(lost.reason);
		await a.engine.syncNow(); // applied on the server, answer lost
		a.net.offline = true;
		await a.engine.edit('results', x.id, { 'values.c2': 1 });
		await a.engine.edit('results', y.id, { ...y.key, 'values.c5': 1 });
		expect(a.engine.pendingCount).toBe(3);

		await a.restart(); // the tab is reloaded, still offline
		expect(a.engine.pendingCount).toBe(3);
		expect(valuesOf(a.engine.get('results', x.id))).toEqual({ c1: 1, c2: 1 });

		a.net.offline = false;
		await a.sync();
		expect(a.engine.pendingCount).toBe(0);
		const resent = a.net.pushes.filter((p) => p.reached && p.ops.some((o) => o.id === lost.opId));
		expect(
			resent.map((p) => p.error ?? p.results?.find((r) => r.id === lost.opId)?.status)
		).toEqual(['answer lost', 'duplicate']);
		expect(await receiptCount(admin, lost.opId)).toBe(1);
		expect(await auditCount(admin, x.id)).toBe(2);
		const sx = await serverRecord(admin, 'results', x.id);
		expect(valuesOf(sx)).toEqual({ c1: 1, c2: 1 });
		expect(canonical(a.engine.get('results', x.id))).toBe(canonical(sx));
		expect(valuesOf(await serverRecord(admin, 'results', y.id))).toEqual({ c5: 1 });
	});

	it('an expired session pauses sync with the outbox intact and resumes after signing in again', async () => {
		const a = await device('teacherA');
		await a.sync();
		const x = cell(SHARED_STUDENTS[2] as string, SHARED);
		a.pb.authStore.save('not-a-valid-token', null);
		await a.engine.edit('results', x.id, { ...x.key, 'values.c3': 1 });
		await a.engine.syncNow();
		expect(a.engine.state.phase).toBe('needsSignIn');
		expect(a.engine.pendingCount).toBe(1);
		expect(await serverRecord(admin, 'results', x.id)).toBeUndefined();

		const user = login('teacherA');
		await a.pb.collection('users').authWithPassword(user.email, user.password);
		a.engine.resume();
		await waitFor(
			() => a.engine.pendingCount === 0 && a.engine.phase === 'idle',
			10_000,
			'the push after sign-in'
		);
		expect(valuesOf(await serverRecord(admin, 'results', x.id))).toEqual({ c3: 1 });
	});

	it('a device the office deactivates keeps its edits, says why, and sends them once reactivated', async () => {
		const a = await device('teacherA');
		await a.sync();
		const row = await deviceRow(a.id);
		await admin.collection('devices').update(row.id, { active: false });
		const x = cell(SHARED_STUDENTS[3] as string, SHARED);
		await a.engine.edit('results', x.id, { ...x.key, 'values.c4': 1 });
		// Switching a device off ends its user's sessions (issue 11.9): sign in first.
		await a.engine.syncNow();
		expect(a.engine.state.phase).toBe('needsSignIn');
		expect(a.engine.pendingCount).toBe(1);
		const user = login('teacherA');
		await a.pb.collection('users').authWithPassword(user.email, user.password);
		a.engine.resume();
		await waitFor(() => a.engine.state.phase === 'blocked', 10_000, 'the refusal after sign-in');
		expect(a.engine.state.blocked).toMatchObject({
			status: 403,
			message: expect.stringMatching(/deactivated/)
		});
		expect(a.engine.pendingCount).toBe(1);
		expect(a.engine.state.rejected).toEqual([]);
		expect(await serverRecord(admin, 'results', x.id)).toBeUndefined();

		await admin.collection('devices').update(row.id, { active: true });
		a.engine.resume();
		await waitFor(
			() => a.engine.pendingCount === 0 && a.engine.phase === 'idle',
			10_000,
			'the push after reactivation'
		);
		expect(valuesOf(await serverRecord(admin, 'results', x.id))).toEqual({ c4: 1 });
	});

	it('a teacher given a class receives its students and results', async () => {
		const a = await device('teacherA');
		const b = await device('teacherB');
		await a.sync();
		await b.sync();
		const x = cell(B_STUDENTS[0] as string, B_OWN);
		await b.engine.edit('results', x.id, { ...x.key, 'values.c1': 1 });
		await b.sync();
		expect(a.engine.get('results', x.id)).toBeUndefined();
		expect(
			a.engine.list('students', (s) => (s['classes'] as string[]).includes(B_OWN))
		).toHaveLength(0);

		await admin.collection('classes').update(B_OWN, { teachers: [TEACHER_B, TEACHER_A] });
		try {
			await a.sync();
			expect(canonical(a.engine.get('results', x.id))).toBe(
				canonical(await serverRecord(admin, 'results', x.id))
			);
			expect(
				a.engine.list('students', (s) => (s['classes'] as string[]).includes(B_OWN))
			).toHaveLength(25);
			expect(a.engine.get('classes', B_OWN)?.['teachers']).toEqual([TEACHER_B, TEACHER_A]);
		} finally {
			await admin.collection('classes').update(B_OWN, { teachers: [TEACHER_B] });
		}
	});

	it('a teacher taken off a class: her device forgets its students and results', async () => {
		await admin.collection('classes').update(B_OWN, { teachers: [TEACHER_B, TEACHER_A] });
		const a = await device('teacherA');
		const x = cell(B_STUDENTS[1] as string, B_OWN);
		try {
			await a.sync();
			await a.engine.edit('results', x.id, { ...x.key, 'values.c2': 1 });
			await a.sync();
			expect(
				a.engine.list('students', (s) => (s['classes'] as string[]).includes(B_OWN))
			).toHaveLength(25);
		} finally {
			await admin.collection('classes').update(B_OWN, { teachers: [TEACHER_B] });
		}
		await a.sync();
		expect(
			a.engine.get('results', x.id),
			'a result of a class she no longer teaches'
		).toBeUndefined();
		expect(
			a.engine.list('students', (s) => (s['classes'] as string[]).includes(B_OWN))
		).toHaveLength(0);
		expect(a.engine.get('classes', B_OWN)).toBeUndefined();
		// Her own classes stay.
		expect(a.engine.get('classes', SHARED)).toBeDefined();
	});
});
