/// <reference path="../pb_data/types.d.ts" />
// A result belongs to the class it was recorded in (issue 11.10, wire
// version 2): a student in two classes has one result per class, and attempts
// carry their class, so one class's teacher can neither add to, withdraw from
// nor read another class's timed trials.
//
// Up:
//   1. attempts get a `class` relation, backfilled with the class of the result
//      for the same student, assessment and period (under v1 there was at most
//      one), else the student's first class; required from then on;
//   2. every result's id becomes the v2 key's, the first 15 hex digits of
//      SHA-256 of `<student>|<class>|<assessment>|<period>` (the shared
//      resultId in src/lib/sync/core/ids.ts; a migration is a snapshot, so the
//      key is written out here and tests/integration/migrations-result-class
//      checks it against the library), with the conflict notices, audit
//      entries and receipts that name it;
//   3. the unique natural-key index becomes (student, class, assessment, period);
//   4. attempts are read by their class's teachers (the access table's
//      `class-record` scope, src/lib/domain/access.ts).
// Every row this changes gets a new seq, so devices pull it; a device rewrites
// the v1 ids in its own replica and outbox when the app updates.
//
// Under v1 a result's best time was the minimum of every attempt of its
// student, assessment and period, and step 1 gives all of those the result's
// class: no best time moves.

const STATE_ID = 'markbooksyncsta';
const ID_LENGTH = 15;
const OLD_INDEX =
	'CREATE UNIQUE INDEX `idx_results_natural_key` ON `results` (`student`, `assessment`, `period`)';
const NEW_INDEX =
	'CREATE UNIQUE INDEX `idx_results_natural_key` ON `results` (`student`, `class`, `assessment`, `period`)';
const ATTEMPTS_CLASS_INDEX = 'CREATE INDEX `idx_attempts_class` ON `attempts` (`class`)';
const SIGNED_IN = "@request.auth.id != ''";
const COORDINATOR = "@request.auth.role = 'coordinator'";
const RULE_BEFORE = `${SIGNED_IN} && (student.classes.teachers.id ?= @request.auth.id || ${COORDINATOR})`;
const RULE_AFTER = `${SIGNED_IN} && (class.teachers.id ?= @request.auth.id || ${COORDINATOR})`;
// Beside conflicts (synced), the collections whose `record` field names a result's id.
const UNSYNCED_REFERENCES = ['audit_log', 'sync_receipts'];

/** Rows of a query, as plain objects (one JSON aggregate: the JSVM has no row iterator). */
function rows(app, select, params) {
	const out = new DynamicModel({ rows: '' });
	app
		.db()
		.newQuery("SELECT COALESCE(json_group_array(json(r)), '[]') AS rows FROM (" + select + ')')
		.bind(params || {})
		.one(out);
	return JSON.parse(out.rows);
}

function exec(app, sql, params) {
	app
		.db()
		.newQuery(sql)
		.bind(params || {})
		.execute();
}

/** Moves each result to the id `idOf` gives it, with every reference to it, under a new seq. */
function rekeyResults(app, idOf) {
	const state = rows(app, "SELECT json_object('seq', seq) AS r FROM sync_state WHERE id = {:id}", {
		id: STATE_ID
	});
	let seq = state.length > 0 ? state[0].seq || 0 : 0;
	const list = rows(
		app,
		"SELECT json_object('id', id, 'student', student, 'class', class, 'assessment', assessment, 'period', period) AS r FROM results"
	);
	for (const r of list) {
		const next = idOf(r);
		if (next === r.id) continue;
		// An UPDATE of the key is the insert-under-the-new-id and delete of the old row, in one statement.
		exec(app, 'UPDATE results SET id = {:next}, seq = {:seq} WHERE id = {:old}', {
			next,
			old: r.id,
			seq: ++seq
		});
		// Conflict notices are synced: each gets a seq of its own, so devices pull the new name.
		const notices = rows(
			app,
			"SELECT json_object('id', id) AS r FROM conflicts WHERE record = {:old} AND collection = 'results'",
			{ old: r.id }
		);
		for (const n of notices) {
			exec(app, 'UPDATE conflicts SET record = {:next}, seq = {:seq} WHERE id = {:id}', {
				next,
				id: n.id,
				seq: ++seq
			});
		}
		for (const name of UNSYNCED_REFERENCES) {
			exec(
				app,
				`UPDATE ${name} SET record = {:next} WHERE record = {:old} AND collection = 'results'`,
				{
					next,
					old: r.id
				}
			);
		}
	}
	return seq;
}

const sha = (text) => $security.sha256(text).slice(0, ID_LENGTH);

function setIndex(collection, from, to) {
	const indexes = collection.indexes.filter((i) => i !== from);
	indexes.push(to);
	collection.indexes = indexes;
}

migrate(
	(app) => {
		// 1. attempts.class, backfilled.
		const attempts = app.findCollectionByNameOrId('attempts');
		const classes = app.findCollectionByNameOrId('classes');
		attempts.fields.addAt(
			attempts.fields.fieldNames().indexOf('student') + 1,
			new RelationField({
				name: 'class',
				collectionId: classes.id,
				maxSelect: 1,
				cascadeDelete: false,
				help: 'the class the attempt was timed in: its result derives best_time from it'
			})
		);
		app.save(attempts);
		const firstClass =
			"(SELECT CASE WHEN json_valid(s.classes) THEN json_extract(s.classes, '$[0]') ELSE NULLIF(s.classes, '') END FROM students s WHERE s.id = attempts.student)";
		const resultClass =
			"(SELECT r.class FROM results r WHERE r.student = attempts.student AND r.assessment = attempts.assessment AND r.period = attempts.period AND r.class != '' LIMIT 1)";
		const missing = rows(
			app,
			"SELECT json_object('id', id) AS r FROM attempts WHERE class = '' OR class IS NULL"
		);
		exec(
			app,
			`UPDATE attempts SET class = COALESCE(${resultClass}, ${firstClass}, '') WHERE class = '' OR class IS NULL`
		);
		// The class is set once, like the attempt's other fields: stamped as its student was.
		exec(
			app,
			"UPDATE attempts SET stamps = json_set(CASE WHEN json_valid(stamps) THEN stamps ELSE '{}' END, '$.class', json_extract(stamps, '$.student')) WHERE json_valid(stamps) AND json_extract(stamps, '$.student') IS NOT NULL AND json_extract(stamps, '$.class') IS NULL"
		);

		// 2. v2 result ids.
		let seq = rekeyResults(app, (r) =>
			sha(r.student + '|' + r.class + '|' + r.assessment + '|' + r.period)
		);
		for (const a of missing)
			exec(app, 'UPDATE attempts SET seq = {:seq} WHERE id = {:id}', { id: a.id, seq: ++seq });
		exec(app, 'UPDATE sync_state SET seq = {:seq} WHERE id = {:id} AND seq < {:seq}', {
			id: STATE_ID,
			seq
		});

		// 3 and 4.
		const fresh = app.findCollectionByNameOrId('attempts');
		fresh.fields.getByName('class').required = true;
		fresh.indexes = fresh.indexes.concat([ATTEMPTS_CLASS_INDEX]);
		fresh.listRule = RULE_AFTER;
		fresh.viewRule = RULE_AFTER;
		app.save(fresh);
		const results = app.findCollectionByNameOrId('results');
		setIndex(results, OLD_INDEX, NEW_INDEX);
		app.save(results);
	},
	(app) => {
		const twice = rows(
			app,
			"SELECT json_object('student', student) AS r FROM results GROUP BY student, assessment, period HAVING COUNT(*) > 1 LIMIT 1"
		);
		if (twice.length > 0) {
			throw new Error(
				'Cannot go back to one result per student, assessment and period: student ' +
					twice[0].student +
					' has results in two classes.'
			);
		}
		const results = app.findCollectionByNameOrId('results');
		setIndex(results, NEW_INDEX, OLD_INDEX);
		app.save(results);
		const seq = rekeyResults(app, (r) => sha(r.student + '|' + r.assessment + '|' + r.period));
		exec(app, 'UPDATE sync_state SET seq = {:seq} WHERE id = {:id} AND seq < {:seq}', {
			id: STATE_ID,
			seq
		});
		const attempts = app.findCollectionByNameOrId('attempts');
		attempts.indexes = attempts.indexes.filter((i) => i !== ATTEMPTS_CLASS_INDEX);
		attempts.fields.removeByName('class');
		attempts.listRule = RULE_BEFORE;
		attempts.viewRule = RULE_BEFORE;
		app.save(attempts);
	}
);
