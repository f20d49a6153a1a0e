/**
 * Pulling from the cursor until the server has nothing more, page by page.
 * The cursor is persisted after each page is applied, so a crash re-pulls at
 * most one page (merging it again changes nothing).
 */
import type { Change, PullResponse, Stamp, SyncedCollection } from './core/types';
import type { Outbox } from './outbox';
import type { Replica } from './replica';
import type { Log, Storage, Transport } from './ports';
import { SYNCED_COLLECTIONS } from '../domain/collections';

/** Storage key of the pull cursor (the server's seq of the last change applied). */
export const CURSOR_KEY = 'meta/cursor';
/** Storage key set while a full re-fetch (from 0) is under way. */
export const REFETCH_KEY = 'meta/refetch';
/** Changes per pull page. */
export const PULL_PAGE_LIMIT = 2000;
/** Pages of one pull before it stops to let pushes through (it resumes at the next cycle). */
export const PULL_MAX_PAGES = 1_000;

/** The engine's pull state, kept between cycles. */
export interface PullState {
	cursor: number;
	/** Ids seen during a full re-fetch, by collection; null when not re-fetching. */
	seen: Map<SyncedCollection, Set<string>> | null;
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
}

/** Loads the cursor; a re-fetch cut short by a crash starts over from 0. */
export async function loadPullState(storage: Storage): Promise<PullState> {
	const refetch = (await storage.get<boolean>(REFETCH_KEY)) === true;
	const cursor = refetch ? 0 : ((await storage.get<number>(CURSOR_KEY)) ?? 0);
	return { cursor, seen: cursor === 0 ? new Map() : null };
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
	// The next page is asked for while this one is merged and stored (its
	// cursor is known from the answer); the cursor is still persisted only
	// after its page is, so a crash re-pulls at most a page.
	let next: Promise<PullResponse> | null = null;
	for (let page = 0; page < PULL_MAX_PAGES; page++) {
		const res = await (next ?? ctx.transport.pull({ since: state.cursor, limit: PULL_PAGE_LIMIT }));
		next = null;
		if (!isPullResponse(res)) throw new Error('sync: malformed pull answer');
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
			next = ctx.transport.pull({ since: res.cursor, limit: PULL_PAGE_LIMIT });
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
		await ctx.replica.applyServer(changes, ctx.now());
		markSeen(state, changes);
		const advanced = res.cursor !== state.cursor;
		state.cursor = res.cursor;
		await ctx.storage.set(CURSOR_KEY, res.cursor);
		ctx.onPage();
		if (!res.more) return finishRefetch(ctx, state);
		if (!advanced) {
			ctx.log.warn('sync: pull says there is more but its cursor did not move; stopping');
			return;
		}
	}
}

async function finishRefetch(ctx: PullContext, state: PullState): Promise<void> {
	const seen = state.seen;
	if (!seen) return;
	for (const collection of SYNCED_COLLECTIONS) {
		const keep = seen.get(collection) ?? new Set<string>();
		const gone = ctx.replica
			.serverIds(collection)
			.filter((id) => !keep.has(id) && ctx.outbox.itemsFor(collection, id).length === 0);
		if (gone.length > 0) {
			ctx.log.info(`sync: ${gone.length} ${collection} left this device's scope`);
			await ctx.replica.forget(collection, gone);
		}
	}
	await ctx.storage.remove(REFETCH_KEY);
	state.seen = null;
}
