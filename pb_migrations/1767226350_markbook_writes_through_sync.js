/// <reference path="../pb_data/types.d.ts" />
// Every write goes through one door (ARCHITECTURE.md): teachers and
// coordinators write synced collections only through /api/sync/push, which
// validates, authorizes, merges and stamps each edit. Their REST create,
// update and delete of a synced collection are superuser-only (null → 403);
// reads keep their rules. The office (superusers) still edits in the admin
// UI, through the external-edit hooks (pb_hooks/20_external_edits.pb.js).
//
// Before this, a teacher's REST write skipped the push's validation and could
// set `stamps` (year-9999 stamps froze fields; JSON nested 1,100 deep broke
// colleagues' pulls): issue 11, items 2, 5 and 7.

const SYNCED = [
	'classes',
	'students',
	'periods',
	'assessments',
	'results',
	'attempts',
	'observations',
	'conflicts'
];
const WRITES = ['createRule', 'updateRule', 'deleteRule'];

// What a delete in the admin UI does, shown under the field there.
const DELETED_HELP = {
	periods:
		'tombstone (server-managed): deleting a term in the admin UI marks it deleted; its results stay, devices drop it from their lists, and new edits to it are refused',
	assessments:
		'tombstone (server-managed): deleting an assessment in the admin UI marks it deleted; its results stay, devices drop it from their lists, and new edits to it are refused'
};
const DELETED_HELP_BEFORE = 'tombstone: synced rows are never hard-deleted';

// The write rules of 1767225601_markbook_rules.js, restored by down.
const SIGNED_IN = "@request.auth.id != ''";
const TEACHES_CLASS = 'class.teachers.id ?= @request.auth.id';
const TEACHES_STUDENT = 'student.classes.teachers.id ?= @request.auth.id';
const STUDENT_IN_CLASS = 'student.classes.id ?= class';
const BY_ME = '@request.body.by = @request.auth.id';
const unchanged = (...fields) =>
	fields.map((f) => `@request.body.${f}:changed = false`).join(' && ');
const writable = (...conds) => [SIGNED_IN, ...conds].join(' && ');
const BEFORE = {
	results: {
		createRule: writable(TEACHES_CLASS, STUDENT_IN_CLASS),
		updateRule: writable(TEACHES_CLASS, unchanged('student', 'class', 'assessment', 'period'))
	},
	attempts: { createRule: writable(TEACHES_STUDENT, BY_ME) },
	observations: { createRule: writable(TEACHES_CLASS, STUDENT_IN_CLASS, BY_ME) },
	conflicts: {
		updateRule: writable(
			'user = @request.auth.id',
			unchanged('user', 'collection', 'record', 'field', 'mine', 'theirs', 'theirs_by', 'at')
		)
	}
};

function setDeletedHelp(app, pick) {
	for (const name of Object.keys(DELETED_HELP)) {
		const collection = app.findCollectionByNameOrId(name);
		collection.fields.getByName('deleted').help = pick(name);
		app.save(collection);
	}
}

migrate(
	(app) => {
		for (const name of SYNCED) {
			const collection = app.findCollectionByNameOrId(name);
			for (const key of WRITES) collection[key] = null;
			app.save(collection);
		}
		setDeletedHelp(app, (name) => DELETED_HELP[name]);
	},
	(app) => {
		for (const name of SYNCED) {
			const collection = app.findCollectionByNameOrId(name);
			for (const key of WRITES) collection[key] = (BEFORE[name] || {})[key] || null;
			app.save(collection);
		}
		setDeletedHelp(app, () => DELETED_HELP_BEFORE);
	}
);
