/**
 * The bridge between the sync engine and Svelte: pages read the replica
 * through `appSync` and re-render when the engine says something changed
 * (`createSubscriber`, as the conventions ask). One instance per tab; it
 * follows the signed-in teacher (start on sign-in, close on sign-out).
 *
 * Reads are tracked per collection: a tick in the grid (a `results` change)
 * re-runs what reads results, not the class list, the assessments or the
 * roll, so an edit shows within a frame.
 */
import { createSubscriber } from 'svelte/reactivity';
import type { FieldPath, Json, SyncedCollection, WireRecord } from '$lib/sync/core/types';
import {
	createBrowserSyncEngine,
	requestPersistentStorage,
	type BrowserSync
} from '$lib/sync/browser';
import type { EditResult, SyncSnapshot } from '$lib/sync/client';
import type { ChangedCollections, SyncStatus } from '$lib/sync/replica';
import { pb } from '$lib/pocketbase';

const NOT_STARTED: SyncStatus = { status: 'synced', syncedAt: null };

/** What "the browser may clear this device's data" looks like to the badge. */
export type PersistState = 'unknown' | 'asking' | 'granted' | 'refused' | 'unsupported';

/** A reactive dependency that readers track and the bridge invalidates. */
class Signal {
	#update: (() => void) | null = null;
	readonly track = createSubscriber((update) => {
		this.#update = update;
		return () => (this.#update = null);
	});
	invalidate(): void {
		this.#update?.();
	}
}

class AppSync {
	#client = $state<BrowserSync | null>(null);
	#userId: string | null = null;
	#starting: Promise<void> | null = null;
	#unsubClient: () => void = () => undefined;
	// The engine's state (phase, counts…), and the records of each collection.
	#state = new Signal();
	#collections = new Map<SyncedCollection, Signal>();
	/** Whether the browser agreed to keep our storage (asked on the first save). */
	persist = $state<PersistState>('unknown');
	/** Edits handed to the engine but not yet written to the device (milliseconds). */
	saving = $state(0);
	/** Set when the engine could not start (e.g. storage unavailable). */
	startError = $state<string | null>(null);

	// The signals outlive the client: it changes on sign-in/out, readers stay.
	#notify(changed: ChangedCollections): void {
		this.#state.invalidate();
		if (changed === null) for (const s of this.#collections.values()) s.invalidate();
		else for (const c of changed) this.#collections.get(c)?.invalidate();
	}

	#track(collection: SyncedCollection): void {
		let signal = this.#collections.get(collection);
		if (!signal) this.#collections.set(collection, (signal = new Signal()));
		signal.track();
	}

	/** True once the replica of the signed-in teacher is readable. */
	get ready(): boolean {
		return this.#client !== null;
	}

	/** The engine's observable state (null before start). */
	get state(): SyncSnapshot | null {
		this.#state.track();
		return this.#client?.state ?? null;
	}

	/** This device's id, as the `devices` collection knows it. */
	get device(): string | null {
		return this.#client?.device ?? null;
	}

	/** Starts (or switches to) sync for `userId`. */
	start(userId: string): Promise<void> {
		if (this.#userId === userId && this.#starting) return this.#starting;
		this.#starting = this.#switchTo(userId);
		return this.#starting;
	}

	async #switchTo(userId: string): Promise<void> {
		await this.stop();
		this.#userId = userId;
		try {
			const client = await createBrowserSyncEngine(pb, { userId });
			if (this.#userId !== userId) {
				await client.close();
				return;
			}
			this.#unsubClient = client.subscribe((changed) => this.#notify(changed));
			this.#client = client;
			this.startError = null;
			void navigator.storage?.persisted?.().then((p) => {
				if (p) this.persist = 'granted';
			});
		} catch (e) {
			this.startError = e instanceof Error ? e.message : String(e);
		}
		this.#notify(null);
	}

	/** Closes sync for the current teacher; their data stays on the device. */
	async stop(): Promise<void> {
		const client = this.#client;
		this.#unsubClient();
		this.#unsubClient = () => undefined;
		this.#client = null;
		this.#userId = null;
		this.#starting = null;
		if (client) await client.close();
		this.#notify(null);
	}

	get(collection: SyncedCollection, id: string): WireRecord | undefined {
		this.#track(collection);
		return this.#client?.get(collection, id);
	}

	list(collection: SyncedCollection, predicate?: (record: WireRecord) => boolean): WireRecord[] {
		this.#track(collection);
		return this.#client?.list(collection, predicate) ?? [];
	}

	/** Depends on the record's ops and server state, and on open conflict notices. */
	status(collection: SyncedCollection, id: string, path?: FieldPath): SyncStatus {
		this.#track(collection);
		this.#track('conflicts');
		return this.#client?.status(collection, id, path) ?? NOT_STARTED;
	}

	/** Saves an edit on the device (autosave); the engine syncs it. */
	async edit(
		collection: SyncedCollection,
		id: string,
		fields: Record<FieldPath, Json>
	): Promise<EditResult> {
		const client = this.#requireClient();
		this.saving++;
		try {
			const result = await client.edit(collection, id, fields);
			if (result.ok) this.#askToPersistOnce();
			return result;
		} finally {
			this.saving--;
		}
	}

	remove(collection: SyncedCollection, id: string): Promise<EditResult> {
		return this.#requireClient().remove(collection, id);
	}

	fix(opId: string, value: Json, path?: FieldPath): Promise<EditResult> {
		return this.#requireClient().fix(opId, value, path);
	}

	discard(opId: string): Promise<boolean> {
		return this.#requireClient().discard(opId);
	}

	syncNow(): Promise<void> {
		return this.#client?.syncNow() ?? Promise.resolve();
	}

	/** After signing in again (401) or a device reactivation. */
	resume(): void {
		this.#client?.resume();
	}

	#requireClient(): BrowserSync {
		if (!this.#client) throw new Error('Sync has not started: sign in first.');
		return this.#client;
	}

	// The first save asks the browser to keep our storage; without that,
	// IndexedDB is "best effort" and may be cleared with unsynced edits in it.
	#askToPersistOnce(): void {
		if (this.persist !== 'unknown') return;
		this.persist = 'asking';
		void requestPersistentStorage().then((granted) => {
			this.persist = granted === null ? 'unsupported' : granted ? 'granted' : 'refused';
		});
	}
}

export const appSync = new AppSync();
