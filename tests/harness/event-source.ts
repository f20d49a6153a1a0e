/**
 * A minimal EventSource over fetch, for the PocketBase SDK's realtime in Node
 * 20 (which has none). Enough of the standard for the SDK: `addEventListener`
 * per event name, `lastEventId`, `data`, `onerror`, `close()`. No automatic
 * reconnect (the SDK reconnects by making a new one).
 */
type Listener = (event: { type: string; data: string; lastEventId: string }) => void;

export class FetchEventSource {
	static readonly CONNECTING = 0;
	static readonly OPEN = 1;
	static readonly CLOSED = 2;
	readonly url: string;
	readyState = FetchEventSource.CONNECTING;
	onerror: ((e: unknown) => void) | null = null;
	onopen: ((e: unknown) => void) | null = null;
	#listeners = new Map<string, Set<Listener>>();
	#abort = new AbortController();

	constructor(url: string | URL) {
		this.url = String(url);
		void this.#run();
	}

	addEventListener(type: string, fn: Listener): void {
		let set = this.#listeners.get(type);
		if (!set) this.#listeners.set(type, (set = new Set()));
		set.add(fn);
	}

	removeEventListener(type: string, fn: Listener): void {
		this.#listeners.get(type)?.delete(fn);
	}

	close(): void {
		this.readyState = FetchEventSource.CLOSED;
		this.#abort.abort();
	}

	async #run(): Promise<void> {
		try {
			const res = await fetch(this.url, {
				headers: { Accept: 'text/event-stream' },
				signal: this.#abort.signal
			});
			if (!res.ok || !res.body) throw new Error(`realtime: HTTP ${res.status}`);
			this.readyState = FetchEventSource.OPEN;
			this.onopen?.({});
			const decoder = new TextDecoder();
			let buffer = '';
			let id = '';
			let event = 'message';
			let data: string[] = [];
			for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
				buffer += decoder.decode(chunk, { stream: true });
				let nl: number;
				while ((nl = buffer.indexOf('\n')) >= 0) {
					const line = buffer.slice(0, nl).replace(/\r$/, '');
					buffer = buffer.slice(nl + 1);
					if (line === '') {
						if (data.length > 0) {
							const e = { type: event, data: data.join('\n'), lastEventId: id };
							for (const fn of [...(this.#listeners.get(event) ?? [])]) fn(e);
						}
						event = 'message';
						data = [];
						continue;
					}
					const colon = line.indexOf(':');
					const field = colon < 0 ? line : line.slice(0, colon);
					const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
					if (field === 'id') id = value;
					else if (field === 'event') event = value;
					else if (field === 'data') data.push(value);
				}
			}
			if (this.readyState !== FetchEventSource.CLOSED) throw new Error('realtime: stream ended');
		} catch (e) {
			if (this.readyState === FetchEventSource.CLOSED) return;
			this.readyState = FetchEventSource.CLOSED;
			this.onerror?.(e);
		}
	}
}

/** Installs FetchEventSource as the global EventSource when there is none. */
export function installEventSource(): void {
	const g = globalThis as { EventSource?: unknown };
	if (!g.EventSource) g.EventSource = FetchEventSource;
}
