// The release file, as a school's IT person uses it: `npm run release`'s
// tarball unpacked into an empty folder and started with the one documented
// command, `./markbook serve`, with nothing on PATH (no Node, no Go), no
// --dir or folder flags, and data landing in pb_data/ beside the binary.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import PocketBase from 'pocketbase';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort, pinnedVersion } from '../../scripts/lib/pocketbase.mjs';
import { DEPLOY_FILES, releaseName, releaseVersion } from '../../scripts/lib/release.mjs';
import { DEMO_SUPERUSER, seedDemoSchool } from '../../scripts/lib/seed.mjs';
import { BALANCE, SHARED, SHARED_STUDENTS, TERM1 } from '../harness/demo';
import {
	copyRelease,
	httpsGet,
	markbook,
	packAndUnpackRelease,
	serve,
	START_TIMEOUT_MS,
	RELEASE_PARTS,
	type Served,
	type UnpackedRelease
} from '../harness/release';
import { login, pullAll, push, resultOp, stamp } from '../harness/sync';

const SCHOOL = {
	MARKBOOK_SCHOOL_NAME: 'Wattle Creek Primary',
	MARKBOOK_PUBLIC_URL: 'https://markbook.wattlecreek.example',
	MARKBOOK_OFFICE_EMAIL: 'office@wattlecreek.example',
	MARKBOOK_TRUSTED_PROXY_HEADER: 'X-Forwarded-For'
};

let unpacked: UnpackedRelease;
/** The temporary folder of this file's release and its copies. */
let root: string;
let tarball: string;
/** The unpacked release folder. */
let release: string;

beforeAll(() => {
	unpacked = packAndUnpackRelease();
	({ root, tarball, dir: release } = unpacked);
}, 300_000);

afterAll(() => unpacked?.cleanup());

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
	test("DEPLOY.md's steps put things where the unit and the Caddyfile look for them", () => {
		const deploy = readFileSync(join(release, 'DEPLOY.md'), 'utf8');
		const unit = readFileSync(join(release, 'markbook.service'), 'utf8');
		const directive = (name: string) => new RegExp(`^${name}=-?(.+)$`, 'm').exec(unit)?.[1];
		const workDir = directive('WorkingDirectory') as string;
		expect(deploy).toContain(`-C ${workDir} --strip-components=1`);
		expect(deploy).toContain(`-o markbook -g markbook -m 700 ${directive('ReadWritePaths')}`);
		expect(deploy).toContain(`${workDir}/markbook.env ${directive('EnvironmentFile')}`);
		expect(deploy).toContain(`useradd --system`);
		expect(deploy).toContain(`cp ${workDir}/markbook.service /etc/systemd/system/`);
		expect(directive('ExecStart')).toMatch(
			new RegExp(`^${workDir}/markbook serve --http=127\\.0\\.0\\.1:8090$`)
		);
		expect(readFileSync(join(release, 'Caddyfile'), 'utf8')).toContain(
			'reverse_proxy 127.0.0.1:8090'
		);
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

describe('an upgrade: stop, replace the binary and folders, start', () => {
	const DAILY_BACKUPS = '1767230000_markbook_daily_backups.js';

	/** An install of the release as it was before daily backups, with a teacher's result in it. */
	async function installBeforeDailyBackups(
		name: string,
		backups?: { cron: string; cronMaxKeep: number }
	) {
		const dir = copyRelease(release, join(root, name));
		rmSync(join(dir, 'pb_migrations', DAILY_BACKUPS));
		const old = await serve(dir, SCHOOL);
		try {
			const upsert = markbook(dir, [
				'superuser',
				'upsert',
				DEMO_SUPERUSER.email,
				DEMO_SUPERUSER.password
			]);
			if (upsert.status !== 0) throw new Error(upsert.stderr);
			const admin = new PocketBase(old.url);
			await admin
				.collection('_superusers')
				.authWithPassword(DEMO_SUPERUSER.email, DEMO_SUPERUSER.password);
			expect((await admin.settings.getAll())['backups']).toMatchObject({ cron: '' });
			if (backups) await admin.settings.update({ backups });
			await seedDemoSchool(old.url);
			const teacher = login('teacherA');
			const pb = new PocketBase(old.url);
			await pb.collection('users').authWithPassword(teacher.email, teacher.password);
			const tick = resultOp({
				student: SHARED_STUDENTS[1] as string,
				cls: SHARED,
				assessment: BALANCE,
				period: TERM1,
				fields: { 'values.c2': 1 },
				stamp: stamp(Date.now(), 0, 'dev_upgrade')
			});
			expect(
				(await push(pb, { device: 'dev_upgrade', ops: [tick] })).body.results[0]
			).toMatchObject({
				status: 'applied'
			});
			return { dir, record: tick.record };
		} finally {
			await old.stop();
		}
	}

	/** DEPLOY.md's upgrade: the new binary and folders in place of the old, pb_data kept. */
	function upgrade(dir: string) {
		for (const part of RELEASE_PARTS) rmSync(join(dir, part), { recursive: true });
		copyRelease(release, dir);
	}

	test('keeps the data, applies the new migration (daily backups on) and syncs as before', async () => {
		const { dir, record } = await installBeforeDailyBackups('upgrade-plain');
		upgrade(dir);
		const server = await serve(dir, {});
		try {
			const admin = new PocketBase(server.url);
			await admin
				.collection('_superusers')
				.authWithPassword(DEMO_SUPERUSER.email, DEMO_SUPERUSER.password);
			const settings = await admin.settings.getAll();
			expect(settings['backups']).toMatchObject({ cron: '0 2 * * *', cronMaxKeep: 14 });
			expect(settings['meta']).toMatchObject({ appName: SCHOOL.MARKBOOK_SCHOOL_NAME });
			const teacher = login('teacherA');
			const pb = new PocketBase(server.url);
			await pb.collection('users').authWithPassword(teacher.email, teacher.password);
			const { changes } = await pullAll(pb, 'dev_upgrade_2');
			expect(changes.find((c) => c.record.id === record)?.record['values']).toEqual({ c2: 1 });
		} finally {
			await server.stop();
		}
	});

	test('leaves a backup schedule the school had chosen', async () => {
		const { dir } = await installBeforeDailyBackups('upgrade-own-schedule', {
			cron: '30 4 * * 6',
			cronMaxKeep: 5
		});
		upgrade(dir);
		const server = await serve(dir, {});
		try {
			const admin = new PocketBase(server.url);
			await admin
				.collection('_superusers')
				.authWithPassword(DEMO_SUPERUSER.email, DEMO_SUPERUSER.password);
			expect((await admin.settings.getAll())['backups']).toMatchObject({
				cron: '30 4 * * 6',
				cronMaxKeep: 5
			});
		} finally {
			await server.stop();
		}
	});
});

describe('a release with a folder missing', () => {
	/** A copy of the release without `missing`; nothing in it is started yet. */
	function without(missing: string): string {
		const dir = copyRelease(release, join(root, `without-${missing.replaceAll('/', '-')}`));
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

const hasCaddy = !spawnSync('caddy', ['version']).error;

describe.skipIf(!hasCaddy)(
	'behind Caddy with the release Caddyfile (HTTPS option A), on loopback',
	() => {
		let server: Served;
		let caddy: ChildProcess;
		let base: string;
		let ca: string;

		beforeAll(async () => {
			const dir = copyRelease(release, join(root, 'behind-caddy'));
			server = await serve(dir, SCHOOL);
			const upsert = markbook(dir, [
				'superuser',
				'upsert',
				DEMO_SUPERUSER.email,
				DEMO_SUPERUSER.password
			]);
			if (upsert.status !== 0) throw new Error(upsert.stderr);

			// The shipped Caddyfile, with localhost on a free port (Caddy's own CA
			// stands in for Let's Encrypt) and this server's port.
			const [httpsPort, httpPort] = [await freePort(), await freePort()];
			const shipped = readFileSync(join(release, 'Caddyfile'), 'utf8');
			expect(shipped).toContain('markbook.example.school {');
			expect(shipped).toContain('reverse_proxy 127.0.0.1:8090');
			const caddyfile = join(root, 'Caddyfile');
			writeFileSync(
				caddyfile,
				`{\n\tadmin off\n\tlocal_certs\n\tskip_install_trust\n\thttp_port ${httpPort}\n\tauto_https disable_redirects\n\tgrace_period 1s\n}\n\n` +
					shipped
						.replace('markbook.example.school {', `https://localhost:${httpsPort} {`)
						.replace('reverse_proxy 127.0.0.1:8090', `reverse_proxy ${new URL(server.url).host}`)
			);
			const caddyHome = join(root, 'caddy-home');
			mkdirSync(caddyHome);
			caddy = spawn('caddy', ['run', '--config', caddyfile, '--adapter', 'caddyfile'], {
				stdio: ['ignore', 'pipe', 'pipe'],
				env: {
					PATH: process.env['PATH'] ?? '',
					HOME: caddyHome,
					XDG_DATA_HOME: caddyHome,
					XDG_CONFIG_HOME: caddyHome
				}
			});
			let caddyOutput = '';
			caddy.stderr?.on('data', (chunk: Buffer) => (caddyOutput += chunk.toString()));
			base = `https://localhost:${httpsPort}`;
			const rootCert = join(caddyHome, 'caddy', 'pki', 'authorities', 'local', 'root.crt');
			const deadline = Date.now() + START_TIMEOUT_MS;
			for (;;) {
				if (caddy.exitCode !== null)
					throw new Error(`caddy exited (${caddy.exitCode}):\n${caddyOutput}`);
				try {
					ca = readFileSync(rootCert, 'utf8');
					if ((await httpsGet(`${base}/api/health`, { ca })).status === 200) break;
				} catch {
					// no certificate yet, or not listening yet
				}
				if (Date.now() > deadline)
					throw new Error(`caddy did not proxy within 30 s:\n${caddyOutput}`);
				await new Promise((r) => setTimeout(r, 200));
			}
		}, 90_000);

		afterAll(async () => {
			if (caddy && caddy.exitCode === null) {
				const exited = new Promise((resolve) => caddy.once('exit', resolve));
				caddy.kill('SIGTERM');
				await exited;
			}
			await server?.stop();
		});

		test('serves the app and the admin UI over HTTPS, compressed', async () => {
			const app = await httpsGet(`${base}/`, { ca, headers: { 'accept-encoding': 'gzip' } });
			expect(app.status).toBe(200);
			expect(app.headers['content-encoding']).toBe('gzip');
			const admin = await httpsGet(`${base}/_/`, { ca });
			expect(admin.status).toBe(200);
			expect(admin.body).toMatch(/<title>PocketBase<\/title>/);
		});

		test('passes the realtime stream on at once and uncompressed', async () => {
			const started = Date.now();
			const events = await httpsGet(`${base}/api/realtime`, {
				ca,
				headers: { accept: 'text/event-stream', 'accept-encoding': 'gzip, zstd' },
				firstBytes: true
			});
			expect(events.status).toBe(200);
			expect(events.headers['content-encoding']).toBeUndefined();
			expect(events.body).toContain('PB_CONNECT');
			expect(Date.now() - started).toBeLessThan(5_000);
		});

		test("PocketBase sees the teacher's address, not Caddy's (the trusted proxy header)", async () => {
			const signIn = await fetch(`${server.url}/api/collections/_superusers/auth-with-password`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ identity: DEMO_SUPERUSER.email, password: DEMO_SUPERUSER.password })
			});
			const { token } = (await signIn.json()) as { token: string };
			// Linux answers all of 127/8 on loopback: the "teacher" comes from 127.0.0.2, Caddy from 127.0.0.1.
			const health = await httpsGet(`${base}/api/health`, {
				ca,
				localAddress: '127.0.0.2',
				headers: { authorization: token }
			});
			expect(JSON.parse(health.body)).toMatchObject({ data: { realIP: '127.0.0.2' } });
		});
	}
);
