/**
 * A loopback HTTP proxy between devices and a real PocketBase that injects
 * network faults, seeded:
 *
 *   device ──▶ proxy ──▶ PocketBase
 *               │ resetBefore: the connection is reset, nothing forwarded
 *               │ delay:       the request waits before it is forwarded
 *               │ forwardTwice (push): the request reaches the server twice
 *               │              (one after the other, or both at once)
 *               │ dropAnswer:  forwarded and answered by the server, then the
 *               │              connection is reset instead of the answer
 *               │ SSE:         realtime streams are piped and can be cut or refused
 *
 * When the server cannot be reached (killed, restarting) the client's
 * connection is reset, as the network would; a stopped server (SIGSTOP) just
 * never answers, and the client's own timeout decides. Answers the server
 * itself gave with a 5xx status are counted (`serverErrors`): a proxy-made
 * failure is never reported as the server's.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the proxy does to sync requests (push and pull); probabilities in [0, 1]. */
export interface FaultPlan {
	resetBefore?: number;
	dropAnswer?: number;
	/** Push only. */
	forwardTwice?: number;
	delay?: number;
	/** Delay range in ms, when delayed. */
	delayMs?: [number, number];
	/** Refuse new realtime streams (a school proxy that kills SSE). */
	blockSse?: boolean;
}

export type RequestKind = 'push' | 'pull' | 'realtime' | 'other';

export interface ServerErrorAnswer {
	kind: RequestKind;
	path: string;
	status: number;
	body: string;
	at: number;
	/** A 503 while `allow503` was set (a restore under way: the design's retryable answer). */
	expected: boolean;
}

export interface ProxyStats {
	requests: number;
	resetBefore: number;
	dropped: number;
	twice: number;
	delayed: number;
	sseCut: number;
	sseRefused: number;
	upstreamFailed: number;
}

/** A seeded PRNG (mulberry32): the same seed gives the same faults, in the same order. */
export function seededRandom(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function kindOf(method: string, path: string): RequestKind {
	if (path.startsWith('/api/sync/push')) return 'push';
	if (path.startsWith('/api/sync/pull')) return 'pull';
	if (path.startsWith('/api/realtime')) return 'realtime';
	return method === 'GET' && path.startsWith('/api/sync/') ? 'pull' : 'other';
}

interface Upstream {
	status: number;
	headers: http.IncomingHttpHeaders;
	body: Buffer;
}

export class FaultProxy {
	readonly stats: ProxyStats = {
		requests: 0,
		resetBefore: 0,
		dropped: 0,
		twice: 0,
		delayed: 0,
		sseCut: 0,
		sseRefused: 0,
		upstreamFailed: 0
	};
	readonly serverErrors: ServerErrorAnswer[] = [];
	plan: FaultPlan = {};
	/** While set, a 503 is the expected answer (a restore is under way) and not counted as a failure. */
	allow503 = false;
	/** Called when a push has been handed to the server (e.g. to kill it mid-push). */
	onPushForwarded: ((body: string) => void) | null = null;
	#random: () => number;
	#server: http.Server;
	#upstreamPort: number;
	#streams = new Set<{ client: http.ServerResponse; upstream: http.ClientRequest }>();
	#sockets = new Set<Socket>();
	#agent = new http.Agent({ keepAlive: true });
	url = '';

	private constructor(upstreamPort: number, seed: number) {
		this.#upstreamPort = upstreamPort;
		this.#random = seededRandom(seed);
		this.#server = http.createServer((req, res) => void this.#handle(req, res));
		this.#server.on('connection', (socket) => {
			this.#sockets.add(socket);
			socket.once('close', () => this.#sockets.delete(socket));
		});
	}

	static async start(upstreamPort: number, seed: number): Promise<FaultProxy> {
		const proxy = new FaultProxy(upstreamPort, seed);
		await new Promise<void>((resolve, reject) => {
			proxy.#server.once('error', reject);
			proxy.#server.listen(0, '127.0.0.1', () => resolve());
		});
		proxy.url = `http://127.0.0.1:${(proxy.#server.address() as AddressInfo).port}`;
		return proxy;
	}

	/** Faults injected so far (every kind). */
	get injected(): number {
		const s = this.stats;
		return (
			s.resetBefore + s.dropped + s.twice + s.delayed + s.sseCut + s.sseRefused + s.upstreamFailed
		);
	}

	/** Starts the fault sequence again from `seed` (one seed per run). */
	reseed(seed: number): void {
		this.#random = seededRandom(seed);
	}

	/** Cuts every open realtime stream (both sides); returns how many. */
	cutStreams(): number {
		const n = this.#streams.size;
		for (const s of this.#streams) {
			s.upstream.destroy();
			s.client.destroy();
		}
		this.#streams.clear();
		this.stats.sseCut += n;
		return n;
	}

	#chance(p: number | undefined): boolean {
		return p !== undefined && p > 0 && this.#random() < p;
	}

	async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const path = req.url ?? '/';
		const kind = kindOf(req.method ?? 'GET', path);
		this.stats.requests++;
		const chunks: Buffer[] = [];
		try {
			for await (const c of req) chunks.push(c as Buffer);
		} catch {
			return;
		}
		const body = Buffer.concat(chunks);
		const plan = this.plan;

		if (kind === 'realtime' && req.method === 'GET') return this.#stream(req, res, plan);
		const faulty = kind === 'push' || kind === 'pull';
		if (faulty && this.#chance(plan.resetBefore)) {
			this.stats.resetBefore++;
			req.socket.destroy();
			return;
		}
		if (faulty && this.#chance(plan.delay)) {
			this.stats.delayed++;
			const [lo, hi] = plan.delayMs ?? [50, 500];
			await new Promise((r) => setTimeout(r, lo + this.#random() * (hi - lo)));
		}
		const twice = kind === 'push' && this.#chance(plan.forwardTwice);
		const drop = faulty && this.#chance(plan.dropAnswer);
		const together = twice && this.#random() < 0.5;
		let answer: Upstream;
		try {
			if (twice) {
				this.stats.twice++;
				if (together) {
					const both = await Promise.all([
						this.#forward(req, body, kind),
						this.#forward(req, body, kind)
					]);
					answer = both[this.#random() < 0.5 ? 0 : 1];
				} else {
					await this.#forward(req, body, kind);
					answer = await this.#forward(req, body, kind);
				}
			} else {
				answer = await this.#forward(req, body, kind);
			}
		} catch {
			this.stats.upstreamFailed++;
			req.socket.destroy();
			return;
		}
		if (drop) {
			this.stats.dropped++;
			req.socket.destroy();
			return;
		}
		const headers = { ...answer.headers };
		delete headers['transfer-encoding'];
		delete headers['connection'];
		headers['content-length'] = String(answer.body.length);
		res.writeHead(answer.status, headers);
		res.end(answer.body);
	}

	#forward(req: http.IncomingMessage, body: Buffer, kind: RequestKind): Promise<Upstream> {
		return new Promise((resolve, reject) => {
			const upstream = http.request(
				{
					host: '127.0.0.1',
					port: this.#upstreamPort,
					method: req.method,
					path: req.url,
					headers: { ...req.headers, host: `127.0.0.1:${this.#upstreamPort}` },
					agent: this.#agent
				},
				(up) => {
					const parts: Buffer[] = [];
					up.on('data', (c: Buffer) => parts.push(c));
					up.on('error', reject);
					up.on('end', () => {
						const answer = {
							status: up.statusCode ?? 0,
							headers: up.headers,
							body: Buffer.concat(parts)
						};
						if (answer.status >= 500) {
							this.serverErrors.push({
								kind,
								path: (req.url ?? '').split('?')[0] ?? '',
								status: answer.status,
								body: answer.body.toString('utf8').slice(0, 300),
								at: Date.now(),
								expected: this.allow503 && answer.status === 503
							});
						}
						resolve(answer);
					});
				}
			);
			upstream.on('error', reject);
			upstream.end(body);
			if (kind === 'push') this.onPushForwarded?.(body.toString('utf8'));
		});
	}

	#stream(req: http.IncomingMessage, res: http.ServerResponse, plan: FaultPlan): void {
		if (plan.blockSse) {
			this.stats.sseRefused++;
			req.socket.destroy();
			return;
		}
		const upstream = http.request({
			host: '127.0.0.1',
			port: this.#upstreamPort,
			method: 'GET',
			path: req.url,
			headers: { ...req.headers, host: `127.0.0.1:${this.#upstreamPort}` }
		});
		const entry = { client: res, upstream };
		upstream.on('response', (up) => {
			res.writeHead(up.statusCode ?? 502, up.headers);
			up.pipe(res);
			up.on('error', () => res.destroy());
		});
		upstream.on('error', () => {
			this.#streams.delete(entry);
			res.destroy();
		});
		res.on('close', () => {
			this.#streams.delete(entry);
			upstream.destroy();
		});
		this.#streams.add(entry);
		upstream.end();
	}

	async close(): Promise<void> {
		this.cutStreams();
		for (const s of this.#sockets) s.destroy();
		this.#agent.destroy();
		await new Promise<void>((resolve) => this.#server.close(() => resolve()));
	}
}
