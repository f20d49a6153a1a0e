/**
 * Realtime against the REAL server: the hooks broadcast committed changes on
 * the sync topic (pb_hooks/sync/realtime.js), filtered per subscriber to what
 * its user may read, and the engine's HTTP transport folds them into the
 * replica without a pull. Node 20 has no EventSource: tests/harness/event-source.ts.
 */
import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Json } from '../../src/lib/sync/core/types';
import { canonical, serverRecord, useSchool, waitFor, type Device } from '../harness/devices';
import { installEventSource } from '../harness/event-source';
import { resultId } from '../harness/sync';
import {
	A_OWN,
	A_STUDENTS,
	B_OWN,
	B_STUDENTS,
	HOP,
	SHARED,
	SHARED_STUDENTS,
	TERM1,
	TERM2
} from '../harness/demo';

installEventSource();
const school = useSchool();

function key(student: string, cls: string, period = TERM1): Record<string, Json> {
	return { student, class: cls, assessment: HOP, period };
}

/** A device following realtime, with its subscription up (first PB_CONNECT seen). */
async function live(teacher: 'teacherA' | 'teacherB' | 'coordinator'): Promise<Device> {
	const d = await school.device(teacher, { realtime: true, storage: 'memory' });
	await d.sync();
	await waitFor(() => d.net.connects > 0, 10_000, `${teacher}'s realtime connection`);
	// The SDK subscribes right after PB_CONNECT; give its POST a moment.
	await new Promise((r) => setTimeout(r, 200));
	return d;
}

const seenIds = (d: Device) =>
	d.net.realtime.map((r) => `${r.change.collection}/${r.change.record.id}`);

describe('realtime on the sync topic', () => {
	beforeAll(() => undefined);

	it('delivers a pushed edit to other devices without a pull, each only what its user may read', async () => {
		const [a, b, coord] = [
			await live('teacherA'),
			await live('teacherB'),
			await live('coordinator')
		];
		const ownId = resultId(A_STUDENTS[0] as string, A_OWN, HOP, TERM1);
		const sharedId = resultId(SHARED_STUDENTS[0] as string, SHARED, HOP, TERM1);
		expect(
			await a.engine.edit('results', ownId, {
				...key(A_STUDENTS[0] as string, A_OWN),
				'values.c1': 1
			})
		).toMatchObject({ ok: true });
		expect(
			await a.engine.edit('results', sharedId, {
				...key(SHARED_STUDENTS[0] as string, SHARED),
				'values.c2': 1
			})
		).toMatchObject({ ok: true });
		await a.sync();
		const onServer = await serverRecord(school.admin, 'results', ownId);
		// The coordinator reads everything; teacher B the shared class only.
		await waitFor(
			() => canonical(coord.engine.get('results', ownId)) === canonical(onServer),
			5_000,
			'the coordinator to hear of it'
		);
		await waitFor(
			() => b.engine.get('results', sharedId)?.['values'] !== undefined,
			5_000,
			'teacher B to hear of the shared class'
		);
		expect(canonical(b.engine.get('results', sharedId))).toBe(
			canonical(await serverRecord(school.admin, 'results', sharedId))
		);
		// Wait a little for anything that should not come.
		await new Promise((r) => setTimeout(r, 300));
		expect(seenIds(b)).not.toContain(`results/${ownId}`);
		expect(b.engine.get('results', ownId)).toBeUndefined();
		expect(seenIds(coord)).toContain(`results/${ownId}`);
	});

	it('sends conflict notices only to the teacher they belong to', async () => {
		const [a, b] = [await live('teacherA'), await live('teacherB')];
		const id = resultId(SHARED_STUDENTS[1] as string, SHARED, HOP, TERM2);
		const fields = key(SHARED_STUDENTS[1] as string, SHARED, TERM2);
		// A writes c3 offline; B, never having seen it, writes c3 later and pushes
		// first. A's value loses when she reconnects: the notice is hers.
		a.net.offline = true;
		await a.engine.edit('results', id, { ...fields, 'values.c3': 1 });
		await new Promise((r) => setTimeout(r, 5));
		await b.engine.edit('results', id, { ...fields, 'values.c3': 0 });
		await b.sync();
		a.net.offline = false;
		await a.sync();
		await waitFor(
			() => a.net.realtime.some((r) => r.change.collection === 'conflicts'),
			5_000,
			'A to hear of her conflict notice'
		);
		const notice = a.net.realtime.find((r) => r.change.collection === 'conflicts')?.change.record;
		expect(notice?.['user']).toBe(a.userId);
		expect(notice?.['record']).toBe(id);
		await new Promise((r) => setTimeout(r, 300));
		expect(b.net.realtime.some((r) => r.change.collection === 'conflicts')).toBe(false);
	});

	it('delivers an edit made in the admin UI (record hooks) to the devices in scope', async () => {
		const [a, b] = [await live('teacherA'), await live('teacherB')];
		const student = A_STUDENTS[2] as string;
		await school.admin.collection('students').update(student, { given_name: 'Renamed-live' });
		await waitFor(
			() => a.engine.get('students', student)?.['given_name'] === 'Renamed-live',
			5_000,
			'A to hear of the rename'
		);
		expect(canonical(a.engine.get('students', student))).toBe(
			canonical(await serverRecord(school.admin, 'students', student))
		);
		await new Promise((r) => setTimeout(r, 300));
		expect(seenIds(b)).not.toContain(`students/${student}`);
		// And one in B's own class reaches B, not A.
		const bStudent = B_STUDENTS[0] as string;
		await school.admin.collection('students').update(bStudent, { family_name: 'Live-B' });
		await waitFor(
			() => b.engine.get('students', bStudent)?.['family_name'] === 'Live-B',
			5_000,
			'B to hear of it'
		);
		expect(seenIds(a)).not.toContain(`students/${bStudent}`);
		expect(B_OWN).not.toBe(A_OWN);
	});

	it('reaches 10 subscribed devices quickly after the push commits (figure logged)', async () => {
		const followers: Device[] = [];
		for (let i = 0; i < 10; i++)
			followers.push(await live(i % 2 === 0 ? 'teacherB' : 'coordinator'));
		const a = await live('teacherA');
		const lat: number[] = [];
		for (let round = 0; round < 5; round++) {
			const id = resultId(SHARED_STUDENTS[3 + round] as string, SHARED, HOP, TERM1);
			await a.engine.edit('results', id, {
				...key(SHARED_STUDENTS[3 + round] as string, SHARED),
				'values.c4': 1
			});
			const t0 = Date.now();
			await a.sync();
			await waitFor(
				() => followers.every((f) => f.engine.get('results', id) !== undefined),
				5_000,
				'every follower'
			);
			lat.push(Date.now() - t0);
		}
		lat.sort((x, y) => x - y);
		console.log(
			`[realtime] one edit pushed → held by all 10 followers: ${lat.join(', ')} ms (push round trip included)`
		);
		expect(lat.length).toBe(5);
	}, 60_000);
});
