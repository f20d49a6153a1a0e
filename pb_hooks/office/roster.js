/// <reference path="../../pb_data/types.d.ts" />
// The bodies of the office routes. The rules (reading the CSV, checking rows,
// planning the changes, period templates) are the shared library's
// (src/lib/domain/roster.ts, periods.ts); this file loads what the plan needs
// and writes it through the external-edit stamping that admin-UI edits get.

/** Largest roster file, in bytes (a school of 5,000 is ~300 KB). */
const ROSTER_MAX_BYTES = 2 * 1024 * 1024;
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

const { lib, flag, csvBody, problemsMessage } = require(`${__hooks}/office/common.js`);

function who(e) {
	return { user: '', device: 'admin-ui:' + e.auth.getString('email') };
}

/** What the plan needs to know of the school, read inside the transaction. */
function world(app) {
	const plain = (r) => JSON.parse(JSON.stringify(r));
	const students = app.findAllRecords('students').map((r) => {
		const s = plain(r);
		return {
			id: s.id,
			student_number: s.student_number,
			given_name: s.given_name,
			family_name: s.family_name,
			classes: s.classes || [],
			deleted: s.deleted === true
		};
	});
	const classes = app
		.findAllRecords('classes')
		.map(plain)
		.filter((c) => c.deleted !== true)
		.map((c) => ({ id: c.id, name: c.name, year_level: c.year_level, teachers: c.teachers || [] }));
	const users = app.findAllRecords('users').map((r) => ({ id: r.id, email: r.email() }));
	return { students, classes, users };
}

/**
 * Writes records as an office edit: the stored record merged with `fields`,
 * stamped by the server's clock, audited as the office, broadcast after commit.
 */
function writeAll(e, writes) {
	const { createStore } = require(`${__hooks}/sync/store.js`);
	let store;
	e.app.runInTransaction((tx) => {
		store = createStore(tx);
		for (const w of writes) {
			// The same door as an admin-UI edit (src/lib/sync/server/external.ts).
			const current = store.getRecord(w.collection, w.id);
			const loaded = current || { id: w.id, stamps: {}, seq: 0, deleted: false };
			const requested = Object.assign({}, loaded, w.fields);
			const edit = lib().applyExternalEdit(
				{ collection: w.collection, loaded, requested, current },
				store,
				who(e)
			);
			if (!edit.ok) throw new BadRequestError(edit.reason);
			if (!edit.audit) continue; // nothing stored changes
			store.putRecord(w.collection, edit.record);
			for (const d of edit.derived) store.putRecord(d.collection, d.record);
			store.addAudit(edit.audit);
		}
		store.flush();
	});
	store.broadcast();
}

function roster(e) {
	const body = csvBody(
		e,
		'class list',
		ROSTER_MAX_BYTES,
		'The file is larger than 2 MB; split it by year level.'
	);
	if (body.refused) return body.refused;
	const text = body.text;
	const parsed = lib().parseRoster(text);
	const plan = lib().planRoster(parsed, world(e.app));
	const answer = lib().rosterAnswer(plan);
	if (flag(e, 'dryRun')) return e.json(200, answer);
	if (plan.errors.length > 0 && !flag(e, 'skipErrors')) {
		answer.message = problemsMessage(plan.errors.length);
		return e.json(400, answer);
	}
	// New classes first, so new students can name them.
	const newClassIds = {};
	const writes = [];
	for (const w of plan.writes) {
		let id = w.id;
		if (!id) id = $security.randomStringWithAlphabet(15, ID_ALPHABET);
		if (w.collection === 'classes' && !w.id) newClassIds[w.key.toLowerCase()] = id;
		const fields = Object.assign({}, w.fields);
		if (w.newClasses)
			fields.classes = (fields.classes || []).concat(
				w.newClasses.map((n) => newClassIds[n.toLowerCase()])
			);
		writes.push({ collection: w.collection, id, fields });
	}
	writeAll(e, writes);
	return e.json(200, answer);
}

function periods(e) {
	let body;
	try {
		body = JSON.parse(toString(e.request.body));
	} catch (_) {
		return e.json(400, {
			status: 400,
			message: 'Send the periods as JSON: { "periods": [ { "name", "starts", "ends" } ] }.'
		});
	}
	const drafts = body && body.periods;
	const names = e.app
		.findAllRecords('periods')
		.map((r) => JSON.parse(JSON.stringify(r)))
		.filter((p) => p.deleted !== true)
		.map((p) => p.name);
	const problem = lib().checkPeriods(drafts, names);
	if (problem) return e.json(400, { status: 400, message: problem });
	const writes = drafts.map((d) => ({
		collection: 'periods',
		id: $security.randomStringWithAlphabet(15, ID_ALPHABET),
		fields: {
			name: d.name.trim(),
			starts: d.starts + ' 00:00:00.000Z',
			ends: d.ends + ' 00:00:00.000Z'
		}
	}));
	writeAll(e, writes);
	return e.json(200, {
		created: writes.length,
		periods: writes.map((w) => Object.assign({ id: w.id }, w.fields))
	});
}

module.exports = { roster, periods };
