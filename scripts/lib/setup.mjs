// What `npm start` and `npm test` do first on a fresh clone: install the npm
// dependencies when missing, build the PocketBase binary when missing, and
// build the hooks' shared library and the app.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, PUBLIC_DIR, ensurePocketBaseBinary } from './pocketbase.mjs';

/** Run a command in the project root, inheriting the terminal; throw on failure. */
export function run(command, args, { env = {} } = {}) {
	const result = spawnSync(command, args, {
		cwd: PROJECT_ROOT,
		stdio: 'inherit',
		env: { ...process.env, ...env }
	});
	if (result.error) throw result.error;
	if (result.status !== 0) {
		const error = new Error(`${command} ${args.join(' ')} failed (exit ${result.status})`);
		error.exitCode = result.status ?? 1;
		throw error;
	}
}

/** npm dependencies: installed from the lockfile when missing or stale. */
export function ensureDependencies() {
	const marker = join(PROJECT_ROOT, 'node_modules', '.package-lock.json');
	const lock = join(PROJECT_ROOT, 'package-lock.json');
	if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
	console.log('Installing npm dependencies from package-lock.json…');
	// `npm install`, not `npm ci`: with omit-lockfile-registry-resolved (set on
	// some machines, ours included) npm 11 writes a lockfile without the other
	// platforms' optional packages, which `npm ci` then refuses as out of sync.
	run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline']);
}

/** Build the app into build/. */
export function buildApp() {
	run('npx', ['vite', 'build', '--logLevel', 'warn']);
}

/**
 * The app, built only when build/ has none: the server refuses to start
 * without an app to serve (pocketbase/folders.go), even where a test or a
 * benchmark only uses the API.
 */
export function ensureAppBuilt() {
	if (!existsSync(join(PUBLIC_DIR, 'index.html'))) buildApp();
}

/**
 * Everything a server needs: dependencies, the binary, the hooks library and
 * the app (rebuilt, or with `rebuildApp: false` only when missing).
 */
export function setup({ buildApp: rebuildApp = true } = {}) {
	ensureDependencies();
	const bin = ensurePocketBaseBinary();
	run(process.execPath, ['scripts/build-hooks.mjs']);
	if (rebuildApp) buildApp();
	else ensureAppBuilt();
	return bin;
}
