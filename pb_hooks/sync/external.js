/// <reference path="../../pb_data/types.d.ts" />
/* global ValidationError -- goja's, like BadRequestError */
// The office's edits (admin UI, REST API as a superuser; teachers write only
// through /api/sync/push) go through the same door as a push: only the fields
// the office changed, merged onto the record as it is inside the transaction;
// server-owned fields refused; the push's validation; server-clock stamps, a
// seq, derived fields, an audit entry of what is stored. A delete becomes a
// tombstone, so devices learn of it. The rules are the shared library's
// (src/lib/sync/server/external.ts); this file only speaks PocketBase.

function who(e) {
	if (!e.auth) return { user: '', device: 'anonymous' };
	if (e.auth.collection().name === '_superusers')
		return { user: '', device: 'admin-ui:' + e.auth.getString('email') };
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

/** A refusal as PocketBase's 400, with the reason under the field it is about (the admin UI shows it there). */
function refuse(edit) {
	const data = {};
	if (edit.field) data[edit.field] = new ValidationError('markbook_' + edit.code, edit.reason);
	throw new BadRequestError(edit.reason, data);
}

/**
 * Create or update: the shared library merges the office's changes onto the
 * record as it is inside the transaction (PocketBase loaded e.record before
 * it, so a push may have committed since), checks and stamps them; e.record
 * then takes the merged record whole, and PocketBase saves it in the same
 * transaction.
 */
function save(e) {
	const lib = require(`${__hooks}/lib/markbook.js`);
	const { toWire } = require(`${__hooks}/sync/store.js`);
	const collection = e.collection.name;
	const creating = e.record.isNew();
	if (creating && collection === 'results') {
		// Natural-key ids: one result per student, assessment and period.
		// The shared resultId, with PocketBase's native SHA-256 (same bytes, far faster than JS here).
		const key =
			e.record.getString('student') +
			'|' +
			e.record.getString('assessment') +
			'|' +
			e.record.getString('period');
		e.record.set('id', $security.sha256(key).slice(0, lib.RECORD_ID_LENGTH));
	}
	if (creating && !e.record.id) {
		// The audit entry names the record, so it needs its id before the save.
		e.record.set(
			'id',
			$security.randomStringWithAlphabet(15, 'abcdefghijklmnopqrstuvwxyz0123456789')
		);
	}
	let refused = null;
	// PocketBase saves inside the same transaction (e.app = tx), so the stamps,
	// the seq and the audit entry commit with the record or not at all.
	withStore(e, (store, tx) => {
		const input = {
			collection,
			// For a create, original() is a blank record with the fields' defaults.
			loaded: toWire(e.record.original()),
			requested: toWire(e.record),
			current: creating ? null : store.getRecord(collection, e.record.id)
		};
		const edit = lib.applyExternalEdit(input, store, who(e));
		if (!edit.ok) {
			refused = edit; // thrown outside the transaction, which then has written nothing
			return [];
		}
		for (const key of Object.keys(edit.record)) {
			if (key !== 'id') e.record.set(key, edit.record[key]);
		}
		for (const d of edit.derived) store.putRecord(d.collection, d.record);
		if (edit.audit) {
			store.addAudit(edit.audit);
			store.flush();
		}
		e.app = tx;
		e.next();
		return edit.audit ? [{ collection, record: toWire(e.record) }].concat(edit.derived) : [];
	});
	if (refused) refuse(refused);
}

/** Delete: a tombstone of the record as it is inside the transaction. */
function remove(e) {
	const lib = require(`${__hooks}/lib/markbook.js`);
	const { toWire } = require(`${__hooks}/sync/store.js`);
	const collection = e.collection.name;
	withStore(e, (store) => {
		const current = store.getRecord(collection, e.record.id) || toWire(e.record);
		const input = { collection, loaded: current, requested: current, current, deleting: true };
		const edit = lib.applyExternalEdit(input, store, who(e));
		if (!edit.ok || !edit.audit) return []; // already a tombstone
		store.putRecord(collection, edit.record);
		for (const d of edit.derived) store.putRecord(d.collection, d.record);
		store.addAudit(edit.audit);
		store.flush();
		return [{ collection, record: edit.record }].concat(edit.derived);
	});
	return e.noContent(204);
}

module.exports = { save, remove };
