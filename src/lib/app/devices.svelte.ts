/**
 * The teacher's devices (the `devices` collection, own rows only) and this
 * device's report to it: a name people recognise, the platform and the app
 * version. How many edits are still unsynced or refused here travels with
 * every push and pull (the server stores it with the sync time), so the
 * devices page can say "the iPad has 12 unsynced edits" when it was last seen.
 */
import { version } from '$app/environment';
import type { RecordModel } from 'pocketbase';
import type { HealthReport } from '$lib/domain/health';
import { pb } from '$lib/pocketbase';

/** Retry the report at most this often. */
export const DEVICE_REPORT_INTERVAL_MS = 30_000;
const CACHE_KEY = 'markbook-devices';

export interface DeviceInfo {
	id: string;
	deviceId: string;
	name: string;
	platform: string;
	appVersion: string;
	lastSyncAt: number | null;
	pending: number;
	failed: number;
	active: boolean;
}

function toDevice(r: RecordModel): DeviceInfo {
	const last = String(r['last_sync_at'] ?? '');
	return {
		id: r.id,
		deviceId: String(r['device_id'] ?? ''),
		name: String(r['name'] ?? ''),
		platform: String(r['platform'] ?? ''),
		appVersion: String(r['app_version'] ?? ''),
		lastSyncAt: last === '' ? null : Date.parse(last.replace(' ', 'T')),
		pending: Number(r['pending'] ?? 0),
		failed: Number(r['failed'] ?? 0),
		active: r['active'] === true
	};
}

/** "Chrome on iPad", from the user agent: what a teacher calls the device. */
export function describeBrowser(ua: string): { name: string; platform: string } {
	const platform =
		/iPad/.test(ua) || (/Macintosh/.test(ua) && /Mobile|Touch/.test(ua))
			? 'iPad'
			: /iPhone/.test(ua)
				? 'iPhone'
				: /Android/.test(ua)
					? 'Android'
					: /CrOS/.test(ua)
						? 'Chromebook'
						: /Windows/.test(ua)
							? 'Windows'
							: /Mac OS X|Macintosh/.test(ua)
								? 'Mac'
								: /Linux/.test(ua)
									? 'Linux'
									: 'Unknown';
	const browser = /Edg\//.test(ua)
		? 'Edge'
		: /Firefox\//.test(ua)
			? 'Firefox'
			: /Chrome\/|Chromium\/|CriOS\//.test(ua)
				? 'Chrome'
				: /Safari\//.test(ua)
					? 'Safari'
					: 'Browser';
	return { name: `${browser} on ${platform}`, platform };
}

/** The teacher's devices, newest sync first; the last list seen when offline. */
export async function listDevices(): Promise<{ devices: DeviceInfo[]; cachedAt: number | null }> {
	try {
		// Own devices only: a coordinator may read everyone's (the Overview's sync health).
		const rows = await pb.collection('devices').getFullList({
			filter: pb.filter('user = {:me}', { me: pb.authStore.record?.id ?? '' }),
			sort: '-last_sync_at',
			requestKey: null
		});
		const devices = rows.map(toDevice);
		localStorage.setItem(CACHE_KEY, JSON.stringify({ at: Date.now(), devices }));
		return { devices, cachedAt: null };
	} catch (e) {
		const raw = localStorage.getItem(CACHE_KEY);
		if (!raw) throw e;
		const cached = JSON.parse(raw) as { at: number; devices: DeviceInfo[] };
		return { devices: cached.devices, cachedAt: cached.at };
	}
}

/** A device with its teacher's name, for the coordinator's sync health. */
export interface SchoolDevice extends DeviceInfo {
	teacher: string;
}

/** Every device of the school, least recently synced first (coordinators only; needs a connection). */
export async function listSchoolDevices(): Promise<SchoolDevice[]> {
	const rows = await pb
		.collection('devices')
		.getFullList({ sort: 'last_sync_at', expand: 'user', requestKey: null });
	return rows.map((r) => ({
		...toDevice(r),
		teacher: String((r['expand'] as { user?: RecordModel } | undefined)?.user?.['name'] ?? '')
	}));
}

/** The server's health view (coordinators; needs a connection). */
export async function schoolHealth(): Promise<HealthReport> {
	return pb.send<HealthReport>('/api/markbook/health', { method: 'GET', requestKey: null });
}

/** Switches a device off: the server refuses its pushes until the office switches it on. */
export async function deactivateDevice(id: string): Promise<void> {
	await pb.collection('devices').update(id, { active: false }, { requestKey: null });
}

/** The server names a new device after its id until the app reports a better name. */
function isPlaceholderName(row: RecordModel, deviceId: string): boolean {
	const name = String(row['name'] ?? '');
	return name === '' || name === deviceId;
}

/**
 * Tells the server what this device is (best effort; retried later). Its
 * outbox counts ride on every push and pull instead (the wire contract), so
 * the row's `pending`/`failed` are as of its last sync, never a late report.
 */
export async function reportDevice(deviceId: string): Promise<boolean> {
	try {
		const row = await pb
			.collection('devices')
			.getFirstListItem(pb.filter('device_id = {:d}', { d: deviceId }), { requestKey: null });
		const { name, platform } = describeBrowser(navigator.userAgent);
		const named = isPlaceholderName(row, deviceId);
		// Nothing to tell: spare the request (and the row's realtime event).
		if (!named && row['platform'] === platform && row['app_version'] === version) return true;
		await pb.collection('devices').update(
			row.id,
			{
				// Keep a name the teacher chose; replace the server's placeholder (the device id).
				...(named ? { name } : {}),
				platform,
				app_version: version
			},
			{ requestKey: null }
		);
		return true;
	} catch {
		return false; // not registered yet (first sync pending) or offline
	}
}

/** Renames a device. */
export async function renameDevice(id: string, name: string): Promise<void> {
	await pb.collection('devices').update(id, { name: name.trim() }, { requestKey: null });
}

/**
 * Reports this device's name, platform and app version once it has synced
 * (the first sync registers it), retrying at most every
 * DEVICE_REPORT_INTERVAL_MS until the server has them.
 */
export class DeviceReporter {
	#sent = '';
	#timer: ReturnType<typeof setTimeout> | null = null;
	#lastAt = 0;
	#due = '';

	update(device: string): void {
		if (device === this.#sent) return;
		this.#due = device;
		if (this.#timer !== null) return;
		const wait = Math.max(0, this.#lastAt + DEVICE_REPORT_INTERVAL_MS - Date.now());
		this.#timer = setTimeout(() => void this.#flush(), wait);
	}

	async #flush(): Promise<void> {
		this.#timer = null;
		const device = this.#due;
		if (device === '' || device === this.#sent) return;
		this.#lastAt = Date.now();
		if (await reportDevice(device)) this.#sent = device;
	}

	close(): void {
		if (this.#timer !== null) clearTimeout(this.#timer);
		this.#timer = null;
	}
}
