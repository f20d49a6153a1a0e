/**
 * The engine's effects, as ports passed in one options object
 * (`createSyncEngine({ clock, scheduler, transport, storage, random, log, … })`).
 * Real implementations are wired in `browser.ts`; tests pass a manual clock,
 * a manual scheduler, a seeded random source and an in-process transport.
 *
 * Each interface states what it guarantees; the engine relies on nothing more.
 */
import type { Change, PullResponse, PushRequest, PushResponse } from './core/types';

/** Wall-clock time. */
export interface Clock {
	/** Milliseconds since the epoch. May jump (the user changes the date); the HLC copes. */
	now(): number;
}

/** Opaque handle of a scheduled callback. */
export type TimerHandle = unknown;

/** Timers. */
export interface Scheduler {
	/** Calls `fn` once, no earlier than `ms` from now (by the matching Clock). */
	setTimeout(fn: () => void, ms: number): TimerHandle;
	/** Cancels a callback not yet run; a handle already run or cleared is ignored. */
	clearTimeout(handle: TimerHandle): void;
}

/** Randomness (backoff jitter, op ids), injectable so tests can seed it. */
export interface Random {
	/** A float in [0, 1), uniformly distributed. */
	next(): number;
}

/** Where ignored and unexpected errors go; nothing is swallowed silently. */
export interface Log {
	info(message: string, ...details: unknown[]): void;
	warn(message: string, ...details: unknown[]): void;
	error(message: string, ...details: unknown[]): void;
}

/**
 * Durable key/value storage of structured-cloneable values (plain JSON here).
 *
 * Guarantees:
 * - a write (`set`, `remove`, `setMany`) resolves only once the value is
 *   durable: a crash after it resolves keeps it;
 * - each single key is written atomically (old or new value, never half);
 * - `setMany` is NOT atomic across keys: after a crash any subset of its
 *   entries may be durable. Callers order their writes so that every prefix
 *   is a consistent state (see the outbox);
 * - reads see every write that resolved before they were issued;
 * - values read back are copies: mutating them does not change storage.
 */
export interface Storage {
	/** The value under `key`, or undefined. */
	get<T>(key: string): Promise<T | undefined>;
	set(key: string, value: unknown): Promise<void>;
	/** Removing an absent key is not an error. */
	remove(key: string): Promise<void>;
	/** Every key starting with `prefix`, in ascending code-unit order. */
	keys(prefix: string): Promise<string[]>;
	/** Writes entries in the given order; `undefined` as a value removes the key. */
	setMany(entries: ReadonlyArray<readonly [key: string, value: unknown]>): Promise<void>;
	/**
	 * Optional: every key starting with `prefix` with its value, in ascending key
	 * order, read in one pass (a restart loads thousands of records; one `get`
	 * per key costs a transaction each).
	 */
	entries?(prefix: string): Promise<[key: string, value: unknown][]>;
}

/** Query of one pull page. */
export interface PullParams {
	/** The cursor from the previous page (0: from the beginning). */
	since: number;
	/** Most changes per page. */
	limit: number;
	/** The epoch the cursor belongs to (from an earlier answer); absent when unknown. */
	epoch?: string;
	/** The device's outbox as of sending (see PushRequest.pending); stored on its `devices` row. */
	pending?: number;
	failed?: number;
}

/**
 * The server, as the wire contract (ARCHITECTURE.md, "The wire contract")
 * describes it. Implementations: `transport/http.ts` (PocketBase SDK) and
 * `transport/in-process.ts` (the real handlers over an in-memory store, for tests).
 *
 * Failures are one of the named errors of `errors.ts`:
 * `NetworkError` and `ServerError` (retry later), `AuthError` (sign in again),
 * `RejectedError` (the server refused the whole request: not retried as is).
 * Per-op outcomes of a push (rejected, superseded…) are values in the response.
 */
export interface Transport {
	/** POST /api/sync/push. Resolves only with the server's committed answer, one result per op, in order. */
	push(req: PushRequest): Promise<PushResponse>;
	/** GET /api/sync/pull for this transport's device. */
	pull(params: PullParams): Promise<PullResponse>;
	/**
	 * Realtime: `onChange` for each record change in scope (a fast path, not the
	 * truth), `onConnect` on every (re)connect, when the device must pull from its
	 * cursor to catch what it missed, and `onDisconnect` (optional, when the
	 * transport can tell) when the connection is lost. Resolves to an
	 * unsubscribe function.
	 */
	subscribe(
		onChange: (change: Change) => void,
		onConnect: () => void,
		onDisconnect?: () => void
	): Promise<() => Promise<void>>;
	/** Whether the server answers at all (a cheap health check). Never rejects. */
	ping(): Promise<boolean>;
}

/** Whether the platform thinks it has a network (navigator.onLine in a browser). */
export interface OnlineSource {
	isOnline(): boolean;
	/** Calls `cb` whenever the answer may have changed; returns an unsubscribe function. */
	subscribe(cb: (online: boolean) => void): () => void;
}
