/// <reference path="../pb_data/types.d.ts" />
// The admin UI shows names, not ids: relation pickers and lists render a
// record by its presentable fields ("Hamza Ahmadi", "4 Wattle", "Term 1 2026",
// "Catch (Vic FMS)", a teacher's name).

/** collection → its presentable fields, in display order. */
const PRESENTABLE = {
	users: ['name'],
	classes: ['name'],
	students: ['given_name', 'family_name'],
	periods: ['name'],
	assessments: ['name', 'framework']
};

function mark(app, on) {
	for (const [name, fields] of Object.entries(PRESENTABLE)) {
		const collection = app.findCollectionByNameOrId(name);
		for (const f of fields) collection.fields.getByName(f).presentable = on;
		app.save(collection);
	}
}

migrate(
	(app) => mark(app, true),
	(app) => mark(app, false)
);
