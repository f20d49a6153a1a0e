/// <reference path="../pb_data/types.d.ts" />
// Receipts make a retried op a no-op; a device retries for days at most, so
// receipts older than 30 days are deleted nightly (03:17 server time).

cronAdd('markbook_receipts_cleanup', '17 3 * * *', () => {
	const RECEIPT_TTL_MS = 30 * 24 * 60 * 60 * 1000;
	// PocketBase stores dates as 'YYYY-MM-DD HH:MM:SS.sssZ', which sorts as text.
	const cutoff = new Date(Date.now() - RECEIPT_TTL_MS).toISOString().replace('T', ' ');
	$app
		.db()
		.newQuery('DELETE FROM sync_receipts WHERE created < {:cutoff}')
		.bind({ cutoff })
		.execute();
});
