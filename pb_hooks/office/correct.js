/// <reference path="../../pb_data/types.d.ts" />
// POST /api/office/results/correct: the Office page's "Correct a result". The
// rules (the body's shape, "changed since you opened it", the merge onto the
// result inside the transaction, then the push's validation, stamps, derived
// fields and audit of any office edit) are the shared library's
// (src/lib/sync/server/correction.ts); this file only speaks PocketBase.

const { lib } = require(`${__hooks}/office/common.js`);

function who(e) {
	return { user: '', device: 'admin-ui:' + e.auth.getString('email') };
}

function exists(app, collection, id) {
	try {
		return app.findRecordById(collection, id).getBool('deleted') !== true;
	} catch (_) {
		return false;
	}
}

// The result's key fields and their collections: the relations PocketBase
// checks on a REST save, checked here since the store writes by SQL.
const KEY = { student: 'students', class: 'classes', assessment: 'assessments', period: 'periods' };

function correct(e) {
	let body;
	try {
		body = JSON.parse(toString(e.request.body));
	} catch (_) {
		body = undefined;
	}
	const parsed = lib().parseCorrection(body);
	if (!parsed.ok) return e.json(400, { status: 400, message: parsed.reason, data: {} });
	const request = parsed.request;
	for (const field of Object.keys(KEY)) {
		if (!exists(e.app, KEY[field], request[field]))
			return e.json(404, {
				status: 404,
				message: `There is no ${field} ${request[field]} (or it was deleted).`,
				data: {}
			});
	}
	const id = lib().correctionResultId(request, (text) => $security.sha256(text));
	const { createStore } = require(`${__hooks}/sync/store.js`);
	let store;
	let refused = null;
	e.app.runInTransaction((tx) => {
		store = createStore(tx);
		const edit = lib().applyCorrection(request, id, store, who(e));
		if (!edit.ok) {
			refused = edit; // nothing written: the transaction commits empty
			return;
		}
		if (!edit.audit) return; // nothing stored changes
		store.putRecord('results', edit.record);
		for (const d of edit.derived) store.putRecord(d.collection, d.record);
		store.addAudit(edit.audit);
		store.flush();
	});
	store.broadcast();
	if (refused) {
		const data = refused.changed.length > 0 ? { changed: refused.changed } : {};
		if (refused.field)
			data[refused.field] = { code: 'markbook_' + refused.code, message: refused.reason };
		return e.json(refused.status, { status: refused.status, message: refused.reason, data });
	}
	return e.json(200, e.app.findRecordById('results', id));
}

module.exports = { correct };
