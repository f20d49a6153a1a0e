/**
 * A peer's server in a child process (bench/.build/<name>.mjs), so its memory
 * is measurable apart from the clients, as PocketBase's is.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../../scripts/lib/pocketbase.mjs';
import { READY_PREFIX } from '../peers/protocol';

export interface ChildServer {
	url: string;
	pid: number;
	dataDir: string;
	stop(): Promise<void>;
}

const BUILD_DIR = dirname(fileURLToPath(import.meta.url));
const START_TIMEOUT_MS = 30_000;

/** Starts `bench/.build/<script>.mjs` on a free port with a fresh data dir. */
export async function startChildServer(
	script: 'rxdb-server' | 'pouch-server'
): Promise<ChildServer> {
	const port = await freePort();
	const dataDir = mkdtempSync(join(tmpdir(), `markbook-bench-${script}-`));
	const child = spawn(process.execPath, [join(BUILD_DIR, `${script}.mjs`)], {
		env: { ...process.env, PORT: String(port), DATA_DIR: dataDir },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	const ready = new Promise<void>((resolve, reject) => {
		const timer = setTimeout(
			() => reject(new Error(`${script} did not start:\n${output}`)),
			START_TIMEOUT_MS
		);
		const onData = (chunk: Buffer): void => {
			output = (output + chunk.toString()).slice(-20_000);
			if (output.includes(READY_PREFIX)) {
				clearTimeout(timer);
				resolve();
			}
		};
		child.stdout?.on('data', onData);
		child.stderr?.on('data', onData);
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`${script} exited (${code}) while starting:\n${output}`));
		});
	});
	await ready;
	return {
		url: `http://127.0.0.1:${port}`,
		pid: child.pid as number,
		dataDir,
		stop: () => stopChild(child, dataDir)
	};
}

async function stopChild(child: ChildProcess, dataDir: string): Promise<void> {
	if (child.exitCode === null && child.signalCode === null) {
		const exited = new Promise((r) => child.once('exit', r));
		child.kill('SIGTERM');
		const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
		await exited;
		clearTimeout(timer);
	}
	rmSync(dataDir, { recursive: true, force: true });
}
