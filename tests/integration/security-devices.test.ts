// Issue 11.9: switching off a device locks it out. A lost tablet's session
// (its auth token) can do nothing once the teacher or the office switches the
// device off: no REST, no push (not even under a new device id), no pull, no
// realtime. The token is the user's, not the device's, so switching a device
// off rotates the user's token key: every session of hers ends, and her other
// devices sign in again and keep their pending edits.
import { afterEach, describe, expect, test } from 'vitest';
import type { Json } from '../../src/lib/sync/core/types';
import { A_OWN, A_STUDENTS, HOP, SHARED, SHARED_STUDENTS, TERM1 } from '../harness/demo';
import { waitFor, useSchool, type Device } from '../harness/devices';
import { installEventSource } from '../harness/event-source';
import { login, pull, push, resultId } from '../harness/sync';

installEventSource();
const school = useSchool();
const A = login('teacherA');

/** A device following realtime, its subscription up (first PB_CONNECT seen). */
async function live(teacher: 'teacherA' | 'teacherB'): Promise<Device> {
	const d = await school.device(teacher, { realtime: true, storage: 'memory' });
	await d.sync();
	await waitFor(() => d.net.connects > 0, 10_000, `${teacher}'s realtime connection`);
	await new Promise((r) => setTimeout(r, 200)); // the SDK's subscribe POST
	return d;
}

function resultKey(student: string): Record<string, Json> {
	return { student, class: SHARED, assessment: HOP, period: TERM1 };
}

async function deviceRow(deviceId: string): Promise<string> {
	const row = await school.admin
		.collection('devices')
		.getFirstListItem(school.admin.filter('device_id = {:d}', { d: deviceId }));
	return row.id;
}

/** What a request with this token gets: REST list, auth refresh, push, pull. */
async function whatTokenGets(url: string, token: string) {
	const headers = { authorization: token };
	const list = await fetch(`${url}/api/collections/students/records?perPage=1`, { headers });
	const listBody = (await list.json()) as { totalItems?: number };
	const refresh = await fetch(`${url}/api/collections/users/auth-refresh`, {
		method: 'POST',
		headers
	});
	const fakePb = { baseURL: url, authStore: { token } } as never;
	const pushed = await push(fakePb, { device: `dev_thief_${Date.now()}`, ops: [] });
	const pulled = await pull(fakePb, `dev_thief_${Date.now()}`, 0);
	return {
		students: list.status === 200 ? (listBody.totalItems ?? 0) : list.status,
		refresh: refresh.status,
		push: pushed.status,
		pull: pulled.status
	};
}

afterEach(async () => {
	// Each test switches a device off; later tests start from fresh sessions.
	for (const row of await school.admin
		.collection('devices')
		.getFullList({ filter: 'active = false' })) {
		await school.admin.collection('devices').update(row.id, { active: true });
	}
});

describe('switching off a device', () => {
	test('by the office: the lost device can do nothing (REST, push under any id, pull, realtime)', async () => {
		const lost = await live('teacherA');
		const sibling = await live('teacherA');
		const token = lost.pb.authStore.token;
		expect(await whatTokenGets(school.server.url, token)).toEqual({
			students: 50,
			refresh: 200,
			push: 200,
			pull: 200
		});

		await school.admin.collection('devices').update(await deviceRow(lost.id), { active: false });

		expect(await whatTokenGets(school.server.url, token)).toEqual({
			students: 0,
			refresh: 401,
			push: 401,
			pull: 401
		});
		// Her other open device hears of it at once (its realtime connection is
		// closed; the reconnect's pull is answered 401) and asks her to sign in.
		await waitFor(
			() => sibling.engine.phase === 'needsSignIn',
			10_000,
			'the sibling asks for a sign-in'
		);

		// Realtime: a colleague's edit of the shared class reaches a device of
		// teacherA's that signed in afresh, and never the lost one.
		const fresh = await live('teacherA');
		const before = lost.net.realtime.length;
		const colleague = await school.device('teacherB', { storage: 'memory' });
		await colleague.sync();
		const student = SHARED_STUDENTS[3]!;
		const id = resultId(student, SHARED, HOP, TERM1);
		expect(
			(await colleague.engine.edit('results', id, { ...resultKey(student), 'values.c1': 1 })).ok
		).toBe(true);
		await colleague.sync();
		await waitFor(
			() => fresh.net.realtime.some((r) => r.change.record.id === id),
			10_000,
			'the fresh device hears it'
		);
		await new Promise((r) => setTimeout(r, 500));
		expect(lost.net.realtime.slice(before).map((r) => r.change.record.id)).not.toContain(id);
	});

	test('by the teacher on her Devices page: the same, and her other device keeps its pending edit across the sign-in', async () => {
		const lost = await school.device('teacherA', { storage: 'memory' });
		await lost.sync();
		const laptop = await school.device('teacherA', { storage: 'memory' });
		await laptop.sync();

		// The laptop is offline and holds an edit not yet pushed.
		laptop.net.offline = true;
		const student = A_STUDENTS[4]!;
		const id = resultId(student, A_OWN, HOP, TERM1);
		const key = { student, class: A_OWN, assessment: HOP, period: TERM1 };
		expect((await laptop.engine.edit('results', id, { ...key, 'values.c2': 1 })).ok).toBe(true);
		expect(laptop.engine.pendingCount).toBe(1);

		// From a third session (her phone), she switches the lost tablet off (REST).
		const phone = await school.server.as(A.email, A.password);
		await phone.collection('devices').update(await deviceRow(lost.id), { active: false });

		expect(await whatTokenGets(school.server.url, lost.pb.authStore.token)).toEqual({
			students: 0,
			refresh: 401,
			push: 401,
			pull: 401
		});

		// Back online, the laptop is asked to sign in; its edit waits.
		laptop.net.offline = false;
		await laptop.engine.syncNow();
		expect(laptop.engine.phase).toBe('needsSignIn');
		expect(laptop.engine.pendingCount).toBe(1);

		// Signed in again, it syncs the edit.
		await laptop.pb.collection('users').authWithPassword(A.email, A.password);
		laptop.engine.resume();
		await laptop.sync();
		expect(laptop.engine.pendingCount).toBe(0);
		const stored = await school.admin.collection('results').getOne(id);
		expect((stored['values'] as Record<string, Json>)['c2']).toBe(1);

		// A new session may register a new device; the switched-off one stays refused.
		const again = await school.server.as(A.email, A.password);
		expect((await push(again, { device: `dev_new_${Date.now()}`, ops: [] })).status).toBe(200);
		expect((await push(again, { device: lost.id, ops: [] })).status).toBe(403);
	});

	test('switching a device on again, or editing its counters, ends no session', async () => {
		const tablet = await school.device('teacherA', { storage: 'memory' });
		await tablet.sync();
		const token = tablet.pb.authStore.token;
		const row = await deviceRow(tablet.id);
		await school.admin.collection('devices').update(row, { name: 'Renamed', pending: 3 });
		await school.admin.collection('devices').update(row, { active: true });
		expect((await whatTokenGets(school.server.url, token)).pull).toBe(200);
	});
});
