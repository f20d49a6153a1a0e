/// <reference path="../pb_data/types.d.ts" />
// A device row made over REST may not take one of the ids the server writes
// under (`server`, `rest-api`, `admin-ui…`): its stamps and audit rows would
// pass for the server's. The list is the shared library's (RESERVED_DEVICE_IDS
// in src/lib/sync/core/stamp.ts), the same the sync routes check.

onRecordCreateRequest((e) => {
	const { isClientDeviceId } = require(`${__hooks}/lib/markbook.js`);
	if (!isClientDeviceId(e.record.getString('device_id'))) {
		throw new BadRequestError('That device id is reserved for the server; the app makes its own.');
	}
	return e.next();
}, 'devices');
