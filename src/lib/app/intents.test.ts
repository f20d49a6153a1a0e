import { describe, expect, it } from 'vitest';
import { Intents } from './intents';

describe('Intents', () => {
	it('builds a second press on the first request until that request settles', () => {
		const intents = new Intents();
		expect(intents.current('cell', null)).toBeNull();
		intents.ask('cell', 1);
		// The screen still shows the old value; the next press sees the request.
		expect(intents.current('cell', null)).toBe(1);
		intents.ask('cell', 0);
		// The first request settling does not hide the later one.
		intents.settle('cell', 1);
		expect(intents.current('cell', null)).toBe(0);
		intents.settle('cell', 0);
		expect(intents.current('cell', 0)).toBe(0);
		expect(intents.current('cell', 1)).toBe(1);
	});

	it('keeps cells apart', () => {
		const intents = new Intents();
		intents.ask('a', 1);
		expect(intents.current('b', 'shown')).toBe('shown');
	});
});
