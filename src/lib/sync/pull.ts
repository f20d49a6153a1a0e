/**
 * Pulling from the cursor until the server has nothing more, page by page.
 * The cursor is persisted after each page is applied, so a crash re-pulls at
 * most one page (merging it again changes nothing).
 *
 * The cursor belongs to the server's epoch (the id of its data). When the
 * server answers `reset` (restored from a backup, or the cursor is ahead of
 * it), the device fetches everything from 0, takes the server's records as
 * they are, and re-sends its own edits the server lost (reset.ts):
 *
 *   pull ── reset ──▶ persist RESET (then cursor 0, new epoch)
 *                        │
 *                        ▼  per page: re-send ops into the outbox (durable),
 *                 pages from 0   then replace the records, then the cursor
 *                        │
 *                        ▼  records the server no longer sent: re-send ops,
 *                     finish     then forget them; clear RESET
 *
 * A crash anywhere in between starts the reset over (RESET persists); paths
 * already queued in the outbox are not re-sent twice.
 */
import type {
	Change,
	FieldPath,
	Json,
	Op,
	PullResponse,
	Stamp,
	SyncedCollection
} from './core/types';
import { opPaths, type Outbox } from './outbox';
import type { Replica } from './replica';
import type { Log, PullParams, Storage, Transport } from './ports';
import { resendOps, type ResendContext } from './reset';
import { loadLost, lostResend } from './lost';
import { parseStamp } from './core/stamp';
import { jsonEqual } from './core/json';
import { SYNCED_COLLECTIONS } from '../domain/collections';

/** Storage key of the pull cursor (the server's seq of the last change applied). */
export const CURSOR_KEY = 'meta/cursor';
/** Storage key set while a full re-fetch (from 0) is under way. */
export const REFETCH_KEY = 'meta/refetch';
/** Storage key set while a reset (a re-fetch after the server's data changed epoch) is under way. */
export const RESET_KEY = 'meta/reset';
/** Storage key of the server's epoch the cursor belongs to. */
export const EPOCH_KEY = 'meta/epoch';
/** Changes per pull page. */
export const PULL_PAGE_LIMIT = 2000;
/** Pages of one pull before it stops to let pushes through (it resumes at the next cycle). */
export const PULL_MAX_PAGES = 1_000;

/** The engine's pull state, kept between cycles. */
export interface PullState {
	cursor: number;
	/** Ids seen during a full re-fetch, by collection; null when not re-fetching. */
	seen: Map<SyncedCollection, Set<string>> | null;
	/** The server's epoch the cursor belongs to; null before the first answer that names one. */
	epoch: string | null;
	/** A reset is under way: pages replace records, and own lost edits are re-sent. */
	reset: boolean;
}

export interface PullContext {
	transport: Transport;
	storage: Storage;
	replica: Replica;
	outbox: Outbox;
	log: Log;
	now(): number;
	receive(stamps: Record<string, Stamp>): void;
	onPage(): void;
	/** Makes the ops of a reset (this device's id, op ids, stamps). */
	resend: ResendContext;
}

/** Loads the cursor; a re-fetch cut short by a crash starts over from 0. */
export async function loadPullState(storage: Storage): Promise<PullState> {
	const reset = (await storage.get<boolean>(RESET_KEY)) === true;
	const refetch = reset || (await storage.get<boolean>(REFETCH_KEY)) === true;
	const cursor = refetch ? 0 : ((await storage.get<number>(CURSOR_KEY)) ?? 0);
	const epoch = (await storage.get<string>(EPOCH_KEY)) ?? null;
	return { cursor, seen: cursor === 0 ? new Map() : null, epoch, reset };
}

function params(state: PullState, since: number): PullParams {
	return state.epoch === null
		? { since, limit: PULL_PAGE_LIMIT }
		: { since, limit: PULL_PAGE_LIMIT, epoch: state.epoch };
}

/** Marks records as seen by the re-fetch under way (realtime and push answers count too). */
export function markSeen(state: PullState, changes: readonly Change[]): void {
	if (!state.seen) return;
	for (const c of changes) {
		let set = state.seen.get(c.collection);
		if (!set) state.seen.set(c.collection, (set = new Set()));
		set.add(c.record.id);
	}
}

function isPullResponse(res: unknown): res is PullResponse {
	const r = res as PullResponse;
	return (
		!!r && Array.isArray(r.changes) && typeof r.cursor === 'number' && typeof r.more === 'boolean'
	);
}

/**
 * Pulls until `more` is false. When the server says the scope changed, the
 * cursor is dropped and everything is fetched again from 0; at the end of a
 * full fetch, records the server no longer sent (out of scope now) are
 * forgotten unless they have local edits.
 */
export async function pullAll(ctx: PullContext, state: PullState): Promise<void> {
	let restarted = false;
	let resetting = false;
	// The next page is asked for while this one is merged and stored (its
	// cursor is known from the answer); the cursor is still persisted only
	// after its page is, so a crash re-pulls at most a page.
	let next: Promise<PullResponse> | null = null;
	for (let page = 0; page < PULL_MAX_PAGES; page++) {
		const res = await (next ?? ctx.transport.pull(params(state, state.cursor)));
		next = null;
		if (!isPullResponse(res)) throw new Error('sync: malformed pull answer');
		if (res.reset === true) {
			// Twice in one pull: the server cannot say which data it holds; retry later.
			if (resetting) throw new Error('sync: the server asked for a reset twice in one pull');
			resetting = true;
			await startReset(ctx, state, typeof res.epoch === 'string' ? res.epoch : null);
			continue;
		}
		if (res.scopeChanged === true && state.cursor !== 0 && !restarted) {
			restarted = true;
			ctx.log.info('sync: scope changed; fetching everything again');
			await ctx.storage.setMany([
				[REFETCH_KEY, true],
				[CURSOR_KEY, 0]
			]);
			state.cursor = 0;
			state.seen = new Map();
			continue;
		}
		const changes = res.changes.filter(
			(c) =>
				c &&
				c.record &&
				typeof c.record.id === 'string' &&
				SYNCED_COLLECTIONS.indexOf(c.collection) >= 0
		);
		if (res.more && res.cursor !== state.cursor && page + 1 < PULL_MAX_PAGES) {
			next = ctx.transport.pull(params(state, res.cursor));
			// Awaited at the next turn; if this page fails first, it must not go unhandled.
			next.catch(() => undefined);
		}
		// The clock only needs to pass the latest stamp of the page: receive that one.
		let latest: Stamp | null = null;
		for (const c of changes) {
			const stamps = c.record.stamps;
			if (!stamps) continue;
			for (const path in stamps) {
				const st = stamps[path];
				if (typeof st === 'string' && (latest === null || st > latest)) latest = st;
			}
		}
		if (latest !== null) ctx.receive({ latest });
		if (state.reset) {
			// Own edits the page's records lack go to the outbox before the records are replaced.
			const ops: Op[] = [];
			for (const c of changes) {
				const local = ctx.replica.serverRecord(c.collection, c.record.id);
				if (local) ops.push(...resendOpsFor(ctx, c.collection, local, c.record));
			}
			await enqueueAll(ctx, ops);
			await ctx.replica.replaceServer(changes, ctx.now());
		} else {
			await ctx.replica.applyServer(changes, ctx.now());
		}
		markSeen(state, changes);
		const advanced = res.cursor !== state.cursor;
		state.cursor = res.cursor;
		const epochMoved = typeof res.epoch === 'string' && res.epoch !== state.epoch;
		if (epochMoved) state.epoch = res.epoch as string;
		await ctx.storage.setMany(
			epochMoved
				? [
						[CURSOR_KEY, res.cursor],
						[EPOCH_KEY, state.epoch]
					]
				: [[CURSOR_KEY, res.cursor]]
		);
		ctx.onPage();
		if (!res.more) return finishRefetch(ctx, state);
		if (!advanced) {
			ctx.log.warn('sync: pull says there is more but its cursor did not move; stopping');
			return;
		}
	}
}

/**
 * The server's data is not the data the cursor belongs to: start over from 0
 * under its epoch. RESET is durable first, so a crash before the new epoch is
 * stored, or after, still finishes the reset.
 */
async function startReset(ctx: PullContext, state: PullState, epoch: string | null): Promise<void> {
	ctx.log.warn(
		`sync: the server's data was restored or replaced (epoch ${epoch ?? '?'}); fetching everything again and re-sending this device's edits it lacks`
	);
	await ctx.storage.set(RESET_KEY, true);
	await ctx.storage.setMany([
		[REFETCH_KEY, true],
		[CURSOR_KEY, 0],
		[EPOCH_KEY, epoch ?? undefined]
	]);
	state.cursor = 0;
	state.seen = new Map();
	state.epoch = epoch;
	state.reset = true;
}

function queuedPaths(ctx: PullContext, collection: SyncedCollection, id: string): Set<FieldPath> {
	const paths = new Set<FieldPath>();
	for (const item of ctx.outbox.itemsFor(collection, id))
		for (const p of opPaths(item.op)) paths.add(p);
	return paths;
}

function resendOpsFor(
	ctx: PullContext,
	collection: SyncedCollection,
	local: Parameters<typeof resendOps>[1],
	server: Parameters<typeof resendOps>[2]
): Op[] {
	const queued = queuedPaths(ctx, collection, local.id);
	return resendOps(collection, local, server, queued, queued.size > 0, ctx.resend);
}

async function enqueueAll(ctx: PullContext, ops: readonly Op[]): Promise<void> {
	if (ops.length === 0) return;
	ctx.log.info(`sync: re-sending ${ops.length} edit(s) the server no longer holds`);
	const now = ctx.now();
	// Sent before older pending ops: one may re-create a record they edit.
	for (const op of ops) await ctx.outbox.enqueue(op, now, { first: true });
}

/** Whether the server (as the re-fetch brought it) holds a notice that `op`'s value at `path` lost. */
function hasNotice(
	ctx: PullContext,
	op: Op,
	path: FieldPath,
	seen: Map<SyncedCollection, Set<string>>
): boolean {
	const held = seen.get('conflicts');
	const value = op.fields[path] ?? null;
	return ctx.replica
		.list(
			'conflicts',
			(c) =>
				held?.has(c.id) === true &&
				c['collection'] === op.collection &&
				c['record'] === op.record &&
				c['field'] === path
		)
		.some((c) => jsonEqual((c['mine'] ?? null) as Json, value));
}

async function finishRefetch(ctx: PullContext, state: PullState): Promise<void> {
	const seen = state.seen;
	if (!seen) return;
	// This device's edits answered superseded: the restore may have taken
	// their notices, which only the server's decision makes again (lost.ts).
	// Before the records the server lost are forgotten (their set-once fields
	// travel with the ops), and before RESET is cleared (a crash sends them
	// then; one already in the outbox is not queued twice).
	if (state.reset) {
		const ops: Op[] = [];
		for (const entry of await loadLost(ctx.storage, ctx.now())) {
			const lost = entry.op;
			const local = ctx.replica.serverRecord(lost.collection, lost.record);
			const queued = queuedPaths(ctx, lost.collection, lost.record);
			if (entry.displaced === true) {
				// Applied once, then replaced by a colleague's value: sent again
				// unless the restored server still holds the notice of that (or
				// this value itself, which the colleague's re-sent edit then
				// overwrites with a notice). The server decides again.
				const path = Object.keys(lost.fields)[0] as FieldPath;
				const onServer = seen.get(lost.collection)?.has(lost.record) === true;
				const held = onServer ? local?.stamps[path] : undefined;
				if (held === lost.stamp || hasNotice(ctx, lost, path, seen)) continue;
				const op = lostResend(lost, queued, local);
				if (!op) continue;
				op.id = ctx.resend.newOpId();
				op.base = {
					[path]: held !== undefined && parseStamp(held)?.device === ctx.resend.device ? held : null
				};
				ops.push(op);
				continue;
			}
			if (ctx.outbox.get(lost.id)) continue;
			const op = lostResend(lost, queued, local);
			if (op) ops.push(op);
		}
		await enqueueAll(ctx, ops);
	}
	for (const collection of SYNCED_COLLECTIONS) {
		const keep = seen.get(collection) ?? new Set<string>();
		const missing = ctx.replica.serverIds(collection).filter((id) => !keep.has(id));
		if (state.reset) {
			// The server holds none of these: re-send what this device wrote of
			// them (the ops re-create them), then forget the rest.
			const ops: Op[] = [];
			for (const id of missing) {
				const local = ctx.replica.serverRecord(collection, id);
				if (local) ops.push(...resendOpsFor(ctx, collection, local, undefined));
			}
			await enqueueAll(ctx, ops);
			if (missing.length > 0) {
				ctx.log.info(`sync: ${missing.length} ${collection} are no longer on the server`);
				await ctx.replica.forget(collection, missing);
			}
			continue;
		}
		const gone = missing.filter((id) => ctx.outbox.itemsFor(collection, id).length === 0);
		if (gone.length > 0) {
			ctx.log.info(`sync: ${gone.length} ${collection} left this device's scope`);
			await ctx.replica.forget(collection, gone);
		}
	}
	await ctx.storage.remove(REFETCH_KEY);
	if (state.reset) await ctx.storage.remove(RESET_KEY);
	state.seen = null;
	state.reset = false;
}
