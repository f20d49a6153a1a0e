/// <reference path="../../pb_data/types.d.ts" />
// The audit trail nobody can alter through the API, office included (issue
// 11.3). Its rows are written by the sync hooks inside their transactions (no
// request event), so refusing every record request leaves them working; its
// definition, and sync_receipts', changes only by migration: migrations run in
// the app itself (`migrate up`, and `serve` before it listens), never through
// these request hooks.

/** Collections whose records no request may create, change or delete. */
const IMMUTABLE_RECORDS = ['audit_log'];
/** Collections whose definition (rules, fields, indexes) no request may change. */
const FIXED_DEFINITIONS = ['audit_log', 'sync_receipts'];

function forbidden(message) {
	return new ForbiddenError(message);
}

/** onRecordCreateRequest / UpdateRequest / DeleteRequest on audit_log. */
function refuseRecordWrite(_e) {
	throw forbidden(
		'The audit log cannot be changed: its entries are written by the server only, and nobody (office staff included) may add, edit or delete them.'
	);
}

/** onCollectionUpdateRequest / DeleteRequest: the fixed collections are refused. */
function checkDefinitionChange(e) {
	if (!FIXED_DEFINITIONS.includes(e.collection.name)) return e.next();
	throw forbidden(
		`The definition of "${e.collection.name}" cannot be changed or deleted through the API; it changes only with a migration shipped with Markbook.`
	);
}

// The parts of a definition that matter; created/updated and the like differ
// between an export and the stored collection without meaning anything.
const DEFINITION_KEYS = [
	'id',
	'name',
	'type',
	'system',
	'listRule',
	'viewRule',
	'createRule',
	'updateRule',
	'deleteRule',
	'fields',
	'indexes'
];

function canonical(value) {
	if (Array.isArray(value)) return '[' + value.map(canonical).join(',') + ']';
	if (value !== null && typeof value === 'object') {
		return (
			'{' +
			Object.keys(value)
				.sort()
				.filter((k) => value[k] !== undefined)
				.map((k) => JSON.stringify(k) + ':' + canonical(value[k]))
				.join(',') +
			'}'
		);
	}
	return JSON.stringify(value === undefined ? null : value);
}

function definition(plain) {
	const out = {};
	for (const key of DEFINITION_KEYS) out[key] = plain[key] === undefined ? null : plain[key];
	return canonical(out);
}

/**
 * onCollectionsImportRequest: an import may carry the fixed collections only
 * as they are, and may not drop them (deleteMissing).
 */
function checkImport(e) {
	const imported = JSON.parse(JSON.stringify(e.collectionsData));
	for (const name of FIXED_DEFINITIONS) {
		const current = JSON.parse(JSON.stringify(e.app.findCollectionByNameOrId(name)));
		const mine = imported.find((c) => c.id === current.id || c.name === current.name);
		if (!mine) {
			if (e.deleteMissing)
				throw forbidden(`An import may not delete "${name}"; include it unchanged.`);
			continue;
		}
		if (definition(mine) !== definition(current)) {
			throw forbidden(
				`An import may not change the definition of "${name}"; it changes only with a migration shipped with Markbook.`
			);
		}
	}
	return e.next();
}

const TRUNCATE_PATH = /^\/api\/collections\/([^/]+)\/truncate\/?$/;

/**
 * A router middleware: PocketBase's truncate endpoint has no request hook of
 * its own (it deletes record by record from Go), so it is refused by path.
 */
function refuseTruncate(e) {
	if (e.request.method === 'DELETE') {
		const match = TRUNCATE_PATH.exec(e.request.url.path);
		if (match) {
			let collection = null;
			try {
				collection = e.app.findCachedCollectionByNameOrId(decodeURIComponent(match[1]));
			} catch (_) {
				// unknown: PocketBase answers 404 itself
			}
			if (collection && IMMUTABLE_RECORDS.includes(collection.name)) {
				throw forbidden(
					'The audit log cannot be truncated: nobody (office staff included) may delete its entries.'
				);
			}
		}
	}
	return e.next();
}

module.exports = {
	IMMUTABLE_RECORDS,
	FIXED_DEFINITIONS,
	refuseRecordWrite,
	checkDefinitionChange,
	checkImport,
	refuseTruncate
};
