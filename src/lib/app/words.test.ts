import { describe, expect, test } from 'vitest';
import { pendingWords } from './words';

describe('pendingWords', () => {
	test('never says "All synced" while a refused edit waits on the device', () => {
		expect(pendingWords(0)).toBe('All synced');
		expect(pendingWords(3)).toBe('3 unsynced');
		expect(pendingWords(0, 1)).toBe('Nothing waiting to send');
		expect(pendingWords(2, 1)).toBe('2 unsynced');
	});
});
