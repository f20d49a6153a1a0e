/// <reference path="../pb_data/types.d.ts" />
// Presence rows are refreshed every few seconds while a class page is open and
// deleted when it closes; a tab that died (battery, crash) leaves its row
// behind, so rows not seen for 10 minutes are swept every 10 minutes.

cronAdd('markbook_presence_sweep', '*/10 * * * *', () => {
	const STALE_MS = 10 * 60 * 1000;
	const cutoff = new Date(Date.now() - STALE_MS).toISOString().replace('T', ' ');
	$app.db().newQuery('DELETE FROM presence WHERE seen < {:cutoff}').bind({ cutoff }).execute();
});
