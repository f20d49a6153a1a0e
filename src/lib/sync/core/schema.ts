/**
 * The shape of a collection as the merge sees it: which field paths exist and
 * how each merges. The definitions themselves live in src/lib/domain/collections.ts.
 */
import { splitPath } from './paths';
import type { FieldPath, SyncedCollection } from './types';

/**
 * How concurrent writes to one field combine:
 * - `lww`: the larger stamp wins;
 * - `min` / `max`: the smaller / larger number, whatever the order;
 * - `append`: a union of immutable `{ id }` items;
 * - `immutable`: set once, the first write (by stamp) holds;
 * - `server`: derived by the server; client writes are refused.
 */
export type MergeRule = 'lww' | 'min' | 'max' | 'append' | 'immutable' | 'server';

/** One top-level field of a collection. */
export interface FieldSpec {
	rule: MergeRule;
	/**
	 * A JSON object whose components are merged one by one (`values.run_3`);
	 * the whole object is never written as one path.
	 */
	nested?: boolean;
}

/** What the sync core needs to know about a collection. */
export interface CollectionSchema {
	collection: SyncedCollection;
	/** False: devices only read it (office staff edit it in the admin UI). */
	clientWritable: boolean;
	/** False: devices may update existing records but never create one. */
	clientCreates: boolean;
	/** Whether a device may tombstone a record (`op.delete`). */
	deletable: boolean;
	/** Fields that identify a record; for results they derive its id. */
	naturalKey: readonly string[];
	fields: Readonly<Record<string, FieldSpec>>;
}

/** The tombstone path; an lww field of every collection. */
export const DELETED_PATH = 'deleted';

/** Fields every wire record has that are not merged as ordinary fields. */
export const RESERVED_FIELDS: readonly string[] = [
	'id',
	'stamps',
	'seq',
	'collectionId',
	'collectionName',
	'created',
	'updated'
];

/** The merge rule of `path` in `schema`; null when the path is not a field of it. */
export function ruleForPath(schema: CollectionSchema, path: FieldPath): MergeRule | null {
	const split = splitPath(path);
	if (!split) return null;
	if (split.field === DELETED_PATH) return split.component === null ? 'lww' : null;
	if (RESERVED_FIELDS.indexOf(split.field) >= 0) return null;
	const spec = Object.prototype.hasOwnProperty.call(schema.fields, split.field)
		? schema.fields[split.field]
		: undefined;
	if (!spec) return null;
	// A nested field is written component by component, a plain one as a whole.
	if ((split.component !== null) !== (spec.nested === true)) return null;
	return spec.rule;
}
