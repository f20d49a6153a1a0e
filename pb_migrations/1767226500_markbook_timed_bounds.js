/// <reference path="../pb_data/types.d.ts" />
// Plausible times for timed assessments, set by the school office: a time at
// or below min_seconds, or above max_seconds, is refused (a 40 m sprint in
// 0.5 s is a double tap on the stopwatch, not a result). 0 (empty) means no
// bound. The rule itself is src/lib/domain (validateSeconds), shared by the
// app and the hooks.
migrate(
	(app) => {
		const assessments = app.findCollectionByNameOrId('assessments');
		assessments.fields.add(new NumberField({ name: 'min_seconds', min: 0, max: 3600 }));
		assessments.fields.add(new NumberField({ name: 'max_seconds', min: 0, max: 3600 }));
		app.save(assessments);
	},
	(app) => {
		const assessments = app.findCollectionByNameOrId('assessments');
		assessments.fields.removeByName('min_seconds');
		assessments.fields.removeByName('max_seconds');
		app.save(assessments);
	}
);
