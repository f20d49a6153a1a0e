/**
 * What pages and bridges see of sync: the engine in the syncing tab and a
 * follower in the others both provide a SyncClient.
 */
import type { FieldPath, Json, SyncedCollection, WireRecord } from './core/types';
import type { RejectedOp } from './outbox';
import type { ClampReport } from './push';
import type { SyncStatus } from './replica';

export type SyncPhase =
	| 'idle'
	| 'pushing'
	| 'pulling'
	| 'backoff'
	| 'offline'
	| 'needsSignIn'
	| 'blocked';

/** The outcome of an edit: queued, or refused on the device with the reason. */
export type EditResult = { ok: true; opId: string } | { ok: false; code: string; reason: string };

/** Everything a page or the badge can observe. */
export interface SyncSnapshot {
	phase: SyncPhase;
	online: boolean;
	pendingCount: number;
	lastSyncAt: number | null;
	rejected: RejectedOp[];
	/** When the next retry is due (phase backoff). */
	retryAt: number | null;
	/** The last failure, for "failed, will retry" (null after a good cycle). */
	lastError: { name: string; message: string } | null;
	/** Why the server refuses this device as a whole (403 deactivated, 426 update the app). */
	blocked: { status: number; message: string } | null;
	/** Stamps the server clamped because this device's clock ran ahead. */
	clamped: ClampReport[];
	/** The server's clock minus this device's, as of the last push (null: unknown). */
	clockOffsetMs: number | null;
}

/** Idle, online, nothing waiting: a follower's state before the leader's first word. */
export const IDLE_SNAPSHOT: Readonly<SyncSnapshot> = {
	phase: 'idle',
	online: true,
	pendingCount: 0,
	lastSyncAt: null,
	rejected: [],
	retryAt: null,
	lastError: null,
	blocked: null,
	clamped: [],
	clockOffsetMs: null
};

/** What pages use; the engine and a follower tab both provide it. */
export interface SyncClient {
	readonly state: SyncSnapshot;
	readonly phase: SyncPhase;
	readonly online: boolean;
	readonly pendingCount: number;
	readonly lastSyncAt: number | null;
	readonly rejected: RejectedOp[];
	subscribe(listener: () => void): () => void;
	get(collection: SyncedCollection, id: string): WireRecord | undefined;
	list(collection: SyncedCollection, predicate?: (record: WireRecord) => boolean): WireRecord[];
	status(collection: SyncedCollection, id: string, path?: FieldPath): SyncStatus;
	edit(
		collection: SyncedCollection,
		id: string,
		fields: Record<FieldPath, Json>
	): Promise<EditResult>;
	remove(collection: SyncedCollection, id: string): Promise<EditResult>;
	fix(opId: string, value: Json, path?: FieldPath): Promise<EditResult>;
	discard(opId: string): Promise<boolean>;
	syncNow(): Promise<void>;
	resume(): void;
	close(): Promise<void>;
}
