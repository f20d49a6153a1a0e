/**
 * A real PocketBase for the fault suite, on a fixed port and data dir so it
 * can be killed (-9), stopped (SIGSTOP) and started again where it was.
 * Every process started here is killed when this process exits, however it
 * exits (normal end, failure, Ctrl-C).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PocketBase from 'pocketbase';
import { freePort, startPocketBase } from '../../scripts/lib/pocketbase.mjs';
import { DEMO_SUPERUSER, seedDemoSchool } from '../../scripts/lib/seed.mjs';

const live = new Set<ChildProcess>();
const dataDirs = new Set<string>();

function killAll(): void {
	for (const child of live) {
		try {
			// A stopped process would not act on SIGKILL's siblings; SIGKILL always works.
			child.kill('SIGKILL');
		} catch {
			// already gone
		}
	}
	live.clear();
	for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
	dataDirs.clear();
}

let handlersInstalled = false;
function installExitHandlers(): void {
	if (handlersInstalled) return;
	handlersInstalled = true;
	process.once('exit', killAll);
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.once(signal, () => {
			killAll();
			process.exit(130);
		});
	}
}

interface Running {
	process: ChildProcess;
	exited: Promise<void>;
	output(): string;
}

export interface SqlResult {
	columns: { name: string }[];
	rows: (string | null)[][];
}

export class FaultServer {
	readonly dataDir: string;
	readonly port: number;
	readonly url: string;
	#running: Running | null = null;
	#paused = false;
	#admin: PocketBase | null = null;
	/** Output of every process run so far (the last 20 kB of each). */
	readonly outputs: string[] = [];
	/** "Server started" lines seen (a restore restarts the process in place). */
	starts = 0;
	/** Exits nobody asked for (the process died on its own), with its last output. */
	readonly unexpectedExits: string[] = [];

	private constructor(dataDir: string, port: number) {
		this.dataDir = dataDir;
		this.port = port;
		this.url = `http://127.0.0.1:${port}`;
	}

	/** A new server with the demo school. */
	static async start(): Promise<FaultServer> {
		installExitHandlers();
		const dataDir = mkdtempSync(join(tmpdir(), 'markbook-faults-'));
		dataDirs.add(dataDir);
		const server = new FaultServer(dataDir, (await freePort()) as number);
		await server.#launch();
		await seedDemoSchool(server.url);
		return server;
	}

	async #launch(): Promise<void> {
		const pb = await startPocketBase({
			dataDir: this.dataDir,
			port: this.port,
			superuser: DEMO_SUPERUSER
		});
		const child = pb.process as ChildProcess;
		live.add(child);
		const running: Running = {
			process: child,
			exited: Promise.resolve(),
			output: () => pb.output()
		};
		// PocketBase restarts itself in place (same pid) after a restore: count its starts.
		const onOutput = (chunk: Buffer) => {
			this.starts += chunk.toString().split('Server started at').length - 1;
		};
		child.stdout?.on('data', onOutput);
		child.stderr?.on('data', onOutput);
		running.exited = new Promise<void>((resolve) =>
			child.once('exit', (code, signal) => {
				live.delete(child);
				this.outputs.push(pb.output());
				// Not by kill9() or stop(): the server died on its own (say so; restart() works again).
				if (this.#running === running) {
					this.#running = null;
					this.unexpectedExits.push(`exit ${code ?? signal}: ${pb.output().slice(-2000)}`);
				}
				resolve();
			})
		);
		this.#running = running;
		this.#paused = false;
		// `superuser upsert` at start-up renews the superuser's token key.
		this.#admin = null;
	}

	get alive(): boolean {
		return this.#running !== null;
	}

	get pid(): number | undefined {
		return this.#running?.process.pid;
	}

	/** `kill -9`: no shutdown, no flush beyond what SQLite already did. */
	async kill9(): Promise<void> {
		const r = this.#running;
		if (!r) return;
		this.#running = null;
		r.process.kill('SIGKILL');
		await r.exited;
	}

	/** Starts the server again on the same data dir and port. */
	async restart(): Promise<void> {
		if (this.#running) return;
		await this.#launch();
	}

	/** SIGSTOP: the process stops answering, connections stay open. */
	pause(): void {
		if (!this.#running || this.#paused) return;
		this.#running.process.kill('SIGSTOP');
		this.#paused = true;
	}

	resume(): void {
		if (!this.#running || !this.#paused) return;
		this.#running.process.kill('SIGCONT');
		this.#paused = false;
	}

	/** Resolves once the process has started again after `since` starts (a restore's restart), then is healthy. */
	async waitRestarted(since: number, timeoutMs = 30_000): Promise<void> {
		const end = Date.now() + timeoutMs;
		while (this.starts <= since) {
			if (!this.#running)
				throw new Error(`PocketBase is not running: ${this.unexpectedExits.at(-1) ?? 'stopped'}`);
			if (Date.now() > end)
				throw new Error(
					`PocketBase did not restart within ${timeoutMs} ms:\n${this.output().slice(-3000)}`
				);
			await new Promise((r) => setTimeout(r, 50));
		}
		await this.waitHealthy(Math.max(1_000, end - Date.now()));
	}

	/** Resolves once /api/health answers (after a restart or a restore). */
	async waitHealthy(timeoutMs = 30_000): Promise<void> {
		const end = Date.now() + timeoutMs;
		for (;;) {
			try {
				const res = await fetch(`${this.url}/api/health`, { signal: AbortSignal.timeout(1000) });
				if (res.ok) return;
			} catch {
				// not up yet
			}
			if (!this.#running)
				throw new Error(`PocketBase is not running: ${this.unexpectedExits.at(-1) ?? 'stopped'}`);
			if (Date.now() > end)
				throw new Error(
					`PocketBase not healthy after ${timeoutMs} ms:\n${this.output().slice(-3000)}`
				);
			await new Promise((r) => setTimeout(r, 100));
		}
	}

	output(): string {
		return this.#running?.output() ?? this.outputs[this.outputs.length - 1] ?? '';
	}

	/** A client signed in as the office (superuser), talking to the server directly. */
	async admin(): Promise<PocketBase> {
		if (this.#admin?.authStore.isValid) return this.#admin;
		const client = new PocketBase(this.url);
		client.autoCancellation(false);
		await client
			.collection('_superusers')
			.authWithPassword(DEMO_SUPERUSER.email, DEMO_SUPERUSER.password);
		this.#admin = client;
		return client;
	}

	/** A read query through PocketBase's superuser SQL endpoint (`POST /api/sql`). */
	async sql(query: string): Promise<SqlResult> {
		const admin = await this.admin();
		return admin.send<SqlResult>('/api/sql', { method: 'POST', body: { query }, requestKey: null });
	}

	/** Stops the process and deletes the data dir. */
	async stop(): Promise<void> {
		const r = this.#running;
		this.#running = null;
		if (r) {
			if (this.#paused) r.process.kill('SIGCONT');
			r.process.kill('SIGTERM');
			const timer = setTimeout(() => r.process.kill('SIGKILL'), 5_000);
			await r.exited;
			clearTimeout(timer);
		}
		rmSync(this.dataDir, { recursive: true, force: true });
		dataDirs.delete(this.dataDir);
	}
}
