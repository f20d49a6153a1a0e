// Build, start and stop the project's PocketBase binary. Used by `npm start`,
// the test harness, Playwright's global setup and the benchmarks, so there is
// one way to run the server.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const GO_MODULE_DIR = join(PROJECT_ROOT, 'pocketbase');
const BUILT_BINARY = join(GO_MODULE_DIR, 'pocketbase');
/** Records which sources (go.mod, go.sum, the .go files) the binary was built from. */
const BUILT_STAMP = join(GO_MODULE_DIR, '.built-version');

export const MIGRATIONS_DIR = join(PROJECT_ROOT, 'pb_migrations');
export const HOOKS_DIR = join(PROJECT_ROOT, 'pb_hooks');
export const PUBLIC_DIR = join(PROJECT_ROOT, 'build');

/** The PocketBase version pinned in pocketbase/go.mod, e.g. `v0.39.11`. */
export function pinnedVersion() {
	const gomod = readFileSync(join(GO_MODULE_DIR, 'go.mod'), 'utf8');
	const match = /github\.com\/pocketbase\/pocketbase (v[\d.]+)/.exec(gomod);
	if (!match)
		throw new Error('pocketbase/go.mod does not require github.com/pocketbase/pocketbase');
	return match[1];
}

/** Every source the binary is built from: go.mod, go.sum and each .go file. */
function sourceFingerprint() {
	const sources = readdirSync(GO_MODULE_DIR)
		.filter((f) => f.endsWith('.go'))
		.sort();
	return ['go.mod', 'go.sum', ...sources]
		.map((f) => f + '\0' + readFileSync(join(GO_MODULE_DIR, f), 'utf8'))
		.join('\0');
}

/**
 * The path of a PocketBase binary: `PB_BIN` if set, else ours, built with Go
 * when missing or when its pinned sources changed since it was built.
 */
export function ensurePocketBaseBinary({ log = console.log } = {}) {
	if (process.env.PB_BIN) {
		if (!existsSync(process.env.PB_BIN))
			throw new Error(`PB_BIN=${process.env.PB_BIN} does not exist`);
		return process.env.PB_BIN;
	}
	const fingerprint = sourceFingerprint();
	if (
		existsSync(BUILT_BINARY) &&
		existsSync(BUILT_STAMP) &&
		readFileSync(BUILT_STAMP, 'utf8') === fingerprint
	) {
		return BUILT_BINARY;
	}
	const go = spawnSync('go', ['version'], { encoding: 'utf8' });
	if (go.error || go.status !== 0) {
		throw new Error(
			'Building PocketBase needs Go 1.26 or newer, and it was not found on PATH.\n' +
				'  Install it (https://go.dev/dl/, or `apt-get install golang` on a recent Debian),\n' +
				'  or set PB_BIN to an existing PocketBase binary built from ./pocketbase.'
		);
	}
	log(
		`Building PocketBase ${pinnedVersion()} with ${go.stdout.trim()} (first run only; about two minutes)…`
	);
	buildPocketBase({ output: BUILT_BINARY });
	writeFileSync(BUILT_STAMP, fingerprint);
	return BUILT_BINARY;
}

/**
 * `go build` the server from ./pocketbase into `output`, for Linux on `goarch`
 * (default: this machine's), with PocketBase's version stamped and, for a
 * release, Markbook's (`markbook --version`). Pure Go (modernc SQLite), so
 * CGO is off and any GOARCH cross-compiles.
 *
 * @param {{ output: string, goarch?: string, version?: string }} options
 */
export function buildPocketBase({ output, goarch, version }) {
	const ldflags = [
		'-s',
		'-w',
		`-X github.com/pocketbase/pocketbase.Version=${pinnedVersion().slice(1)}`
	];
	if (version) ldflags.push(`-X main.version=${version}`);
	const build = spawnSync(
		'go',
		['build', '-trimpath', '-ldflags', ldflags.join(' '), '-o', output, '.'],
		{
			cwd: GO_MODULE_DIR,
			stdio: 'inherit',
			env: {
				...process.env,
				GOTOOLCHAIN: 'local',
				CGO_ENABLED: '0',
				GOFLAGS: '-mod=readonly',
				...(goarch ? { GOOS: 'linux', GOARCH: goarch } : {})
			}
		}
	);
	if (build.error?.code === 'ENOENT') {
		throw new Error('Building PocketBase needs Go 1.26 or newer on PATH (https://go.dev/dl/).', {
			cause: build.error
		});
	}
	if (build.error) throw build.error;
	if (build.status !== 0) throw new Error(`go build of PocketBase failed (exit ${build.status})`);
}

/** A TCP port nobody listens on right now, on loopback. */
export function freePort() {
	return new Promise((resolvePort, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolvePort(port));
		});
	});
}

/** Run a PocketBase CLI command to completion; throws with its output on failure. */
export function runPocketBase(args, { bin = ensurePocketBaseBinary() } = {}) {
	const result = spawnSync(bin, args, { encoding: 'utf8', cwd: PROJECT_ROOT });
	if (result.status !== 0) {
		throw new Error(`pocketbase ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
	}
	return result.stdout;
}

/** Common directory flags, so every run uses the project's migrations and hooks. */
export function dirFlags(dataDir, { publicDir = PUBLIC_DIR } = {}) {
	return [
		`--dir=${dataDir}`,
		`--migrationsDir=${MIGRATIONS_DIR}`,
		`--hooksDir=${HOOKS_DIR}`,
		`--publicDir=${publicDir}`
	];
}

/**
 * Start `pocketbase serve` and resolve once /api/health answers.
 * Migrations are applied at start-up by PocketBase itself. `superuser` is
 * upserted first so scripts and the admin UI can sign in.
 *
 * @param {{ port?: number, host?: string, dataDir: string, publicDir?: string,
 *   superuser?: { email: string, password: string }, stdio?: 'inherit' | 'pipe' | 'ignore',
 *   env?: Record<string, string> }} options
 */
export async function startPocketBase(options) {
	const bin = ensurePocketBaseBinary();
	const port = options.port ?? (await freePort());
	const host = options.host ?? '127.0.0.1';
	mkdirSync(options.dataDir, { recursive: true });
	const flags = dirFlags(
		options.dataDir,
		options.publicDir ? { publicDir: options.publicDir } : {}
	);
	// Apply migrations before the superuser upsert: it needs the _superusers table.
	runPocketBase(['migrate', 'up', ...flags], { bin });
	if (options.superuser) {
		runPocketBase(
			['superuser', 'upsert', options.superuser.email, options.superuser.password, ...flags],
			{ bin }
		);
	}
	// PocketBase turns on dev mode (SQL echoed to the console) when its binary
	// lives under the temp dir, as in a CI clone; a server is never in dev mode.
	const child = spawn(bin, ['serve', `--http=${host}:${port}`, '--dev=false', ...flags], {
		cwd: PROJECT_ROOT,
		stdio: options.stdio === 'inherit' ? 'inherit' : ['ignore', 'pipe', 'pipe'],
		env: { ...process.env, ...options.env }
	});
	let output = '';
	const collect = (chunk) => {
		output = (output + chunk.toString()).slice(-20_000);
	};
	child.stdout?.on('data', collect);
	child.stderr?.on('data', collect);
	const url = `http://${host}:${port}`;
	const exited = new Promise((resolveExit) =>
		child.once('exit', (code, signal) => resolveExit({ code, signal }))
	);

	const deadline = Date.now() + 30_000;
	for (;;) {
		if (child.exitCode !== null) {
			throw new Error(`PocketBase exited (${child.exitCode}) while starting:\n${output}`);
		}
		try {
			const res = await fetch(`${url}/api/health`);
			if (res.ok) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) {
			child.kill('SIGKILL');
			throw new Error(`PocketBase did not answer /api/health within 30 s:\n${output}`);
		}
		await new Promise((r) => setTimeout(r, 100));
	}

	return {
		url,
		port,
		dataDir: options.dataDir,
		process: child,
		/** Recent server output, for failure messages. */
		output: () => output,
		/** Stop the server; resolves once the process has exited. */
		async stop() {
			if (child.exitCode !== null || child.signalCode !== null) return;
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
			await exited;
			clearTimeout(timer);
		}
	};
}

/**
 * TEST ONLY: multiplies every rate limit of a running server by `factor`
 * (through the settings API, as the office would in the admin UI). The test
 * harness signs in and syncs far faster from 127.0.0.1 than a school does;
 * the security suite keeps the production limits (README, "Limits").
 *
 * @param {string} url
 * @param {{ email: string, password: string }} superuser
 */
export async function relaxRateLimits(url, superuser, factor = 1000) {
	const auth = await fetch(`${url}/api/collections/_superusers/auth-with-password`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ identity: superuser.email, password: superuser.password })
	});
	if (!auth.ok) throw new Error(`relaxRateLimits: superuser sign-in answered ${auth.status}`);
	const { token } = await auth.json();
	const headers = { 'content-type': 'application/json', authorization: token };
	const settings = await (await fetch(`${url}/api/settings`, { headers })).json();
	const rules = settings.rateLimits.rules.map((r) => ({
		...r,
		maxRequests: r.maxRequests * factor
	}));
	const res = await fetch(`${url}/api/settings`, {
		method: 'PATCH',
		headers,
		body: JSON.stringify({ rateLimits: { ...settings.rateLimits, rules } })
	});
	if (!res.ok)
		throw new Error(`relaxRateLimits: settings update answered ${res.status}: ${await res.text()}`);
}
