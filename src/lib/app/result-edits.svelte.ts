/**
 * The one way to edit a result's component, for the grid and field mode alike.
 *
 * - **Shown at once.** `set` records the value here synchronously, so the cell
 *   shows it in the key's or tap's own frame, while the engine makes it durable
 *   (the outbox's IndexedDB commit, ~13 ms). Until the commit the cell says
 *   "saving" (`saving`), then the replica's own state takes over.
 * - **Builds on the last request.** Keys and taps faster than a save (Space,
 *   Space; tap, tap) step from the value last asked for (`value`), not from the
 *   one the replica still holds.
 * - **Fixes what was rejected.** An edit of a component whose op the server
 *   rejected corrects that op (`fix`), so the conflicts page's "not accepted"
 *   card goes away instead of staying behind beside a second edit.
 * - **Errors per cell.** A write the device refused (or that threw) keeps the
 *   value on screen with its reason (`error`): it never silently reverts. The
 *   teacher edits the cell again or dismisses the error (`dismiss`).
 *
 * Keyed one way: the result's id (its natural key's) and the component key.
 *
 * ```
 *   set ──▶ saving ──ok──▶ saved ──(replica shows it, or changes)──▶ gone
 *              │
 *              └──refused/threw──▶ failed (value + reason shown) ──set/dismiss──▶ gone
 * ```
 */
import { componentEdit, type ResultKey } from '$lib/app/data';
import { cycleChecklist, tapChecklist, type ChecklistValue } from '$lib/domain/checklist';
import type { EditResult } from '$lib/sync/client';
import { resultId } from '$lib/sync/core/ids';
import { jsonEqual } from '$lib/sync/core/json';
import type { FieldPath, Json, WireRecord } from '$lib/sync/core/types';
import type { SyncStatus } from '$lib/sync/replica';

/** What the model needs of the sync client (`appSync` provides it). */
export interface ResultsPort {
	get(collection: 'results', id: string): WireRecord | undefined;
	status(collection: 'results', id: string, path?: FieldPath): SyncStatus;
	edit(collection: 'results', id: string, fields: Record<FieldPath, Json>): Promise<EditResult>;
	fix(opId: string, value: Json, path?: FieldPath): Promise<EditResult>;
}

type Phase = 'saving' | 'saved' | 'failed';

interface Entry {
	id: string;
	component: string;
	value: Json;
	phase: Phase;
	/** Which `set` this is (a later one for the same cell supersedes it). */
	seq: number;
	/** Once saved: the replica's value then; ours is shown until the replica moves off it. */
	replicaThen?: Json | undefined;
}

/** One cell's key: `<result id>/<component key>`. */
export function editKey(id: string, component: string): string {
	return `${id}/${component}`;
}

function replicaValue(record: WireRecord | undefined, component: string): Json | undefined {
	if (!record || record.deleted === true) return undefined;
	const values = record['values'];
	if (values === null || typeof values !== 'object' || Array.isArray(values)) return undefined;
	return (values as Record<string, Json>)[component];
}

const reasonOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** One edited cell's reactive state (made on its first write, never dropped). */
class Cell {
	entry = $state.raw<Entry | undefined>(undefined);
	error = $state.raw<string | null>(null);
}

/** Tells readers of not-yet-edited cells that one appeared (see `#read`). */
class Appeared {
	version = $state(0);
}

/**
 * Readers of a cell nobody has edited watch one of these buckets (by a hash
 * of the key), not one signal for all: a first edit re-runs the few cells
 * that share its bucket, not the whole grid (a SvelteMap's missing keys all
 * share one version signal).
 */
const BUCKETS = 64;

function bucketOf(key: string): number {
	let h = 0;
	for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) | 0;
	return (h >>> 0) % BUCKETS;
}

export class ResultEdits {
	#sync: ResultsPort;
	// Not a SvelteMap on purpose: a cell's appearance is signalled by its bucket.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	#cells = new Map<string, Cell>();
	#appeared = Array.from({ length: BUCKETS }, () => new Appeared());
	#seq = 0;

	// Cells are made only here, in writes (event handlers, promise callbacks),
	// never inside a reaction: state made inside a reaction is not tracked by it.
	#write(k: string): Cell {
		let cell = this.#cells.get(k);
		if (!cell) {
			cell = new Cell();
			this.#cells.set(k, cell);
			(this.#appeared[bucketOf(k)] as Appeared).version++;
		}
		return cell;
	}

	#read(k: string): Cell | undefined {
		const cell = this.#cells.get(k);
		if (!cell) void (this.#appeared[bucketOf(k)] as Appeared).version;
		return cell;
	}

	#entry(k: string): Entry | undefined {
		return this.#read(k)?.entry;
	}

	constructor(sync: ResultsPort) {
		this.#sync = sync;
	}

	/**
	 * What the cell shows and what the next key or tap builds on: this tab's
	 * latest request while it is saving, failed, or saved but not yet in the
	 * replica; else the replica's value (`replica`, as the view read it).
	 */
	value(id: string, component: string, replica: Json | undefined): Json | undefined {
		const e = this.#entry(editKey(id, component));
		if (!e) return replica;
		if (e.phase === 'saved' && !jsonEqual(replica, e.replicaThen)) return replica;
		return e.value;
	}

	/** True from a `set` until its write is durable on the device (the cell says "saving"). */
	saving(id: string, component: string): boolean {
		return this.#entry(editKey(id, component))?.phase === 'saving';
	}

	/** Why the cell's last edit was refused, or null. */
	error(id: string, component: string): string | null {
		return this.#read(editKey(id, component))?.error ?? null;
	}

	/** Shows `reason` at the cell (e.g. typed text the device's validation refused). */
	refuse(id: string, component: string, reason: string): void {
		this.#write(editKey(id, component)).error = reason;
	}

	/**
	 * Clears the reasons of refusals that wrote nothing (`refuse`), on every
	 * cell: the grid's next action elsewhere. A failed write's reason stays.
	 */
	clearRefusals(): void {
		for (const cell of this.#cells.values())
			if (cell.error !== null && cell.entry?.phase !== 'failed') cell.error = null;
	}

	/** The teacher dismissed the cell's error: it goes, and a failed value with it. */
	dismiss(id: string, component: string): void {
		const cell = this.#cells.get(editKey(id, component));
		if (!cell) return;
		cell.error = null;
		if (cell.entry?.phase === 'failed') cell.entry = undefined;
	}

	/**
	 * Sets one component of the result `key`: shown at once, then written (a
	 * rejected op of the component is fixed instead of stacked). Resolves with
	 * the engine's answer (a throw becomes a refusal), or null when the value is
	 * the one already shown and nothing was written.
	 */
	set(key: ResultKey, component: string, value: Json): Promise<EditResult | null> {
		const id = resultId(key.student, key.class, key.assessment, key.period);
		const k = editKey(id, component);
		const path: FieldPath = `values.${component}`;
		const shown = this.value(id, component, replicaValue(this.#sync.get('results', id), component));
		const status = this.#sync.status('results', id, path);
		const cell = this.#write(k);
		cell.error = null;
		if (jsonEqual(shown ?? null, value) && cell.entry?.phase !== 'failed')
			return Promise.resolve(null);
		const seq = ++this.#seq;
		this.#prune();
		cell.entry = { id, component, value, phase: 'saving', seq };
		let write: Promise<EditResult>;
		try {
			if (status.status === 'rejected' && status.opId) {
				write = this.#sync.fix(status.opId, value, path);
			} else {
				const edit = componentEdit(key, component, value);
				write = this.#sync.edit('results', edit.id, edit.fields);
			}
		} catch (e) {
			write = Promise.reject(e instanceof Error ? e : new Error(String(e)));
		}
		return write.then(
			(res) => this.#settle(cell, seq, res),
			(e: unknown) => this.#settle(cell, seq, { ok: false, code: 'error', reason: reasonOf(e) })
		);
	}

	/** The grid's Space or click on a checklist cell: the next value of the cycle, from the shown one. */
	cycle(key: ResultKey, component: string, replica: Json | undefined): Promise<EditResult | null> {
		const id = resultId(key.student, key.class, key.assessment, key.period);
		return this.set(key, component, cycleChecklist(this.value(id, component, replica)));
	}

	/** Field mode's tap on a mark: sets it, or clears it when it is the mark already shown. */
	tap(
		key: ResultKey,
		component: string,
		replica: Json | undefined,
		tapped: Exclude<ChecklistValue, null>
	): Promise<EditResult | null> {
		const id = resultId(key.student, key.class, key.assessment, key.period);
		return this.set(key, component, tapChecklist(this.value(id, component, replica), tapped));
	}

	// Saved entries whose value the replica has since shown (or moved off) are done.
	#prune(): void {
		for (const cell of this.#cells.values()) {
			const e = cell.entry;
			if (e?.phase !== 'saved') continue;
			const now = replicaValue(this.#sync.get('results', e.id), e.component);
			if (!jsonEqual(now, e.replicaThen)) cell.entry = undefined;
		}
	}

	#settle(cell: Cell, seq: number, res: EditResult): EditResult {
		const e = cell.entry;
		// A later set for the cell owns it now; its own answer decides what shows.
		if (!e || e.seq !== seq) return res;
		if (!res.ok) {
			cell.entry = { ...e, phase: 'failed' };
			cell.error = res.reason;
			return res;
		}
		const now = replicaValue(this.#sync.get('results', e.id), e.component);
		if (jsonEqual(now ?? null, e.value)) cell.entry = undefined;
		// Durable, but this tab's replica has not read it back yet (a follower
		// tab reloads after the leader's message): keep showing ours until it does.
		else cell.entry = { ...e, phase: 'saved', replicaThen: now };
		return res;
	}
}
