/// <reference path="../../pb_data/types.d.ts" />
// The sync routes' bodies: parse, run the shared handler in one transaction,
// answer after the commit.

function lib() {
	return require(`${__hooks}/lib/markbook.js`);
}

function inTransaction(fn) {
	const { createStore } = require(`${__hooks}/sync/store.js`);
	let answer;
	$app.runInTransaction((tx) => {
		const store = createStore(tx);
		answer = fn(store);
		store.flush();
	});
	return answer;
}

function push(e) {
	const { actorOf } = require(`${__hooks}/sync/store.js`);
	const raw = toString(e.request.body);
	let body;
	try {
		body = JSON.parse(raw);
	} catch (_) {
		return e.json(400, { status: 400, message: 'The request body is not valid JSON.' });
	}
	const actor = actorOf(e);
	const answer = inTransaction((store) => lib().handlePush(body, raw.length, actor, store));
	return e.json(answer.status, answer.body);
}

function query(e) {
	const q = {};
	for (const key of ['device', 'since', 'limit']) {
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
	return e.json(answer.status, answer.body);
}

function status(e) {
	const { actorOf } = require(`${__hooks}/sync/store.js`);
	const actor = actorOf(e);
	const q = query(e);
	const answer = inTransaction((store) => lib().handleStatus(q, actor, store));
	return e.json(answer.status, answer.body);
}

module.exports = { push, pull, status };
