/**
 * A device's outbox counts ride on its pushes and pulls (README, "Device
 * counts"): the REAL engine against the REAL server, the counts read from the
 * `devices` row as the Overview's sync health reads them.
 */
import 'fake-indexeddb/auto';
import type PocketBase from 'pocketbase';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEVICE_COUNT_MAX, WIRE_VERSION, type Json } from '../../src/lib/sync/core/types';
import { useSchool, type Device } from '../harness/devices';
import { resultId } from '../harness/sync';
import { A_OWN, A_STUDENTS, ITEMS, TERM3 } from '../harness/demo';

const school = useSchool();
let admin: PocketBase;
beforeAll(() => {
	({ admin } = school);
});

function cell(student: string) {
	return {
		id: resultId(student, A_OWN, ITEMS, TERM3),
		key: { student, class: A_OWN, assessment: ITEMS, period: TERM3 } as Record<string, Json>
	};
}

async function row(d: Device): Promise<{ pending: number; failed: number; last_sync_at: string }> {
	const r = await admin
		.collection('devices')
		.getFirstListItem(admin.filter('device_id = {:d}', { d: d.id }), { requestKey: null });
	return {
		pending: r['pending'] as number,
		failed: r['failed'] as number,
		last_sync_at: r['last_sync_at'] as string
	};
}

async function edit(d: Device, student: string, fields: Record<string, Json>): Promise<string> {
	const c = cell(student);
	const r = await d.engine.edit('results', c.id, { ...c.key, ...fields });
	if (!r.ok) throw new Error(`the device refused ${JSON.stringify(fields)}: ${r.reason}`);
	return r.opId;
}

describe("a device's unsynced and refused counts on its devices row", () => {
	it('shows the refused ops and the queued edits after a sync, and 0/0 once they are fixed or discarded and synced', async () => {
		// Offline before its first pull, the device knows no assessment: the server judges.
		const a = await school.device('teacherA', { offline: true });
		const s = A_STUDENTS.slice(0, 6) as string[];
		const bad1 = await edit(a, s[0]!, { 'values.q1': 7 }); // Item 1 takes 0–1
		const bad2 = await edit(a, s[1]!, { 'values.q1': 9 });
		await edit(a, s[2]!, { 'values.q4': 2 });
		a.net.offline = false;
		await a.sync();
		expect(a.engine.state.rejected.map((r) => r.op.id)).toEqual([bad1, bad2]);
		expect(await row(a)).toMatchObject({ pending: 0, failed: 2 });

		// Queued edits: the row says how many were on their way when the push was sent.
		await edit(a, s[3]!, { 'values.q2': 1 });
		await edit(a, s[4]!, { 'values.q3': 1 });
		const gate = a.net.hold('answer');
		const syncing = a.engine.syncNow();
		await gate.arrived; // the server has applied the push (and stored its counts)
		await edit(a, s[5]!, { 'values.q5': 1 }); // queued behind it
		expect(await row(a)).toMatchObject({ pending: 2, failed: 2 });
		gate.release();
		await syncing;
		await a.sync();
		expect(a.engine.pendingCount).toBe(0);
		expect(await row(a)).toMatchObject({ pending: 0, failed: 2 });

		// One fixed, one discarded: nothing left to show once synced.
		expect(await a.engine.fix(bad1, 1, 'values.q1')).toMatchObject({ ok: true });
		expect(await a.engine.discard(bad2)).toBe(true);
		const before = await row(a);
		await a.sync();
		const after = await row(a);
		expect(after).toMatchObject({ pending: 0, failed: 0 });
		expect(Date.parse(after.last_sync_at.replace(' ', 'T'))).toBeGreaterThanOrEqual(
			Date.parse(before.last_sync_at.replace(' ', 'T'))
		);
	});

	it('refuses a bad count with a 400 naming it, changing nothing (op, row, registration)', async () => {
		const a = await school.device('teacherA');
		await a.sync();
		const before = await row(a);
		const c = cell(A_STUDENTS[7] as string);
		const op = {
			id: '019a0000-0000-7000-8000-00000000c0d1',
			collection: 'results',
			record: c.id,
			fields: { ...c.key, 'values.q1': 1 },
			stamp: `${Date.now()}:00000:${a.id}`,
			base: {}
		};
		for (const bad of [-1, 2.5, '3', DEVICE_COUNT_MAX + 1]) {
			const push = a.pb.send('/api/sync/push', {
				method: 'POST',
				body: { v: WIRE_VERSION, device: a.id, ops: [op], failed: bad },
				requestKey: null
			});
			await expect(push).rejects.toMatchObject({
				status: 400,
				response: { message: expect.stringContaining('"failed"') }
			});
		}
		for (const bad of ['-1', 'lots', '1.5']) {
			const pull = a.pb.send('/api/sync/pull', {
				method: 'GET',
				query: { device: a.id, since: 0, pending: bad },
				requestKey: null
			});
			await expect(pull).rejects.toMatchObject({
				status: 400,
				response: { message: expect.stringContaining('"pending"') }
			});
		}
		const unseen = `${a.id}_unseen`;
		await expect(
			a.pb.send('/api/sync/pull', {
				method: 'GET',
				query: { device: unseen, since: 0, failed: -3 },
				requestKey: null
			})
		).rejects.toMatchObject({ status: 400 });
		expect(await row(a)).toEqual(before);
		const registered = await admin
			.collection('devices')
			.getList(1, 1, { filter: admin.filter('device_id = {:d}', { d: unseen }) });
		expect(registered.totalItems).toBe(0);
		const stored = await admin
			.collection('results')
			.getList(1, 1, { filter: admin.filter('id = {:id}', { id: c.id }) });
		expect(stored.totalItems).toBe(0);

		// An older app's request, without counts, keeps what the row holds.
		await a.pb.send('/api/sync/pull', {
			method: 'GET',
			query: { device: a.id, since: 0 },
			requestKey: null
		});
		expect(await row(a)).toMatchObject({ pending: before.pending, failed: before.failed });
	});
});
