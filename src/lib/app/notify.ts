/**
 * When the bridge (sync.svelte.ts) lets pages re-render after the engine
 * changed something (issue 15): a teacher's own edit at once, the sync loop's
 * bookkeeping when the tab has a moment.
 *
 * A push cycle alone notifies half a dozen times (ops taken, phase, answer
 * settled, acknowledged ops folded into the replica, the realtime echo, idle
 * again), each from its own task. Re-rendered one by one, each is a style,
 * layout and paint of the whole grid, and on a slow tablet the next key or tap
 * waits behind them. So notifications that arrive while no edit is being
 * saved are merged and delivered once, from an idle callback (at most
 * `maxDelayMs` later); one that arrives while an edit is being saved (the
 * edit showing) is delivered at once, with whatever was waiting.
 */
import type { SyncedCollection } from '$lib/sync/core/types';
import type { ChangedCollections } from '$lib/sync/replica';

/** Runs `fn` when the page is idle, at the latest after `timeoutMs`; returns a cancel function. */
export type IdleScheduler = (fn: () => void, timeoutMs: number) => () => void;

/** requestIdleCallback where the browser has it, else a timer. */
export const browserIdle: IdleScheduler = (fn, timeoutMs) => {
	if (typeof requestIdleCallback === 'function') {
		const id = requestIdleCallback(fn, { timeout: timeoutMs });
		return () => cancelIdleCallback(id);
	}
	const id = setTimeout(fn, Math.min(timeoutMs, 50));
	return () => clearTimeout(id);
};

/** How long a sync-loop notification may wait for an idle moment (ms). */
export const MAX_DEFERRAL_MS = 200;

export class NotifyScheduler {
	#deliver: (changed: ChangedCollections) => void;
	#idle: IdleScheduler;
	#maxDelayMs: number;
	// What waits for delivery: null = everything may have changed, undefined = nothing waits.
	#waiting: Set<SyncedCollection> | null | undefined = undefined;
	#cancel: (() => void) | null = null;

	constructor(
		deliver: (changed: ChangedCollections) => void,
		idle: IdleScheduler = browserIdle,
		maxDelayMs = MAX_DEFERRAL_MS
	) {
		this.#deliver = deliver;
		this.#idle = idle;
		this.#maxDelayMs = maxDelayMs;
	}

	/** A change from the engine; `urgent` when it may be the teacher's own edit showing. */
	notify(changed: ChangedCollections, urgent: boolean): void {
		if (changed === null || this.#waiting === null) this.#waiting = null;
		else {
			this.#waiting ??= new Set();
			for (const c of changed) this.#waiting.add(c);
		}
		if (urgent) this.flush();
		else
			this.#cancel ??= this.#idle(() => {
				this.#cancel = null;
				this.flush();
			}, this.#maxDelayMs);
	}

	/** Delivers what waits now (if anything). */
	flush(): void {
		this.#cancel?.();
		this.#cancel = null;
		const waiting = this.#waiting;
		if (waiting === undefined) return;
		this.#waiting = undefined;
		this.#deliver(waiting);
	}

	/** Forgets what waits (the client is gone; a full notification follows). */
	cancel(): void {
		this.#cancel?.();
		this.#cancel = null;
		this.#waiting = undefined;
	}
}
