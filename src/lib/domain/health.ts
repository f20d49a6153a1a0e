/**
 * What "healthy" means for a school's sync, shared by the server's health
 * endpoint (pb_hooks/office/health.js) and the Overview page.
 */

/** A device that has not synced for this long is at risk: its unsynced edits exist only on it. */
export const DEVICE_STALE_DAYS = 7;
export const DEVICE_STALE_MS = DEVICE_STALE_DAYS * 24 * 60 * 60 * 1000;

/** GET /api/markbook/health (README, "Monitoring"). */
export interface HealthReport {
	status: 'ok';
	serverTime: number;
	epoch: string;
	seq: number;
	/** Ops pushed (each has a receipt), and those refused, in the last hour and day. */
	pushes: { hour: number; day: number };
	refusals: { hour: number; day: number };
	devices: {
		active: number;
		/** Active devices not synced for DEVICE_STALE_DAYS or more (or never). */
		stale: { device_id: string; name: string; user: string; last_sync_at: string }[];
	};
	receipts: number;
	audit: number;
	database: { bytes: number };
	backups: {
		cron: string;
		count: number;
		last: { key: string; modified: string; bytes: number } | null;
	};
}
