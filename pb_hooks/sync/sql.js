/// <reference path="../../pb_data/types.d.ts" />
// Bulk SQL for the sync store: read records as one JSON string, write many rows
// in one statement. Hand-written next to store.js because it knows how
// PocketBase lays out each field type in SQLite (checked against what
// `$app.save` writes: JSON null is SQL NULL, bools are 0/1, multi relations are
// JSON arrays, dates are 'YYYY-MM-DD HH:MM:SS.sssZ' text).
//
// Why not `$app.save` per record: on PocketBase's interpreter a save costs
// about a millisecond (validation, hooks, realtime fan-out with a rule query
// per subscriber); a push of 500 ops made ~1,500 of them. Raw SQL skips the
// record hooks and PocketBase's realtime events, so the store broadcasts the
// changes itself after the commit (realtime.js).

/** PocketBase's own timestamp format, in SQL. */
const NOW_SQL = "strftime('%Y-%m-%d %H:%M:%fZ','now')";
/** Rows per statement; keeps one bound JSON string to a few MB. */
const CHUNK = 2000;

function quote(name) {
	return '`' + String(name).replace(/`/g, '') + '`';
}

function isMultiple(field) {
	if (typeof field.isMultiple === 'function') return field.isMultiple();
	return typeof field.maxSelect === 'number' && field.maxSelect > 1;
}

/** How a field is stored: 'json' | 'bool' | 'number' | 'array' | 'text' | 'skip'. */
function kindOf(field) {
	const type = field.type();
	if (type === 'autodate' || field.getName() === 'id') return 'skip';
	if (type === 'json') return 'json';
	if (type === 'bool') return 'bool';
	if (type === 'number') return 'number';
	if ((type === 'relation' || type === 'select' || type === 'file') && isMultiple(field))
		return 'array';
	if (type === 'password') return 'skip';
	return 'text';
}

/** [name, kind] of the stored fields of a collection (id and autodates left out). */
function columnsOf(app, collectionName) {
	const collection = app.findCachedCollectionByNameOrId(collectionName);
	const out = [];
	for (const field of collection.fields) {
		const kind = kindOf(field);
		if (kind !== 'skip') out.push([field.getName(), kind]);
	}
	return out;
}

/** A SQL expression giving a column's value as JSON, for json_object(). */
function readExpr(name, kind) {
	const col = quote(name);
	switch (kind) {
		case 'json':
			return 'json(COALESCE(' + col + ", 'null'))";
		case 'bool':
			return 'json(CASE WHEN ' + col + " THEN 'true' ELSE 'false' END)";
		case 'array':
			return 'json(COALESCE(NULLIF(' + col + ", ''), '[]'))";
		default:
			return col;
	}
}

/** A SQL expression taking a column's value from the JSON row `j.value`. */
function writeExpr(name, kind) {
	const key = "'$." + String(name).replace(/'/g, '') + "'";
	switch (kind) {
		case 'json':
			return 'NULLIF(j.value -> ' + key + ", 'null')";
		case 'bool':
			return 'COALESCE(j.value ->> ' + key + ', 0)';
		case 'number':
			return 'COALESCE(j.value ->> ' + key + ', 0)';
		case 'array':
			return 'COALESCE(j.value -> ' + key + ", '[]')";
		default:
			return 'COALESCE(j.value ->> ' + key + ", '')";
	}
}

/**
 * Records of a collection as wire-shaped JSON (what store.js's toWire gives),
 * selected by `where` (SQL with {:params}). One query, one JSON.parse.
 */
function selectWire(app, collectionName, where, params, orderLimit) {
	const cols = columnsOf(app, collectionName);
	const pairs = ["'id', id"];
	for (const [name, kind] of cols) pairs.push("'" + name + "', " + readExpr(name, kind));
	const inner =
		'SELECT json_object(' +
		pairs.join(', ') +
		') AS r FROM ' +
		quote(collectionName) +
		' WHERE ' +
		where +
		(orderLimit || '');
	const sql = "SELECT COALESCE(json_group_array(json(r)), '[]') AS rows FROM (" + inner + ')';
	const row = new DynamicModel({ rows: '' });
	app
		.db()
		.newQuery(sql)
		.bind(params || {})
		.one(row);
	const list = JSON.parse(row.rows);
	for (const r of list) {
		if (!r.stamps || typeof r.stamps !== 'object') r.stamps = {};
		r.seq = typeof r.seq === 'number' ? r.seq : 0;
		r.deleted = r.deleted === true;
	}
	return list;
}

/**
 * One pull page, built by SQLite as JSON text: the first `limit` changes with
 * seq > since over every collection of `parts` ([{ collection, where }], where
 * the SQL may use {:since} and the other params), in seq order.
 * Returns { json: '[{"collection":…,"record":…},…]', count, lastSeq, more }.
 */
function pageWire(app, parts, params, limit) {
	const lim = Math.max(1, Math.floor(limit)) + 1;
	const selects = parts.map((p) => {
		const pairs = ["'id', id"];
		for (const [name, kind] of columnsOf(app, p.collection)) {
			// stamps is always an object on the wire (toWire makes a missing one {}).
			const expr =
				name === 'stamps' ? "json(COALESCE(NULLIF(`stamps`, ''), '{}'))" : readExpr(name, kind);
			pairs.push("'" + name + "', " + expr);
		}
		return (
			"SELECT * FROM (SELECT seq, json_object('collection', '" +
			p.collection +
			"', 'record', json_object(" +
			pairs.join(', ') +
			')) AS c FROM ' +
			quote(p.collection) +
			' WHERE seq > {:since}' +
			(p.where ? ' AND (' + p.where + ')' : '') +
			' ORDER BY seq LIMIT ' +
			lim +
			')'
		);
	});
	const sql =
		"SELECT COALESCE(json_group_array(json(c)) FILTER (WHERE rn <= {:limit}), '[]') AS rows, count(*) AS n, " +
		'COALESCE(max(seq) FILTER (WHERE rn <= {:limit}), 0) AS last FROM (SELECT seq, c, row_number() OVER (ORDER BY seq) AS rn FROM (' +
		selects.join(' UNION ALL ') +
		') ORDER BY seq LIMIT ' +
		lim +
		')';
	const row = new DynamicModel({ rows: '', n: 0, last: 0 });
	app
		.db()
		.newQuery(sql)
		.bind(Object.assign({}, params, { limit: lim - 1 }))
		.one(row);
	return { json: row.rows, count: Math.min(row.n, lim - 1), lastSeq: row.last, more: row.n >= lim };
}

/** Inserts or updates whole records (wire-shaped objects with an id) of one collection. */
function upsertRecords(app, collectionName, records) {
	if (records.length === 0) return;
	const cols = columnsOf(app, collectionName);
	const names = ['id']
		.concat(
			cols.map((c) => c[0]),
			['created', 'updated']
		)
		.map(quote);
	const values = ["j.value ->> '$.id'"].concat(
		cols.map((c) => writeExpr(c[0], c[1])),
		[NOW_SQL, NOW_SQL]
	);
	const updates = cols
		.map((c) => quote(c[0]) + ' = excluded.' + quote(c[0]))
		.concat(['`updated` = excluded.`updated`']);
	const sql =
		'INSERT INTO ' +
		quote(collectionName) +
		' (' +
		names.join(', ') +
		') SELECT ' +
		values.join(', ') +
		' FROM json_each({:rows}) AS j WHERE true ON CONFLICT(`id`) DO UPDATE SET ' +
		updates.join(', ');
	for (let i = 0; i < records.length; i += CHUNK) {
		app
			.db()
			.newQuery(sql)
			.bind({ rows: JSON.stringify(records.slice(i, i + CHUNK)) })
			.execute();
	}
}

/** Appends rows (plain objects, no id: SQLite's column default makes PocketBase-style ids). */
function insertRows(app, collectionName, rows) {
	if (rows.length === 0) return;
	const cols = columnsOf(app, collectionName);
	const names = cols.map((c) => quote(c[0])).concat(['`created`', '`updated`']);
	const values = cols.map((c) => writeExpr(c[0], c[1])).concat([NOW_SQL, NOW_SQL]);
	const sql =
		'INSERT INTO ' +
		quote(collectionName) +
		' (' +
		names.join(', ') +
		') SELECT ' +
		values.join(', ') +
		' FROM json_each({:rows}) AS j';
	for (let i = 0; i < rows.length; i += CHUNK) {
		app
			.db()
			.newQuery(sql)
			.bind({ rows: JSON.stringify(rows.slice(i, i + CHUNK)) })
			.execute();
	}
}

/**
 * Sets some fields of one row (and its `updated`): what `$app.save` of a
 * changed record writes, without its validation, hooks and realtime event.
 * For the store's bookkeeping rows (the device's last sync, the counter),
 * written on every push and pull.
 */
function updateFields(app, collectionName, id, fields) {
	const kinds = {};
	for (const [name, kind] of columnsOf(app, collectionName)) kinds[name] = kind;
	const sets = Object.keys(fields)
		.filter((name) => name in kinds)
		.map((name) => quote(name) + ' = ' + writeExpr(name, kinds[name]));
	const sql =
		'UPDATE ' +
		quote(collectionName) +
		' SET ' +
		sets.concat(['`updated` = ' + NOW_SQL]).join(', ') +
		' FROM (SELECT json({:row}) AS value) AS j WHERE ' +
		quote(collectionName) +
		'.`id` = {:id}';
	app
		.db()
		.newQuery(sql)
		.bind({ row: JSON.stringify(fields), id })
		.execute();
}

module.exports = { selectWire, pageWire, upsertRecords, insertRows, updateFields };
