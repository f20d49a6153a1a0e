/**
 * Property: several REAL engines (teachers A and B on the shared class) make
 * random edits against the REAL server while their networks go up and down,
 * answers get lost and syncs run in random order. After everyone syncs twice,
 * every replica equals the server for those records, and the server equals a
 * reference model of the merge rules computed from the ops the devices sent:
 * per cell, the value of the largest stamp (clamped stamps as the server
 * reported them).
 *
 * Replay a failure with SEED=<seed> (printed below and by fast-check).
 */
import 'fake-indexeddb/auto';
import fc from 'fast-check';
import type PocketBase from 'pocketbase';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_IDS, FMS_SKILLS } from '../../scripts/lib/seed.mjs';
import { getPath } from '../../src/lib/sync/core/paths';
import type { Json, Stamp, WireRecord } from '../../src/lib/sync/core/types';
import { canonical, makeDevice, serverRecord, type Device, type Teacher } from '../harness/devices';
import { startTestServer, type TestServer } from '../harness/pocketbase';
import { resultId, studentsOf } from '../harness/sync';
import { SHARED } from '../harness/demo';

const PERIODS = ['term1', 'term2', 'term3', 'term4'].map(
	(t) => DEMO_IDS.periods[t as 'term1'] as string
);
const SKILLS = FMS_SKILLS.map(
	(s: { key: string }) => DEMO_IDS.assessments[s.key as 'hop'] as string
);
const STUDENTS = studentsOf('shared').slice(20, 22);
const PATHS = ['values.c1', 'values.c2', 'values.c3', 'values.c4', 'values.c5', 'notes'] as const;
/** The cells the model follows: the edited paths and the tombstone. */
const CELLS = [...PATHS, 'deleted'] as const;
const NOTES = ['', 'left foot', 'right foot', 'needs another go', 'ok'];
const TEACHERS: Teacher[] = ['teacherA', 'teacherB', 'teacherA'];

let server: TestServer;
let admin: PocketBase;

beforeAll(async () => {
	server = await startTestServer({ seed: true });
	admin = await server.admin();
}, 60_000);
afterAll(() => server?.stop());

type Command =
	| { t: 'edit'; d: number; s: number; path: (typeof PATHS)[number]; v: number }
	| { t: 'remove'; d: number; s: number }
	| { t: 'offline'; d: number; on: boolean }
	| { t: 'lose'; d: number }
	| { t: 'sync'; d: number }
	| { t: 'syncInBackground'; d: number }
	| { t: 'wait'; ms: number };

const command: fc.Arbitrary<Command> = fc.oneof(
	{
		weight: 6,
		arbitrary: fc.record({
			t: fc.constant('edit' as const),
			d: fc.nat(2),
			s: fc.nat(1),
			path: fc.constantFrom(...PATHS),
			v: fc.nat(4)
		})
	},
	{
		weight: 1,
		arbitrary: fc.record({ t: fc.constant('remove' as const), d: fc.nat(2), s: fc.nat(1) })
	},
	{
		weight: 2,
		arbitrary: fc.record({ t: fc.constant('offline' as const), d: fc.nat(2), on: fc.boolean() })
	},
	{ weight: 1, arbitrary: fc.record({ t: fc.constant('lose' as const), d: fc.nat(2) }) },
	{ weight: 2, arbitrary: fc.record({ t: fc.constant('sync' as const), d: fc.nat(2) }) },
	{
		weight: 1,
		arbitrary: fc.record({ t: fc.constant('syncInBackground' as const), d: fc.nat(2) })
	},
	{
		weight: 1,
		arbitrary: fc.record({ t: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 400 }) })
	}
);

function valueFor(path: string, v: number): Json {
	return path === 'notes' ? (NOTES[v] as string) : v % 2;
}

function valueAt(record: WireRecord, path: string): Json {
	return path === 'deleted' ? record.deleted === true : ((getPath(record, path) ?? null) as Json);
}

let run = 0;

async function check(replicas: number, commands: Command[]): Promise<void> {
	// Each run gets cells of its own (and the model starts from the server's state anyway).
	const n = run++;
	const assessment = SKILLS[n % SKILLS.length] as string;
	const period = PERIODS[Math.floor(n / SKILLS.length) % PERIODS.length] as string;
	const records = STUDENTS.map((s) => ({
		id: resultId(s, SHARED, assessment, period),
		key: { student: s, class: SHARED, assessment, period } as Record<string, Json>
	}));
	const initial = new Map<string, WireRecord | undefined>();
	for (const r of records) initial.set(r.id, await serverRecord(admin, 'results', r.id));

	const devices: Device[] = [];
	const background: Promise<void>[] = [];
	try {
		for (let i = 0; i < replicas; i++)
			devices.push(
				await makeDevice(server, TEACHERS[i] as Teacher, { storage: 'memory', name: `p${i}` })
			);
		await Promise.all(devices.map((d) => d.sync()));
		for (const c of commands) {
			const d = 'd' in c ? devices[c.d % replicas] : undefined;
			if (c.t === 'edit' && d) {
				const r = records[c.s] as (typeof records)[number];
				const res = await d.engine.edit('results', r.id, {
					...r.key,
					[c.path]: valueFor(c.path, c.v)
				});
				expect(res, JSON.stringify(c)).toMatchObject({ ok: true });
			} else if (c.t === 'remove' && d) {
				// A tombstone, of a result this device knows (a delete carries no natural key).
				const r = records[c.s] as (typeof records)[number];
				if (d.engine.get('results', r.id))
					expect(await d.engine.remove('results', r.id), JSON.stringify(c)).toMatchObject({
						ok: true
					});
			} else if (c.t === 'offline' && d) d.net.offline = c.on;
			else if (c.t === 'lose' && d) d.net.loseAnswers++;
			else if (c.t === 'sync' && d) await d.engine.syncNow();
			else if (c.t === 'syncInBackground' && d) background.push(d.engine.syncNow());
			else if (c.t === 'wait') await new Promise((r) => setTimeout(r, c.ms));
		}
		await Promise.all(background);
		for (const d of devices) {
			d.net.offline = false;
			d.net.loseAnswers = 0;
		}
		for (let round = 0; round < 2; round++) for (const d of devices) await d.sync();

		// The reference model: per cell, the largest stamp among the initial
		// state and every op that reached the server.
		const model = new Map<string, { stamp: Stamp; value: Json }>();
		const consider = (record: string, path: string, stamp: Stamp, value: Json) => {
			const k = `${record} ${path}`;
			const cur = model.get(k);
			if (!cur || stamp > cur.stamp) model.set(k, { stamp, value });
		};
		for (const [id, rec] of initial) {
			for (const path of CELLS) {
				const stamp = rec?.stamps[path];
				if (rec && stamp) consider(id, path, stamp, valueAt(rec, path));
			}
		}
		const seen = new Set<string>();
		for (const d of devices) {
			expect(d.engine.pendingCount, d.id).toBe(0);
			expect(d.engine.state.rejected, d.id).toEqual([]);
			const clamps = new Map<string, Stamp>();
			for (const p of d.net.pushes)
				for (const r of p.results ?? []) if (r.clamped) clamps.set(r.id, r.clamped.to);
			for (const p of d.net.pushes) {
				if (!p.reached) continue;
				for (const op of p.ops) {
					if (seen.has(op.id)) continue;
					seen.add(op.id);
					const stamp = clamps.get(op.id) ?? op.stamp;
					for (const path of PATHS)
						if (path in op.fields) consider(op.record, path, stamp, op.fields[path] as Json);
					if (op.delete === true) consider(op.record, 'deleted', stamp, true);
				}
			}
		}

		for (const r of records) {
			const onServer = await serverRecord(admin, 'results', r.id);
			for (const path of CELLS) {
				const want = model.get(`${r.id} ${path}`);
				const got = onServer
					? { stamp: onServer.stamps[path], value: valueAt(onServer, path) }
					: undefined;
				expect(
					got?.stamp === undefined ? undefined : got,
					`${r.id} ${path}: server vs model`
				).toEqual(want);
			}
			for (const d of devices)
				expect(canonical(d.engine.get('results', r.id)), `${d.id} ${r.id}`).toBe(
					canonical(onServer)
				);
		}
	} finally {
		await Promise.all(background.map((p) => p.catch(() => undefined)));
		await Promise.all(devices.map((d) => d.close()));
	}
}

it('replicas with random edits, outages, lost answers and sync orders converge to the server and to the merge model', async () => {
	const seed = process.env['SEED']
		? Number(process.env['SEED'])
		: Math.floor(Math.random() * 2 ** 31);
	console.log(`[property] seed ${seed} (replay with SEED=${seed})`);
	await fc.assert(
		fc.asyncProperty(
			fc.integer({ min: 2, max: 3 }),
			fc.array(command, { minLength: 5, maxLength: 25 }),
			(replicas, commands) => check(replicas, commands)
		),
		{ numRuns: Number(process.env['PROPERTY_RUNS'] ?? 12), seed, endOnFailure: true }
	);
}, 200_000);
