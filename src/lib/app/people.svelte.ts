/**
 * Colleagues' names ("who wrote this note", "who changed this"). Users are not synced; their
 * names come from PocketBase's REST API when online and are remembered on the
 * device (localStorage), so offline the notes still say who wrote them once
 * the name has been seen. Unknown authors read "A colleague".
 */
import { SvelteMap } from 'svelte/reactivity';
import { pb } from '$lib/pocketbase';

const STORAGE_KEY = 'markbook.authorNames';
/** How long to wait before asking again for a name the server did not give. */
const RETRY_MS = 60_000;

function load(): [string, string][] {
	try {
		const raw = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as unknown;
		if (!raw || typeof raw !== 'object') return [];
		return Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string');
	} catch {
		// Unreadable or absent storage: names are fetched again.
		return [];
	}
}

class People {
	#names = new SvelteMap<string, string>(load());
	/** When each unknown name may be asked for again (epoch ms). */
	#askAfter: Record<string, number> = {};

	/** The name of user `id`, or null while unknown (then asks the server, at most once a minute). */
	nameOf(id: string): string | null {
		const name = this.#names.get(id);
		if (name === undefined && (this.#askAfter[id] ?? 0) <= Date.now()) {
			this.#askAfter[id] = Date.now() + RETRY_MS;
			// After this read: a state change inside a template read is not allowed.
			queueMicrotask(() => void this.#fetch(id));
		}
		return name ?? null;
	}

	/** Words for who made an edit: "You", a name, "A colleague", or the office (no user). */
	describe(id: string | null | undefined, me: string | undefined): string {
		if (!id) return 'the school office';
		if (id === me) return 'You';
		return this.nameOf(id) ?? 'A colleague';
	}

	async #fetch(id: string): Promise<void> {
		try {
			const user = await pb
				.collection('users')
				.getOne(id, { fields: 'id,name', requestKey: `author-${id}` });
			const name = typeof user['name'] === 'string' ? user['name'] : '';
			if (name === '') return;
			this.#names.set(id, name);
			localStorage.setItem(STORAGE_KEY, JSON.stringify(Object.fromEntries(this.#names)));
		} catch {
			// Offline or not visible: the note says "A colleague" until a later try works.
		}
	}
}

export const people = new People();
