/**
 * The fault suite's checks (tests/faults/checks.ts) can fail: a clean sync
 * counts zero everywhere, and each kind of damage, made by hand on the real
 * server (through PocketBase's superuser SQL endpoint) or on a device, is
 * counted by its check. Without this, a check that silently matched nothing
 * (a wrong column, a wrong JSON path) would pass every fault run.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_IDS } from '../../scripts/lib/seed.mjs';
import { resultId } from '../../src/lib/sync/core/ids';
import { checkRun, type CheckInput, type Counts } from '../faults/checks';
import { makeFaultDevice, type FaultDevice, type Teacher } from '../faults/device';
import { startWorld, type FaultWorld } from '../faults/run';

const SHARED = DEMO_IDS.classes.shared;
const ASSESSMENT = DEMO_IDS.assessments['hop'] as string;
const PERIOD = DEMO_IDS.periods.term4;
const cell = (student: string) => ({
	id: resultId(student, SHARED, ASSESSMENT, PERIOD),
	key: { student, class: SHARED, assessment: ASSESSMENT, period: PERIOD }
});
const ONE = cell(DEMO_IDS.students[24] as string);
const TWO = cell(DEMO_IDS.students[23] as string);
/** Not in the shared class: the server refuses a result for them there. */
const NOT_IN_CLASS = cell(DEMO_IDS.students[60] as string);

let world: FaultWorld;
let a: FaultDevice;
let b: FaultDevice;

const device = (teacher: Teacher, name: string) =>
	makeFaultDevice({
		serverUrl: world.server.url,
		proxyUrl: world.proxy.url,
		teacher,
		name,
		storage: 'memory',
		seed: 1
	});

const counts = async (extra: Partial<CheckInput> = {}): Promise<Counts> =>
	(
		await checkRun({
			server: world.server,
			devices: [a, b],
			records: [ONE.id, TWO.id, NOT_IN_CLASS.id],
			officeRecords: new Set(),
			http5xx: 0,
			...extra
		})
	).counts;

const nonZero = (c: Counts) => Object.fromEntries(Object.entries(c).filter(([, n]) => n > 0));

async function syncAll(): Promise<void> {
	for (let round = 0; round < 2; round++) for (const d of [a, b]) await d.engine.syncNow();
}

beforeAll(async () => {
	world = await startWorld();
	a = await device('teacherA', 'ca');
	b = await device('teacherB', 'cb');
}, 60_000);
afterAll(async () => {
	await a?.close();
	await b?.close();
	await world?.close();
});

it('a clean sync counts zero; each kind of damage is counted by its check', async () => {
	const edit = async (d: FaultDevice, c: typeof ONE, fields: Record<string, string | number>) => {
		const res = await d.engine.edit('results', c.id, { ...c.key, ...fields });
		if (!res.ok) throw new Error(res.reason);
		return res.opId;
	};
	await edit(a, ONE, { notes: 'probe-1', 'values.c1': 1 });
	await edit(b, TWO, { notes: 'probe-2' });
	// A lost value, reported: B's later edit overwrites A's, which reached the server first.
	a.offline = b.offline = true;
	await edit(a, TWO, { 'values.c2': 1 });
	await new Promise((r) => setTimeout(r, 5));
	await edit(b, TWO, { 'values.c2': 0 });
	a.offline = false;
	await a.engine.syncNow();
	b.offline = false;
	// A refused edit, kept on the device as refused.
	const refused = await edit(a, NOT_IN_CLASS, { 'values.c1': 1 });
	await syncAll();
	expect(a.engine.state.rejected.map((r) => r.op.id)).toEqual([refused]);
	expect(nonZero(await counts())).toEqual({});

	// The notice deleted: a lost value without one (and A's replica still holds it).
	await world.server.sql(`DELETE FROM conflicts WHERE record = '${TWO.id}'`);
	expect(nonZero(await counts())).toEqual({ lostNoNotice: 1, replicaDiff: 1 });

	// The refused op dropped by the device.
	expect(await a.engine.discard(refused)).toBe(true);
	expect(nonZero(await counts())).toEqual({ lostNoNotice: 1, replicaDiff: 1, refusedAsSynced: 1 });

	// The server's value replaced under the same stamp: an acknowledged op lost,
	// and both replicas now differ from a fresh pull.
	await world.server.sql(`UPDATE results SET notes = 'tampered' WHERE id = '${ONE.id}'`);
	const tampered = await counts();
	expect(tampered.ackLost).toBe(1);
	expect(tampered.replicaDiff).toBe(3);

	// One change audited twice: an op applied twice.
	await world.server.sql(
		`INSERT INTO audit_log (id, collection, record, op, changes, conflict, device) VALUES ('probeaudit00001', 'results', '${TWO.id}', 'update', '{"notes":["","probe-2"]}', 0, 'probe')`
	);
	// Two results with one natural key: today a UNIQUE index of the schema
	// refuses it; should the index change (wire v2 puts the class in the key),
	// the check must count it.
	const dup = await world.server
		.sql(
			`INSERT INTO results (id, student, class, assessment, period, notes) SELECT 'probedupkey0001', student, class, assessment, period, notes FROM results WHERE id = '${TWO.id}'`
		)
		.then(
			() => null,
			(e: unknown) => (e as { message?: string }).message ?? String(e)
		);
	if (dup !== null) expect(dup).toMatch(/UNIQUE constraint failed: results\./);
	// Ops never synced.
	a.offline = true;
	await edit(a, ONE, { 'values.c3': 1 });
	const all = await counts({ http5xx: 2 });
	expect(all).toMatchObject({
		lostNoNotice: 1,
		refusedAsSynced: 1,
		ackLost: 1,
		appliedTwice: 1,
		dupKeys: dup === null ? 1 : 0,
		http5xx: 2,
		unhealed: 1,
		integrity: 0
	});
}, 60_000);
