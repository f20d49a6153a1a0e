/// <reference path="../../pb_data/types.d.ts" />
// The sync routes' bodies: parse, run the shared handler in one transaction,
// answer after the commit.

/**
 * Answers with JSON text made by goja's JSON.stringify: far cheaper than
 * e.json() exporting a big object graph (a 2,000-record pull page) to Go first.
 */
function send(e, answer) {
	e.response.header().set('Content-Type', 'application/json');
	let text = JSON.stringify(answer.body);
	// A pull page the store made as JSON text in SQLite: spliced in, never parsed here.
	if (typeof answer.changesJson === 'string')
		text = '{"changes":' + answer.changesJson + (text === '{}' ? '}' : ',' + text.slice(1));
	return e.string(answer.status, text);
}

function lib() {
	return require(`${__hooks}/lib/markbook.js`);
}

function inTransaction(fn) {
	const { createStore } = require(`${__hooks}/sync/store.js`);
	let answer;
	let store;
	$app.runInTransaction((tx) => {
		store = createStore(tx);
		answer = fn(store);
		store.flush();
	});
	// Committed: now others may hear of it.
	store.broadcast();
	return answer;
}

function push(e) {
	const { actorOf } = require(`${__hooks}/sync/store.js`);
	const { PUSH_MAX_BYTES, PUSH_TOO_LARGE_MESSAGE, checkPushText } = lib();
	// Size and depth before parsing (issue 11.4); the read itself stops one byte
	// past the limit, whatever Content-Length said (or did not say).
	if (e.request.contentLength > PUSH_MAX_BYTES)
		return e.json(413, { status: 413, message: PUSH_TOO_LARGE_MESSAGE });
	// Read as bytes: their count is the limit's, and a JS loop need not count them.
	const bytes = toBytes(e.request.body, PUSH_MAX_BYTES + 1);
	const raw = toString(bytes);
	const checked = checkPushText(raw, bytes.length);
	if (checked.refused) return send(e, checked.refused);
	let body;
	try {
		body = JSON.parse(raw);
	} catch (_) {
		return e.json(400, { status: 400, message: 'The request body is not valid JSON.' });
	}
	const actor = actorOf(e);
	const answer = inTransaction((store) => lib().handlePush(body, checked.bytes, actor, store));
	return send(e, answer);
}

function query(e) {
	const q = {};
	for (const key of ['device', 'since', 'limit', 'epoch', 'pending', 'failed']) {
		const v = e.request.url.query().get(key);
		if (v !== '') q[key] = v;
	}
	return q;
}

function pull(e) {
	const { actorOf } = require(`${__hooks}/sync/store.js`);
	const actor = actorOf(e);
	const q = query(e);
	const answer = inTransaction((store) => lib().handlePull(q, actor, store));
	return send(e, answer);
}

function status(e) {
	const { actorOf } = require(`${__hooks}/sync/store.js`);
	const actor = actorOf(e);
	const q = query(e);
	const answer = inTransaction((store) => lib().handleStatus(q, actor, store));
	return send(e, answer);
}

module.exports = { push, pull, status };
