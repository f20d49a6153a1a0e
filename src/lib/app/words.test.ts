import { describe, expect, test } from 'vitest';
import { IDLE_SNAPSHOT, type SyncSnapshot } from '$lib/sync/client';
import { pendingWords, saveStateIn, syncSummary } from './words';

describe('pendingWords', () => {
	test('never says "All synced" while a refused edit waits on the device', () => {
		expect(pendingWords(0)).toBe('All synced');
		expect(pendingWords(3)).toBe('3 unsynced');
		expect(pendingWords(0, 1)).toBe('Nothing waiting to send');
		expect(pendingWords(2, 1)).toBe('2 unsynced');
	});
});

const snapshot = (phase: SyncSnapshot['phase']): SyncSnapshot => ({
	...IDLE_SNAPSHOT,
	phase,
	pendingCount: 1
});

describe('syncSummary', () => {
	test('names a push or pull only once it has run long (no blink on every edit)', () => {
		expect(syncSummary(snapshot('pushing'))).toBe('Online');
		expect(syncSummary(snapshot('pulling'), false)).toBe('Online');
		expect(syncSummary(snapshot('pushing'), true)).toBe('Syncing…');
		expect(syncSummary(snapshot('idle'), true)).toBe('Online');
		expect(syncSummary(snapshot('backoff'), true)).toBe('Sync failed, retrying');
		expect(syncSummary({ ...snapshot('pushing'), online: false }, true)).toBe('Offline');
	});
});

describe('saveStateIn', () => {
	test('an edit a push is carrying reads "saved on this device" until the server has it', () => {
		const pending = { status: 'pending', syncedAt: null } as const;
		expect(saveStateIn({ ...pending, inflight: true }, 'online')).toBe('local');
		expect(saveStateIn(pending, 'online')).toBe('local');
		expect(saveStateIn({ ...pending, inflight: true }, 'offline')).toBe('offline');
		expect(saveStateIn({ status: 'synced', syncedAt: 1 }, 'online')).toBe('synced');
	});
});
