/**
 * Values this tab asked for that the replica may not show yet. Taps and keys
 * faster than a save lands (Space, Space; tap, tap; Delete then d) must build
 * on the last request, not on the value still on screen, or the second press
 * repeats the first. Keyed by whatever names a value on the page (a cell).
 * Not reactive on purpose: it only decides what the next press means.
 */
import type { Json } from '$lib/sync/core/types';

export class Intents {
	#asked = new Map<string, Json>();

	/** The value the next press builds on: the latest request, else what is shown. */
	current(key: string, shown: Json | undefined): Json | undefined {
		return this.#asked.has(key) ? this.#asked.get(key) : shown;
	}

	/** A request for `value` is under way. */
	ask(key: string, value: Json): void {
		this.#asked.set(key, value);
	}

	/** The request for `value` ended (saved: the replica shows it; or refused). */
	settle(key: string, value: Json): void {
		if (this.#asked.get(key) === value) this.#asked.delete(key);
	}
}
