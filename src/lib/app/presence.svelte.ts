/**
 * Who else has a class open right now. Each open class page keeps a row in
 * the `presence` collection fresh (HEARTBEAT_MS) and follows the class's rows
 * in realtime. Presence needs a connection; offline it shows nobody and says so.
 */
import type { RecordModel, RecordSubscription } from 'pocketbase';
import { pb } from '$lib/pocketbase';
import { sha256Hex } from '$lib/sync/core/ids';

/** How often an open page says "still here". */
export const HEARTBEAT_MS = 15_000;
/** A row not refreshed for this long is a closed or sleeping tab. */
export const PRESENCE_STALE_MS = 45_000;

export interface Present {
	user: string;
	name: string;
	device: string;
	seen: number;
}

function toPresent(r: RecordModel): Present {
	const expanded = (r['expand'] as { user?: RecordModel } | undefined)?.user;
	return {
		user: String(r['user']),
		name: String(expanded?.['name'] ?? 'A colleague'),
		device: String(r['device']),
		seen: Date.parse(String(r['seen']).replace(' ', 'T'))
	};
}

/** One page's presence in one class; `close()` when the page goes. */
export class ClassPresence {
	#classId: string;
	#userId: string;
	#device: string;
	#rowId: string;
	#rows = $state<Record<string, Present>>({});
	#timer: ReturnType<typeof setInterval> | null = null;
	#unsubscribe: (() => Promise<void>) | null = null;
	#closed = false;
	/** False while the server cannot be reached. */
	connected = $state(false);
	#now = $state(Date.now());

	constructor(classId: string, userId: string, device: string) {
		this.#classId = classId;
		this.#userId = userId;
		this.#device = device;
		// One row per user, class and device: its id is derived, so a reload
		// refreshes the same row instead of adding one.
		this.#rowId = sha256Hex(`presence|${userId}|${classId}|${device}`).slice(0, 15);
		void this.#start();
	}

	/** Colleagues (not this teacher) seen lately, one entry per person. */
	get others(): Present[] {
		const byUser: Record<string, Present> = {};
		for (const p of Object.values(this.#rows)) {
			if (p.user === this.#userId || this.#now - p.seen > PRESENCE_STALE_MS) continue;
			const prev = byUser[p.user];
			if (!prev || prev.seen < p.seen) byUser[p.user] = p;
		}
		return Object.values(byUser).sort((a, b) => a.name.localeCompare(b.name));
	}

	async #start(): Promise<void> {
		this.#timer = setInterval(() => void this.#beat(), HEARTBEAT_MS);
		await this.#beat();
		try {
			const filter = pb.filter('class = {:c}', { c: this.#classId });
			const rows = await pb
				.collection('presence')
				.getFullList({ filter, expand: 'user', requestKey: null });
			for (const r of rows) this.#rows[r.id] = toPresent(r);
			const unsub = await pb.collection('presence').subscribe(
				'*',
				(e: RecordSubscription<RecordModel>) => {
					if (e.action === 'delete') delete this.#rows[e.record.id];
					else this.#rows[e.record.id] = toPresent(e.record);
					this.#now = Date.now();
				},
				{ filter, expand: 'user' }
			);
			if (this.#closed) await unsub();
			else this.#unsubscribe = unsub;
		} catch {
			this.connected = false;
		}
	}

	async #beat(): Promise<void> {
		if (this.#closed) return;
		this.#now = Date.now();
		const body = {
			user: this.#userId,
			class: this.#classId,
			device: this.#device,
			seen: new Date(Date.now()).toISOString() // eslint-disable-line svelte/prefer-svelte-reactivity -- a value, not state
		};
		try {
			try {
				await pb
					.collection('presence')
					.update(this.#rowId, { seen: body.seen }, { requestKey: null });
			} catch (e) {
				if ((e as { status?: number }).status !== 404) throw e;
				await pb.collection('presence').create({ id: this.#rowId, ...body }, { requestKey: null });
			}
			this.connected = true;
		} catch {
			this.connected = false;
		}
	}

	async close(): Promise<void> {
		this.#closed = true;
		if (this.#timer !== null) clearInterval(this.#timer);
		try {
			await this.#unsubscribe?.();
			await pb.collection('presence').delete(this.#rowId, { requestKey: null });
		} catch {
			// Offline or already gone: the sweep and the staleness window cover it.
		}
	}
}
