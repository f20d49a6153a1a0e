/// <reference path="../pb_data/types.d.ts" />
// A child's status on the day an assessment was run (issue 12): a result's
// `status` is `{ "kind": "absent" | "injured" | "excused", "on": "YYYY-MM-DD" }`
// or null (there, or cleared). One JSON field, so it merges last-write-wins as
// one unit under its own stamp path `status`: a kind and its day never split.
// The check of the value is src/lib/domain/status.ts (validateStatus), shared
// by the app and the hooks; every write path (sync push, admin UI, REST) runs it.
migrate(
	(app) => {
		const results = app.findCollectionByNameOrId('results');
		results.fields.add(
			new JSONField({
				name: 'status',
				maxSize: 1000,
				help: 'absent, injured or excused on a day: { kind, on }; empty when there'
			})
		);
		app.save(results);
	},
	(app) => {
		const results = app.findCollectionByNameOrId('results');
		results.fields.removeByName('status');
		app.save(results);
	}
);
