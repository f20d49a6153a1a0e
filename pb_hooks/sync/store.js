/// <reference path="../../pb_data/types.d.ts" />
// The ServerStore port (src/lib/sync/server/store.ts) over PocketBase's $app,
// made once per request inside its transaction. Hand-written: it is the only
// place that knows PocketBase's record API. Reads are cached for the request;
// the sequence counter and the HLC are written back once, by flush().

const STATE_ID = 'markbooksyncsta';
const NOT_WIRE = ['collectionId', 'collectionName', 'created', 'updated', 'expand'];

/** A record as plain JSON on the wire: its fields, stamps, seq, deleted. */
function toWire(record) {
	const plain = JSON.parse(JSON.stringify(record));
	for (const key of NOT_WIRE) delete plain[key];
	if (!plain.stamps || typeof plain.stamps !== 'object') plain.stamps = {};
	plain.seq = typeof plain.seq === 'number' ? plain.seq : 0;
	plain.deleted = plain.deleted === true;
	return plain;
}

/** A JSON field's value as a plain JS value (record.get gives Go bytes). */
function jsonField(record, name) {
	const value = JSON.parse(JSON.stringify(record))[name];
	return value === undefined ? null : value;
}

function findOrNull(app, collection, id) {
	try {
		return app.findRecordById(collection, id);
	} catch (_) {
		return null;
	}
}

function firstOrNull(app, collection, key, value) {
	try {
		return app.findFirstRecordByData(collection, key, value);
	} catch (_) {
		return null;
	}
}

/** Filters for what a user may read, per collection (mirrors the API rules). */
const SCOPE_FILTERS = {
	classes: 'teachers.id ?= {:user}',
	students: 'classes.teachers.id ?= {:user}',
	results: 'class.teachers.id ?= {:user}',
	observations: 'class.teachers.id ?= {:user}',
	attempts: 'student.classes.teachers.id ?= {:user}'
};

function createStore(app) {
	const state = app.findRecordById('sync_state', STATE_ID);
	let seq = state.getInt('seq');
	let hlc = jsonField(state, 'hlc') || { ms: 0, counter: 0, device: 'server' };
	const cache = { assessments: {}, students: {}, devices: {}, taught: {} };

	function device(deviceId) {
		if (!(deviceId in cache.devices)) cache.devices[deviceId] = firstOrNull(app, 'devices', 'device_id', deviceId);
		return cache.devices[deviceId];
	}

	function taught(userId) {
		if (!cache.taught[userId]) {
			const rows = app.findRecordsByFilter('classes', 'teachers.id ?= {:user}', '', 0, 0, { user: userId });
			cache.taught[userId] = rows.map((r) => r.id);
		}
		return cache.taught[userId];
	}

	function studentClasses(studentId) {
		if (!(studentId in cache.students)) {
			const s = findOrNull(app, 'students', studentId);
			cache.students[studentId] = s ? s.getStringSlice('classes') : [];
		}
		return cache.students[studentId];
	}

	return {
		now: () => Date.now(),
		loadHlc: () => hlc,
		saveHlc: (next) => {
			hlc = next;
		},
		nextSeq: () => ++seq,
		currentSeq: () => seq,

		getRecord(collection, id) {
			const r = findOrNull(app, collection, id);
			return r ? toWire(r) : null;
		},
		putRecord(collection, wire) {
			let r = findOrNull(app, collection, wire.id);
			if (!r) {
				r = new Record(app.findCachedCollectionByNameOrId(collection));
				r.set('id', wire.id);
			}
			for (const key of Object.keys(wire)) {
				if (key === 'id' || NOT_WIRE.indexOf(key) >= 0) continue;
				r.set(key, wire[key]);
			}
			app.save(r);
		},

		getReceipt(opId) {
			const r = firstOrNull(app, 'sync_receipts', 'op_id', opId);
			return r ? jsonField(r, 'result') : null;
		},
		putReceipt(opId, user, deviceId, result) {
			const r = new Record(app.findCachedCollectionByNameOrId('sync_receipts'));
			r.set('op_id', opId);
			r.set('user', user);
			r.set('device', deviceId);
			r.set('result', result);
			app.save(r);
		},

		getDevice(deviceId) {
			const d = device(deviceId);
			return d ? { user: d.getString('user'), active: d.getBool('active') } : null;
		},
		registerDevice(deviceId, user) {
			const d = new Record(app.findCachedCollectionByNameOrId('devices'));
			d.set('user', user);
			d.set('device_id', deviceId);
			d.set('name', deviceId);
			d.set('active', true);
			d.set('last_sync_at', new Date().toISOString());
			app.save(d);
			cache.devices[deviceId] = d;
		},
		touchDevice(deviceId, fields) {
			const d = device(deviceId);
			if (!d) return;
			d.set('last_sync_at', new Date().toISOString());
			for (const key of Object.keys(fields)) d.set(key, fields[key]);
			app.save(d);
		},
		userOfDevice(deviceId) {
			const d = device(deviceId);
			return d ? d.getString('user') : null;
		},
		getDeviceScope(deviceId) {
			const d = device(deviceId);
			const scope = d ? jsonField(d, 'scope') : null;
			return Array.isArray(scope) ? scope : null;
		},
		setDeviceScope(deviceId, classes) {
			const d = device(deviceId);
			if (!d) return;
			d.set('scope', classes);
			app.save(d);
		},
		getDeviceStatus(deviceId) {
			const d = device(deviceId);
			if (!d) return null;
			const plain = JSON.parse(JSON.stringify(d));
			return {
				device_id: plain.device_id,
				name: plain.name,
				active: plain.active,
				last_sync_at: plain.last_sync_at,
				cursor: plain.cursor,
				pending: plain.pending,
				failed: plain.failed
			};
		},

		getAssessment(id) {
			if (!(id in cache.assessments)) {
				const r = findOrNull(app, 'assessments', id);
				cache.assessments[id] = r ? JSON.parse(JSON.stringify(r)) : null;
			}
			return cache.assessments[id];
		},
		teaches: (userId, classId) => taught(userId).indexOf(classId) >= 0,
		classesTaughtBy: (userId) => taught(userId).slice(),
		studentInClass: (studentId, classId) => studentClasses(studentId).indexOf(classId) >= 0,
		studentTaughtBy(studentId, userId) {
			const mine = taught(userId);
			return studentClasses(studentId).some((c) => mine.indexOf(c) >= 0);
		},
		attemptSeconds(studentId, assessmentId, periodId) {
			const rows = app.findRecordsByFilter(
				'attempts',
				'student = {:s} && assessment = {:a} && period = {:p} && deleted = false',
				'',
				0,
				0,
				{ s: studentId, a: assessmentId, p: periodId }
			);
			return rows.map((r) => r.getFloat('seconds'));
		},

		addConflict(notice, noticeSeq, stamp) {
			const r = new Record(app.findCachedCollectionByNameOrId('conflicts'));
			for (const key of ['user', 'collection', 'record', 'field', 'mine', 'theirs', 'theirs_by']) r.set(key, notice[key]);
			r.set('at', new Date(notice.at).toISOString());
			r.set('status', 'open');
			r.set('stamps', { status: stamp });
			r.set('seq', noticeSeq);
			r.set('deleted', false);
			app.save(r);
		},
		addAudit(entry) {
			const r = new Record(app.findCachedCollectionByNameOrId('audit_log'));
			for (const key of ['user', 'device', 'collection', 'record', 'op', 'changes', 'conflict']) r.set(key, entry[key]);
			app.save(r);
		},

		changesSince(collection, since, limit, scope) {
			let filter = 'seq > {:since}';
			if (collection === 'conflicts') filter += ' && user = {:user}';
			else if (!scope.all && SCOPE_FILTERS[collection]) filter += ' && (' + SCOPE_FILTERS[collection] + ')';
			return app
				.findRecordsByFilter(collection, filter, 'seq', limit, 0, { since, user: scope.user })
				.map(toWire);
		},

		/** Writes the counter and clock back; call once, inside the transaction. */
		flush() {
			state.set('seq', seq);
			state.set('hlc', hlc);
			app.save(state);
		}
	};
}

/** The signed-in user of a request as the handlers see it. */
function actorOf(e) {
	return { id: e.auth.id, role: e.auth.getString('role') === 'coordinator' ? 'coordinator' : 'teacher' };
}

module.exports = { createStore, toWire, actorOf };
