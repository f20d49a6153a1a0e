/**
 * A tab that does not sync. Only one tab per user runs the engine (the leader,
 * chosen by Web Locks in browser.ts); the others read the same storage and
 * send their edits to the leader over a message channel.
 *
 * The follower re-reads the replica and the outbox from storage when the
 * leader says something changed; it never writes storage itself.
 */
import type { FieldPath, Json, SyncedCollection, WireRecord } from './core/types';
import {
	IDLE_SNAPSHOT,
	type EditResult,
	type SyncClient,
	type SyncPhase,
	type SyncSnapshot
} from './client';
import { Outbox, type RejectedOp } from './outbox';
import type { Log, Storage } from './ports';
import { Replica, type ChangedCollections, type SyncStatus } from './replica';

/** Methods a follower asks the leader to run. */
export type LeaderMethod = 'edit' | 'remove' | 'fix' | 'discard' | 'syncNow' | 'resume';

/** Messages between tabs. */
export type TabMessage =
	| { t: 'changed'; state: SyncSnapshot }
	| { t: 'hello' }
	| { t: 'call'; id: string; method: LeaderMethod; args: unknown[] }
	| { t: 'reply'; id: string; ok: true; value: unknown }
	| { t: 'reply'; id: string; ok: false; error: string };

/** How long a follower waits for the leader to answer. */
export const LEADER_REPLY_TIMEOUT_MS = 15_000;

/** Sends a call to the leader and resolves with its answer. */
export type LeaderCall = (method: LeaderMethod, args: unknown[]) => Promise<unknown>;

const NO_DATA_CHANGE: ChangedCollections = new Set();

/** A read-only view of the user's sync storage that forwards edits to the leader. */
export class FollowerClient implements SyncClient {
	#storage: Storage;
	#log: Log;
	#call: LeaderCall;
	#outbox: Outbox | null = null;
	#replica: Replica | null = null;
	#state: SyncSnapshot = IDLE_SNAPSHOT;
	#listeners = new Set<(changed: ChangedCollections) => void>();
	#reloading: Promise<void> | null = null;
	#reloadAgain = false;
	#closed = false;

	constructor(storage: Storage, log: Log, call: LeaderCall) {
		this.#storage = storage;
		this.#log = log;
		this.#call = call;
	}

	/** Reads storage again (coalescing overlapping requests), then notifies. */
	reload(): Promise<void> {
		if (this.#reloading) {
			this.#reloadAgain = true;
			return this.#reloading;
		}
		this.#reloading = (async () => {
			do {
				this.#reloadAgain = false;
				const outbox = await Outbox.open(this.#storage, { log: this.#log, readOnly: true });
				const replica = await Replica.open(this.#storage, outbox);
				if (this.#closed) return;
				const old = [this.#outbox, this.#replica] as const;
				this.#outbox = outbox;
				this.#replica = replica;
				await old[1]?.close();
				await old[0]?.close();
				this.#notify(null);
			} while (this.#reloadAgain && !this.#closed);
		})().finally(() => {
			this.#reloading = null;
		});
		return this.#reloading;
	}

	/** The leader's state arrived. */
	setState(state: SyncSnapshot): void {
		this.#state = state;
		this.#notify(NO_DATA_CHANGE);
	}

	#notify(changed: ChangedCollections): void {
		for (const l of [...this.#listeners]) {
			try {
				l(changed);
			} catch (e) {
				this.#log.error('sync: a listener threw', e);
			}
		}
	}

	/** Like the engine's: `changed` is null after a reload (any record may have changed). */
	subscribe(listener: (changed: ChangedCollections) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	get state(): SyncSnapshot {
		return this.#state;
	}
	get phase(): SyncPhase {
		return this.#state.phase;
	}
	get online(): boolean {
		return this.#state.online;
	}
	get pendingCount(): number {
		return this.#outbox?.pendingCount ?? this.#state.pendingCount;
	}
	get lastSyncAt(): number | null {
		return this.#state.lastSyncAt;
	}
	get rejected(): RejectedOp[] {
		return this.#outbox?.rejected ?? this.#state.rejected;
	}

	get(collection: SyncedCollection, id: string): WireRecord | undefined {
		return this.#replica?.get(collection, id);
	}
	list(collection: SyncedCollection, predicate?: (record: WireRecord) => boolean): WireRecord[] {
		return this.#replica?.list(collection, predicate) ?? [];
	}
	status(collection: SyncedCollection, id: string, path?: FieldPath): SyncStatus {
		return this.#replica?.status(collection, id, path) ?? { status: 'synced', syncedAt: null };
	}

	// Edits resolve once the leader has made them durable; then we re-read.
	async #forward<T>(method: LeaderMethod, args: unknown[]): Promise<T> {
		const value = (await this.#call(method, args)) as T;
		await this.reload();
		return value;
	}
	edit(
		collection: SyncedCollection,
		id: string,
		fields: Record<FieldPath, Json>
	): Promise<EditResult> {
		return this.#forward('edit', [collection, id, fields]);
	}
	remove(collection: SyncedCollection, id: string): Promise<EditResult> {
		return this.#forward('remove', [collection, id]);
	}
	fix(opId: string, value: Json, path?: FieldPath): Promise<EditResult> {
		return this.#forward('fix', path === undefined ? [opId, value] : [opId, value, path]);
	}
	discard(opId: string): Promise<boolean> {
		return this.#forward('discard', [opId]);
	}
	syncNow(): Promise<void> {
		return this.#forward('syncNow', []);
	}
	resume(): void {
		this.#call('resume', []).catch((e: unknown) =>
			this.#log.warn('sync: could not reach the syncing tab', e)
		);
	}

	async close(): Promise<void> {
		this.#closed = true;
		this.#listeners.clear();
		await this.#reloading?.catch(() => undefined);
		await this.#replica?.close();
		await this.#outbox?.close();
	}
}
