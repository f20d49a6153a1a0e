/// <reference path="../../pb_data/types.d.ts" />
/* global SubscriptionMessage */
// Realtime fan-out of synced changes on one custom topic, sent after the
// transaction that made them committed. Each subscribed client gets only the
// records its user may read (the API rules' scope: a teacher the classes they
// teach and those classes' students and records, a coordinator everything,
// conflicts their own: the shared table, src/lib/domain/access.ts), computed
// once per user per broadcast.
//
// Why a topic of our own instead of PocketBase's record events: the sync store
// writes with bulk SQL (see sql.js), which PocketBase does not see; and one
// message per push per client is far cheaper than PocketBase checking a list
// rule with a query per record per subscriber.

/** The topic devices subscribe to (README, "Realtime"). */
const TOPIC = 'markbook/changes';
/** Changes per message, so a 500-op push does not make one huge SSE event. */
const PER_MESSAGE = 250;

/**
 * Every teacher's classes, from one query per broadcast (a query per
 * subscribed teacher cost a 30-teacher school 30 of them per push).
 */
function classesByTeacher(app) {
	const row = new DynamicModel({ rows: '' });
	app
		.db()
		.newQuery(
			"SELECT COALESCE(json_group_array(json_array(t.value, c.id)), '[]') AS rows FROM classes c, json_each(CASE WHEN json_valid(c.teachers) THEN c.teachers ELSE '[]' END) t"
		)
		.one(row);
	const byTeacher = {};
	for (const [teacher, cls] of JSON.parse(row.rows))
		(byTeacher[teacher] = byTeacher[teacher] || {})[cls] = true;
	return byTeacher;
}

function userScope(app, auth, cache) {
	const id = auth.id;
	if (cache[id]) return cache[id];
	let scope;
	if (auth.collection().name === '_superusers') scope = { all: true, user: '' };
	else if (auth.collection().name !== 'users') scope = null;
	else if (auth.getString('role') === 'coordinator') scope = { all: true, user: id };
	else {
		if (!cache.$teachers) cache.$teachers = classesByTeacher(app);
		scope = { all: false, user: id, classes: cache.$teachers[id] || {} };
	}
	cache[id] = scope;
	return scope;
}

function studentClasses(app, studentId, cache) {
	if (!(studentId in cache)) {
		let classes = [];
		try {
			classes = app.findRecordById('students', studentId).getStringSlice('classes');
		} catch (_) {
			classes = [];
		}
		cache[studentId] = classes;
	}
	return cache[studentId];
}

/** The shared table's reader (src/lib/domain/access.ts) for a scope. */
function readerOf(app, scope, students) {
	return {
		user: scope.user,
		all: scope.all,
		teaches: (classId) => !!(scope.classes && scope.classes[classId]),
		classesOfStudent: (studentId) => studentClasses(app, studentId, students)
	};
}

/**
 * Sends `changes` ([{ collection, record }], wire records) to every client
 * subscribed to TOPIC, each filtered to its user's scope. Call after commit.
 * Never throws: realtime is a fast path, devices pull on every reconnect.
 */
function broadcast(app, changes) {
	if (!changes || changes.length === 0) return;
	try {
		const lib = require(`${__hooks}/lib/markbook.js`);
		const clients = app.subscriptionsBroker().clients();
		const scopes = {};
		const students = {};
		const sent = {};
		for (const clientId in clients) {
			const client = clients[clientId];
			if (!client || client.isDiscarded() || !client.hasSubscription(TOPIC)) continue;
			const auth = client.get('auth');
			if (!auth) continue;
			const scope = userScope(app, auth, scopes);
			if (!scope) continue;
			// Clients of one user see the same changes: build their messages once.
			const key = scope.all ? 'all:' + scope.user : scope.user;
			if (!sent[key]) {
				const reader = readerOf(app, scope, students);
				const mine = changes.filter((c) => lib.mayRead(c.collection, c.record, reader));
				const messages = [];
				for (let i = 0; i < mine.length; i += PER_MESSAGE) {
					messages.push(
						new SubscriptionMessage({
							name: TOPIC,
							data: JSON.stringify({ changes: mine.slice(i, i + PER_MESSAGE) })
						})
					);
				}
				sent[key] = messages;
			}
			for (const m of sent[key]) client.send(m);
		}
	} catch (err) {
		app.logger().warn('markbook: realtime broadcast failed', 'error', String(err));
	}
}

/** Whether any client follows the topic (a push with nobody listening skips the read-back). */
function hasSubscribers(app) {
	try {
		const clients = app.subscriptionsBroker().clients();
		for (const clientId in clients) {
			if (clients[clientId] && clients[clientId].hasSubscription(TOPIC)) return true;
		}
	} catch (_) {
		return true;
	}
	return false;
}

module.exports = { TOPIC, broadcast, hasSubscribers };
