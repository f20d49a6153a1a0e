// `npm run bench [-- --quick] [-- --only flush,churn] [-- --runs N]`
//
// Installs the benchmark peers (bench/package.json) when missing, does the
// root setup a server needs (npm deps, the PocketBase binary, the hooks
// bundle; the app only when a browser workload will run), bundles the
// TypeScript suite under bench/src with esbuild (a root devDependency, so the
// bench needs no new root dependency), and runs it. See bench/README.md.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './lib/pocketbase.mjs';
import { ensureDependencies, run, setup } from './lib/setup.mjs';

const BENCH_DIR = join(PROJECT_ROOT, 'bench');
const BUILD_DIR = join(BENCH_DIR, '.build');
const args = process.argv.slice(2);
/**
 * Packages of bench/package.json (and their subpaths), loaded from bench/node_modules;
 * playwright-core comes from the root's node_modules (@playwright/test's).
 */
const PEER_PACKAGES = [
	'rxdb',
	'rxdb-server',
	'rxjs',
	'pouchdb-node',
	'pouchdb-adapter-memory',
	'express',
	'express-pouchdb',
	'eventsource',
	'cors',
	'playwright-core'
].flatMap((p) => [p, `${p}/*`]);

/** bench/node_modules, installed from bench/package-lock.json when missing or stale. */
function ensureBenchDependencies() {
	const marker = join(BENCH_DIR, 'node_modules', '.package-lock.json');
	const lock = join(BENCH_DIR, 'package-lock.json');
	if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
	console.log('Installing the benchmark peers (bench/package-lock.json)…');
	// `npm install`, not `npm ci`: see ensureDependencies in scripts/lib/setup.mjs.
	run('npm', ['install', '--prefix', 'bench', '--no-audit', '--no-fund', '--prefer-offline']);
}

/** Whether the browser workload (5, local edit latency) can run: the class grid page exists. */
function gridPageExists() {
	const dir = join(PROJECT_ROOT, 'src', 'routes', 'classes', '[id]');
	return existsSync(dir) && readdirSync(dir).some((f) => f.startsWith('+page'));
}

function wantsWorkload(name) {
	const i = args.indexOf('--only');
	if (i < 0) return true;
	return (args[i + 1] ?? '').split(',').includes(name);
}

/** Bundles the suite and the peers' server processes (bare imports stay external). */
async function bundle() {
	const esbuild = await import('esbuild');
	await esbuild.build({
		entryPoints: {
			run: join(BENCH_DIR, 'src', 'run.ts'),
			'rxdb-server': join(BENCH_DIR, 'src', 'peers', 'rxdb-server.ts'),
			'pouch-server': join(BENCH_DIR, 'src', 'peers', 'pouch-server.ts')
		},
		outdir: BUILD_DIR,
		outExtension: { '.js': '.mjs' },
		bundle: true,
		platform: 'node',
		format: 'esm',
		target: 'node20',
		// The peers' packages load at run time from bench/node_modules (Node's
		// lookup from bench/.build; leveldown is native). Everything else — the
		// sync engine and its dependencies — is bundled from the root's
		// node_modules, so bench/node_modules (which holds an older uuid) never
		// shadows them.
		external: PEER_PACKAGES,
		sourcemap: 'inline',
		logLevel: 'warning'
	});
}

ensureDependencies();
ensureBenchDependencies();
const withBrowser = wantsWorkload('local-edit') && gridPageExists();
setup({ buildApp: withBrowser });
await bundle();
const result = spawnSync(
	process.execPath,
	['--enable-source-maps', join(BUILD_DIR, 'run.mjs'), ...args],
	{
		cwd: PROJECT_ROOT,
		stdio: 'inherit',
		env: { ...process.env, BENCH_APP_BUILT: withBrowser ? '1' : '' }
	}
);
process.exit(result.status ?? 1);
