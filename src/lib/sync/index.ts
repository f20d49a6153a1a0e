/**
 * Markbook sync on the device: the public surface. Pages and `*.svelte.ts`
 * bridges import from here; modules inside `sync/` import each other directly.
 *
 * In the app: `createBrowserSyncEngine(pb, { userId })` (from `./browser`, which
 * wires the real ports). In tests and other hosts: `createSyncEngine({ … })`
 * with your own ports.
 */

/** The engine, its options and what it exposes. */
export { createSyncEngine, SyncEngine, PUSH_DEBOUNCE_MS } from './engine';
export type { SyncEngineOptions } from './engine';
export type { EditResult, SyncClient, SyncPhase, SyncSnapshot } from './client';

/** Per record / field sync status, as the replica computes it. */
export type { RecordSyncStatus, SyncStatus } from './replica';

/** Rejected ops (to fix or discard) and clamp reports. */
export type { RejectedOp } from './outbox';
export type { ClampReport } from './push';

/** Ports: implement these to run the engine elsewhere. */
export type {
	Clock,
	Log,
	OnlineSource,
	PullParams,
	Random,
	Scheduler,
	Storage,
	TimerHandle,
	Transport
} from './ports';

/** Transport failures (named Error classes with `cause`). */
export { AuthError, NetworkError, RejectedError, ServerError, isRetryableError } from './errors';

/** Retry timing. */
export { RETRY_BASE_DELAY_MS, RETRY_MAX_DELAY_MS, backoffCap, backoffDelay } from './backoff';

/** Storage and transport implementations. */
export { createMemoryStorage } from './storage/memory';
export { createLocalforageStorage } from './storage/localforage';
export type { LocalforageStorageOptions } from './storage/localforage';
export { createHttpTransport } from './transport/http';
export type { HttpTransportOptions } from './transport/http';

/** Browser wiring: one syncing tab per user, the others follow. */
export {
	createBrowserSyncEngine,
	createNavigatorOnlineSource,
	requestPersistentStorage
} from './browser';
export type { BrowserSync, BrowserSyncOptions } from './browser';
