// Our migrations go up and come back down cleanly, on a fresh data dir, with
// the real binary: `migrate up`, inspect, `migrate down <all>`, inspect, and up
// again. Inspection starts `serve` with an EMPTY migrations dir, so that serving
// (which applies pending migrations) cannot undo what is being checked.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PocketBase, { type CollectionModel } from 'pocketbase';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort, MIGRATIONS_DIR } from '../../scripts/lib/pocketbase.mjs';
import { SYNCED_COLLECTIONS } from '../../src/lib/domain/collections';
import { PB_BIN, PROJECT_ROOT } from '../harness/pocketbase';

// Synced collections come from the shared library; these three are the server's own.
const OURS = [...SYNCED_COLLECTIONS, 'audit_log', 'devices', 'sync_receipts'];
const SYNCED = [...SYNCED_COLLECTIONS];
const OFFICE = { email: 'office@migrations.test', password: 'migrations-test-1' };

let root: string;
let dataDir: string;
let emptyDir: string;
/** `serve` refuses to start without an app to serve; this one is a stub. */
let publicDir: string;

function pocketbase(args: string[], input?: string): string {
	const run = spawnSync(PB_BIN, args, { cwd: PROJECT_ROOT, encoding: 'utf8', input });
	if (run.status !== 0)
		throw new Error(`pocketbase ${args.join(' ')} failed:\n${run.stdout}\n${run.stderr}`);
	return run.stdout + run.stderr;
}

const withMigrations = (dir: string) => [
	`--dir=${dataDir}`,
	`--migrationsDir=${dir}`,
	`--hooksDir=${emptyDir}`,
	`--publicDir=${publicDir}`
];

/** The collections of the data dir, as the admin API reports them, without applying anything. */
async function inspect(): Promise<Map<string, CollectionModel>> {
	pocketbase(['superuser', 'upsert', OFFICE.email, OFFICE.password, ...withMigrations(emptyDir)]);
	const port = await freePort();
	const child = spawn(PB_BIN, ['serve', `--http=127.0.0.1:${port}`, ...withMigrations(emptyDir)], {
		cwd: PROJECT_ROOT,
		stdio: 'ignore'
	});
	const exited = new Promise((resolve) => child.once('exit', resolve));
	try {
		const pb = new PocketBase(`http://127.0.0.1:${port}`);
		const deadline = Date.now() + 20_000;
		for (;;) {
			try {
				await pb.health.check();
				break;
			} catch (error) {
				if (Date.now() > deadline) throw error;
				await new Promise((r) => setTimeout(r, 100));
			}
		}
		await pb.collection('_superusers').authWithPassword(OFFICE.email, OFFICE.password);
		const list = await pb.collections.getFullList();
		return new Map(list.map((c) => [c.name, c]));
	} finally {
		child.kill('SIGTERM');
		await exited;
	}
}

const field = (c: CollectionModel | undefined, name: string) =>
	c?.fields.find((f) => f.name === name);

beforeAll(() => {
	root = mkdtempSync(join(tmpdir(), 'markbook-migrations-'));
	dataDir = join(root, 'pb_data');
	emptyDir = join(root, 'empty');
	publicDir = join(root, 'public');
	for (const dir of [dataDir, emptyDir, publicDir]) mkdirSync(dir, { recursive: true });
	writeFileSync(join(publicDir, 'index.html'), '<!doctype html><title>stub</title>');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('migrations on a fresh data dir', () => {
	const files = readdirSync(MIGRATIONS_DIR)
		.filter((f) => f.endsWith('.js'))
		.sort();
	let up: Map<string, CollectionModel>;

	test('migrate up applies every migration file, in order', () => {
		const out = pocketbase(['migrate', 'up', ...withMigrations(MIGRATIONS_DIR)]);
		const applied = [...out.matchAll(/Applied (\S+\.js)/g)].map((m) => m[1]);
		expect(applied).toEqual(files);
	});

	test('every collection of the data model appears, with created/updated', async () => {
		up = await inspect();
		for (const name of OURS) {
			const c = up.get(name);
			expect(c, name).toBeDefined();
			expect(field(c, 'created'), `${name}.created`).toMatchObject({
				type: 'autodate',
				onCreate: true,
				onUpdate: false
			});
			expect(field(c, 'updated'), `${name}.updated`).toMatchObject({
				type: 'autodate',
				onCreate: true,
				onUpdate: true
			});
		}
	});

	test('synced collections carry stamps, an indexed seq and a tombstone', () => {
		for (const name of SYNCED) {
			const c = up.get(name)!;
			expect(field(c, 'stamps')?.type, name).toBe('json');
			expect(field(c, 'seq')?.type, name).toBe('number');
			expect(field(c, 'deleted')?.type, name).toBe('bool');
			expect(
				c.indexes.some((i) => /\(`seq`\)/.test(i)),
				`${name} seq index`
			).toBe(true);
		}
		for (const name of ['audit_log', 'devices', 'sync_receipts']) {
			expect(field(up.get(name), 'seq'), name).toBeUndefined();
		}
	});

	test('one result per (student, assessment, period), and marks survive a deleted student', () => {
		const results = up.get('results')!;
		expect(results.indexes).toContain(
			'CREATE UNIQUE INDEX `idx_results_natural_key` ON `results` (`student`, `assessment`, `period`)'
		);
		for (const name of ['results', 'attempts', 'observations']) {
			expect(field(up.get(name), 'student'), name).toMatchObject({
				required: true,
				cascadeDelete: false
			});
		}
		expect(
			up
				.get('students')!
				.indexes.some((i) => i.startsWith('CREATE UNIQUE INDEX') && i.includes('`student_number`'))
		).toBe(true);
		expect(
			up
				.get('devices')!
				.indexes.some((i) => i.startsWith('CREATE UNIQUE INDEX') && i.includes('`device_id`'))
		).toBe(true);
		expect(
			up
				.get('sync_receipts')!
				.indexes.some((i) => i.startsWith('CREATE UNIQUE INDEX') && i.includes('`op_id`'))
		).toBe(true);
		expect(field(up.get('classes'), 'year_level')).toMatchObject({ min: 0, max: 12 });
	});

	test('users get a required name and role, a 30-day token, and no sign-up', () => {
		const users = up.get('users')!;
		expect(field(users, 'name')).toMatchObject({ required: true });
		expect(field(users, 'role')).toMatchObject({
			type: 'select',
			required: true,
			values: ['teacher', 'coordinator']
		});
		expect(users.authToken?.duration).toBe(30 * 24 * 3600);
		expect(users.createRule).toBeNull();
	});

	test('migrate down of all of them removes every collection and restores users', async () => {
		const out = pocketbase(
			['migrate', 'down', String(files.length), ...withMigrations(MIGRATIONS_DIR)],
			'y\n'
		);
		const reverted = [...out.matchAll(/Reverted (\S+\.js)/g)].map((m) => m[1]);
		expect(reverted).toEqual([...files].reverse());
		const down = await inspect();
		for (const name of OURS) expect(down.has(name), name).toBe(false);
		const users = down.get('users')!;
		expect(field(users, 'role')).toBeUndefined();
		expect(field(users, 'name')).toMatchObject({ required: false });
		expect(users.authToken?.duration).not.toBe(30 * 24 * 3600);
		expect(users.listRule).toBe('id = @request.auth.id');
	});

	test('and up again: the cycle is repeatable', async () => {
		const out = pocketbase(['migrate', 'up', ...withMigrations(MIGRATIONS_DIR)]);
		expect([...out.matchAll(/Applied (\S+\.js)/g)].map((m) => m[1])).toEqual(files);
		const again = await inspect();
		for (const name of OURS) expect(again.has(name), name).toBe(true);
	});
});
