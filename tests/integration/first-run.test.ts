// The first start of a school's server: the school's name, public URL and the
// office's email replace PocketBase's placeholders ("Acme",
// support@example.com), from the environment or asked on a terminal, and
// daily backups are on. A real server each time, on a fresh data dir.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PocketBase from 'pocketbase';
import { afterEach, describe, expect, test } from 'vitest';
import {
	dirFlags,
	freePort,
	runPocketBase,
	startPocketBase
} from '../../scripts/lib/pocketbase.mjs';
import { DEMO_SUPERUSER } from '../../scripts/lib/seed.mjs';
import { PB_BIN, PROJECT_ROOT } from '../harness/pocketbase';

const SCHOOL = {
	MARKBOOK_SCHOOL_NAME: 'Banksia Hill Primary',
	MARKBOOK_PUBLIC_URL: 'https://markbook.banksia.example',
	MARKBOOK_OFFICE_EMAIL: 'office@banksia.example'
};
const PLACEHOLDERS = {
	appName: 'Acme',
	appURL: 'http://localhost:8090',
	senderAddress: 'support@example.com'
};

const dataDirs: string[] = [];
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
	await Promise.all(stops.splice(0).map((stop) => stop()));
	for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function freshDataDir(): string {
	const dir = mkdtempSync(join(tmpdir(), 'markbook-first-run-'));
	dataDirs.push(dir);
	return dir;
}

/** Start a server (stdin not a terminal) with `env`, as the office would find it. */
async function start(dataDir: string, env: Record<string, string> = {}) {
	const server = await startPocketBase({ dataDir, superuser: DEMO_SUPERUSER, env });
	stops.push(() => server.stop());
	return server;
}

async function settingsOf(url: string): Promise<Record<string, Record<string, unknown>>> {
	const pb = new PocketBase(url);
	await pb
		.collection('_superusers')
		.authWithPassword(DEMO_SUPERUSER.email, DEMO_SUPERUSER.password);
	return (await pb.settings.getAll()) as Record<string, Record<string, unknown>>;
}

describe('the first start', () => {
	test('takes the school settings from the environment, and later starts leave them be', async () => {
		const dataDir = freshDataDir();
		const first = await start(dataDir, SCHOOL);
		expect((await settingsOf(first.url))['meta']).toMatchObject({
			appName: SCHOOL.MARKBOOK_SCHOOL_NAME,
			appURL: SCHOOL.MARKBOOK_PUBLIC_URL,
			senderName: SCHOOL.MARKBOOK_SCHOOL_NAME,
			senderAddress: SCHOOL.MARKBOOK_OFFICE_EMAIL
		});
		expect(first.output()).not.toContain('placeholders');
		await first.stop();

		// The office renamed the school in the admin UI; the env file still says the old name.
		const second = await start(dataDir, { ...SCHOOL, MARKBOOK_SCHOOL_NAME: 'Somewhere Else' });
		expect((await settingsOf(second.url))['meta']?.['appName']).toBe(SCHOOL.MARKBOOK_SCHOOL_NAME);
	});

	test('turns on daily backups, the newest 14 kept', async () => {
		const server = await start(freshDataDir());
		expect((await settingsOf(server.url))['backups']).toMatchObject({
			cron: '0 2 * * *',
			cronMaxKeep: 14
		});
	});

	test('with nothing given and no terminal, keeps the placeholders and says which variables to set', async () => {
		const server = await start(freshDataDir());
		expect((await settingsOf(server.url))['meta']).toMatchObject(PLACEHOLDERS);
		expect(server.output()).toContain(
			'set MARKBOOK_SCHOOL_NAME, MARKBOOK_PUBLIC_URL, MARKBOOK_OFFICE_EMAIL'
		);
	});

	test('refuses to start on an invalid value, in one sentence, and saves none of them', async () => {
		const dataDir = freshDataDir();
		const refused = start(dataDir, { ...SCHOOL, MARKBOOK_OFFICE_EMAIL: 'office at banksia' });
		await expect(refused).rejects.toThrow(/PocketBase exited \(1\)/);
		await expect(refused).rejects.toThrow(
			/Markbook cannot start: MARKBOOK_OFFICE_EMAIL="office at banksia" is not valid/
		);
		await expect(
			start(dataDir, { MARKBOOK_PUBLIC_URL: 'markbook.banksia.example' })
		).rejects.toThrow(
			/MARKBOOK_PUBLIC_URL="markbook.banksia.example" is not valid: it must be a full address starting with https:\/\//
		);
		const after = await start(dataDir);
		expect((await settingsOf(after.url))['meta']).toMatchObject(PLACEHOLDERS);
	});

	test('warns when the public URL is plain HTTP on a real name (no offline app there)', async () => {
		const server = await start(freshDataDir(), {
			...SCHOOL,
			MARKBOOK_PUBLIC_URL: 'http://markbook.banksia.example'
		});
		expect(server.output()).toContain(
			'the public URL http://markbook.banksia.example is not HTTPS'
		);
	});
});

describe('the first start on a terminal', () => {
	const hasScript = !spawnSync('script', ['--version']).error;

	test.skipIf(!hasScript)(
		'asks for each setting, asks again after an invalid answer, and saves the answers',
		async () => {
			const dataDir = freshDataDir();
			const flags = dirFlags(dataDir);
			runPocketBase(['migrate', 'up', ...flags]);
			runPocketBase([
				'superuser',
				'upsert',
				DEMO_SUPERUSER.email,
				DEMO_SUPERUSER.password,
				...flags
			]);
			const port = await freePort();
			const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
			const command = [PB_BIN, 'serve', `--http=127.0.0.1:${port}`, '--dev=false', ...flags]
				.map(quote)
				.join(' ');
			// `script` gives the server a pseudo-terminal as stdin and relays ours to it.
			const child = spawn('script', ['-qfec', command, '/dev/null'], {
				cwd: PROJECT_ROOT,
				stdio: ['pipe', 'pipe', 'pipe']
			});
			const exited = new Promise((resolve) => child.once('exit', resolve));
			stops.push(async () => {
				child.kill('SIGTERM');
				await exited;
			});
			let output = '';
			const answers: [RegExp, string][] = [
				[/The school's name[^:]*: $/, 'Grevillea Park School'],
				[/The address teachers open.*: $/, 'not an address'],
				[
					/is not valid: it must be a full address.*\nThe address teachers open.*: $/,
					'https://markbook.grevillea.example/'
				],
				[/The office's email address[^:]*: $/, 'office@grevillea.example']
			];
			child.stdout.on('data', (chunk: Buffer) => {
				output += chunk.toString().replaceAll('\r', '');
				const next = answers[0];
				if (next && next[0].test(output)) {
					answers.shift();
					child.stdin.write(`${next[1]}\n`);
				}
			});
			const url = `http://127.0.0.1:${port}`;
			const deadline = Date.now() + 30_000;
			for (;;) {
				try {
					if ((await fetch(`${url}/api/health`)).ok) break;
				} catch {
					// still asking, or starting
				}
				if (Date.now() > deadline) throw new Error(`no answer on ${url}:\n${output}`);
				await new Promise((r) => setTimeout(r, 100));
			}
			expect(answers).toHaveLength(0);
			expect((await settingsOf(url))['meta']).toMatchObject({
				appName: 'Grevillea Park School',
				appURL: 'https://markbook.grevillea.example',
				senderAddress: 'office@grevillea.example'
			});
		}
	);
});
