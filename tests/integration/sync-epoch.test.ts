/**
 * The epoch of the server's data, against a real PocketBase: every answer
 * names it; a pull under another epoch, or with a cursor ahead of the
 * server's, is answered `reset`; and a real backup restore (PocketBase's
 * backups API) refuses pushes with a retryable 503 until the restart, comes
 * back under a new epoch, and the real device engine (HTTP transport) gives
 * the restored server back the edits it lost, without overwriting newer ones.
 */
import 'fake-indexeddb/auto';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PocketBase from 'pocketbase';
import { describe, expect, it } from 'vitest';
import { startPocketBase } from '../../scripts/lib/pocketbase.mjs';
import { DEMO_SUPERUSER } from '../../scripts/lib/seed.mjs';
import type { Json, WireRecord } from '../../src/lib/sync/core/types';
import { canonical, serverRecord, waitFor, useSchool, type Device } from '../harness/devices';
import { login, pull, push, resultId, resultOp, stamp } from '../harness/sync';
import { BALANCE, TERM1, TERM2, SHARED, SHARED_STUDENTS } from '../harness/demo';

const school = useSchool();

function cell(student: string, period: string) {
	return {
		id: resultId(student, BALANCE, period),
		key: { student, class: SHARED, assessment: BALANCE, period } as Record<string, Json>
	};
}

const valuesOf = (record: WireRecord | undefined) =>
	(record?.['values'] ?? {}) as Record<string, Json>;

async function teacher(key: 'teacherA' | 'teacherB'): Promise<PocketBase> {
	const user = login(key);
	return school.server.as(user.email, user.password);
}

async function status(
	pb: PocketBase,
	device: string
): Promise<{ status: number; body: { epoch?: string } }> {
	const res = await fetch(`${pb.baseURL}/api/sync/status?device=${device}`, {
		headers: { authorization: pb.authStore.token }
	});
	return { status: res.status, body: (await res.json()) as { epoch?: string } };
}

async function pullWith(pb: PocketBase, query: string) {
	const res = await fetch(`${pb.baseURL}/api/sync/pull?${query}`, {
		headers: { authorization: pb.authStore.token }
	});
	return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The server's epoch as a pull answers it, once the server answers at all. */
async function currentEpoch(pb: PocketBase, device: string): Promise<string | null> {
	try {
		const res = await pull(pb, device, 0, 1);
		return res.status === 200 && typeof res.body.epoch === 'string' ? res.body.epoch : null;
	} catch {
		return null; // restarting
	}
}

describe('epoch', () => {
	it('every push, pull and status answer carries the same epoch', async () => {
		const a = await teacher('teacherA');
		const device = 'dev_epoch_answers';
		const c = cell(SHARED_STUDENTS[0] as string, TERM1);
		const pushed = await push(a, {
			device,
			ops: [
				resultOp({
					student: c.key['student'] as string,
					cls: SHARED,
					assessment: BALANCE,
					period: TERM1,
					fields: { 'values.c1': 1 },
					stamp: stamp(Date.now(), 0, device)
				})
			]
		});
		expect(pushed.status).toBe(200);
		const epoch = pushed.body.epoch;
		expect(epoch).toMatch(/^[a-z0-9]{16}$/);
		const pulled = await pull(a, device, 0);
		expect(pulled.status).toBe(200);
		expect(pulled.body.epoch).toBe(epoch);
		expect(pulled.body.reset).toBeUndefined();
		const st = await status(a, device);
		expect(st.status).toBe(200);
		expect(st.body.epoch).toBe(epoch);
	});

	it('answers a pull under another epoch, or with a cursor ahead of the server, with reset; refuses a push for another epoch with 409', async () => {
		const a = await teacher('teacherA');
		const device = 'dev_epoch_reset';
		const first = await pull(a, device, 0);
		const epoch = first.body.epoch as string;
		const cursor = first.body.cursor;
		// The device's own epoch and cursor: an ordinary (empty) page.
		const same = await pullWith(a, `device=${device}&since=${cursor}&epoch=${epoch}`);
		expect(same.body).toMatchObject({ changes: [], cursor, more: false, epoch });
		expect(same.body['reset']).toBeUndefined();
		const RESET = { changes: [], cursor: 0, more: false, reset: true, epoch };
		const other = await pullWith(a, `device=${device}&since=${cursor}&epoch=zzzzzzzzzzzzzzzz`);
		expect(other).toMatchObject({ status: 200, body: RESET });
		const ahead = await pullWith(a, `device=${device}&since=${cursor + 1000}&epoch=${epoch}`);
		expect(ahead).toMatchObject({ status: 200, body: RESET });
		// A client that sends no epoch (an older app) is still told when its cursor is ahead.
		const noEpoch = await pullWith(a, `device=${device}&since=${cursor + 1}`);
		expect(noEpoch).toMatchObject({ status: 200, body: RESET });
		// A push for another epoch's data is refused whole, and changes nothing.
		const c = cell(SHARED_STUDENTS[3] as string, TERM1);
		const ops = [
			resultOp({
				student: c.key['student'] as string,
				cls: SHARED,
				assessment: BALANCE,
				period: TERM1,
				fields: { 'values.c1': 1 },
				stamp: stamp(Date.now(), 0, device)
			})
		];
		const wrong = await fetch(`${a.baseURL}/api/sync/push?epoch=zzzzzzzzzzzzzzzz`, {
			method: 'POST',
			headers: { authorization: a.authStore.token, 'content-type': 'application/json' },
			body: JSON.stringify({ device, ops })
		});
		expect(wrong.status).toBe(409);
		expect(await wrong.json()).toMatchObject({ status: 409, code: 'epoch_changed', epoch });
		expect(await serverRecord(school.admin, 'results', c.id)).toBeUndefined();
		const right = await fetch(`${a.baseURL}/api/sync/push?epoch=${epoch}`, {
			method: 'POST',
			headers: { authorization: a.authStore.token, 'content-type': 'application/json' },
			body: JSON.stringify({ device, ops })
		});
		expect(right.status).toBe(200);
		expect(valuesOf(await serverRecord(school.admin, 'results', c.id))).toEqual({ c1: 1 });
	});

	it('a backup restore: pushes get 503 until the restart, the epoch changes, and a device re-sends what the restored server lost', async () => {
		const { admin } = school;
		const d: Device = await school.device('teacherA', { storage: 'memory' });
		const b: Device = await school.device('teacherB', { storage: 'memory' });
		const kept = cell(SHARED_STUDENTS[1] as string, TERM1);
		const created = cell(SHARED_STUDENTS[2] as string, TERM2);

		// Before the backup: c1 of `kept`.
		await d.engine.edit('results', kept.id, { ...kept.key, 'values.c1': 1 });
		await d.sync();
		expect(valuesOf(await serverRecord(admin, 'results', kept.id))).toEqual({ c1: 1 });
		await admin.send('/api/backups', { method: 'POST', body: { name: 'before_edits.zip' } });

		// After the backup, acknowledged: c2 and c3 of `kept`, and a new result.
		await d.engine.edit('results', kept.id, { 'values.c2': 1 });
		await d.engine.edit('results', kept.id, { 'values.c3': 0 });
		await d.engine.edit('results', created.id, { ...created.key, 'values.c1': 0 });
		await d.sync();
		expect(d.engine.pendingCount).toBe(0);
		const watcher = await teacher('teacherA');
		const before = await currentEpoch(watcher, 'dev_epoch_watcher');
		expect(before).not.toBeNull();

		await admin.send('/api/backups/before_edits.zip/restore', { method: 'POST' });
		// From the request on, pushes are refused with a retryable 503.
		const during = await push(await teacher('teacherB'), {
			device: 'dev_epoch_window',
			ops: [
				resultOp({
					student: kept.key['student'] as string,
					cls: SHARED,
					assessment: BALANCE,
					period: TERM1,
					fields: { notes: 'lost?' },
					stamp: stamp(Date.now(), 0, 'dev_epoch_window')
				})
			]
		});
		expect(during.status).toBe(503);
		// The device keeps an edit made in the window and backs off.
		await d.engine.edit('results', kept.id, { notes: 'in the window' });
		// …also of the result made after the backup, which the restore will take away.
		await d.engine.edit('results', created.id, { 'values.c2': 1 });
		await d.engine.syncNow().catch(() => undefined);
		expect(d.engine.pendingCount).toBe(2);

		// PocketBase swaps the data and restarts itself (execve) a second later.
		let after: string | null = null;
		await waitFor(
			async () => {
				after = await currentEpoch(watcher, 'dev_epoch_watcher');
				return after !== null && after !== before;
			},
			30_000,
			'the server to come back under a new epoch'
		);
		const restored = await serverRecord(admin, 'results', kept.id);
		expect(valuesOf(restored)).toEqual({ c1: 1 });
		expect(await serverRecord(admin, 'results', created.id)).toBeUndefined();

		// Teacher B, after the restore and before d is back, sets c3 of `kept`:
		// newer than d's lost c3, which must not overwrite it.
		await b.sync();
		await b.engine.edit('results', kept.id, { 'values.c3': 1 });
		await b.sync();

		await waitFor(
			async () => {
				await d.engine.syncNow();
				return d.engine.state.phase === 'idle' && d.engine.pendingCount === 0;
			},
			30_000,
			'the device to re-send its lost edits'
		);
		const final = await serverRecord(admin, 'results', kept.id);
		expect(valuesOf(final)).toEqual({ c1: 1, c2: 1, c3: 1 });
		expect(final?.['notes']).toBe('in the window');
		expect(valuesOf(await serverRecord(admin, 'results', created.id))).toEqual({ c1: 0, c2: 1 });
		expect(d.engine.rejected).toEqual([]);
		expect(d.logLines.some((l) => l.includes('restored or replaced'))).toBe(true);
		// The device's push in the window was refused as a restore, and retried.
		expect(d.net.pushes.some((p) => p.error?.includes('restored'))).toBe(true);

		// The device's replica equals what the server holds (after one more pull).
		await d.sync();
		for (const id of [kept.id, created.id]) {
			const held = await serverRecord(admin, 'results', id);
			expect(canonical(d.engine.get('results', id))).toBe(canonical(held));
		}
	}, 90_000);

	it('a data.db copied back by hand over newer data gets a new epoch; a plain restart keeps it', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'markbook-epoch-'));
		const saved = mkdtempSync(join(tmpdir(), 'markbook-epoch-copy-'));
		let pb: Awaited<ReturnType<typeof startPocketBase>> | null = null;
		const start = async () => {
			pb = await startPocketBase({ dataDir: dir, superuser: DEMO_SUPERUSER });
			const office = new PocketBase(pb.url);
			await office
				.collection('_superusers')
				.authWithPassword(DEMO_SUPERUSER.email, DEMO_SUPERUSER.password);
			return office;
		};
		const epochOf = async (office: PocketBase) =>
			(await office.collection('sync_state').getOne('markbooksyncsta'))['epoch'] as string;
		const stop = async () => {
			await pb?.stop();
			pb = null;
		};
		try {
			const first = await epochOf(await start());
			expect(first).toMatch(/^[a-z0-9]{16}$/);
			await stop();
			// The file copy an IT person keeps (the server is stopped: no WAL left over).
			for (const f of ['data.db', 'data.db-wal']) {
				if (existsSync(join(dir, f))) copyFileSync(join(dir, f), join(saved, f));
			}

			const office = await start();
			expect(await epochOf(office)).toBe(first);
			await office
				.collection('periods')
				.create({ name: 'Term 9', starts: '2026-01-01 00:00:00Z', ends: '2026-03-01 00:00:00Z' });
			await stop();

			// The old file copied back over the newer data.
			for (const f of ['data.db', 'data.db-wal', 'data.db-shm'])
				rmSync(join(dir, f), { force: true });
			for (const f of ['data.db', 'data.db-wal']) {
				if (existsSync(join(saved, f))) copyFileSync(join(saved, f), join(dir, f));
			}
			const back = await start();
			const rotated = await epochOf(back);
			expect(rotated).not.toBe(first);
		} finally {
			await stop();
			rmSync(dir, { recursive: true, force: true });
			rmSync(saved, { recursive: true, force: true });
		}
	}, 90_000);
});
