/// <reference path="../pb_data/types.d.ts" />
// Markbook schema: every collection of the data model (docs: ARCHITECTURE.md,
// "Data model"). API rules live in the next migration, so this file is only
// about shape: fields, required flags, ranges and indexes.
//
// Collections made in code get only `id`; `created`/`updated` are declared here.
// Relations are made in dependency order and point at the saved collection's id.

/** Collections this migration creates, in creation order (down drops them in reverse). */
const MARKBOOK_COLLECTIONS = [
	'classes',
	'students',
	'periods',
	'assessments',
	'results',
	'attempts',
	'observations',
	'audit_log',
	'devices',
	'conflicts',
	'sync_receipts'
];

/** PocketBase's own default for the users auth token (seconds), restored by down. */
const POCKETBASE_DEFAULT_AUTH_TOKEN_S = 432000;
/** Teachers must outlive a fortnight (or a school holiday) offline without signing in again. */
const USER_AUTH_TOKEN_S = 30 * 24 * 60 * 60;

migrate(
	(app) => {
		const USERS_ID = app.findCollectionByNameOrId('users').id;

		const timestamps = () => [
			{ name: 'created', type: 'autodate', onCreate: true, onUpdate: false },
			{ name: 'updated', type: 'autodate', onCreate: true, onUpdate: true }
		];
		// Every synced record carries its per-field HLC stamps, the server's change
		// sequence number when it last changed (pull cursor) and a tombstone flag:
		// sync never hard-deletes.
		const syncFields = () => [
			{
				name: 'stamps',
				type: 'json',
				maxSize: 100000,
				help: 'field path → HLC stamp of its current value (server-managed)'
			},
			{
				name: 'seq',
				type: 'number',
				onlyInt: true,
				min: 0,
				help: 'server change sequence number of the last change (server-managed)'
			},
			{ name: 'deleted', type: 'bool', help: 'tombstone: synced rows are never hard-deleted' }
		];
		const seqIndex = (name) => 'CREATE INDEX `idx_' + name + '_seq` ON `' + name + '` (`seq`)';
		const rel = (name, collectionId, opts) =>
			Object.assign(
				{ name, type: 'relation', collectionId, maxSelect: 1, cascadeDelete: false },
				opts || {}
			);

		/** Saves a new base collection and returns its id, for later relations. */
		const create = (name, fields, indexes) => {
			const collection = new Collection({
				type: 'base',
				name,
				// API rules are set by the rules migration; until then superusers only.
				listRule: null,
				viewRule: null,
				createRule: null,
				updateRule: null,
				deleteRule: null,
				fields: fields.concat(timestamps()),
				indexes: indexes || []
			});
			app.save(collection);
			return collection.id;
		};

		// -- users (the existing auth collection) --------------------------------
		const users = app.findCollectionByNameOrId('users');
		const name = users.fields.getByName('name');
		if (name) {
			name.required = true;
			name.min = 1;
			name.max = 200;
		} else {
			users.fields.add(new TextField({ name: 'name', required: true, min: 1, max: 200 }));
		}
		// Beside `name`, so the admin UI shows them together.
		users.fields.addAt(
			users.fields.fieldNames().indexOf('name') + 1,
			new SelectField({
				name: 'role',
				required: true,
				maxSelect: 1,
				values: ['teacher', 'coordinator'],
				help: 'coordinators read every class; office staff are superusers, not users'
			})
		);
		users.authToken.duration = USER_AUTH_TOKEN_S;
		app.save(users);

		// -- school data (synced) ------------------------------------------------
		const CLASSES = create(
			'classes',
			[
				{ name: 'name', type: 'text', required: true, min: 1, max: 100 },
				{
					name: 'year_level',
					type: 'number',
					onlyInt: true,
					min: 0,
					max: 12,
					help: '0 = Foundation/Prep'
				},
				rel('teachers', USERS_ID, { maxSelect: 999 }),
				...syncFields()
			],
			[seqIndex('classes')]
		);

		const STUDENTS = create(
			'students',
			[
				{ name: 'given_name', type: 'text', required: true, min: 1, max: 100 },
				{ name: 'family_name', type: 'text', required: true, min: 1, max: 100 },
				{ name: 'student_number', type: 'text', required: true, min: 1, max: 32 },
				rel('classes', CLASSES, { maxSelect: 999 }),
				...syncFields()
			],
			[
				'CREATE UNIQUE INDEX `idx_students_student_number` ON `students` (`student_number`)',
				seqIndex('students')
			]
		);

		const PERIODS = create(
			'periods',
			[
				{ name: 'name', type: 'text', required: true, min: 1, max: 100 },
				{ name: 'starts', type: 'date', required: true },
				{ name: 'ends', type: 'date', required: true },
				...syncFields()
			],
			[seqIndex('periods')]
		);

		const ASSESSMENTS = create(
			'assessments',
			[
				{ name: 'name', type: 'text', required: true, min: 1, max: 200 },
				{ name: 'framework', type: 'text', required: true, min: 1, max: 100 },
				{
					name: 'kind',
					type: 'select',
					required: true,
					maxSelect: 1,
					values: ['checklist', 'items', 'timed', 'grade']
				},
				{ name: 'components', type: 'json', maxSize: 100000, help: '[{ key, label, max }]' },
				{ name: 'levels', type: 'json', maxSize: 100000, help: 'thresholds → normative level' },
				{
					name: 'scale',
					type: 'json',
					maxSize: 10000,
					help: 'grade assessments: the ordered grades, e.g. ["A","B","C","D","E"]'
				},
				{ name: 'active', type: 'bool' },
				...syncFields()
			],
			[seqIndex('assessments')]
		);

		// Marks reference students, classes, assessments and periods with
		// cascadeDelete OFF, on purpose: a student (or class) deleted by mistake in
		// the admin UI must never silently take a term of marks with it. Because
		// these relations are required, PocketBase refuses to delete a student who
		// still has marks; the office archives instead, or removes the marks first.
		const RESULTS_HELP =
			'no cascade: deleting a student/class/assessment/period with marks is refused';
		create(
			'results',
			[
				rel('student', STUDENTS, { required: true, help: RESULTS_HELP }),
				rel('class', CLASSES, { required: true, help: RESULTS_HELP }),
				rel('assessment', ASSESSMENTS, { required: true, help: RESULTS_HELP }),
				rel('period', PERIODS, { required: true, help: RESULTS_HELP }),
				{ name: 'values', type: 'json', maxSize: 100000, help: 'component key → value' },
				{ name: 'notes', type: 'text', max: 5000 },
				{ name: 'total', type: 'number', min: 0, help: 'derived by the server' },
				{ name: 'level', type: 'text', max: 100, help: 'derived by the server' },
				{
					name: 'best_time',
					type: 'number',
					min: 0,
					help: 'derived by the server: min of the attempts'
				},
				...syncFields()
			],
			[
				// One result per (student, assessment, period); the id is derived from
				// the same natural key, so two offline creates merge into one row.
				'CREATE UNIQUE INDEX `idx_results_natural_key` ON `results` (`student`, `assessment`, `period`)',
				'CREATE INDEX `idx_results_class` ON `results` (`class`)',
				seqIndex('results')
			]
		);

		create(
			'attempts',
			[
				rel('student', STUDENTS, { required: true, help: RESULTS_HELP }),
				rel('assessment', ASSESSMENTS, { required: true, help: RESULTS_HELP }),
				rel('period', PERIODS, { required: true, help: RESULTS_HELP }),
				// required = non-zero for numbers: a 0 s sprint is a typo, not a time.
				{ name: 'seconds', type: 'number', required: true, min: 0, max: 86400 },
				{ name: 'taken_at', type: 'date', required: true },
				rel('by', USERS_ID),
				...syncFields()
			],
			[
				'CREATE INDEX `idx_attempts_student_assessment_period` ON `attempts` (`student`, `assessment`, `period`)',
				seqIndex('attempts')
			]
		);

		create(
			'observations',
			[
				rel('student', STUDENTS, { required: true, help: RESULTS_HELP }),
				rel('class', CLASSES, { required: true, help: RESULTS_HELP }),
				{ name: 'text', type: 'text', required: true, min: 1, max: 5000 },
				rel('by', USERS_ID),
				...syncFields()
			],
			[
				'CREATE INDEX `idx_observations_student` ON `observations` (`student`)',
				seqIndex('observations')
			]
		);

		// -- server bookkeeping (not synced) --------------------------------------
		create(
			'audit_log',
			[
				// Not required: edits made by office staff in the admin UI have no users row.
				rel('user', USERS_ID),
				{ name: 'device', type: 'text', max: 100 },
				{ name: 'collection', type: 'text', required: true, max: 100 },
				{ name: 'record', type: 'text', required: true, max: 100 },
				{ name: 'op', type: 'text', required: true, max: 20, help: 'create · update · delete' },
				{ name: 'changes', type: 'json', maxSize: 1000000, help: 'field → { old, new }' },
				{ name: 'conflict', type: 'bool' }
			],
			[
				'CREATE INDEX `idx_audit_log_record` ON `audit_log` (`collection`, `record`)',
				'CREATE INDEX `idx_audit_log_created` ON `audit_log` (`created`)'
			]
		);

		create(
			'devices',
			[
				rel('user', USERS_ID, { required: true, cascadeDelete: true }),
				{ name: 'device_id', type: 'text', required: true, min: 1, max: 100 },
				{ name: 'name', type: 'text', max: 200 },
				{ name: 'platform', type: 'text', max: 200 },
				{ name: 'app_version', type: 'text', max: 50 },
				{ name: 'last_sync_at', type: 'date' },
				{ name: 'cursor', type: 'number', onlyInt: true, min: 0 },
				{ name: 'pending', type: 'number', onlyInt: true, min: 0 },
				{ name: 'failed', type: 'number', onlyInt: true, min: 0 },
				{ name: 'active', type: 'bool', help: 'a deactivated device’s pushes are refused' }
			],
			[
				'CREATE UNIQUE INDEX `idx_devices_device_id` ON `devices` (`device_id`)',
				'CREATE INDEX `idx_devices_user` ON `devices` (`user`)'
			]
		);

		create(
			'conflicts',
			[
				rel('user', USERS_ID, {
					required: true,
					cascadeDelete: true,
					help: 'the teacher whose value lost'
				}),
				{ name: 'collection', type: 'text', required: true, max: 100 },
				{ name: 'record', type: 'text', required: true, max: 100 },
				{ name: 'field', type: 'text', required: true, max: 200 },
				{ name: 'mine', type: 'json', maxSize: 100000 },
				{ name: 'theirs', type: 'json', maxSize: 100000 },
				rel('theirs_by', USERS_ID),
				{ name: 'at', type: 'date', required: true },
				{
					name: 'status',
					type: 'select',
					required: true,
					maxSelect: 1,
					values: ['open', 'kept_mine', 'kept_theirs', 'edited', 'dismissed']
				},
				...syncFields()
			],
			[
				'CREATE INDEX `idx_conflicts_user_status` ON `conflicts` (`user`, `status`)',
				seqIndex('conflicts')
			]
		);

		create(
			'sync_receipts',
			[
				{ name: 'op_id', type: 'text', required: true, min: 1, max: 100 },
				rel('user', USERS_ID, { required: true, cascadeDelete: true }),
				{ name: 'device', type: 'text', max: 100 },
				{ name: 'result', type: 'json', maxSize: 1000000 }
			],
			[
				'CREATE UNIQUE INDEX `idx_sync_receipts_op_id` ON `sync_receipts` (`op_id`)',
				// receipts are cleaned after 30 days
				'CREATE INDEX `idx_sync_receipts_created` ON `sync_receipts` (`created`)'
			]
		);
	},
	(app) => {
		for (const name of MARKBOOK_COLLECTIONS.slice().reverse()) {
			const collection = app.findCollectionByNameOrId(name);
			app.delete(collection);
		}

		const users = app.findCollectionByNameOrId('users');
		users.fields.removeByName('role');
		const name = users.fields.getByName('name');
		if (name) {
			name.required = false;
			name.min = 0;
			name.max = 255;
		}
		users.authToken.duration = POCKETBASE_DEFAULT_AUTH_TOKEN_S;
		app.save(users);
	}
);
