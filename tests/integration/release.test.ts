// The release file, as a school's IT person uses it: `npm run release`'s
// tarball unpacked into an empty folder and started with the one documented
// command, `./markbook serve`, with nothing on PATH (no Node, no Go), no
// --dir or folder flags, and data landing in pb_data/ beside the binary.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
	cpSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	rmSync,
	statSync,
	writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PocketBase from 'pocketbase';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort, pinnedVersion } from '../../scripts/lib/pocketbase.mjs';
import { ensureAppBuilt } from '../../scripts/lib/setup.mjs';
import {
	DEPLOY_FILES,
	packRelease,
	releaseName,
	releaseVersion
} from '../../scripts/lib/release.mjs';
import { DEMO_SUPERUSER, seedDemoSchool } from '../../scripts/lib/seed.mjs';
import { BALANCE, SHARED, SHARED_STUDENTS, TERM1 } from '../harness/demo';
import { login, pullAll, push, resultOp, stamp } from '../harness/sync';

const START_TIMEOUT_MS = 30_000;
const SCHOOL = {
	MARKBOOK_SCHOOL_NAME: 'Wattle Creek Primary',
	MARKBOOK_PUBLIC_URL: 'https://markbook.wattlecreek.example',
	MARKBOOK_OFFICE_EMAIL: 'office@wattlecreek.example',
	MARKBOOK_TRUSTED_PROXY_HEADER: 'X-Forwarded-For'
};

let root: string;
/** An empty folder standing in for PATH: the server must need nothing on it. */
let emptyPath: string;
let tarball: string;
/** The unpacked release folder. */
let release: string;

/** The release's binary run in `dir` with a bare environment and a time limit. */
function markbook(dir: string, args: string[], env: Record<string, string> = {}) {
	return spawnSync(join(dir, 'markbook'), args, {
		cwd: dir,
		encoding: 'utf8',
		timeout: START_TIMEOUT_MS,
		env: { PATH: emptyPath, ...env }
	});
}

interface Served {
	url: string;
	child: ChildProcess;
	output(): string;
	stop(): Promise<void>;
}

/** `./markbook serve --http=127.0.0.1:<free port>` in `dir`, once /api/health answers. */
async function serve(dir: string, env: Record<string, string> = {}): Promise<Served> {
	const port = await freePort();
	const child = spawn(join(dir, 'markbook'), ['serve', `--http=127.0.0.1:${port}`], {
		cwd: dir,
		stdio: ['ignore', 'pipe', 'pipe'],
		env: { PATH: emptyPath, ...env }
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

beforeAll(() => {
	root = mkdtempSync(join(tmpdir(), 'markbook-release-'));
	emptyPath = join(root, 'empty-bin');
	mkdirSync(emptyPath);
	// `npm test` has built the app (and the global setup the hooks library)
	// just before; the release packs them as they are.
	ensureAppBuilt();
	// amd64 only: arm64 is the same build for another GOARCH, and costs a
	// cold compile of a minute or more on a small machine.
	[tarball] = packRelease({ arches: ['amd64'], outDir: join(root, 'dist'), log: () => {} }) as [
		string
	];
	const unpacked = join(root, 'school-server');
	mkdirSync(unpacked);
	const tar = spawnSync('tar', ['-xzf', tarball, '-C', unpacked], { encoding: 'utf8' });
	if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
	release = join(unpacked, releaseName('amd64'));
}, 300_000);

afterAll(() => {
	if (root) rmSync(root, { recursive: true, force: true });
});

describe('the release tarball', () => {
	test('is named for the version and holds the binary, the folders and the deployment files', () => {
		expect(tarball).toMatch(new RegExp(`markbook-${releaseVersion()}-linux-amd64\\.tar\\.gz$`));
		expect(statSync(join(release, 'markbook')).mode & 0o111).not.toBe(0);
		for (const path of [
			'pb_hooks/lib/markbook.js',
			'pb_hooks/10_sync_routes.pb.js',
			'pb_migrations/1767225600_markbook_schema.js',
			'pb_public/index.html',
			...DEPLOY_FILES
		]) {
			expect(existsSync(join(release, path)), path).toBe(true);
		}
		expect(readFileSync(join(root, 'dist', 'SHA256SUMS'), 'utf8')).toContain(
			`  ${releaseName('amd64')}.tar.gz`
		);
	});

	test('its binary is stamped with the release and PocketBase versions', () => {
		const run = markbook(release, ['--version']);
		expect(run.status).toBe(0);
		expect(run.stdout).toContain(`${releaseVersion()} (PocketBase ${pinnedVersion().slice(1)})`);
	});

	test('its systemd unit passes systemd-analyze once pointed at the unpacked folder', () => {
		const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
		if (analyze.error) return; // not a systemd machine: nothing to check it with
		const unit = join(root, 'markbook.service');
		const text = readFileSync(join(release, 'markbook.service'), 'utf8');
		expect(text).toMatch(/^User=markbook$/m);
		expect(text).toMatch(/^Restart=on-failure$/m);
		expect(text).toMatch(/^LimitNOFILE=\d{5,}$/m);
		expect(text).toMatch(/^StandardOutput=journal$/m);
		// Here, not in /opt/markbook, and as a user that exists on this machine.
		const local = text
			.replaceAll('/opt/markbook', release)
			.replace(/^User=.*$/m, 'User=root')
			.replace(/^Group=.*$/m, 'Group=root');
		writeFileSync(unit, local);
		const verify = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
		expect(verify.stderr.trim()).toBe('');
	});
});

describe('./markbook serve in the unpacked folder, with nothing on PATH', () => {
	let server: Served;
	beforeAll(async () => {
		server = await serve(release, SCHOOL);
	}, 60_000);
	afterAll(() => server?.stop());

	test('serves the app, the health check and the admin UI from one port', async () => {
		const app = await fetch(`${server.url}/`);
		expect(app.status).toBe(200);
		expect(app.headers.get('content-type')).toContain('text/html');
		expect(await app.text()).toBe(readFileSync(join(release, 'pb_public', 'index.html'), 'utf8'));
		// A deep link falls back to the app shell (a static SPA).
		expect((await fetch(`${server.url}/classes/abc`)).status).toBe(200);

		const health = await fetch(`${server.url}/api/health`);
		expect(health.status).toBe(200);
		expect(await health.json()).toMatchObject({ code: 200 });

		const admin = await fetch(`${server.url}/_/`);
		expect(admin.status).toBe(200);
		expect(await admin.text()).toMatch(/<title>PocketBase<\/title>/);
	});

	test('keeps its data in pb_data beside the binary', () => {
		expect(existsSync(join(release, 'pb_data', 'data.db'))).toBe(true);
	});

	test('applied the migrations and took the school settings from the environment', async () => {
		const upsert = markbook(release, [
			'superuser',
			'upsert',
			DEMO_SUPERUSER.email,
			DEMO_SUPERUSER.password
		]);
		expect(upsert.status, upsert.stderr).toBe(0);
		const pb = new PocketBase(server.url);
		await pb
			.collection('_superusers')
			.authWithPassword(DEMO_SUPERUSER.email, DEMO_SUPERUSER.password);
		const names = (await pb.collections.getFullList()).map((c) => c.name);
		expect(names).toEqual(
			expect.arrayContaining(['results', 'audit_log', 'sync_receipts', 'devices'])
		);
		const settings = await pb.settings.getAll();
		expect(settings['meta']).toMatchObject({
			appName: SCHOOL.MARKBOOK_SCHOOL_NAME,
			appURL: SCHOOL.MARKBOOK_PUBLIC_URL,
			senderName: SCHOOL.MARKBOOK_SCHOOL_NAME,
			senderAddress: SCHOOL.MARKBOOK_OFFICE_EMAIL
		});
		expect(settings['backups']).toMatchObject({ cron: '0 2 * * *', cronMaxKeep: 14 });
		expect(settings['trustedProxy']).toMatchObject({ headers: ['X-Forwarded-For'] });
	});

	test('takes a push from a teacher and gives it back in a pull (the hooks and their library run)', async () => {
		await seedDemoSchool(server.url);
		const teacher = login('teacherA');
		const pb = new PocketBase(server.url);
		await pb.collection('users').authWithPassword(teacher.email, teacher.password);
		const tick = resultOp({
			student: SHARED_STUDENTS[0] as string,
			cls: SHARED,
			assessment: BALANCE,
			period: TERM1,
			fields: { 'values.c1': 1 },
			stamp: stamp(Date.now(), 0, 'dev_release')
		});
		const pushed = await push(pb, { device: 'dev_release', ops: [tick] });
		expect(pushed.status).toBe(200);
		expect(pushed.body.results[0]).toMatchObject({ status: 'applied' });
		const { changes } = await pullAll(pb, 'dev_release');
		const result = changes.find((c) => c.record.id === tick.record);
		expect(result?.record['values']).toEqual({ c1: 1 });
	});
});

describe('a release with a folder missing', () => {
	/** A copy of the release without `missing`; nothing in it is started yet. */
	function without(missing: string): string {
		const dir = join(root, `without-${missing.replaceAll('/', '-')}`);
		for (const part of ['markbook', 'pb_hooks', 'pb_migrations', 'pb_public']) {
			cpSync(join(release, part), join(dir, part), { recursive: true });
		}
		rmSync(join(dir, missing), { recursive: true });
		return dir;
	}

	test.each([
		['pb_hooks/lib', /the hooks' library \S+pb_hooks\/lib\/markbook\.js is missing/],
		['pb_hooks', /the hooks folder \S+pb_hooks is missing/],
		['pb_migrations', /the migrations folder \S+pb_migrations is missing/],
		['pb_public', /the app folder \S+pb_public has no index\.html/]
	])('without %s, serve refuses in one sentence and creates nothing', (missing, reason) => {
		const dir = without(missing);
		const run = markbook(dir, ['serve', `--http=127.0.0.1:1`]);
		expect(run.status).toBe(1);
		expect(run.stderr).toMatch(/^Markbook cannot start: /);
		expect(run.stderr).toMatch(reason);
		expect(run.stderr.trim().split('\n')).toHaveLength(1);
		expect(run.stderr + run.stdout).not.toMatch(/goja|panic|GoError|\tat /);
		expect(existsSync(join(dir, 'pb_data'))).toBe(false);
	});
});
