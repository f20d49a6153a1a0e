/// <reference path="../../pb_data/types.d.ts" />
// Edits through the REST API or the admin UI get what a synced edit gets:
// server-clock stamps for the changed fields, a seq, derived fields, an audit
// entry. A delete becomes a tombstone, so devices learn of it.

function who(e) {
	if (!e.auth) return { user: '', device: 'anonymous' };
	if (e.auth.collection().name === '_superusers') return { user: '', device: 'admin-ui:' + e.auth.getString('email') };
	return { user: e.auth.id, device: 'rest-api' };
}

/**
 * Runs fn with a store in the request's transaction, then tells devices of
 * the changes fn returns (the records as written, not read back: inside the
 * office's batch request nothing is committed yet when this hook ends).
 *
 * fn flushes the store itself, before e.next(): in a batch request PocketBase
 * runs the batch's next request from inside this one's e.next(), and that
 * request's hook must see the counter this one moved, or the two records
 * share a seq and a pull page ending between them skips one.
 */
function withStore(e, fn) {
	const { createStore } = require(`${__hooks}/sync/store.js`);
	let store;
	let changes = [];
	e.app.runInTransaction((tx) => {
		store = createStore(tx);
		changes = fn(store, tx);
	});
	store.broadcast(changes, false);
}

/** Create or update: stamp, then let PocketBase save inside the same transaction. */
function save(e) {
	const lib = require(`${__hooks}/lib/markbook.js`);
	const { toWire } = require(`${__hooks}/sync/store.js`);
	const collection = e.collection.name;
	const creating = e.record.isNew();
	if (creating && collection === 'results') {
		// Natural-key ids: one result per student, assessment and period.
		// The shared resultId, with PocketBase's native SHA-256 (same bytes, far faster than JS here).
		const key = e.record.getString('student') + '|' + e.record.getString('assessment') + '|' + e.record.getString('period');
		e.record.set('id', $security.sha256(key).slice(0, lib.RECORD_ID_LENGTH));
	}
	if (creating && !e.record.id) {
		// The audit entry names the record, so it needs its id before the save.
		e.record.set('id', $security.randomStringWithAlphabet(15, 'abcdefghijklmnopqrstuvwxyz0123456789'));
	}
	// PocketBase saves inside the same transaction (e.app = tx), so the stamps,
	// the seq and the audit entry commit with the record or not at all.
	withStore(e, (store, tx) => {
		const before = creating ? null : toWire(e.record.original());
		const after = toWire(e.record);
		const edit = lib.stampExternalEdit(collection, before, after, store, who(e));
		for (const key of ['stamps', 'seq', 'deleted', 'total', 'level', 'best_time']) {
			if (key in edit.record) e.record.set(key, edit.record[key]);
		}
		store.addAudit(edit.audit);
		store.flush();
		e.app = tx;
		e.next();
		return [{ collection, record: toWire(e.record) }];
	});
}

function remove(e) {
	const lib = require(`${__hooks}/lib/markbook.js`);
	const { toWire } = require(`${__hooks}/sync/store.js`);
	const collection = e.collection.name;
	withStore(e, (store) => {
		const before = toWire(e.record);
		const edit = lib.stampExternalEdit(collection, before, before, store, who(e), true);
		store.putRecord(collection, edit.record);
		store.addAudit(edit.audit);
		store.flush();
		return [{ collection, record: edit.record }];
	});
	return e.noContent(204);
}

module.exports = { save, remove };
