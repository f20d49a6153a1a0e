import { afterEach, describe, expect, it } from 'vitest';
import { resultId, resultIdV1 } from './core/ids';
import { formatStamp } from './core/stamp';
import type { Op, WireRecord } from './core/types';
import { OUTBOX_PREFIX, type OutboxEntry } from './outbox';
import { REPLICA_PREFIX, type StoredRecord } from './replica';
import { REKEY_V2_DONE_KEY, rekeyResultsV2 } from './rekey';
import { createMemoryStorage } from './storage/memory';
import {
	ASSESSMENT,
	CLASS,
	createHarness,
	PERIOD,
	recordingLog,
	RESULT,
	RESULT_KEY,
	STUDENT,
	type Harness
} from './testing';
import type { Storage } from './ports';

const T0 = 1_767_225_600_000;
const OLD = resultIdV1(STUDENT, ASSESSMENT, PERIOD);
const STUDENT2 = 'stu000000000002';
const OLD2 = resultIdV1(STUDENT2, ASSESSMENT, PERIOD);
const NEW2 = resultId(STUDENT2, CLASS, ASSESSMENT, PERIOD);
const serverStamp = formatStamp(T0 - 500, 0, 'server');

/** RESULT as the server held it before the update, under its v1 id, with a = 1. */
function v1Record(): WireRecord {
	return {
		id: OLD,
		...RESULT_KEY,
		values: { a: 1 },
		stamps: {
			student: serverStamp,
			class: serverStamp,
			assessment: serverStamp,
			period: serverStamp,
			'values.a': serverStamp
		},
		seq: 5,
		deleted: false
	};
}

function entry(seq: number, op: Op): OutboxEntry {
	return { seq, op, state: 'pending', enqueuedAt: T0 - 100 };
}

/** A device that was offline across the update: a v1 replica and two edits queued under v1 ids. */
async function v1Device(): Promise<Storage> {
	const storage = createMemoryStorage();
	const stored: StoredRecord = { record: v1Record(), syncedAt: T0 - 400 };
	const edit: Op = {
		id: '0190a000-0000-7000-8000-000000000001',
		collection: 'results',
		record: OLD,
		fields: { 'values.b': 5 }, // an edit of a result the server had: no key fields
		stamp: formatStamp(T0 - 200, 0, 'dev_test'),
		base: { 'values.b': null }
	};
	const create: Op = {
		id: '0190a000-0000-7000-8000-000000000002',
		collection: 'results',
		record: OLD2,
		fields: {
			student: STUDENT2,
			class: CLASS,
			assessment: ASSESSMENT,
			period: PERIOD,
			'values.c': 7
		},
		stamp: formatStamp(T0 - 150, 0, 'dev_test'),
		base: {}
	};
	const notice: StoredRecord = {
		record: {
			id: 'cnf000000000001',
			collection: 'results',
			record: OLD,
			field: 'values.a',
			status: 'open',
			user: 'usr000000000001',
			stamps: {},
			seq: 6,
			deleted: false
		},
		syncedAt: T0 - 400
	};
	await storage.setMany([
		[REPLICA_PREFIX + 'results/' + OLD, stored],
		[REPLICA_PREFIX + 'conflicts/cnf000000000001', notice],
		[OUTBOX_PREFIX + '000000000001', entry(1, edit)],
		[OUTBOX_PREFIX + '000000000002', entry(2, create)]
	]);
	return storage;
}

describe('rekeyResultsV2', () => {
	it('moves replica results, queued ops and notices from v1 to v2 ids, once', async () => {
		const storage = await v1Device();
		const log = recordingLog();
		expect(await rekeyResultsV2(storage, log)).toBe(3);
		expect(await storage.get(REPLICA_PREFIX + 'results/' + OLD)).toBeUndefined();
		const moved = await storage.get<StoredRecord>(REPLICA_PREFIX + 'results/' + RESULT);
		expect(moved?.record).toEqual({ ...v1Record(), id: RESULT });
		const ops = await storage.keys(OUTBOX_PREFIX);
		const records = await Promise.all(
			ops.map(async (k) => (await storage.get<OutboxEntry>(k))?.op.record)
		);
		expect(records).toEqual([RESULT, NEW2]);
		const notice = await storage.get<StoredRecord>(REPLICA_PREFIX + 'conflicts/cnf000000000001');
		expect(notice?.record['record']).toBe(RESULT);
		expect(await storage.get(REKEY_V2_DONE_KEY)).toBe(true);
		expect(log.lines.join('\n')).toMatch(/moved 1 result\(s\) and 2 queued edit\(s\)/);
		// A second start finds nothing to do.
		expect(await rekeyResultsV2(storage, log)).toBe(0);
	});

	it('finishes the job after a crash part-way (every step is idempotent)', async () => {
		const storage = await v1Device();
		// The ops were rewritten, the replica not yet, and no mark: as if the write stopped there.
		const first = await storage.get<OutboxEntry>(OUTBOX_PREFIX + '000000000001');
		await storage.set(OUTBOX_PREFIX + '000000000001', {
			...first,
			op: { ...first?.op, record: RESULT }
		});
		expect(await rekeyResultsV2(storage, recordingLog())).toBe(2);
		expect(await storage.keys(REPLICA_PREFIX + 'results/')).toEqual([
			REPLICA_PREFIX + 'results/' + RESULT
		]);
		const again = await storage.get<OutboxEntry>(OUTBOX_PREFIX + '000000000001');
		expect(again?.op.record).toBe(RESULT);
	});

	it('keeps the copy already pulled under the new id, and drops the old one', async () => {
		const storage = await v1Device();
		const pulled: StoredRecord = {
			record: { ...v1Record(), id: RESULT, seq: 9, values: { a: 0 } },
			syncedAt: T0
		};
		await storage.set(REPLICA_PREFIX + 'results/' + RESULT, pulled);
		await rekeyResultsV2(storage, recordingLog());
		expect(await storage.get(REPLICA_PREFIX + 'results/' + RESULT)).toEqual(pulled);
		expect(await storage.get(REPLICA_PREFIX + 'results/' + OLD)).toBeUndefined();
	});
});

describe('an engine starting on a device with v1 edits queued', () => {
	let h: Harness | undefined;
	afterEach(async () => {
		await h?.engine.close();
		h = undefined;
	});

	it('pushes every edit the teacher typed to the v2 records the server now has', async () => {
		const storage = await v1Device();
		h = await createHarness(1, { storage });
		// The server was migrated: RESULT is the old record under its v2 id.
		const { id: _id, seq: _seq, ...rest } = v1Record();
		h.server.seed('results', { id: RESULT, ...rest });
		h.server.seed('students', {
			id: STUDENT2,
			given_name: 'Grace',
			family_name: 'Hopper',
			student_number: 'S0002',
			classes: [CLASS],
			stamps: {},
			deleted: false
		});
		expect(h.engine.get('results', RESULT)?.['values']).toEqual({ a: 1, b: 5 });
		expect(h.engine.get('results', OLD)).toBeUndefined();
		await h.engine.syncNow();
		await h.scheduler.advance(5000);
		expect(h.engine.pendingCount).toBe(0);
		expect(h.engine.rejected).toEqual([]);
		expect(h.server.record('results', RESULT)?.['values']).toEqual({ a: 1, b: 5 });
		expect(h.server.record('results', NEW2)?.['values']).toEqual({ c: 7 });
		expect(h.server.record('results', OLD)).toBeUndefined();
		expect(h.engine.get('results', NEW2)?.['values']).toEqual({ c: 7 });
	});
});
