/// <reference path="../../pb_data/types.d.ts" />
// GET /api/markbook/health: for superusers, coordinators, or an uptime
// monitor holding MARKBOOK_HEALTH_TOKEN (`Authorization: Bearer <token>`).
// The shape is HealthReport in src/lib/domain/health.ts.

function allowed(e) {
	const token = $os.getenv('MARKBOOK_HEALTH_TOKEN');
	const header = e.request.header.get('Authorization') || '';
	if (token && header === 'Bearer ' + token) return true;
	if (!e.auth) return false;
	if (e.auth.collection().name === '_superusers') return true;
	return e.auth.collection().name === 'users' && e.auth.getString('role') === 'coordinator';
}

/** One integer from a query with a single `n` column. */
function count(app, sql, params) {
	const row = new DynamicModel({ n: 0 });
	app
		.db()
		.newQuery(sql)
		.bind(params || {})
		.one(row);
	return row.n;
}

const SINCE = "strftime('%Y-%m-%d %H:%M:%fZ', 'now', {:ago})";

function lastBackup(app) {
	let fsys;
	try {
		fsys = app.newBackupsFilesystem();
		const files = JSON.parse(JSON.stringify(fsys.list('')));
		files.sort((a, b) => (a.modTime < b.modTime ? 1 : -1));
		const last = files[0];
		return {
			count: files.length,
			last: last ? { key: last.key, modified: last.modTime, bytes: last.size } : null
		};
	} catch (_) {
		return { count: 0, last: null };
	} finally {
		if (fsys) fsys.close();
	}
}

function health(e) {
	if (!allowed(e)) {
		const status = e.auth ? 403 : 401;
		return e.json(status, {
			status,
			message: 'The health view is for the office, coordinators or the monitoring token.'
		});
	}
	const lib = require(`${__hooks}/lib/markbook.js`);
	const app = e.app;
	const state = app.findRecordById('sync_state', 'markbooksyncsta');
	const window = (ago, extra) =>
		count(
			app,
			'SELECT COUNT(*) AS n FROM sync_receipts WHERE created >= ' + SINCE + (extra || ''),
			{ ago }
		);
	const refused = " AND json_extract(result, '$.status') = 'rejected'";
	const staleBefore = new Date(Date.now() - lib.DEVICE_STALE_MS).toISOString().replace('T', ' ');
	const stale = arrayOf(new DynamicModel({ device_id: '', name: '', user: '', last_sync_at: '' }));
	app
		.db()
		.newQuery(
			"SELECT d.device_id, d.name, COALESCE(u.name, '') AS user, COALESCE(d.last_sync_at, '') AS last_sync_at FROM devices d LEFT JOIN users u ON u.id = d.user WHERE d.active = TRUE AND (d.last_sync_at = '' OR d.last_sync_at IS NULL OR d.last_sync_at < {:before}) ORDER BY d.last_sync_at"
		)
		.bind({ before: staleBefore })
		.all(stale);
	const backups = lastBackup(app);
	const report = {
		status: 'ok',
		serverTime: Date.now(),
		epoch: state.getString('epoch'),
		seq: state.getInt('seq'),
		pushes: { hour: window('-1 hour'), day: window('-1 day') },
		refusals: { hour: window('-1 hour', refused), day: window('-1 day', refused) },
		devices: {
			active: count(app, 'SELECT COUNT(*) AS n FROM devices WHERE active = TRUE'),
			stale: JSON.parse(JSON.stringify(stale))
		},
		receipts: count(app, 'SELECT COUNT(*) AS n FROM sync_receipts'),
		audit: count(app, 'SELECT COUNT(*) AS n FROM audit_log'),
		database: {
			bytes: count(
				app,
				'SELECT page_count * page_size AS n FROM pragma_page_count(), pragma_page_size()'
			)
		},
		backups: { cron: app.settings().backups.cron, count: backups.count, last: backups.last }
	};
	return e.json(200, report);
}

module.exports = { health };
