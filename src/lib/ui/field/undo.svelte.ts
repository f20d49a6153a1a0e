/**
 * Field mode's undo: the changes made on this page, newest last. Undoing one
 * makes a new edit that puts things back (edits are never taken out of the
 * outbox: the first may already be on the server and on a colleague's screen).
 */
import type { ResultKey } from '$lib/app/data';
import type { Json } from '$lib/sync/core/types';

/** How many changes Undo can walk back. */
export const UNDO_LEVELS = 30;

export type UndoEntry =
	/** A component of a result was set; `before` is its value then (undefined: not observed). */
	| { kind: 'value'; key: ResultKey; component: string; before: Json | undefined; what: string }
	/** A timed attempt was recorded. */
	| { kind: 'attemptAdded'; id: string; student: string; what: string }
	/** A timed attempt was deleted; undoing records it again (as a new attempt). */
	| { kind: 'attemptRemoved'; fields: Record<string, Json>; student: string; what: string };

export class UndoStack {
	#entries = $state<UndoEntry[]>([]);

	/** The change Undo would revert next. */
	get last(): UndoEntry | null {
		return this.#entries[this.#entries.length - 1] ?? null;
	}

	get size(): number {
		return this.#entries.length;
	}

	push(entry: UndoEntry): void {
		this.#entries = [...this.#entries.slice(-(UNDO_LEVELS - 1)), entry];
	}

	pop(): UndoEntry | null {
		const last = this.last;
		if (last) this.#entries = this.#entries.slice(0, -1);
		return last;
	}
}

/** The student an entry is about (Undo shows that student). */
export function studentOf(entry: UndoEntry): string {
	return entry.kind === 'value' ? entry.key.student : entry.student;
}
