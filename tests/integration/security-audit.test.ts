// Issue 11.3: the audit log is immutable through the API, office included.
// As a superuser: no record of audit_log may be created, changed or deleted,
// the collection may not be truncated, and its definition (rules, fields) may
// not be changed or deleted, by the collections API or by an import. The same
// holds for sync_receipts' definition. Migrations, run by the app itself, still
// may change them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type PocketBase from 'pocketbase';
import { ClientResponseError, type CollectionModel } from 'pocketbase';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HOOKS_DIR, runPocketBase } from '../../scripts/lib/pocketbase.mjs';
import { DEMO_IDS } from '../../scripts/lib/seed.mjs';
import { startTestServer, type TestServer } from '../harness/pocketbase';

let server: TestServer;
let admin: PocketBase;
let auditId: string;

async function statusOf(request: Promise<unknown>): Promise<number> {
	try {
		await request;
		return 200;
	} catch (error) {
		if (error instanceof ClientResponseError) return error.status;
		throw error;
	}
}

async function auditRows(): Promise<number> {
	return (await admin.collection('audit_log').getList(1, 1)).totalItems;
}

beforeAll(async () => {
	server = await startTestServer({ seed: true });
	admin = await server.admin();
	// An office edit of a synced record writes an audit row.
	const student = (DEMO_IDS.students as string[])[0]!;
	await admin.collection('students').update(student, { given_name: 'Audited' });
	const rows = await admin
		.collection('audit_log')
		.getList(1, 1, { filter: `record = "${student}"` });
	expect(rows.items.length).toBe(1);
	auditId = rows.items[0]!.id;
}, 60_000);

afterAll(() => server?.stop());

describe('audit_log records, as a superuser', () => {
	test('an update is refused with 403 and changes nothing', async () => {
		const before = await admin.collection('audit_log').getOne(auditId);
		const error = await admin
			.collection('audit_log')
			.update(auditId, { op: 'delete', changes: {} })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ClientResponseError);
		expect((error as ClientResponseError).status).toBe(403);
		expect((error as ClientResponseError).response['message']).toMatch(/audit log/i);
		expect(await admin.collection('audit_log').getOne(auditId)).toEqual(before);
	});

	test('a create (a row attributed to a teacher) is refused with 403', async () => {
		const before = await auditRows();
		const status = await statusOf(
			admin.collection('audit_log').create({
				user: (DEMO_IDS.users as Record<string, string>)['teacherA'],
				collection: 'results',
				record: 'x'.repeat(15),
				op: 'delete'
			})
		);
		expect(status).toBe(403);
		expect(await auditRows()).toBe(before);
	});

	test('a delete is refused with 403 and the row stays', async () => {
		expect(await statusOf(admin.collection('audit_log').delete(auditId))).toBe(403);
		expect((await admin.collection('audit_log').getOne(auditId)).id).toBe(auditId);
	});

	test('truncating the collection is refused with 403 and every row stays', async () => {
		const before = await auditRows();
		expect(before).toBeGreaterThan(0);
		expect(await statusOf(admin.collections.truncate('audit_log'))).toBe(403);
		const byId = (await admin.collections.getOne('audit_log')).id;
		expect(await statusOf(admin.collections.truncate(byId))).toBe(403);
		expect(await auditRows()).toBe(before);
	});
});

describe('the audit_log and sync_receipts definitions, as a superuser', () => {
	for (const name of ['audit_log', 'sync_receipts']) {
		test(`${name}: relaxing its API rules is refused with 403`, async () => {
			const before = await admin.collections.getOne(name);
			expect(
				await statusOf(
					admin.collections.update(name, { createRule: '', updateRule: '', deleteRule: '' })
				)
			).toBe(403);
			const after = await admin.collections.getOne(name);
			expect([after.createRule, after.updateRule, after.deleteRule]).toEqual([
				before.createRule,
				before.updateRule,
				before.deleteRule
			]);
		});

		test(`${name}: removing a field is refused with 403`, async () => {
			const before = await admin.collections.getOne(name);
			const fields = before.fields.filter((f: { name: string }) => f.name !== 'user');
			expect(await statusOf(admin.collections.update(name, { fields }))).toBe(403);
			expect((await admin.collections.getOne(name)).fields.length).toBe(before.fields.length);
		});

		test(`${name}: deleting the collection is refused with 403`, async () => {
			expect(await statusOf(admin.collections.delete(name))).toBe(403);
			expect((await admin.collections.getOne(name)).name).toBe(name);
		});

		test(`${name}: an import that changes or drops it is refused`, async () => {
			const all: CollectionModel[] = await admin.collections.getFullList();
			const relaxed = all.map((c) => (c.name === name ? { ...c, deleteRule: '' } : c));
			expect(await statusOf(admin.collections.import(relaxed, false))).toBe(403);
			const dropped = all.filter((c) => c.name !== name);
			expect(await statusOf(admin.collections.import(dropped, true))).toBe(403);
			const after = await admin.collections.getOne(name);
			expect(after.deleteRule).toBeNull();
		});
	}

	test('an import that leaves them as they are still works', async () => {
		const all: CollectionModel[] = await admin.collections.getFullList();
		expect(await statusOf(admin.collections.import(all, false))).toBe(200);
	});

	test('other collections can still be edited by the office', async () => {
		const periods = await admin.collections.getOne('periods');
		expect(
			await statusOf(admin.collections.update('periods', { listRule: periods.listRule }))
		).toBe(200);
	});
});

describe('migrations', () => {
	test('a migration may still change audit_log (it runs in the app, not a request)', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'markbook-migration-'));
		try {
			writeFileSync(
				join(dir, '1999999999_touch_audit_log.js'),
				`migrate((app) => {
					const c = app.findCollectionByNameOrId('audit_log');
					c.fields.getByName('op').help = 'changed by a migration';
					app.save(c);
				}, () => {});`
			);
			runPocketBase([
				'migrate',
				'up',
				`--dir=${server.dataDir}`,
				`--migrationsDir=${dir}`,
				`--hooksDir=${HOOKS_DIR}`
			]);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
		// The list reads the database (a view would answer from this server's cache).
		const all: CollectionModel[] = await admin.collections.getFullList();
		const fields = all.find((c) => c.name === 'audit_log')!.fields as unknown as {
			name: string;
			help: string;
		}[];
		expect(fields.find((f) => f.name === 'op')!.help).toBe('changed by a migration');
	});
});
