/// <reference path="../pb_data/types.d.ts" />
// The stored limits agree with the domain's (src/lib/domain/fields.ts, which
// validation uses); tests/integration/schema-agreement.test.ts checks every
// field. Before this, PocketBase took notes of 5,000 characters, observations
// of 5,000 and attempts of a day, while sync refused more than 2,000, 1,000
// and 3,600 s: an admin-UI edit could store what no device would accept.

/** [collection, field, property, new value, old value] */
const LIMITS = [
	['results', 'notes', 'max', 2000, 5000],
	['observations', 'text', 'max', 1000, 5000],
	['attempts', 'seconds', 'max', 3600, 86400]
];

function setLimits(app, pick) {
	for (const row of LIMITS) {
		const collection = app.findCollectionByNameOrId(row[0]);
		const field = collection.fields.getByName(row[1]);
		field[row[2]] = pick(row);
		app.save(collection);
	}
}

migrate(
	(app) => setLimits(app, (row) => row[3]),
	(app) => setLimits(app, (row) => row[4])
);
