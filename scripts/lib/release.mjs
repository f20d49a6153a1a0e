// The release file a school deploys: one folder per Linux architecture,
//
//   markbook-<version>-linux-<arch>/
//     markbook            PocketBase with Markbook's hooks and migrations plugins
//     pb_migrations/      the schema, applied by `serve` at start
//     pb_hooks/           the sync routes, with their generated lib/
//     pb_public/          the built app
//     markbook.service    a systemd unit
//     Caddyfile           HTTPS in front, for Caddy
//     markbook.env        the first-run settings, for the unit's EnvironmentFile
//     DEPLOY.md           the steps
//
// packed as dist/markbook-<version>-linux-<arch>.tar.gz. The binary finds the
// folders beside itself, so `./markbook serve` in the unpacked folder is the
// whole server.
import { spawnSync } from 'node:child_process';
import {
	cpSync,
	existsSync,
	mkdirSync,
	readFileSync,
	readdirSync,
	rmSync,
	writeFileSync
} from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import {
	HOOKS_DIR,
	MIGRATIONS_DIR,
	PROJECT_ROOT,
	PUBLIC_DIR,
	buildPocketBase
} from './pocketbase.mjs';

export const RELEASE_ARCHES = ['amd64', 'arm64'];
const DEPLOY_DIR = join(PROJECT_ROOT, 'deploy');
/** Files of deploy/ copied to the top of the release folder. */
export const DEPLOY_FILES = ['DEPLOY.md', 'markbook.service', 'Caddyfile', 'markbook.env'];

/** Markbook's version, from package.json. */
export function releaseVersion() {
	return JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')).version;
}

/** The name of a release folder and of its tarball (without `.tar.gz`). */
export function releaseName(arch, version = releaseVersion()) {
	return `markbook-${version}-linux-${arch}`;
}

/** The time every file in the tarball carries: the last commit's, so a rebuild is byte-identical. */
function sourceDate() {
	if (process.env.SOURCE_DATE_EPOCH) return process.env.SOURCE_DATE_EPOCH;
	const git = spawnSync('git', ['log', '-1', '--format=%ct'], {
		cwd: PROJECT_ROOT,
		encoding: 'utf8'
	});
	return git.status === 0 && git.stdout.trim() ? git.stdout.trim() : '0';
}

/**
 * Assemble and pack one release per arch into outDir. Expects the hooks'
 * library and the app to be built (pb_hooks/lib, build/); says so if not.
 *
 * @param {{ arches?: string[], outDir?: string, log?: (line: string) => void }} options
 * @returns {string[]} the tarballs' paths
 */
export function packRelease({
	arches = RELEASE_ARCHES,
	outDir = join(PROJECT_ROOT, 'dist'),
	log = console.log
} = {}) {
	for (const [path, what] of [
		[join(HOOKS_DIR, 'lib', 'markbook.js'), 'the hooks library (node scripts/build-hooks.mjs)'],
		[join(PUBLIC_DIR, 'index.html'), 'the app (npx vite build)']
	]) {
		if (!existsSync(path)) throw new Error(`The release needs ${what}: ${path} is missing.`);
	}
	const version = releaseVersion();
	mkdirSync(outDir, { recursive: true });
	const tarballs = [];
	for (const arch of arches) {
		if (!RELEASE_ARCHES.includes(arch))
			throw new Error(`Unknown arch ${arch}: use ${RELEASE_ARCHES.join(' or ')}.`);
		const name = releaseName(arch, version);
		const folder = join(outDir, name);
		rmSync(folder, { recursive: true, force: true });
		mkdirSync(folder, { recursive: true });
		log(`Building ${name}…`);
		buildPocketBase({ output: join(folder, 'markbook'), goarch: arch, version });
		cpSync(MIGRATIONS_DIR, join(folder, 'pb_migrations'), { recursive: true });
		cpSync(HOOKS_DIR, join(folder, 'pb_hooks'), { recursive: true });
		cpSync(PUBLIC_DIR, join(folder, 'pb_public'), { recursive: true });
		for (const file of DEPLOY_FILES) cpSync(join(DEPLOY_DIR, file), join(folder, file));
		writeFileSync(join(folder, 'VERSION'), `${version}\n`);
		const tarball = join(outDir, `${name}.tar.gz`);
		const tar = spawnSync(
			'tar',
			[
				'--sort=name',
				'--owner=0',
				'--group=0',
				'--numeric-owner',
				`--mtime=@${sourceDate()}`,
				'-czf',
				tarball,
				'-C',
				outDir,
				name
			],
			{ stdio: 'inherit' }
		);
		if (tar.status !== 0) throw new Error(`tar failed for ${tarball} (exit ${tar.status})`);
		rmSync(folder, { recursive: true, force: true });
		tarballs.push(tarball);
	}
	const sums = readdirSync(outDir)
		.filter((f) => f.endsWith('.tar.gz'))
		.sort()
		.map(
			(f) =>
				`${createHash('sha256')
					.update(readFileSync(join(outDir, f)))
					.digest('hex')}  ${f}`
		);
	writeFileSync(join(outDir, 'SHA256SUMS'), sums.join('\n') + '\n');
	return tarballs;
}
