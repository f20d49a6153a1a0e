/// <reference path="../pb_data/types.d.ts" />
// A device's sync counters (`pending`, `failed`, `last_sync_at`, `cursor`)
// are the server's: the sync routes store them from each push and pull
// (README, "Device counts"). Over REST a teacher may still name her device,
// report its platform and version, and switch it off — not forge what the
// coordinator's sync health shows.

const SIGNED_IN = "@request.auth.id != ''";
const unchanged = (...fields) =>
	fields.map((f) => `@request.body.${f}:changed = false`).join(' && ');

const BEFORE = [
	SIGNED_IN,
	'user = @request.auth.id',
	unchanged('user', 'device_id'),
	'(@request.body.active:changed = false || @request.body.active = false)'
].join(' && ');

const AFTER = [
	SIGNED_IN,
	'user = @request.auth.id',
	unchanged('user', 'device_id', 'pending', 'failed', 'last_sync_at', 'cursor'),
	'(@request.body.active:changed = false || @request.body.active = false)'
].join(' && ');

function setUpdate(app, rule) {
	const devices = app.findCollectionByNameOrId('devices');
	devices.updateRule = rule;
	app.save(devices);
}

migrate(
	(app) => setUpdate(app, AFTER),
	(app) => setUpdate(app, BEFORE)
);
