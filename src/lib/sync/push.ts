/**
 * One push of a batch of ops and what follows from the answer. Plain async
 * functions over the engine's parts; the engine owns the lifecycle.
 */
import { RejectedError } from './errors';
import type { Change, Op, OpResult, Stamp, SyncedCollection } from './core/types';
import { WIRE_VERSION } from './core/types';
import type { Outbox } from './outbox';
import type { Replica } from './replica';
import type { Log, Storage, Transport } from './ports';
import { rememberLost } from './lost';

/** The server moved a stamp of ours back to its own clock (ours ran ahead). */
export interface ClampReport {
	opId: string;
	from: Stamp;
	to: Stamp;
	/** Wall-clock ms when the answer arrived. */
	at: number;
}

/** What the engine lends a push. */
export interface PushContext {
	device: string;
	transport: Transport;
	outbox: Outbox;
	replica: Replica;
	/** Where ops answered superseded are remembered (lost.ts). */
	storage: Storage;
	log: Log;
	now(): number;
	/** Folds a stamp from the server into the device's clock. */
	receive(stamps: Record<string, Stamp>): void;
	/** Called with records the server sent back (to track a full re-fetch). */
	onRecords(changes: readonly Change[]): void;
	onClamp(report: ClampReport): void;
	onServerTime(serverTime: number, at: number): void;
}

const STATUSES = ['applied', 'duplicate', 'superseded', 'rejected'];

/**
 * Pushes `ops` (already marked in flight) and settles the answers: acknowledged
 * ops are folded into the replica, then removed from the outbox; rejected ones
 * are kept with their reason; ops the answer skipped go back to pending.
 *
 * A 400 or 413 for a batch is bisected, so one bad op is found and rejected
 * alone instead of holding up the others. Other failures release every op
 * still in flight and rethrow.
 */
export async function pushOps(ctx: PushContext, ops: Op[], onAnswered?: () => void): Promise<void> {
	try {
		await pushOrBisect(ctx, ops, onAnswered);
	} catch (e) {
		ctx.outbox.release(ops.map((op) => op.id));
		throw e;
	}
}

/**
 * `onAnswered` is called once the server's answer for the whole batch is in,
 * before it is settled on the device: the engine sends the next batch then,
 * so the server works on it while this one is folded in.
 */
async function pushOrBisect(ctx: PushContext, ops: Op[], onAnswered?: () => void): Promise<void> {
	if (ops.length === 0) return;
	let res;
	try {
		res = await ctx.transport.push({ v: WIRE_VERSION, device: ctx.device, ops });
		onAnswered?.();
	} catch (e) {
		if (e instanceof RejectedError && (e.status === 400 || e.status === 413)) {
			if (ops.length === 1) {
				const op = ops[0] as Op;
				const code = e.status === 413 ? 'too_large' : 'malformed';
				ctx.log.warn(`sync: op ${op.id} refused alone (${e.status}): ${e.message}`);
				await ctx.outbox.reject(op.id, code, e.message);
				return;
			}
			const half = Math.ceil(ops.length / 2);
			await pushOrBisect(ctx, ops.slice(0, half));
			await pushOrBisect(ctx, ops.slice(half));
			return;
		}
		throw e;
	}
	await settle(ctx, ops, res.results, res.serverTime);
}

/**
 * `duplicate` means "applied before". A server before wire fix 10.1 answered
 * the replay of a REJECTED op `duplicate` with the rejection's code: folding
 * that would show a refused value as synced. An answer with a code is never
 * an acceptance, whatever its status says, so it is settled as rejected.
 */
function asAnswered(r: OpResult): OpResult {
	if (r.status !== 'duplicate' || typeof r.code !== 'string' || r.code === '') return r;
	return { ...r, status: 'rejected', reason: r.reason ?? 'The server refused this change.' };
}

async function settle(
	ctx: PushContext,
	ops: Op[],
	results: unknown,
	serverTime: unknown
): Promise<void> {
	const at = ctx.now();
	if (typeof serverTime === 'number') ctx.onServerTime(serverTime, at);
	const byId = new Map<string, OpResult>();
	if (Array.isArray(results)) {
		for (const r of results as OpResult[]) {
			if (r && typeof r.id === 'string' && STATUSES.indexOf(r.status) >= 0)
				byId.set(r.id, asAnswered(r));
		}
	} else {
		ctx.log.error('sync: push answer has no results list', results);
	}
	const answered: OpResult[] = [];
	const folded: Op[] = [];
	const superseded: Op[] = [];
	const records: Change[] = [];
	const unanswered: string[] = [];
	for (const op of ops) {
		const r = byId.get(op.id);
		if (!r) {
			unanswered.push(op.id);
			continue;
		}
		answered.push(r);
		let stamp = op.stamp;
		if (r.clamped && typeof r.clamped.to === 'string') {
			ctx.onClamp({ opId: op.id, from: r.clamped.from, to: r.clamped.to, at });
			stamp = r.clamped.to;
		}
		ctx.receive({ op: stamp });
		if (r.status !== 'rejected') folded.push(stamp === op.stamp ? op : { ...op, stamp });
		if (r.status === 'superseded') superseded.push(stamp === op.stamp ? op : { ...op, stamp });
		if (r.record && typeof r.record.id === 'string' && r.record.stamps) {
			ctx.receive(r.record.stamps);
			records.push({ collection: op.collection as SyncedCollection, record: r.record });
		}
	}
	// Order matters for crash safety: the replica holds the effect before the
	// outbox forgets the op (a crash in between re-sends it: a duplicate).
	// (One replica write for both: the ops' effect, then the records as the server holds them.)
	await ctx.replica.foldAcked(folded, at, records);
	if (records.length > 0) ctx.onRecords(records);
	// Its value lives nowhere else once settled: kept for a reset (lost.ts).
	await rememberLost(ctx.storage, superseded, at);
	await ctx.outbox.settle(answered);
	if (unanswered.length > 0) {
		ctx.log.warn(`sync: push answer skipped ${unanswered.length} op(s); they stay pending`);
		ctx.outbox.release(unanswered);
	}
}
