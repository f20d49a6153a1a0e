/// <reference path="../pb_data/types.d.ts" />
// Daily backups on by default: PocketBase's backup cron (02:00 server time)
// zips pb_data into pb_data/backups, or to S3 when the office sets it up in the
// admin UI (Settings → Backups), and keeps the newest 14. A school that had
// already chosen a schedule keeps it.
const DAILY_BACKUP_CRON = '0 2 * * *';
const DAILY_BACKUPS_KEPT = 14;

migrate(
	(app) => {
		const settings = app.settings();
		if (settings.backups.cron) return;
		settings.backups.cron = DAILY_BACKUP_CRON;
		settings.backups.cronMaxKeep = DAILY_BACKUPS_KEPT;
		app.save(settings);
	},
	(app) => {
		const settings = app.settings();
		if (settings.backups.cron !== DAILY_BACKUP_CRON) return;
		settings.backups.cron = '';
		app.save(settings);
	}
);
