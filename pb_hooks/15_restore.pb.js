/// <reference path="../pb_data/types.d.ts" />
// The data epoch and the restore window (pb_hooks/sync/epoch.js says what is
// detected and why). Handlers cannot see this file's scope: each one requires
// what it needs.

// Once the database is open, before the server takes requests. (The JS hooks
// cannot bind onServe; `serve` runs migrations after bootstrap, so on the very
// first start the epoch migration makes the epoch and this finds no field yet.)
onBootstrap((e) => {
	e.next();
	require(`${__hooks}/sync/epoch.js`).check(e.app);
});

onBackupRestore((e) => require(`${__hooks}/sync/epoch.js`).onBackupRestore(e));

routerUse((e) => require(`${__hooks}/sync/epoch.js`).middleware(e));

cronAdd('markbook_epoch_sidecar', '* * * * *', () =>
	require(`${__hooks}/sync/epoch.js`).touch($app)
);

onTerminate((e) => {
	// `--version`, `migrate` and the like terminate an app that never opened its
	// database: reading it then is a Go nil-pointer panic, not a JS exception.
	if (!e.app.isBootstrapped()) return e.next();
	try {
		require(`${__hooks}/sync/epoch.js`).touch(e.app);
	} catch (err) {
		e.app
			.logger()
			.warn('markbook: could not record the data epoch at shutdown', 'error', String(err));
	}
	e.next();
});
