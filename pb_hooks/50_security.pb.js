/// <reference path="../pb_data/types.d.ts" />
// Security rules that sit beside the API rules (issue 11): an immutable audit
// log, no sort side channels, a per-user limit on the sync routes, a body
// limit on the REST record routes, a deactivated device locked out, and the
// app's Content-Security-Policy. The logic is in pb_hooks/security/.
// Handlers cannot see this file's scope: each one requires what it needs.

// -- the audit log (11.3) ------------------------------------------------------
onRecordCreateRequest(
	(e) => require(`${__hooks}/security/immutable.js`).refuseRecordWrite(e),
	'audit_log'
);
onRecordUpdateRequest(
	(e) => require(`${__hooks}/security/immutable.js`).refuseRecordWrite(e),
	'audit_log'
);
onRecordDeleteRequest(
	(e) => require(`${__hooks}/security/immutable.js`).refuseRecordWrite(e),
	'audit_log'
);
// Collection request hooks take no tags: the handler picks the collections.
onCollectionUpdateRequest((e) =>
	require(`${__hooks}/security/immutable.js`).checkDefinitionChange(e)
);
onCollectionDeleteRequest((e) =>
	require(`${__hooks}/security/immutable.js`).checkDefinitionChange(e)
);
onCollectionsImportRequest((e) => require(`${__hooks}/security/immutable.js`).checkImport(e));
routerUse((e) => require(`${__hooks}/security/immutable.js`).refuseTruncate(e));

// -- requests (11.4, 11.13) ----------------------------------------------------
routerUse((e) => require(`${__hooks}/security/requests.js`).restBodyLimit(e));
onRecordsListRequest((e) => require(`${__hooks}/security/requests.js`).checkSort(e));

// -- a switched-off device is locked out (11.9) --------------------------------
onRecordUpdate((e) => require(`${__hooks}/security/devices.js`).rotateOnSwitchOff(e), 'devices');

// -- rate limits per user and per account (11.8) --------------------------------
routerUse((e) => require(`${__hooks}/security/limits.js`).syncLimit(e));
onRecordAuthWithPasswordRequest((e) => require(`${__hooks}/security/limits.js`).signInLimit(e));
cronAdd('markbook_rate_sweep', '*/10 * * * *', () =>
	require(`${__hooks}/security/limits.js`).sweep($app)
);

// -- the app's Content-Security-Policy (11.14; CORS is in pocketbase/origins.go) --
routerUse((e) => require(`${__hooks}/security/headers.js`).appCsp(e));
