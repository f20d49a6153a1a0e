/// <reference path="../pb_data/types.d.ts" />
// The sync wire contract (README, "Sync wire contract"). Handlers cannot see
// this file's scope: each one requires what it needs.

routerAdd(
	'POST',
	'/api/sync/push',
	(e) => require(`${__hooks}/sync/routes.js`).push(e),
	$apis.requireAuth('users')
);
routerAdd(
	'GET',
	'/api/sync/pull',
	(e) => require(`${__hooks}/sync/routes.js`).pull(e),
	$apis.requireAuth('users')
);
routerAdd(
	'GET',
	'/api/sync/status',
	(e) => require(`${__hooks}/sync/routes.js`).status(e),
	$apis.requireAuth('users')
);
