/**
 * Which cells changed for a reason other than this tab's own edit (a
 * colleague's edit arriving in real time, a pull, another tab), so the grid
 * can flash them. The grid tells it what it is about to write (`expect`) and
 * shows it every cell's value after each change (`observe`).
 *
 * Values seen for the first time in a scope (the first render, a switch of
 * assessment or period, a student joining the class) never flash.
 */
import { jsonEqual } from '$lib/sync/core/json';
import type { Json } from '$lib/sync/core/types';

/** How long a changed cell stays highlighted (the CSS animation's length). */
export const FLASH_MS = 2000;

export class ChangeFlasher {
	#scope: string | null = null;
	#seen = new Map<string, Json>();
	// Values this tab has written and not yet seen come back, per cell.
	#own = new Map<string, Json[]>();

	/** This tab is about to set `cell` to `value`: its arrival is not news. */
	expect(cell: string, value: Json): void {
		const list = this.#own.get(cell);
		if (list) list.push(value);
		else this.#own.set(cell, [value]);
	}

	/** The edit was refused on the device: nothing will arrive. */
	forget(cell: string, value: Json): void {
		const list = this.#own.get(cell);
		const i = list ? list.findIndex((v) => jsonEqual(v, value)) : -1;
		if (list && i >= 0) list.splice(i, 1);
		if (list && list.length === 0) this.#own.delete(cell);
	}

	/**
	 * Records the current values of every cell of `scope`; returns the cells
	 * whose value changed since the last call and did not come from `expect`.
	 */
	observe(scope: string, cells: Iterable<readonly [string, Json | undefined]>): string[] {
		const fresh = scope !== this.#scope;
		if (fresh) {
			this.#scope = scope;
			this.#seen.clear();
			this.#own.clear();
		}
		const changed: string[] = [];
		for (const [cell, raw] of cells) {
			const value = raw === undefined ? null : raw;
			const known = this.#seen.has(cell);
			const before = this.#seen.get(cell);
			this.#seen.set(cell, value);
			if (fresh || !known || jsonEqual(before, value)) continue;
			const own = this.#own.get(cell);
			const i = own ? own.findIndex((v) => jsonEqual(v, value)) : -1;
			if (own && i >= 0) {
				// Our own value (and any older ones of ours, overtaken by it).
				own.splice(0, i + 1);
				if (own.length === 0) this.#own.delete(cell);
				continue;
			}
			changed.push(cell);
		}
		return changed;
	}
}
