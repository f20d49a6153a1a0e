/// <reference path="../pb_data/types.d.ts" />
// Coordinators see every device's sync health (the Overview page: last sync,
// unsynced and refused counts per teacher and device), so a tablet that has
// not synced for a week is noticed before its data is lost. They still cannot
// change another teacher's device (the update rule is the owner's).

const OWN = "@request.auth.id != '' && user = @request.auth.id";
const OWN_OR_COORDINATOR =
	"@request.auth.id != '' && (user = @request.auth.id || @request.auth.role = 'coordinator')";

function setRead(app, rule) {
	const devices = app.findCollectionByNameOrId('devices');
	devices.listRule = rule;
	devices.viewRule = rule;
	app.save(devices);
}

migrate(
	(app) => setRead(app, OWN_OR_COORDINATOR),
	(app) => setRead(app, OWN)
);
