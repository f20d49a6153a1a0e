/**
 * Names of colleagues ("who changed this"), by user id. Users are readable by
 * every signed-in teacher; names are fetched once and kept in localStorage so
 * they still show offline.
 */
import { SvelteMap } from 'svelte/reactivity';
import { pb } from '$lib/pocketbase';

const STORE_KEY = 'markbook-people';

function load(): Record<string, string> {
	try {
		const raw = localStorage.getItem(STORE_KEY);
		return raw ? (JSON.parse(raw) as Record<string, string>) : {};
	} catch {
		return {};
	}
}

class People {
	#names = new SvelteMap<string, string>(Object.entries(load()));
	#asked = new Set<string>();

	/** The name of `userId`; "the school office" for edits made in the admin UI. */
	name(userId: string | null | undefined, me?: string): string {
		if (!userId) return 'the school office';
		if (userId === me) return 'You';
		const known = this.#names.get(userId);
		if (known !== undefined) return known;
		void this.#fetch(userId);
		return 'A colleague';
	}

	async #fetch(userId: string): Promise<void> {
		if (this.#asked.has(userId)) return;
		this.#asked.add(userId);
		try {
			const user = await pb.collection('users').getOne(userId, { fields: 'id,name', requestKey: null });
			this.#names.set(userId, String(user['name'] ?? ''));
			localStorage.setItem(STORE_KEY, JSON.stringify(Object.fromEntries(this.#names)));
		} catch {
			this.#asked.delete(userId); // offline: ask again next time
		}
	}
}

export const people = new People();
