// The wire-v2 migration (1767226500_markbook_result_class.js) on a data dir
// holding version-1 data, with the real binary: every migration before it
// runs, then a fixture migration writes v1 rows (a result under its v1 id, with
// a conflict notice, an audit entry and a receipt naming it; attempts with and
// without a result), then `migrate up` applies the v2 migration alone. The
// rows are read back through the REST API of a server started with no
// migrations and no hooks, so nothing else touches them.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PocketBase from 'pocketbase';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort, MIGRATIONS_DIR } from '../../scripts/lib/pocketbase.mjs';
import { resultId, resultIdV1 } from '../../src/lib/sync/core/ids';
import { readRule } from '../../src/lib/domain/access';
import { PB_BIN, PROJECT_ROOT } from '../harness/pocketbase';

const V2 = '1767226500_markbook_result_class.js';
const OFFICE = { email: 'office@migrations.test', password: 'migrations-test-1' };
const S1 = 'stu000000000001'; // in C1 and C2, with a C1 result
const S2 = 'stu000000000002'; // in C2 only, attempts but no result
const C1 = 'cls000000000001';
const C2 = 'cls000000000002';
const X = 'asm000000000001';
const P = 'per000000000001';
const R1 = resultIdV1(S1, X, P);
const R2 = resultIdV1(S2, 'asm000000000002', P);

// Raw SQL, as v1 data was: no hooks and no validation in the way.
const FIXTURE = `/// <reference path="../pb_data/types.d.ts" />
migrate((app) => {
	const q = (sql) => app.db().newQuery(sql).execute();
	q("INSERT INTO classes (id, name) VALUES ('${C1}', 'One'), ('${C2}', 'Two')");
	q(\`INSERT INTO students (id, given_name, family_name, student_number, classes) VALUES
		('${S1}', 'Ada', 'B', 'n1', '["${C1}","${C2}"]'), ('${S2}', 'Bo', 'C', 'n2', '["${C2}"]')\`);
	q("INSERT INTO periods (id, name) VALUES ('${P}', 'Term 1')");
	q(\`INSERT INTO assessments (id, name, framework, kind) VALUES
		('${X}', 'Sprint', 'ASTS', 'timed'), ('asm000000000002', 'Hop', 'Vic FMS', 'checklist')\`);
	q(\`INSERT INTO results (id, student, class, assessment, period, best_time, seq, stamps) VALUES
		('${R1}', '${S1}', '${C1}', '${X}', '${P}', '8.1', 3, '{}'),
		('${R2}', '${S2}', '${C2}', 'asm000000000002', '${P}', NULL, 4, '{}')\`);
	q(\`INSERT INTO attempts (id, student, assessment, period, seconds, seq, stamps) VALUES
		('att000000000001', '${S1}', '${X}', '${P}', 8.1, 5, '{"student":"1767225600000:00000:dev_a","seconds":"1767225600000:00000:dev_a"}'),
		('att000000000002', '${S2}', '${X}', '${P}', 9.4, 6, '{"student":"1767225600000:00001:dev_a"}')\`);
	q("INSERT INTO conflicts (id, collection, record, field, status) VALUES ('cnf000000000001', 'results', '${R1}', 'values.c1', 'open')");
	q("INSERT INTO audit_log (id, collection, record, op) VALUES ('aud000000000001', 'results', '${R1}', 'update'), ('aud000000000002', 'attempts', '${R1}', 'create')");
	q("INSERT INTO sync_receipts (id, op_id, collection, record) VALUES ('rcp000000000001', 'op-1', 'results', '${R1}')");
	q("UPDATE sync_state SET seq = 6");
}, () => {});
`;

let root: string;
let dataDir: string;
let emptyDir: string;
/** `serve` refuses to start without an app to serve; this one is a stub. */
let publicDir: string;
let before: string;
let after: string;

function pocketbase(args: string[]): string {
	const run = spawnSync(PB_BIN, args, { cwd: PROJECT_ROOT, encoding: 'utf8' });
	if (run.status !== 0)
		throw new Error(`pocketbase ${args.join(' ')} failed:\n${run.stdout}\n${run.stderr}`);
	return run.stdout + run.stderr;
}
const dirs = (migrations: string) => [
	`--dir=${dataDir}`,
	`--migrationsDir=${migrations}`,
	`--hooksDir=${emptyDir}`,
	`--publicDir=${publicDir}`
];

/** Runs fn against the data dir served with no migrations and no hooks. */
async function served<T>(fn: (pb: PocketBase) => Promise<T>): Promise<T> {
	pocketbase(['superuser', 'upsert', OFFICE.email, OFFICE.password, ...dirs(emptyDir)]);
	const port = await freePort();
	const child = spawn(PB_BIN, ['serve', `--http=127.0.0.1:${port}`, ...dirs(emptyDir)], {
		cwd: PROJECT_ROOT,
		stdio: 'ignore'
	});
	const exited = new Promise((resolve) => child.once('exit', resolve));
	try {
		const pb = new PocketBase(`http://127.0.0.1:${port}`);
		pb.autoCancellation(false);
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
		return await fn(pb);
	} finally {
		child.kill('SIGTERM');
		await exited;
	}
}

beforeAll(() => {
	root = mkdtempSync(join(tmpdir(), 'markbook-v2-migration-'));
	dataDir = join(root, 'pb_data');
	emptyDir = join(root, 'empty');
	before = join(root, 'before');
	after = join(root, 'after');
	publicDir = join(root, 'public');
	for (const dir of [dataDir, emptyDir, publicDir, before, after])
		mkdirSync(dir, { recursive: true });
	writeFileSync(join(publicDir, 'index.html'), '<!doctype html><title>stub</title>');
	const files = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.js'));
	for (const f of files) {
		if (f < V2) copyFileSync(join(MIGRATIONS_DIR, f), join(before, f));
		copyFileSync(join(MIGRATIONS_DIR, f), join(after, f));
	}
	// Sorts just before the v2 migration, after every earlier one.
	const fixture = V2.replace(/^(\d+)_.*$/, (_, n: string) => `${Number(n) - 1}_v1_fixture.js`);
	writeFileSync(join(before, fixture), FIXTURE);
	writeFileSync(join(after, fixture), FIXTURE);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the wire-v2 migration over version-1 data', () => {
	test('applies on top of the previous state', () => {
		pocketbase(['migrate', 'up', ...dirs(before)]);
		const out = pocketbase(['migrate', 'up', ...dirs(after)]);
		// The v2 migration and every later one, in order.
		const later = readdirSync(MIGRATIONS_DIR)
			.filter((f) => f.endsWith('.js') && f >= V2)
			.sort();
		expect([...out.matchAll(/Applied (\S+\.js)/g)].map((m) => m[1])).toEqual(later);
	});

	test('moves results to their v2 ids, with the notices, audit entries and receipts naming them', async () => {
		const v2 = resultId(S1, C1, X, P);
		expect(v2).not.toBe(R1);
		await served(async (pb) => {
			const results = await pb.collection('results').getFullList({ sort: 'student' });
			expect(results.map((r) => r.id)).toEqual([v2, resultId(S2, C2, 'asm000000000002', P)]);
			expect(results[0]).toMatchObject({ class: C1, best_time: 8.1 });
			// Every moved row has a seq past the old counter, so devices pull it.
			const seqs = results.map((r) => r['seq'] as number);
			expect(Math.min(...seqs)).toBeGreaterThan(6);
			const notice = await pb.collection('conflicts').getOne('cnf000000000001');
			expect(notice['record']).toBe(v2);
			expect(notice['seq']).toBeGreaterThan(6);
			expect((await pb.collection('audit_log').getOne('aud000000000001'))['record']).toBe(v2);
			// Not a result's entry: left alone.
			expect((await pb.collection('audit_log').getOne('aud000000000002'))['record']).toBe(R1);
			expect((await pb.collection('sync_receipts').getOne('rcp000000000001'))['record']).toBe(v2);
			const state = await pb.collection('sync_state').getFullList();
			// Two results, the notice and the two attempts, each its own seq.
			expect(state[0]?.['seq']).toBe(6 + 5);
			expect(new Set([...seqs, notice['seq']]).size).toBe(3);
		});
	});

	test("gives attempts their result's class, else the student's first, stamped and pulled again", async () => {
		await served(async (pb) => {
			const a1 = await pb.collection('attempts').getOne('att000000000001');
			const a2 = await pb.collection('attempts').getOne('att000000000002');
			expect(a1['class']).toBe(C1); // S1's result is C1's, though C2 is S1's class too
			expect(a2['class']).toBe(C2);
			expect((a1['stamps'] as Record<string, string>)['class']).toBe('1767225600000:00000:dev_a');
			expect(a1['seq']).toBeGreaterThan(6);
			expect(a2['seq']).toBeGreaterThan(6);
		});
	});

	test('makes (student, class, assessment, period) the unique key, attempts.class required, read by its class', async () => {
		await served(async (pb) => {
			const results = await pb.collections.getOne('results');
			expect(results.indexes).toContain(
				'CREATE UNIQUE INDEX `idx_results_natural_key` ON `results` (`student`, `class`, `assessment`, `period`)'
			);
			const attempts = await pb.collections.getOne('attempts');
			expect(attempts.fields.find((f) => f.name === 'class')).toMatchObject({
				type: 'relation',
				required: true
			});
			expect(attempts.listRule).toBe(readRule('attempts'));
			expect(attempts.viewRule).toBe(readRule('attempts'));
			// The other class now has a result of its own for S1.
			await pb.collection('results').create({
				student: S1,
				class: C2,
				assessment: X,
				period: P
			});
			await expect(
				pb.collection('results').create({ student: S1, class: C1, assessment: X, period: P })
			).rejects.toMatchObject({ status: 400 });
		});
	});
});
