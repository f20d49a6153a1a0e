/**
 * Sync states in a teacher's words: the one place the UI maps engine states,
 * errors and times to text.
 */
import { format, formatDistanceToNowStrict, isToday } from 'date-fns';
import type { SyncSnapshot } from '$lib/sync/client';
import type { SyncStatus } from '$lib/sync/replica';

/**
 * The state of one cell, row or record as shown beside it (`saving`: the edit
 * is on screen and on its way to the device's storage, a few ms).
 */
export type SaveState =
	| 'saving'
	| 'local'
	| 'synced'
	| 'offline'
	| 'paused'
	| 'failed'
	| 'rejected'
	| 'conflict';

/**
 * What a pending edit's state depends on in the engine's state. A string, so
 * a page derives it once and re-renders its cells only when it changes (not on
 * every phase change of a push).
 */
export type SyncMode = 'unknown' | 'offline' | 'paused' | 'failed' | 'online';

export function syncModeOf(sync: SyncSnapshot | null): SyncMode {
	if (!sync) return 'unknown';
	if (!sync.online || sync.phase === 'offline') return 'offline';
	if (sync.phase === 'needsSignIn' || sync.phase === 'blocked') return 'paused';
	if (sync.phase === 'backoff') return 'failed';
	return 'online';
}

/**
 * A record's (or field's) state for display: pending edits are "saved on this
 * device" while nothing is wrong (also while a push carries them: a push takes
 * tens of milliseconds, and a mark that blinks ↻ on every edit only costs the
 * next edit a frame; the badge says "Syncing…" when one takes long), "waiting
 * for a connection" offline, and "failed" while the engine backs off.
 */
export function saveStateOf(status: SyncStatus, sync: SyncSnapshot | null): SaveState {
	return saveStateIn(status, syncModeOf(sync));
}

/** saveStateOf, given the engine's SyncMode. */
export function saveStateIn(status: SyncStatus, mode: SyncMode): SaveState {
	switch (status.status) {
		case 'rejected':
			return 'rejected';
		case 'conflict':
			return 'conflict';
		case 'synced':
			return 'synced';
		case 'pending':
			if (mode === 'unknown') return 'local';
			if (mode !== 'online') return mode;
			return 'local';
	}
}

/** Short words for a state (the cell shows an icon, these are its label and title). */
export const SAVE_STATE_WORDS: Readonly<Record<SaveState, string>> = {
	saving: 'Saving…',
	local: 'Saved on this device',
	synced: 'Synced',
	offline: 'Saved on this device, waiting for a connection',
	paused: 'Saved on this device; sync paused (see the message above)',
	failed: 'Saved on this device; sync failed, will retry',
	rejected: 'Not accepted by the server',
	conflict: 'Changed by someone else at the same time'
};

/** A glyph per state, never the only cue (always paired with words). Plain Unicode found in every system font: no emoji, which headless and older tablets draw as boxes. */
export const SAVE_STATE_ICONS: Readonly<Record<SaveState, string>> = {
	saving: '…',
	local: '●',
	synced: '✓',
	offline: '○',
	paused: '‖',
	failed: '!',
	rejected: '✕',
	conflict: '⇄'
};

/** "2 min ago", or "never". */
export function ago(ms: number | null, now: number = Date.now()): string {
	if (ms === null) return 'never';
	if (now - ms < 10_000) return 'just now';
	return formatDistanceToNowStrict(ms, { addSuffix: true });
}

/** "14:05" today, "3 Mar 14:05" otherwise. */
export function clockTime(ms: number): string {
	return isToday(ms) ? format(ms, 'HH:mm') : format(ms, 'd MMM HH:mm');
}

/**
 * How long a push or pull runs before the badge says "Syncing…". Most take
 * tens of milliseconds; naming each would blink the header (and cost the next
 * edit a frame) on every keystroke, so only one that keeps going is named.
 */
export const LONG_SYNC_MS = 500;

/** The badge's one-line summary of the engine (`longSync`: a push or pull has run LONG_SYNC_MS). */
export function syncSummary(s: SyncSnapshot | null, longSync = false): string {
	if (!s) return 'Starting…';
	if (s.blocked)
		return s.blocked.status === 426 ? 'Update the app to sync' : 'This device is switched off';
	if (s.phase === 'needsSignIn') return 'Sign in again to sync';
	if (!s.online || s.phase === 'offline') return 'Offline';
	if (longSync && isSyncing(s)) return 'Syncing…';
	if (s.phase === 'backoff') return 'Sync failed, retrying';
	return 'Online';
}

/** Whether a push or pull is running. */
export function isSyncing(s: SyncSnapshot | null): boolean {
	return s?.phase === 'pushing' || s?.phase === 'pulling';
}

/**
 * "3 unsynced" / "All synced". Never "All synced" while the server refused an
 * edit that is kept on this device for the teacher to fix or discard.
 */
export function pendingWords(n: number, refused = 0): string {
	if (n > 0) return `${n} unsynced`;
	return refused > 0 ? 'Nothing waiting to send' : 'All synced';
}
