/**
 * Running a release as a school would: the `markbook` binary of an unpacked
 * release folder, started in that folder with nothing on PATH (no Node, no Go)
 * and no folder flags, bounded in time and always stopped.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../scripts/lib/pocketbase.mjs';
import { packRelease, releaseName } from '../../scripts/lib/release.mjs';
import { ensureAppBuilt } from '../../scripts/lib/setup.mjs';

export const START_TIMEOUT_MS = 30_000;
/** What a release folder holds besides its deployment files. */
export const RELEASE_PARTS = ['markbook', 'pb_hooks', 'pb_migrations', 'pb_public'];

/** PATH for the server: a folder that does not exist, so it finds no Node, no Go, no tool at all. */
const NO_TOOLS_PATH = '/nonexistent/markbook-release-test';

export interface UnpackedRelease {
	/** The temporary folder holding dist/ and the unpacked release; removed by cleanup(). */
	root: string;
	tarball: string;
	/** The unpacked release folder. */
	dir: string;
	cleanup(): void;
}

/**
 * `npm run release`'s packing for amd64 (arm64 is the same build for another
 * GOARCH, and a cold compile of a minute or more), unpacked into an empty
 * folder. Uses the app and hooks library as built (`npm test` and the global
 * setup build them just before).
 */
export function packAndUnpackRelease(): UnpackedRelease {
	const root = mkdtempSync(join(tmpdir(), 'markbook-release-'));
	try {
		ensureAppBuilt();
		const [tarball] = packRelease({ arches: ['amd64'], outDir: join(root, 'dist'), log: () => {} });
		const unpacked = join(root, 'school-server');
		mkdirSync(unpacked);
		const tar = spawnSync('tar', ['-xzf', tarball as string, '-C', unpacked], { encoding: 'utf8' });
		if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
		return {
			root,
			tarball: tarball as string,
			dir: join(unpacked, releaseName('amd64')),
			cleanup: () => rmSync(root, { recursive: true, force: true })
		};
	} catch (error) {
		rmSync(root, { recursive: true, force: true });
		throw error;
	}
}

/** A copy of a release folder's binary and folders (not its pb_data) at `to`. */
export function copyRelease(from: string, to: string): string {
	for (const part of RELEASE_PARTS) cpSync(join(from, part), join(to, part), { recursive: true });
	return to;
}

/** The release's binary run in `dir` with a bare environment and a time limit. */
export function markbook(dir: string, args: string[], env: Record<string, string> = {}) {
	return spawnSync(join(dir, 'markbook'), args, {
		cwd: dir,
		encoding: 'utf8',
		timeout: START_TIMEOUT_MS,
		env: { PATH: NO_TOOLS_PATH, ...env }
	});
}

export interface Served {
	url: string;
	child: ChildProcess;
	output(): string;
	stop(): Promise<void>;
}

/** `./markbook serve --http=127.0.0.1:<free port>` in `dir`, once /api/health answers. */
export async function serve(dir: string, env: Record<string, string> = {}): Promise<Served> {
	const port = await freePort();
	const child = spawn(join(dir, 'markbook'), ['serve', `--http=127.0.0.1:${port}`], {
		cwd: dir,
		stdio: ['ignore', 'pipe', 'pipe'],
		env: { PATH: NO_TOOLS_PATH, ...env }
	});
	let output = '';
	const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
	child.stdout?.on('data', collect);
	child.stderr?.on('data', collect);
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const stop = async () => {
		if (child.exitCode !== null || child.signalCode !== null) return;
		child.kill('SIGTERM');
		const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
		await exited;
		clearTimeout(timer);
	};
	const url = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + START_TIMEOUT_MS;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`markbook exited (${child.exitCode}):\n${output}`);
		try {
			if ((await fetch(`${url}/api/health`)).ok) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`markbook did not answer /api/health within 30 s:\n${output}`);
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	return { url, child, output: () => output, stop };
}

/** A GET over HTTPS trusting only `ca`, from a chosen loopback address; the first `firstBytes` of the body for a stream. */
export function httpsGet(
	url: string,
	opts: {
		ca: string;
		localAddress?: string;
		headers?: Record<string, string>;
		firstBytes?: boolean;
	}
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
	return new Promise((resolve, reject) => {
		const req = httpsRequest(
			url,
			{
				agent: false,
				ca: opts.ca,
				localAddress: opts.localAddress,
				headers: opts.headers ?? {},
				timeout: 10_000
			},
			(res) => {
				let body = '';
				res.setEncoding('utf8');
				res.on('data', (chunk: string) => {
					body += chunk;
					if (opts.firstBytes) {
						req.destroy();
						resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
					}
				});
				res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
			}
		);
		req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within 10 s`)));
		req.on('error', reject);
		req.end();
	});
}
