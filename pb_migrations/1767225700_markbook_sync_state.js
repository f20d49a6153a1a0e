/// <reference path="../pb_data/types.d.ts" />
// What the sync hooks keep beside the data: one row holding the change
// sequence counter and the server's hybrid logical clock, and, per device, the
// classes it last fetched in full (to tell it when its scope grew).
// Derived result fields become JSON so "not derived" (null) differs from 0.
const STATE_ID = 'markbooksyncsta';

migrate(
	(app) => {
		const state = new Collection({
			type: 'base',
			name: 'sync_state',
			// Superusers only: written by hooks, read by nobody else.
			listRule: null,
			viewRule: null,
			createRule: null,
			updateRule: null,
			deleteRule: null,
			fields: [
				{ name: 'seq', type: 'number', onlyInt: true, min: 0 },
				{ name: 'hlc', type: 'json', maxSize: 2000 },
				{ name: 'updated', type: 'autodate', onCreate: true, onUpdate: true }
			]
		});
		app.save(state);
		const row = new Record(state);
		row.set('id', STATE_ID);
		row.set('seq', 0);
		row.set('hlc', { ms: 0, counter: 0, device: 'server' });
		app.save(row);

		const devices = app.findCollectionByNameOrId('devices');
		devices.fields.add(
			new JSONField({
				name: 'scope',
				maxSize: 100000,
				help: 'class ids last fetched in full (server-managed)'
			})
		);
		app.save(devices);

		const results = app.findCollectionByNameOrId('results');
		// A field's type cannot change in place: replace it (no data yet).
		for (const name of ['total', 'level', 'best_time']) {
			results.fields.removeByName(name);
			results.fields.add(
				new JSONField({
					name,
					maxSize: 200,
					help: 'derived by the server (null: nothing to derive yet)'
				})
			);
		}
		app.save(results);
	},
	(app) => {
		const results = app.findCollectionByNameOrId('results');
		for (const name of ['total', 'level', 'best_time']) results.fields.removeByName(name);
		results.fields.add(new NumberField({ name: 'total', min: 0, help: 'derived by the server' }));
		results.fields.add(new TextField({ name: 'level', max: 100, help: 'derived by the server' }));
		results.fields.add(
			new NumberField({
				name: 'best_time',
				min: 0,
				help: 'derived by the server: min of the attempts'
			})
		);
		app.save(results);

		const devices = app.findCollectionByNameOrId('devices');
		devices.fields.removeByName('scope');
		app.save(devices);

		app.delete(app.findCollectionByNameOrId('sync_state'));
	}
);
