/// <reference path="../pb_data/types.d.ts" />
// A receipt names the collection and record its op was for, so a replay is
// answered with that record only (never one named by a replay that changed
// `collection`/`record`). Receipts written before have them empty: their
// replays are answered without a record.
migrate(
	(app) => {
		const receipts = app.findCollectionByNameOrId('sync_receipts');
		receipts.fields.add(new TextField({ name: 'collection', max: 50 }));
		receipts.fields.add(new TextField({ name: 'record', max: 50 }));
		app.save(receipts);
	},
	(app) => {
		const receipts = app.findCollectionByNameOrId('sync_receipts');
		receipts.fields.removeByName('collection');
		receipts.fields.removeByName('record');
		app.save(receipts);
	}
);
