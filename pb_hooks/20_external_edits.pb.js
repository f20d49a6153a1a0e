/// <reference path="../pb_data/types.d.ts" />
// Edits made outside the sync routes (the office's admin UI and REST API; the
// API rules keep everyone else out) are merged, validated, stamped, given a
// seq, derived and audited like synced ones; deletes become tombstones.
// The collections are the shared library's list (src/lib/domain/collections.ts);
// conflicts are created by the sync hooks only, so they have no create hook.

const { SYNCED_COLLECTIONS } = require(`${__hooks}/lib/markbook.js`);
const CREATED_OUTSIDE_SYNC = SYNCED_COLLECTIONS.filter((name) => name !== 'conflicts');

onRecordCreateRequest(
	(e) => require(`${__hooks}/sync/external.js`).save(e),
	...CREATED_OUTSIDE_SYNC
);
onRecordUpdateRequest((e) => require(`${__hooks}/sync/external.js`).save(e), ...SYNCED_COLLECTIONS);
onRecordDeleteRequest(
	(e) => require(`${__hooks}/sync/external.js`).remove(e),
	...SYNCED_COLLECTIONS
);
