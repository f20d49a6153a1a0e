// `npm run faults -- [--runs N] [--seed S] [--scenario a,b] [--steps K] [--verbose]`
//
// The fault suite (tests/faults/): the real sync engine against a real
// PocketBase through a fault-injecting proxy. Builds what the server needs
// (the PocketBase binary, the hooks bundle, the app when missing: `serve`
// refuses to start without one), bundles the TypeScript suite with
// esbuild (as the bench does) and runs it in a child process; the child kills
// every PocketBase it started when it ends, and this script kills the child's
// whole process group if it is interrupted.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from './lib/pocketbase.mjs';
import { setup } from './lib/setup.mjs';

// tmp/ is ignored by git; two levels below the root, so scripts/lib's
// import.meta.url-relative paths resolve the same from the bundle.
const BUILD_DIR = join(PROJECT_ROOT, 'tmp', 'faults');

setup({ buildApp: false });
const esbuild = await import('esbuild');
await esbuild.build({
	entryPoints: { cli: join(PROJECT_ROOT, 'tests', 'faults', 'cli.ts') },
	outdir: BUILD_DIR,
	outExtension: { '.js': '.mjs' },
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	// CommonJS dependencies (localforage) call require(): give the ESM bundle one.
	banner: {
		js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"
	},
	sourcemap: 'inline',
	// The suite needs no tsconfig paths; not reading it spares a warning before `svelte-kit sync`.
	tsconfigRaw: {},
	logLevel: 'warning'
});

const child = spawn(
	process.execPath,
	['--enable-source-maps', join(BUILD_DIR, 'cli.mjs'), ...process.argv.slice(2)],
	{ cwd: PROJECT_ROOT, stdio: 'inherit', detached: true }
);
const killGroup = () => {
	try {
		process.kill(-child.pid, 'SIGTERM');
	} catch {
		// already gone
	}
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
	process.on(signal, () => {
		killGroup();
		setTimeout(() => {
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {
				// already gone
			}
			process.exit(130);
		}, 3_000).unref();
	});
}
process.on('exit', killGroup);
child.on('exit', (code, signal) => {
	process.exitCode = code ?? (signal ? 1 : 0);
});
