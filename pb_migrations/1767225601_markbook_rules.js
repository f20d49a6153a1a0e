/// <reference path="../pb_data/types.d.ts" />
// Markbook API rules (ARCHITECTURE.md, "Who sees what"), for the REST API and
// realtime alike. The sync routes apply the same scope in their own code.
//
//   null  → superusers only (office staff, in the admin UI); PocketBase answers 403
//   rule  → a filter: unmet list rules return fewer rows, unmet view/update/delete
//           rules 404, unmet create rules 400
//
// Anonymous requests get nothing: every rule starts with SIGNED_IN (or an
// equivalent `user = @request.auth.id`, which an empty auth id never meets).
// Sync never hard-deletes (tombstones), so no synced collection has a delete rule.

const SIGNED_IN = "@request.auth.id != ''";
const COORDINATOR = "@request.auth.role = 'coordinator'";

/** Reads: teachers of the class, and coordinators (who read everything). */
const readable = (teachesExpr) => `${SIGNED_IN} && (${teachesExpr} || ${COORDINATOR})`;
/** Writes: only teachers of the class; a coordinator writes like a teacher. */
const writable = (...conds) => [SIGNED_IN, ...conds].join(' && ');

const TEACHES_CLASS = 'class.teachers.id ?= @request.auth.id';
// A student is in the user's scope when any of their classes is taught by the user.
const TEACHES_STUDENT = 'student.classes.teachers.id ?= @request.auth.id';
// A record's class must be one of its student's classes.
const STUDENT_IN_CLASS = 'student.classes.id ?= class';
const BY_ME = '@request.body.by = @request.auth.id';
const unchanged = (...fields) =>
	fields.map((f) => `@request.body.${f}:changed = false`).join(' && ');

/** @type {Record<string, {listRule: string|null, viewRule: string|null, createRule: string|null, updateRule: string|null, deleteRule: string|null, manageRule?: string|null}>} */
const RULES = {
	users: {
		// Everyone signed in sees names ("who changed this"). Emails stay hidden:
		// emailVisibility is off and cannot be switched on through the API.
		listRule: SIGNED_IN,
		viewRule: SIGNED_IN,
		createRule: null, // accounts are made by the office
		// Only yourself, and never your own role (that would make anyone a coordinator).
		updateRule: writable(
			'id = @request.auth.id',
			unchanged('role'),
			'(@request.body.emailVisibility:changed = false || @request.body.emailVisibility = false)'
		),
		deleteRule: null,
		manageRule: null
	},
	classes: {
		listRule: readable('teachers.id ?= @request.auth.id'),
		viewRule: readable('teachers.id ?= @request.auth.id'),
		createRule: null,
		updateRule: null,
		deleteRule: null
	},
	students: {
		listRule: readable('classes.teachers.id ?= @request.auth.id'),
		viewRule: readable('classes.teachers.id ?= @request.auth.id'),
		createRule: null,
		updateRule: null,
		deleteRule: null
	},
	periods: {
		listRule: SIGNED_IN,
		viewRule: SIGNED_IN,
		createRule: null,
		updateRule: null,
		deleteRule: null
	},
	assessments: {
		listRule: SIGNED_IN,
		viewRule: SIGNED_IN,
		createRule: null,
		updateRule: null,
		deleteRule: null
	},
	results: {
		listRule: readable(TEACHES_CLASS),
		viewRule: readable(TEACHES_CLASS),
		createRule: writable(TEACHES_CLASS, STUDENT_IN_CLASS),
		// The natural key (and so the id) and the class never move.
		updateRule: writable(TEACHES_CLASS, unchanged('student', 'class', 'assessment', 'period')),
		deleteRule: null // tombstones (`deleted`), through sync
	},
	attempts: {
		// Attempts have no class: scope by the student's classes.
		listRule: readable(TEACHES_STUDENT),
		viewRule: readable(TEACHES_STUDENT),
		createRule: writable(TEACHES_STUDENT, BY_ME),
		updateRule: null, // append-only
		deleteRule: null
	},
	observations: {
		listRule: readable(TEACHES_CLASS),
		viewRule: readable(TEACHES_CLASS),
		createRule: writable(TEACHES_CLASS, STUDENT_IN_CLASS, BY_ME),
		updateRule: null, // append-only: two teachers' notes never overwrite each other
		deleteRule: null
	},
	audit_log: {
		listRule: writable(COORDINATOR),
		viewRule: writable(COORDINATOR),
		createRule: null, // written by hooks only
		updateRule: null,
		deleteRule: null
	},
	devices: {
		listRule: writable('user = @request.auth.id'),
		viewRule: writable('user = @request.auth.id'),
		createRule: writable('@request.body.user = @request.auth.id'),
		// A device may report its counters and may switch itself off, but only the
		// office re-activates a device (a stolen tablet must not undo that).
		updateRule: writable(
			'user = @request.auth.id',
			unchanged('user', 'device_id'),
			'(@request.body.active:changed = false || @request.body.active = false)'
		),
		deleteRule: null
	},
	conflicts: {
		listRule: writable('user = @request.auth.id'),
		viewRule: writable('user = @request.auth.id'),
		createRule: null, // written by the sync hooks
		// The teacher reviews a notice (status); its content is the server's record.
		updateRule: writable(
			'user = @request.auth.id',
			unchanged('user', 'collection', 'record', 'field', 'mine', 'theirs', 'theirs_by', 'at')
		),
		deleteRule: null
	},
	sync_receipts: {
		listRule: null,
		viewRule: null,
		createRule: null,
		updateRule: null,
		deleteRule: null
	}
};

/** PocketBase's defaults for a new `users` collection, restored by down. */
const POCKETBASE_USERS_RULES = {
	listRule: 'id = @request.auth.id',
	viewRule: 'id = @request.auth.id',
	createRule: '',
	updateRule: 'id = @request.auth.id',
	deleteRule: 'id = @request.auth.id',
	manageRule: null
};

const KEYS = ['listRule', 'viewRule', 'createRule', 'updateRule', 'deleteRule', 'manageRule'];

migrate(
	(app) => {
		for (const [name, rules] of Object.entries(RULES)) {
			const collection = app.findCollectionByNameOrId(name);
			for (const key of KEYS) {
				if (key in rules) collection[key] = rules[key];
			}
			app.save(collection);
		}
	},
	(app) => {
		for (const name of Object.keys(RULES)) {
			const collection = app.findCollectionByNameOrId(name);
			const rules = name === 'users' ? POCKETBASE_USERS_RULES : null;
			for (const key of KEYS) {
				if (key === 'manageRule' && name !== 'users') continue;
				collection[key] = rules ? rules[key] : null;
			}
			app.save(collection);
		}
	}
);
