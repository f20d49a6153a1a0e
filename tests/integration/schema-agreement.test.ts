// One schema: the fields, types and limits PocketBase stores (pb_migrations,
// read back from a real server) are the ones the domain declares
// (src/lib/domain/fields.ts) and validates against, field by field. A
// migration that changes a limit without the domain (or the other way) fails here.
import type { CollectionModel } from 'pocketbase';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WRITE_RULE, readRule } from '../../src/lib/domain/access';
import { SCHEMAS, SYNCED_COLLECTIONS } from '../../src/lib/domain/collections';
import { STORED_FIELDS, SYNC_BOOKKEEPING, type StoredField } from '../../src/lib/domain/fields';
import { startTestServer, type TestServer } from '../harness/pocketbase';

let server: TestServer;
let byName: Map<string, CollectionModel>;
let idToName: Map<string, string>;

beforeAll(async () => {
	server = await startTestServer();
	const list = await (await server.admin()).collections.getFullList();
	byName = new Map(list.map((c) => [c.name, c]));
	idToName = new Map(list.map((c) => [c.id, c.name]));
});
afterAll(() => server?.stop());

const POCKETBASE_OWN = ['id', 'created', 'updated'];

/** What PocketBase stores of a field, in the domain's terms. */
function stored(field: Record<string, unknown>): StoredField {
	const out: StoredField = { type: field['type'] as StoredField['type'] };
	if (field['required'] === true) out.required = true;
	if (field['type'] === 'text') {
		out.min = Number(field['min'] ?? 0);
		out.max = Number(field['max'] ?? 0);
	}
	if (field['type'] === 'number') {
		if (typeof field['min'] === 'number') out.min = field['min'];
		if (typeof field['max'] === 'number') out.max = field['max'];
	}
	if (field['type'] === 'relation') {
		out.target = idToName.get(String(field['collectionId'])) ?? String(field['collectionId']);
		out.maxSelect = Number(field['maxSelect'] ?? 1);
	}
	return out;
}

/** The domain's declaration in the same terms (absent properties mean PocketBase's defaults). */
function declared(field: StoredField): StoredField {
	const out: StoredField = { type: field.type };
	if (field.required) out.required = true;
	if (field.type === 'text') {
		out.min = field.min ?? 0;
		out.max = field.max ?? 0;
	}
	if (field.type === 'number') {
		if (field.min !== undefined) out.min = field.min;
		if (field.max !== undefined) out.max = field.max;
	}
	if (field.type === 'relation') {
		out.target = field.target as string;
		out.maxSelect = field.maxSelect ?? 1;
	}
	return out;
}

describe('the migrations and the domain declare the same fields', () => {
	test.each([...SYNCED_COLLECTIONS])('%s: every stored field, with its type and limits', (name) => {
		const collection = byName.get(name);
		expect(collection, `${name} exists`).toBeDefined();
		const fields = (collection as CollectionModel).fields as unknown as Record<string, unknown>[];
		const actual: Record<string, StoredField> = {};
		for (const f of fields) {
			if (POCKETBASE_OWN.indexOf(String(f['name'])) < 0) actual[String(f['name'])] = stored(f);
		}
		const expected: Record<string, StoredField> = {};
		const own = STORED_FIELDS[name];
		for (const key of Object.keys(own)) expected[key] = declared(own[key] as StoredField);
		for (const key of Object.keys(SYNC_BOOKKEEPING)) {
			expected[key] = declared(SYNC_BOOKKEEPING[key] as StoredField);
		}
		expect(actual).toEqual(expected);
	});

	test.each([...SYNCED_COLLECTIONS])(
		'%s: the merge schema knows exactly the stored fields',
		(name) => {
			expect(Object.keys(SCHEMAS[name].fields).sort()).toEqual(
				Object.keys(STORED_FIELDS[name]).sort()
			);
		}
	);
});

// Who sees what is one table (src/lib/domain/access.ts); the pull's SQL and
// the realtime filter are made from it, and PocketBase's API rules must say
// the same, cell by cell.
describe('the API rules are the access table', () => {
	test.each([...SYNCED_COLLECTIONS])('%s: list and view rules read as the table', (name) => {
		const c = byName.get(name) as CollectionModel;
		expect({ list: c.listRule, view: c.viewRule }).toEqual({
			list: readRule(name),
			view: readRule(name)
		});
	});

	test.each([...SYNCED_COLLECTIONS])('%s: REST writes are the office’s only', (name) => {
		const c = byName.get(name) as CollectionModel;
		expect({ create: c.createRule, update: c.updateRule, delete: c.deleteRule }).toEqual({
			create: WRITE_RULE,
			update: WRITE_RULE,
			delete: WRITE_RULE
		});
	});
});

// The office sees names in the admin UI's relation pickers, not ids.
describe('the admin UI shows names', () => {
	test.each([
		['users', ['name']],
		['classes', ['name']],
		['students', ['given_name', 'family_name']],
		['periods', ['name']],
		['assessments', ['name', 'framework']]
	])('%s shows %j', (name, expected) => {
		const fields = (byName.get(name) as CollectionModel).fields as unknown as {
			name: string;
			presentable?: boolean;
		}[];
		expect(fields.filter((f) => f.presentable).map((f) => f.name)).toEqual(expected);
	});
});
