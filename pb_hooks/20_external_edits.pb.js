/// <reference path="../pb_data/types.d.ts" />
// Edits made outside the sync routes (admin UI, REST API) are stamped, given
// a seq, derived and audited like synced ones; deletes become tombstones.

onRecordCreateRequest(
	(e) => require(`${__hooks}/sync/external.js`).save(e),
	'classes', 'students', 'periods', 'assessments', 'results', 'attempts', 'observations'
);
onRecordUpdateRequest(
	(e) => require(`${__hooks}/sync/external.js`).save(e),
	'classes', 'students', 'periods', 'assessments', 'results', 'attempts', 'observations', 'conflicts'
);
onRecordDeleteRequest(
	(e) => require(`${__hooks}/sync/external.js`).remove(e),
	'classes', 'students', 'periods', 'assessments', 'results', 'attempts', 'observations', 'conflicts'
);
