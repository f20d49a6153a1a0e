/// <reference path="../pb_data/types.d.ts" />
// The epoch: an id of the server's data, which changes whenever the data is
// restored from a backup or replaced (pb_hooks/sync/epoch.js rotates it). A
// device that pulled under another epoch, or whose cursor is ahead of the
// server's, fetches everything again and re-sends its own edits the server
// no longer holds. Made here on first start.
const STATE_ID = 'markbooksyncsta';

migrate(
	(app) => {
		const state = app.findCollectionByNameOrId('sync_state');
		state.fields.add(
			new TextField({ name: 'epoch', max: 64, help: 'id of this data set (server-managed)' })
		);
		app.save(state);
		const row = app.findRecordById('sync_state', STATE_ID);
		row.set(
			'epoch',
			$security.randomStringWithAlphabet(16, 'abcdefghijklmnopqrstuvwxyz0123456789')
		);
		app.save(row);
	},
	(app) => {
		const state = app.findCollectionByNameOrId('sync_state');
		state.fields.removeByName('epoch');
		app.save(state);
	}
);
