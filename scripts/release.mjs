// `npm run release`: dist/markbook-<version>-linux-{amd64,arm64}.tar.gz, each
// the whole server for a school (see scripts/lib/release.mjs and deploy/DEPLOY.md).
//   --arch=amd64       one architecture only (the default is both)
//   --out=DIR          where the tarballs go (default dist/)
//   --reuse-app        pack the app already in build/ instead of building it
// Needs Node (for the app and the hooks library) and Go 1.26+, here only:
// the server it makes needs neither.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from './lib/pocketbase.mjs';
import { RELEASE_ARCHES, packRelease } from './lib/release.mjs';
import { ensureDependencies, run } from './lib/setup.mjs';

const { values } = parseArgs({
	options: {
		arch: { type: 'string', multiple: true },
		out: { type: 'string' },
		'reuse-app': { type: 'boolean', default: false }
	}
});

try {
	const started = Date.now();
	ensureDependencies();
	run(process.execPath, ['scripts/build-hooks.mjs']);
	if (!values['reuse-app']) run('npx', ['vite', 'build', '--logLevel', 'warn']);
	const tarballs = packRelease({
		arches: values.arch ?? RELEASE_ARCHES,
		outDir: resolve(PROJECT_ROOT, values.out ?? 'dist')
	});
	console.log(`\nRelease built in ${((Date.now() - started) / 1000).toFixed(0)} s:`);
	for (const tarball of tarballs) console.log(`  ${tarball}`);
} catch (error) {
	console.error(`\n✘ ${error instanceof Error ? error.message : error}`);
	process.exit(1);
}
