/// <reference path="../../pb_data/types.d.ts" />
// The epoch of the server's data (sync_state.epoch) and the restore window.
//
// A device that pulled under another epoch fetches everything again and
// re-sends its own edits the server no longer holds, so the epoch must change
// whenever the data goes back or is replaced. What is detected, at start-up
// (check), before the server takes requests:
//
//   - a PocketBase backup restore (admin UI or POST /api/backups/{key}/restore):
//     onBackupRestore writes MARKER into pb_data and excludes it from the swap,
//     so the restarted process finds it beside the restored data.db;
//   - a data.db copied back by hand over newer data, or a database rolled back:
//     SIDECAR (pb_data/markbook-epoch.json, written at start, every minute and
//     at shutdown) holds the epoch and the last seq this server saw; data with
//     the same epoch but a smaller seq went back;
//   - a data.db from elsewhere (another epoch than the sidecar's).
//
// Not detected: a whole pb_data copied back by hand (its sidecar matches its
// database). Devices still notice when their cursor is ahead of the server's
// (the pull answers reset); edits made after the copy, up to the devices'
// cursors, are then fetched by that reset too.
//
// The restore window: PocketBase answers the restore request at once and
// swaps the data a second later (apis/backup.go), so pushes committed in
// between would be lost. From the request until the restart, pushes get a
// retryable 503 (the flag lives in the app's store, shared by every JS runtime,
// and dies with the process; it expires by itself should the restore fail
// before PocketBase's restore hook runs).

const STATE_ID = 'markbooksyncsta';
const MARKER = '.markbook-restored';
const SIDECAR = 'markbook-epoch.json';
const RESTORING_KEY = 'markbook.restoringUntil';
// The epoch of the data this process runs on (set by check; it changes only at start-up).
const EPOCH_KEY = 'markbook.epoch';
// PocketBase gives a restore 10 minutes to fetch the backup.
const RESTORE_WINDOW_MS = 11 * 60 * 1000;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function pathOf(app, name) {
	return app.dataDir() + '/' + name;
}

function exists(path) {
	try {
		$os.stat(path);
		return true;
	} catch (_) {
		return false;
	}
}

function readSidecar(app) {
	try {
		const side = JSON.parse(toString($os.readFile(pathOf(app, SIDECAR))));
		return side && typeof side.epoch === 'string' && typeof side.seq === 'number' ? side : null;
	} catch (_) {
		return null;
	}
}

function writeSidecar(app, epoch, seq) {
	const path = pathOf(app, SIDECAR);
	// Written aside and renamed: a crash leaves the old file or the new one.
	$os.writeFile(path + '.tmp', JSON.stringify({ epoch, seq }), 0o644);
	$os.rename(path + '.tmp', path);
}

/** Why the data must get a new epoch, or '' when it is the data this server last ran with. */
function rotationReason(app, epoch, seq) {
	if (epoch === '') return 'no epoch yet';
	if (exists(pathOf(app, MARKER))) return 'restored from a backup';
	const side = readSidecar(app);
	if (side && side.epoch !== epoch)
		return 'the database was replaced (its epoch ' + epoch + ' is not ' + side.epoch + ')';
	if (side && side.seq > seq) return 'the database went back (seq ' + seq + ' < ' + side.seq + ')';
	return '';
}

/** At start-up, before requests: rotates the epoch when the data was restored or replaced. */
function check(app) {
	let row;
	try {
		row = app.findRecordById('sync_state', STATE_ID);
	} catch (_) {
		return; // before the first migrations
	}
	if (!row.collection().fields.getByName('epoch')) {
		// Before the epoch migration (e.g. a restored backup older than it): the
		// migration gives the data a fresh epoch, so the marker has done its work.
		if (exists(pathOf(app, MARKER))) $os.remove(pathOf(app, MARKER));
		return;
	}
	let epoch = row.getString('epoch');
	const seq = row.getInt('seq');
	const reason = rotationReason(app, epoch, seq);
	if (reason !== '') {
		epoch = $security.randomStringWithAlphabet(16, ALPHABET);
		row.set('epoch', epoch);
		app.save(row);
		app
			.logger()
			.warn(
				'markbook: new data epoch; devices will fetch everything again',
				'reason',
				reason,
				'epoch',
				epoch
			);
		// Also on the console: the logs database may be the one that was replaced.
		console.log(
			'markbook: new data epoch ' + epoch + ' (' + reason + '); devices will fetch everything again'
		);
	}
	if (exists(pathOf(app, MARKER))) $os.remove(pathOf(app, MARKER));
	writeSidecar(app, epoch, seq);
	app.store().set(EPOCH_KEY, epoch);
}

/** Records the seq reached so far (cron and shutdown); not while a restore swaps the data. */
function touch(app) {
	if (restoring(app)) return;
	const row = app.findRecordById('sync_state', STATE_ID);
	const side = readSidecar(app);
	const epoch = row.getString('epoch');
	const seq = row.getInt('seq');
	if (!side || side.epoch !== epoch || side.seq !== seq) writeSidecar(app, epoch, seq);
}

function restoring(app) {
	const until = app.store().get(RESTORING_KEY);
	return typeof until === 'number' && Date.now() < until;
}

function beginRestore(app) {
	app.store().set(RESTORING_KEY, Date.now() + RESTORE_WINDOW_MS);
}

function endRestore(app) {
	app.store().remove(RESTORING_KEY);
}

/** onBackupRestore: keeps MARKER in pb_data across the swap; the restarted process rotates the epoch. */
function onBackupRestore(e) {
	beginRestore(e.app);
	const marker = pathOf(e.app, MARKER);
	e.exclude = e.exclude.concat([MARKER]);
	$os.writeFile(marker, String(Date.now()), 0o644);
	try {
		// On success PocketBase restarts the process (execve) inside next().
		e.next();
	} catch (err) {
		if (exists(marker)) $os.remove(marker);
		endRestore(e.app);
		throw err;
	}
	// next() returned without restarting (restore is not supported here): not restored.
	if (exists(marker)) $os.remove(marker);
	endRestore(e.app);
}

/**
 * The router middleware: opens the restore window on a restore request;
 * answers pushes 503 during it, and 409 epoch_changed to a push for another epoch.
 */
function middleware(e) {
	const method = e.request.method;
	const path = e.request.url.path;
	if (method === 'POST' && /^\/api\/backups\/[^/]+\/restore$/.test(path)) {
		beginRestore(e.app);
		try {
			return e.next();
		} catch (err) {
			// Refused (not a superuser, no such backup…): nothing will be restored.
			endRestore(e.app);
			throw err;
		}
	}
	if (method === 'POST' && path === '/api/sync/push') {
		if (restoring(e.app)) {
			e.response.header().set('Retry-After', '5');
			return e.json(503, {
				status: 503,
				message:
					'The server is being restored from a backup. Your changes are kept on this device and sent when it is back.'
			});
		}
		// A push for another epoch's data: applying it before the device has
		// fetched this data would refuse edits of records this data lacks.
		const asked = e.request.url.query().get('epoch');
		const current = e.app.store().get(EPOCH_KEY);
		if (
			e.auth &&
			asked !== '' &&
			typeof current === 'string' &&
			current !== '' &&
			asked !== current
		) {
			return e.json(409, {
				status: 409,
				code: 'epoch_changed',
				epoch: current,
				message:
					"The server's data was restored or replaced. This device fetches it again, then sends its changes."
			});
		}
	}
	return e.next();
}

module.exports = { check, touch, restoring, onBackupRestore, middleware, MARKER, SIDECAR };
