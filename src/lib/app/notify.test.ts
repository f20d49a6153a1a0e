import { describe, expect, it } from 'vitest';
import type { SyncedCollection } from '$lib/sync/core/types';
import type { ChangedCollections } from '$lib/sync/replica';
import { NotifyScheduler, type IdleScheduler } from './notify';

/** An idle scheduler the test runs by hand, recording the deadlines asked for. */
function manualIdle(): {
	idle: IdleScheduler;
	run: () => void;
	queued: () => number;
	timeouts: number[];
} {
	let fns: (() => void)[] = [];
	const timeouts: number[] = [];
	const idle: IdleScheduler = (fn, timeoutMs) => {
		fns.push(fn);
		timeouts.push(timeoutMs);
		return () => (fns = fns.filter((f) => f !== fn));
	};
	return {
		idle,
		run: () => {
			const now = fns;
			fns = [];
			for (const f of now) f();
		},
		queued: () => fns.length,
		timeouts
	};
}

const set = (...c: SyncedCollection[]): ChangedCollections => new Set(c);
const names = (c: ChangedCollections): string[] | null => (c === null ? null : [...c].sort());

describe('NotifyScheduler', () => {
	it('merges the sync loop’s notifications and delivers them once, when idle', () => {
		const got: ChangedCollections[] = [];
		const m = manualIdle();
		const s = new NotifyScheduler((c) => got.push(c), m.idle, 200);
		s.notify(set('results'), false);
		s.notify(set(), false);
		s.notify(set('conflicts'), false);
		expect(got).toEqual([]);
		expect(m.queued()).toBe(1);
		expect(m.timeouts).toEqual([200]);
		m.run();
		expect(got.map(names)).toEqual([['conflicts', 'results']]);
		m.run();
		expect(got).toHaveLength(1);
	});

	it('delivers a local write’s notification at once, with what was waiting', () => {
		const got: ChangedCollections[] = [];
		const m = manualIdle();
		const s = new NotifyScheduler((c) => got.push(c), m.idle);
		s.notify(set('attempts'), false);
		s.notify(set('results'), true);
		expect(got.map(names)).toEqual([['attempts', 'results']]);
		expect(m.queued()).toBe(0);
		m.run();
		expect(got).toHaveLength(1);
	});

	it('keeps "anything may have changed" (null) over later sets', () => {
		const got: ChangedCollections[] = [];
		const m = manualIdle();
		const s = new NotifyScheduler((c) => got.push(c), m.idle);
		s.notify(null, false);
		s.notify(set('results'), false);
		s.flush();
		expect(got).toEqual([null]);
	});

	it('flush with nothing waiting delivers nothing; cancel drops what waits', () => {
		const got: ChangedCollections[] = [];
		const m = manualIdle();
		const s = new NotifyScheduler((c) => got.push(c), m.idle);
		s.flush();
		s.notify(set('results'), false);
		s.cancel();
		m.run();
		s.flush();
		expect(got).toEqual([]);
	});
});
