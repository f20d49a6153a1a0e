/// <reference path="../../pb_data/types.d.ts" />
// The ServerStore port (src/lib/sync/server/store.ts) over PocketBase's $app,
// made once per request inside its transaction. Hand-written: it is the only
// place that knows PocketBase's record API. Reads are cached for the request
// (and loaded in bulk by prefetch); writes of synced records, audit entries
// and receipts are buffered and written by flush() with bulk SQL (sql.js),
// with the sequence counter and the HLC. After the commit, broadcast() sends
// the changed records to realtime subscribers (realtime.js).

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

/** A date as PocketBase stores it: 'YYYY-MM-DD HH:MM:SS.sssZ'. */
function pbDate(date) {
	return date.toISOString().replace('T', ' ');
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

function createStore(app) {
	const sql = require(`${__hooks}/sync/sql.js`);
	const state = app.findRecordById('sync_state', STATE_ID);
	let seq = state.getInt('seq');
	let hlc = jsonField(state, 'hlc') || { ms: 0, counter: 0, device: 'server' };
	const cache = {
		assessments: {},
		students: {},
		devices: {},
		taught: {},
		records: {},
		receipts: {},
		attempts: null
	};
	// Buffered writes: records by collection and id (last wins), rows in order.
	const pending = { records: {}, order: [], receipts: [], audits: [] };
	let committed = [];

	function recordKey(collection, id) {
		return collection + '/' + id;
	}

	function bufferRecord(collection, wire) {
		const key = recordKey(collection, wire.id);
		if (!(key in pending.records)) pending.order.push(key);
		pending.records[key] = { collection, record: wire };
	}

	function inList(ids) {
		return {
			where: 'id IN (SELECT value FROM json_each({:ids}))',
			params: { ids: JSON.stringify(ids) }
		};
	}

	function device(deviceId) {
		if (!(deviceId in cache.devices))
			cache.devices[deviceId] = firstOrNull(app, 'devices', 'device_id', deviceId);
		return cache.devices[deviceId];
	}

	function taught(userId) {
		if (!cache.taught[userId]) {
			const rows = app.findRecordsByFilter('classes', 'teachers.id ?= {:user}', '', 0, 0, {
				user: userId
			});
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
		// Rotated only at start-up (epoch.js), so the row read here is current.
		epoch: () => state.getString('epoch'),

		prefetch(plan) {
			if (plan.opIds.length > 0) {
				for (const id of plan.opIds) cache.receipts[id] = null;
				const rows = arrayOf(
					new DynamicModel({
						op_id: '',
						user: '',
						device: '',
						collection: '',
						record: '',
						result: ''
					})
				);
				app
					.db()
					.newQuery(
						"SELECT op_id, `user`, device, COALESCE(`collection`, '') AS `collection`, COALESCE(`record`, '') AS `record`, result FROM sync_receipts WHERE op_id IN (SELECT value FROM json_each({:ids}))"
					)
					.bind({ ids: JSON.stringify(plan.opIds) })
					.all(rows);
				for (const r of rows) {
					cache.receipts[r.op_id] = {
						user: r.user,
						device: r.device,
						collection: r.collection,
						record: r.record,
						result: JSON.parse(r.result)
					};
				}
			}
			for (const { collection, ids } of plan.records) {
				for (const id of ids) {
					if (!(recordKey(collection, id) in cache.records))
						cache.records[recordKey(collection, id)] = null;
				}
				const q = inList(ids);
				for (const r of sql.selectWire(app, collection, q.where, q.params))
					cache.records[recordKey(collection, r.id)] = r;
			}
		},
		getRecord(collection, id) {
			const key = recordKey(collection, id);
			if (key in pending.records) return pending.records[key].record;
			if (!(key in cache.records)) {
				const r = findOrNull(app, collection, id);
				cache.records[key] = r ? toWire(r) : null;
			}
			return cache.records[key];
		},
		putRecord: bufferRecord,

		// A receipt with its owner (user, device) and the record its op named.
		getReceipt(opId) {
			if (!(opId in cache.receipts)) {
				const r = firstOrNull(app, 'sync_receipts', 'op_id', opId);
				cache.receipts[opId] = r
					? {
							user: r.getString('user'),
							device: r.getString('device'),
							collection: r.getString('collection'),
							record: r.getString('record'),
							result: jsonField(r, 'result')
						}
					: null;
			}
			return cache.receipts[opId];
		},
		putReceipt(opId, receipt) {
			pending.receipts.push({
				op_id: opId,
				user: receipt.user,
				device: receipt.device,
				collection: receipt.collection,
				record: receipt.record,
				result: receipt.result
			});
			cache.receipts[opId] = receipt;
		},
		sha256Hex: (text) => $security.sha256(text),

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
			const changed = { last_sync_at: pbDate(new Date()) };
			for (const key of Object.keys(fields)) changed[key] = fields[key];
			for (const key of Object.keys(changed)) d.set(key, changed[key]);
			sql.updateFields(app, 'devices', d.id, changed);
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
		prefetchAttempts(studentIds) {
			cache.attempts = cache.attempts || {};
			const fresh = studentIds.filter((s) => !(s in cache.attempts));
			if (fresh.length === 0) return;
			for (const s of fresh) cache.attempts[s] = [];
			const rows = sql.selectWire(
				app,
				'attempts',
				'student IN (SELECT value FROM json_each({:ids})) AND deleted = false',
				{ ids: JSON.stringify(fresh) }
			);
			for (const r of rows) cache.attempts[r.student].push(r);
		},
		liveAttempts(studentId, classId, assessmentId, periodId) {
			if (cache.attempts && studentId in cache.attempts) {
				return cache.attempts[studentId]
					.filter(
						(r) => r.class === classId && r.assessment === assessmentId && r.period === periodId
					)
					.map((r) => ({ id: r.id, seconds: r.seconds }));
			}
			const rows = app.findRecordsByFilter(
				'attempts',
				'student = {:s} && class = {:c} && assessment = {:a} && period = {:p} && deleted = false',
				'',
				0,
				0,
				{ s: studentId, c: classId, a: assessmentId, p: periodId }
			);
			return rows.map((r) => ({ id: r.id, seconds: r.getFloat('seconds') }));
		},

		addConflict(notice, noticeSeq, stamp) {
			const id = $security.randomStringWithAlphabet(15, 'abcdefghijklmnopqrstuvwxyz0123456789');
			const at = new Date(notice.at).toISOString().replace('T', ' ');
			const record = {
				id,
				at,
				deleted: false,
				seq: noticeSeq,
				stamps: { status: stamp },
				status: 'open'
			};
			for (const key of ['user', 'collection', 'record', 'field', 'mine', 'theirs', 'theirs_by'])
				record[key] = notice[key];
			bufferRecord('conflicts', record);
		},
		addAudit(entry) {
			pending.audits.push({
				user: entry.user,
				device: entry.device,
				collection: entry.collection,
				record: entry.record,
				op: entry.op,
				changes: entry.changes,
				conflict: entry.conflict === true
			});
		},

		pageSince(since, limit, scope) {
			const lib = require(`${__hooks}/lib/markbook.js`);
			// Who reads what: the shared table (src/lib/domain/access.ts).
			const parts = lib.SYNCED_COLLECTIONS.map((collection) => ({
				collection,
				where: lib.readSql(collection, scope)
			}));
			return sql.pageWire(
				app,
				parts,
				{ since, user: scope.user, classes: JSON.stringify(scope.classes || []) },
				limit
			);
		},
		changesSince(collection, since, limit, scope) {
			// One SQL query building the wire JSON (sql.js); the scope is the list of
			// classes the teacher teaches (scope.classes), as the API rules have it.
			const lib = require(`${__hooks}/lib/markbook.js`);
			let where = 'seq > {:since}';
			const scoped = lib.readSql(collection, scope);
			if (scoped) where += ' AND (' + scoped + ')';
			const params = { since, user: scope.user, classes: JSON.stringify(scope.classes || []) };
			return sql.selectWire(
				app,
				collection,
				where,
				params,
				' ORDER BY seq LIMIT ' + Math.max(0, Math.floor(limit))
			);
		},

		/** Writes what is buffered, the counter and the clock; call once, inside the transaction. */
		flush() {
			const byCollection = {};
			const changes = [];
			for (const key of pending.order) {
				const p = pending.records[key];
				(byCollection[p.collection] = byCollection[p.collection] || []).push(p.record);
				changes.push(p);
			}
			for (const collection of Object.keys(byCollection))
				sql.upsertRecords(app, collection, byCollection[collection]);
			sql.insertRows(app, 'sync_receipts', pending.receipts);
			sql.insertRows(app, 'audit_log', pending.audits);
			pending.records = {};
			pending.order = [];
			pending.receipts = [];
			pending.audits = [];
			committed = committed.concat(changes);
			sql.updateFields(app, 'sync_state', STATE_ID, { seq, hlc });
		},

		/**
		 * After the commit: sends the written records (and `extra` changes) to
		 * realtime subscribers, read back as a pull returns them (with every
		 * column's stored default, which a merged record may lack). Without
		 * `readBack`, sends `extra` alone.
		 */
		broadcast(extra, readBack = true) {
			const written = readBack ? committed : [];
			committed = [];
			const realtime = require(`${__hooks}/sync/realtime.js`);
			if (!realtime.hasSubscribers($app)) return;
			const changes = [];
			if (written.length > 0) {
				try {
					const ids = {};
					for (const w of written) (ids[w.collection] = ids[w.collection] || []).push(w.record.id);
					for (const collection of Object.keys(ids)) {
						for (let i = 0; i < ids[collection].length; i += 2000) {
							const q = inList(ids[collection].slice(i, i + 2000));
							for (const record of sql.selectWire($app, collection, q.where, q.params))
								changes.push({ collection, record });
						}
					}
				} catch (err) {
					$app
						.logger()
						.warn('markbook: could not read back changes for realtime', 'error', String(err));
				}
			}
			realtime.broadcast($app, changes.concat(extra || []));
		}
	};
}

/** The signed-in user of a request as the handlers see it. */
function actorOf(e) {
	return {
		id: e.auth.id,
		role: e.auth.getString('role') === 'coordinator' ? 'coordinator' : 'teacher'
	};
}

module.exports = { createStore, toWire, actorOf };
