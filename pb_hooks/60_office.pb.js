/// <reference path="../pb_data/types.d.ts" />
// The office's tools (README, "The office"): a class list from a CSV,
// a new school year's periods, a staff list, a correction of one result.
// Superusers only; every write goes the way an admin-UI edit goes (stamped,
// given a seq, audited, sent to devices).

routerAdd(
	'POST',
	'/api/office/roster',
	(e) => require(`${__hooks}/office/roster.js`).roster(e),
	$apis.requireSuperuserAuth()
);
routerAdd(
	'POST',
	'/api/office/periods',
	(e) => require(`${__hooks}/office/roster.js`).periods(e),
	$apis.requireSuperuserAuth()
);
routerAdd(
	'POST',
	'/api/office/staff',
	(e) => require(`${__hooks}/office/staff.js`).staff(e),
	$apis.requireSuperuserAuth()
);
routerAdd(
	'POST',
	'/api/office/results/correct',
	(e) => require(`${__hooks}/office/correct.js`).correct(e),
	$apis.requireSuperuserAuth(),
	$apis.bodyLimit(require(`${__hooks}/lib/markbook.js`).REST_MAX_BYTES)
);
