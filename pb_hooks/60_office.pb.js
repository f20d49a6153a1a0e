/// <reference path="../pb_data/types.d.ts" />
// The office's bulk tools (README, "The office"): a class list from a CSV and
// a new school year's periods. Superusers only; every write goes the way an
// admin-UI edit goes (stamped, given a seq, audited, sent to devices).

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
