/**
 * What every fault run checks once it has healed (faults off, every device
 * synced, a quiet period). Each check COUNTS violations; a run passes when
 * every count is zero.
 *
 * The ground truth is the server (read as the office, directly, not through
 * the proxy) and what each device saw: the answers it received to its pushes.
 */
import type PocketBase from 'pocketbase';
import type { RecordModel } from 'pocketbase';
import { jsonEqual, sortKeys } from '../../src/lib/sync/core/json';
import { getPath } from '../../src/lib/sync/core/paths';
import type { Json, Op, OpResult, Stamp, WireRecord } from '../../src/lib/sync/core/types';
import { SYNCED_COLLECTIONS } from '../../src/lib/domain/collections';
import type { FaultDevice } from './device';
import type { FaultServer } from './server';

export const COUNT_NAMES = [
	'ackLost',
	'appliedTwice',
	'dupKeys',
	'replicaDiff',
	'refusedAsSynced',
	'lostNoNotice',
	'reordered',
	'http5xx',
	'integrity',
	'unhealed'
] as const;
export type CountName = (typeof COUNT_NAMES)[number];
export type Counts = Record<CountName, number>;

/** What each count means, for the table's legend and failure messages. */
export const COUNT_HELP: Record<CountName, string> = {
	ackLost: 'ops a device saw acknowledged whose value the server does not hold (nor a later one)',
	appliedTwice: 'ops whose change the audit log records more than once',
	dupKeys: 'results sharing one natural key (student, class, assessment, period)',
	replicaDiff: "records where a device's replica differs from a fresh pull from 0",
	refusedAsSynced: 'ops the server refused that the device no longer shows as refused',
	lostNoNotice: 'values overwritten by a concurrent edit whose teacher got no conflicts row',
	reordered:
		"a device's later edit of a field that ended with an earlier stamp than its previous one",
	http5xx: 'answers the server gave with a 5xx status',
	integrity: 'PRAGMA integrity_check of the data db not "ok"',
	unhealed: 'ops still pending, or devices not idle, after healing'
};

export function zeroCounts(): Counts {
	return Object.fromEntries(COUNT_NAMES.map((n) => [n, 0])) as Counts;
}

/** The paths the checks follow: values and notes (the natural key is set once). */
export function isCheckedPath(path: string): boolean {
	return path === 'notes' || path.startsWith('values.');
}

const NOT_WIRE = ['collectionId', 'collectionName', 'created', 'updated', 'expand'];

/** A record as the wire shows it, keys sorted. */
export function wireOf(record: RecordModel | WireRecord): WireRecord {
	const plain = JSON.parse(JSON.stringify(record)) as Record<string, unknown>;
	for (const key of NOT_WIRE) delete plain[key];
	if (!plain['stamps'] || typeof plain['stamps'] !== 'object') plain['stamps'] = {};
	plain['seq'] = typeof plain['seq'] === 'number' ? plain['seq'] : 0;
	plain['deleted'] = plain['deleted'] === true;
	return sortKeys(plain as WireRecord);
}

/** One op as the device saw it end: the last answer it got, and its effective stamp. */
export interface SeenOp {
	op: Op;
	device: FaultDevice;
	answer: OpResult | null;
	stamp: Stamp;
}

/** Every op each device sent, with the last answer it received (null: none). */
export function seenOps(devices: FaultDevice[]): SeenOp[] {
	const out = new Map<string, SeenOp>();
	for (const d of devices) {
		for (const p of d.pushes) {
			for (const op of p.ops) {
				const answer = p.results?.find((r) => r.id === op.id) ?? null;
				const prev = out.get(op.id);
				const clamped = answer?.clamped?.to ?? prev?.stamp ?? op.stamp;
				if (!prev || answer)
					out.set(op.id, { op, device: d, answer: answer ?? prev?.answer ?? null, stamp: clamped });
			}
		}
	}
	return [...out.values()];
}

function chunks<T>(list: T[], size: number): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
	return out;
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The status each op's receipt holds on the server (absent: no receipt). */
async function receiptStatuses(server: FaultServer, opIds: string[]): Promise<Map<string, string>> {
	const out = new Map<string, string>();
	for (const part of chunks(opIds, 200)) {
		const res = await server.sql(
			`SELECT op_id, json_extract(result, '$.status') FROM sync_receipts WHERE op_id IN (${part.map(quote).join(',')})`
		);
		for (const [id, status] of res.rows) if (id) out.set(id, status ?? '');
	}
	return out;
}

async function serverResults(admin: PocketBase, ids: string[]): Promise<Map<string, WireRecord>> {
	const out = new Map<string, WireRecord>();
	for (const part of chunks(ids, 40)) {
		const rows = await admin.collection('results').getFullList({
			filter: part.map((id) => `id = "${id}"`).join(' || '),
			batch: 500,
			requestKey: null
		});
		for (const r of rows) out.set(r.id, wireOf(r));
	}
	return out;
}

/** A fresh pull from 0 of everything in the teacher's scope, straight from the server. */
async function freshPull(pb: PocketBase, device: string): Promise<Map<string, WireRecord>> {
	const out = new Map<string, WireRecord>();
	let since = 0;
	for (let page = 0; page < 1000; page++) {
		const res = await pb.send<{
			changes: { collection: string; record: WireRecord }[];
			cursor: number;
			more: boolean;
		}>('/api/sync/pull', {
			method: 'GET',
			query: { device, since, limit: 2000 },
			requestKey: null
		});
		for (const c of res.changes) out.set(`${c.collection}/${c.record.id}`, wireOf(c.record));
		since = res.cursor;
		if (!res.more) break;
	}
	return out;
}

export interface CheckInput {
	server: FaultServer;
	devices: FaultDevice[];
	/** Result ids this run edited (the poison ones included). */
	records: string[];
	/** Records the office edited through REST during the run (their notes are the office's too). */
	officeRecords: Set<string>;
	/** 5xx answers seen (the proxy's count plus the office's own requests). */
	http5xx: number;
}

export interface CheckReport {
	counts: Counts;
	/** One line per violation, for the failure message. */
	details: string[];
}

/** Runs every check and counts the violations. */
export async function checkRun(input: CheckInput): Promise<CheckReport> {
	const { server, devices } = input;
	const counts = zeroCounts();
	const details: string[] = [];
	const note = (name: CountName, line: string) => {
		counts[name]++;
		if (details.length < 40) details.push(`${name}: ${line}`);
	};
	const admin = await server.admin();

	// Healed at all?
	for (const d of devices) {
		const s = d.engine.state;
		if (s.pendingCount > 0 || s.phase !== 'idle')
			note(
				'unhealed',
				`${d.id} phase ${s.phase}, ${s.pendingCount} pending, ${JSON.stringify(s.lastError)}`
			);
	}

	const ops = seenOps(devices).filter((s) => s.op.collection === 'results');
	const receipts = await receiptStatuses(
		server,
		ops.map((s) => s.op.id)
	);
	const onServer = await serverResults(admin, input.records);

	// Refusals shown as synced: the server's receipt says rejected, the device no longer lists it.
	const refused = new Set<string>();
	for (const s of ops) {
		if (receipts.get(s.op.id) !== 'rejected') continue;
		refused.add(s.op.id);
		const kept = s.device.engine.state.rejected.some((r) => r.op.id === s.op.id);
		if (!kept)
			note(
				'refusedAsSynced',
				`${s.device.id} dropped op ${s.op.id} the server refused (last answer ${JSON.stringify(s.answer)})`
			);
	}

	// Acknowledged ops lost: the server must hold each acknowledged op's value
	// under its stamp, or a later stamp.
	const acked = ops.filter(
		(s) => s.answer && s.answer.status !== 'rejected' && !refused.has(s.op.id)
	);
	for (const s of acked) {
		const rec = onServer.get(s.op.record);
		for (const path of Object.keys(s.op.fields).filter(isCheckedPath)) {
			const value = s.op.fields[path] as Json;
			const held = rec?.stamps[path];
			const heldValue = rec ? (getPath(rec, path) ?? null) : null;
			const ok =
				held !== undefined && (held > s.stamp || (held === s.stamp && jsonEqual(heldValue, value)));
			if (!ok)
				note(
					'ackLost',
					`${s.device.id} op ${s.op.id} ${s.op.record} ${path}=${JSON.stringify(value)} @${s.stamp} (${s.answer?.status}); server ${JSON.stringify(heldValue)} @${held ?? 'none'}`
				);
		}
	}

	// Own edits reordered: one device's edits of one field must keep their
	// order. (Only ops made by an edit: an op the engine re-sends after a
	// reset carries the stamp of the edit it re-sends.)
	const byDeviceCell = new Map<string, SeenOp[]>();
	for (const s of acked) {
		if (!s.device.editOrder.has(s.op.id)) continue;
		for (const path of Object.keys(s.op.fields).filter(isCheckedPath)) {
			const k = `${s.device.id} ${s.op.record} ${path}`;
			const list = byDeviceCell.get(k) ?? [];
			list.push(s);
			byDeviceCell.set(k, list);
		}
	}
	for (const [k, list] of byDeviceCell) {
		// In the order the teacher made the edits; the stamps must follow it.
		const order = (s: SeenOp) => s.device.editOrder.get(s.op.id) ?? Number.MAX_SAFE_INTEGER;
		const sorted = [...list].sort((a, b) => order(a) - order(b));
		for (let i = 1; i < sorted.length; i++) {
			const prev = sorted[i - 1] as SeenOp;
			const cur = sorted[i] as SeenOp;
			if (cur.stamp <= prev.stamp)
				note(
					'reordered',
					`${k}: later edit ${cur.op.id} (sent @${cur.op.stamp}) ended @${cur.stamp}, not after the earlier ${prev.op.id} (sent @${prev.op.stamp}) @${prev.stamp}`
				);
		}
	}

	// Ops applied twice: the audit log holds one entry per applied change. Every
	// notes value is unique to its op, so an entry repeated is an op applied twice.
	for (const part of chunks(input.records, 100)) {
		const res = await server.sql(
			`SELECT record, json_extract(changes, '$.notes[1]') AS v, count(*) FROM audit_log WHERE record IN (${part.map(quote).join(',')}) AND json_extract(changes, '$.notes') IS NOT NULL GROUP BY record, v HAVING count(*) > 1`
		);
		for (const row of res.rows)
			note('appliedTwice', `audit_log has ${row[2]} entries setting ${row[0]} notes to ${row[1]}`);
	}

	// Duplicate natural keys, anywhere in results.
	const dups = await server.sql(
		'SELECT student, class, assessment, period, count(*) FROM results GROUP BY student, class, assessment, period HAVING count(*) > 1'
	);
	for (const row of dups.rows)
		note('dupKeys', `${row[4]} results for ${row.slice(0, 4).join('|')}`);

	// Lost values without a notice. Per cell, the final value F (the largest
	// stamp) and the one just below it, X: whichever of the two arrived first,
	// X's value lost to F (overwritten, or answered superseded). If F was made
	// without seeing X (its base is older), on another device, with another
	// value, the merge was concurrent and X's teacher must have a conflicts row
	// for it, in either arrival order. (Losses further down depend on the
	// arrival order — a value in between may have been seen, or equal — so
	// only this pair is owed a notice whatever the order.)
	const conflictRows = await server.sql(
		`SELECT user, record, field, mine FROM conflicts WHERE record IN (${input.records.map(quote).join(',')})`
	);
	const notices = conflictRows.rows.map((r) => ({
		user: r[0],
		record: r[1],
		field: r[2],
		mine: r[3] === null ? null : (JSON.parse(r[3] as string) as Json)
	}));
	const cells = new Map<string, SeenOp[]>();
	for (const s of acked) {
		for (const path of Object.keys(s.op.fields).filter(isCheckedPath)) {
			if (path === 'notes' && input.officeRecords.has(s.op.record)) continue;
			const k = `${s.op.record} ${path}`;
			const list = cells.get(k) ?? [];
			list.push(s);
			cells.set(k, list);
		}
	}
	for (const [k, list] of cells) {
		const [record, path] = k.split(' ') as [string, string];
		// One entry per stamp: an op re-sent after a reset carries its edit's stamp.
		const byStamp = new Map<Stamp, SeenOp>();
		for (const s of list) if (!byStamp.has(s.stamp)) byStamp.set(s.stamp, s);
		const sorted = [...byStamp.values()].sort((a, b) =>
			a.stamp < b.stamp ? -1 : a.stamp > b.stamp ? 1 : 0
		);
		if (sorted.length < 2) continue;
		const loser = sorted[sorted.length - 2] as SeenOp;
		const winner = sorted[sorted.length - 1] as SeenOp;
		if (winner.stamp === loser.stamp || winner.device.id === loser.device.id) continue;
		const mine = loser.op.fields[path] as Json;
		if (jsonEqual(mine, winner.op.fields[path] as Json)) continue;
		const base = winner.op.base[path] ?? null;
		if (base !== null && base >= loser.stamp) continue; // the winner saw it
		const told = notices.some(
			(n) =>
				n.user === loser.device.userId &&
				n.record === record &&
				n.field === path &&
				jsonEqual(n.mine, mine)
		);
		if (!told)
			note(
				'lostNoNotice',
				`${record} ${path}: ${loser.device.teacher}'s ${JSON.stringify(mine)} @${loser.stamp} lost to ${winner.device.teacher}'s ${JSON.stringify(winner.op.fields[path])} @${winner.stamp} (base ${base}); no notice (the loser was answered ${loser.answer?.status}, the winner ${winner.answer?.status})`
			);
	}

	// Replicas equal a fresh pull from 0 (records with a refused op of the device aside).
	for (const d of devices) {
		const fresh = await freshPull(d.direct, `${d.id}_check`);
		const skip = new Set(d.engine.state.rejected.map((r) => `${r.op.collection}/${r.op.record}`));
		const local = new Map<string, WireRecord>();
		for (const c of SYNCED_COLLECTIONS)
			for (const r of d.engine.list(c)) local.set(`${c}/${r.id}`, wireOf(r));
		const keys = new Set([...fresh.keys(), ...local.keys()]);
		for (const key of keys) {
			if (skip.has(key)) continue;
			const a = local.get(key);
			const b = fresh.get(key);
			if (JSON.stringify(a) !== JSON.stringify(b))
				note(
					'replicaDiff',
					`${d.id} ${key}: replica ${a ? JSON.stringify(a).slice(0, 200) : 'absent'} vs server ${b ? JSON.stringify(b).slice(0, 200) : 'absent'}`
				);
		}
	}

	counts.http5xx = input.http5xx;
	if (input.http5xx > 0) details.push(`http5xx: ${input.http5xx} answers with a 5xx status`);

	const integrity = await server.sql('PRAGMA integrity_check');
	const verdict = integrity.rows.map((r) => r[0]).join('; ');
	if (verdict !== 'ok') note('integrity', `integrity_check: ${verdict}`);

	return { counts, details };
}
