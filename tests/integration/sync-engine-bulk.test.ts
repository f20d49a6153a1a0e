/**
 * The REAL sync engine against the REAL server, in bulk: 5,000 queued edits
 * flushing in batches, and a device that was offline for a month while others
 * made hundreds of changes. See sync-engine.test.ts for the harness.
 */
import 'fake-indexeddb/auto';
import type PocketBase from 'pocketbase';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_IDS, FMS_SKILLS } from '../../scripts/lib/seed.mjs';
import {
	PUSH_MAX_OPS,
	type Json,
	type SyncedCollection,
	type WireRecord
} from '../../src/lib/sync/core/types';
import { canonical, serverState, useSchool } from '../harness/devices';
import { resultId, studentsOf } from '../harness/sync';
import { SHARED, A_OWN, B_OWN, TEACHER_A } from '../harness/demo';

const PERIODS = ['term1', 'term2', 'term3', 'term4'].map(
	(t) => DEMO_IDS.periods[t as 'term1'] as string
);
const SKILL = (key: string) => DEMO_IDS.assessments[key as 'hop'] as string;

const school = useSchool();
const device = school.device;
let admin: PocketBase;
beforeAll(() => {
	({ admin } = school);
});

function key(
	student: string,
	cls: string,
	assessment: string,
	period: string
): Record<string, Json> {
	return { student, class: cls, assessment, period };
}

function valuesOf(record: WireRecord | undefined): Record<string, Json> {
	return (record?.['values'] ?? {}) as Record<string, Json>;
}

describe('the engine against the real server, in bulk', () => {
	it('5,000 queued edits flush completely, in batches, and the server holds exactly 5,000 cells', async () => {
		// 25 students × 10 checklists × 4 terms × 5 components = 5,000 distinct cells of 1,000 results.
		const students = studentsOf('teacherA');
		const skills = FMS_SKILLS.slice(0, 10).map((s: { key: string }) => SKILL(s.key));
		const a = await device('teacherA');
		await a.sync();
		a.net.offline = true;

		const expected = new Map<string, Record<string, number>>();
		const t0 = Date.now();
		let n = 0;
		let firstMs = 0;
		let lastStart = 0;
		for (const student of students) {
			for (const assessment of skills) {
				for (const period of PERIODS) {
					const id = resultId(student, A_OWN, assessment, period);
					const values: Record<string, number> = {};
					for (let c = 1; c <= 5; c++) {
						const v = (n++ * 7 + c) % 3 === 0 ? 0 : 1;
						values[`c${c}`] = v;
						const fields: Record<string, Json> =
							c === 1
								? { ...key(student, A_OWN, assessment, period), 'values.c1': v }
								: { [`values.c${c}`]: v };
						if (n === 501) firstMs = Date.now() - t0;
						if (n === 4501) lastStart = Date.now();
						const r = await a.engine.edit('results', id, fields);
						if (!r.ok) throw new Error(r.reason);
					}
					expected.set(id, values);
				}
			}
		}
		const editMs = Date.now() - t0;
		const lastMs = Date.now() - lastStart;
		expect(a.engine.pendingCount).toBe(5_000);

		const pushesBefore = a.net.pushes.length;
		a.net.offline = false;
		const t1 = Date.now();
		await a.sync();
		const flushMs = Date.now() - t1;
		const pushes = a.net.pushes.slice(pushesBefore);
		const largest = Math.max(...pushes.map((p) => p.ops.length));
		console.log(
			`[5,000 ops] queueing took ${editMs} ms (first 500 edits ${firstMs} ms, last 500 ${lastMs} ms); flush (push + pull) took ${flushMs} ms in ${pushes.length} push request(s), largest batch ${largest} ops; ` +
				`${pushes.filter((p) => p.error).length} failed request(s); push round trips ${pushes.map((p) => p.ms).join(', ')} ms`
		);

		expect(a.engine.pendingCount).toBe(0);
		expect(a.engine.state.rejected).toEqual([]);
		expect(largest).toBeLessThanOrEqual(PUSH_MAX_OPS);
		expect(pushes.length).toBeGreaterThanOrEqual(5_000 / PUSH_MAX_OPS);
		// Each op was applied exactly once.
		const sent = pushes.flatMap((p) => p.ops.map((o) => o.id));
		expect(new Set(sent).size).toBe(5_000);

		const onServer = await serverState(
			admin,
			'results',
			admin.filter('class = {:c}', { c: A_OWN })
		);
		let cells = 0;
		for (const [id, values] of expected) {
			const record = onServer.get(id);
			expect(valuesOf(record), id).toEqual(values);
			cells += Object.keys(valuesOf(record)).length;
		}
		expect(onServer.size).toBe(1_000);
		expect(cells).toBe(5_000);
		const audits = await admin
			.collection('audit_log')
			.getList(1, 1, { filter: admin.filter('device = {:d}', { d: a.id }) });
		expect(audits.totalItems).toBe(5_000);
		// The device holds what the server holds.
		for (const [id, record] of onServer)
			expect(canonical(a.engine.get('results', id)), id).toBe(canonical(record));
	}, 180_000);

	it('a device offline for a month while others made hundreds of changes ends with exactly the server’s state plus its own merged edits', async () => {
		const MONTH = 30 * 86_400_000;
		const shared = studentsOf('shared');
		const own = studentsOf('teacherA');
		const SKIP = SKILL('skip');
		const m = await device('teacherA');
		const b = await device('teacherB', { storage: 'memory' });
		const a2 = await device('teacherA', { storage: 'memory', name: 'a2' });
		await Promise.all([m.sync(), b.sync(), a2.sync()]);

		// A month ago, offline: c1…c3 of twenty students, and notes.
		m.net.offline = true;
		m.clockOffsetMs = -MONTH;
		for (let i = 0; i < 20; i++) {
			const s = shared[i] as string;
			const fields: Record<string, Json> = {
				...key(s, SHARED, SKIP, PERIODS[0] as string),
				'values.c1': 1,
				'values.c2': i % 2,
				'values.c3': 1
			};
			if (i < 5) fields['notes'] = `month-old note ${i}`;
			expect(
				await m.engine.edit('results', resultId(s, SHARED, SKIP, PERIODS[0] as string), fields)
			).toMatchObject({ ok: true });
		}

		// Meanwhile: teacher B records skip c3…c5 for the whole shared class in
		// every term (overlapping c3 of term 1), and tombstones two results;
		// teacher A on another device fills in her own class (500 results).
		for (const period of PERIODS) {
			for (const s of shared) {
				const r = await b.engine.edit('results', resultId(s, SHARED, SKIP, period), {
					...key(s, SHARED, SKIP, period),
					'values.c3': 0,
					'values.c4': 1,
					'values.c5': 1
				});
				if (!r.ok) throw new Error(r.reason);
			}
		}
		await b.sync();
		await b.engine.remove(
			'results',
			resultId(shared[0] as string, SHARED, SKIP, PERIODS[0] as string)
		); // m edited it too
		await b.engine.remove(
			'results',
			resultId(shared[24] as string, SHARED, SKIP, PERIODS[0] as string)
		);
		await b.sync();
		for (const skill of ['catch', 'leap', 'kick', 'overarm_throw', 'two_hand_strike']) {
			for (const period of PERIODS) {
				for (const s of own) {
					const r = await a2.engine.edit('results', resultId(s, A_OWN, SKILL(skill), period), {
						...key(s, A_OWN, SKILL(skill), period),
						'values.c1': 1,
						'values.c2': 0
					});
					if (!r.ok) throw new Error(r.reason);
				}
			}
		}
		await a2.sync();
		// And the office corrects a name in the admin UI.
		await admin
			.collection('students')
			.update(own[3] as string, { given_name: 'Renamed-by-office' });

		// A month later, back online.
		m.clockOffsetMs = 0;
		m.net.offline = false;
		const pullsBefore = m.net.pushes.length;
		await m.sync();
		expect(m.engine.pendingCount).toBe(0);
		expect(m.engine.state.rejected).toEqual([]);
		expect(m.net.pushes.length - pullsBefore).toBeGreaterThanOrEqual(1);

		// Exactly the server's state, collection by collection, in teacher A's scope.
		const u = TEACHER_A;
		const scope: [SyncedCollection, string][] = [
			['classes', admin.filter('teachers.id ?= {:u}', { u })],
			['students', admin.filter('classes.teachers.id ?= {:u}', { u })],
			['periods', ''],
			['assessments', ''],
			['results', admin.filter('class.teachers.id ?= {:u}', { u })],
			['attempts', admin.filter('student.classes.teachers.id ?= {:u}', { u })],
			['observations', admin.filter('class.teachers.id ?= {:u}', { u })],
			['conflicts', admin.filter('user = {:u}', { u })]
		];
		let compared = 0;
		for (const [collection, filter] of scope) {
			const onServer = await serverState(admin, collection, filter);
			const mismatched: string[] = [];
			for (const [id, record] of onServer) {
				if (canonical(m.engine.get(collection, id)) !== canonical(record)) mismatched.push(id);
				compared++;
			}
			expect(
				mismatched,
				`${collection}: records that differ from the server (e.g. ${mismatched[0]}: device ${canonical(m.engine.get(collection, mismatched[0] ?? ''))} server ${canonical(onServer.get(mismatched[0] ?? ''))})`
			).toEqual([]);
			const extra = m.engine.list(collection).filter((r) => !onServer.has(r.id));
			expect(
				extra.map((r) => r.id),
				`${collection}: records the server does not have in scope`
			).toEqual([]);
		}
		expect(compared).toBeGreaterThan(700);
		expect(m.engine.list('results', (r) => r['class'] === B_OWN)).toEqual([]);

		// Its own edits merged: c1, c2 and notes are the device's; c3 is B's later 0.
		for (let i = 0; i < 20; i++) {
			const r = m.engine.get(
				'results',
				resultId(shared[i] as string, SHARED, SKIP, PERIODS[0] as string)
			);
			expect(valuesOf(r)).toEqual({ c1: 1, c2: i % 2, c3: 0, c4: 1, c5: 1 });
			if (i < 5) expect(r?.['notes']).toBe(`month-old note ${i}`);
			expect(r?.deleted).toBe(i === 0);
		}
		expect(m.engine.get('students', own[3] as string)?.['given_name']).toBe('Renamed-by-office');
		// And the others see them.
		await b.sync();
		const sharedOnServer = await serverState(
			admin,
			'results',
			admin.filter('class = {:c}', { c: SHARED })
		);
		for (const [id, record] of sharedOnServer)
			expect(canonical(b.engine.get('results', id)), id).toBe(canonical(record));
	}, 120_000);
});
