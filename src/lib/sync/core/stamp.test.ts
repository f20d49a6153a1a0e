import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
	clampStamp,
	clampThroughHlc,
	compareStamps,
	createHlcState,
	formatStamp,
	hlcNow,
	hlcReceive,
	isStamp,
	maxStamp,
	parseStamp,
	STAMP_COUNTER_MAX,
	type HlcState
} from './stamp';

const T = 1_767_225_600_000;

describe('formatStamp / parseStamp', () => {
	it('formats the documented example', () => {
		expect(formatStamp(T, 3, 'dev_7f3a')).toBe('1767225600000:00003:dev_7f3a');
	});

	it('round-trips any valid parts', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 0, max: 9_999_999_999_999 }),
				fc.integer({ min: 0, max: STAMP_COUNTER_MAX }),
				fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
				(ms, counter, device) => {
					expect(parseStamp(formatStamp(ms, counter, device))).toEqual({ ms, counter, device });
				}
			)
		);
	});

	it('returns null for malformed stamps', () => {
		for (const bad of [
			'',
			'1767225600000:3:dev',
			'176722560000:00003:dev',
			'1767225600000:00003:',
			'1767225600000:00003:de:v',
			'x',
			42,
			null,
			'1767225600000:000031:dev'
		]) {
			expect(parseStamp(bad)).toBeNull();
			expect(isStamp(bad)).toBe(false);
		}
	});

	it('throws on out-of-range parts (a caller bug)', () => {
		expect(() => formatStamp(-1, 0, 'd')).toThrow(RangeError);
		expect(() => formatStamp(T, STAMP_COUNTER_MAX + 1, 'd')).toThrow(RangeError);
		expect(() => formatStamp(T, 0, 'a:b')).toThrow(RangeError);
	});
});

describe('compareStamps', () => {
	it('orders by time, then counter, then device, exactly like the parts', () => {
		const arb = fc.tuple(
			fc.integer({ min: 0, max: 3 }),
			fc.integer({ min: 0, max: 3 }),
			fc.constantFrom('a', 'b', 'ab')
		);
		fc.assert(
			fc.property(arb, arb, ([m1, c1, d1], [m2, c2, d2]) => {
				const byParts =
					m1 !== m2
						? Math.sign(m1 - m2)
						: c1 !== c2
							? Math.sign(c1 - c2)
							: d1 < d2
								? -1
								: d1 > d2
									? 1
									: 0;
				expect(compareStamps(formatStamp(T + m1, c1, d1), formatStamp(T + m2, c2, d2))).toBe(
					byParts
				);
			})
		);
	});

	it('maxStamp ignores null and undefined', () => {
		const a = formatStamp(T, 0, 'a');
		const b = formatStamp(T, 1, 'a');
		expect(maxStamp(a, null, b, undefined)).toBe(b);
		expect(maxStamp(null, undefined)).toBeNull();
	});
});

describe('hlcNow', () => {
	it('uses the wall clock when it has advanced', () => {
		const { state, stamp } = hlcNow(createHlcState('d'), T);
		expect(stamp).toBe(formatStamp(T, 0, 'd'));
		expect(state).toEqual({ ms: T, counter: 0, device: 'd' });
	});

	it('increments the counter when the wall clock stands still or goes back', () => {
		let s: HlcState = { ms: T, counter: 4, device: 'd' };
		const a = hlcNow(s, T);
		expect(a.stamp).toBe(formatStamp(T, 5, 'd'));
		s = a.state;
		const b = hlcNow(s, T - 10_000);
		expect(b.stamp).toBe(formatStamp(T, 6, 'd'));
	});

	it('borrows the next millisecond when the counter is full', () => {
		const r = hlcNow({ ms: T, counter: STAMP_COUNTER_MAX, device: 'd' }, T);
		expect(r.stamp).toBe(formatStamp(T + 1, 0, 'd'));
	});

	it('never goes backwards whatever the wall clock does', () => {
		fc.assert(
			fc.property(fc.array(fc.integer({ min: T - 5, max: T + 5 }), { maxLength: 60 }), (walls) => {
				let state = createHlcState('d');
				let prev = '';
				for (const w of walls) {
					const r = hlcNow(state, w);
					expect(r.stamp > prev).toBe(true);
					prev = r.stamp;
					state = r.state;
				}
			})
		);
	});
});

describe('hlcReceive', () => {
	it('orders the next local stamp after any received stamp', () => {
		const arbStamp = fc
			.tuple(
				fc.integer({ min: T - 5, max: T + 5 }),
				fc.integer({ min: 0, max: 5 }),
				fc.constantFrom('a', 'z')
			)
			.map(([m, c, d]) => formatStamp(m, c, d));
		fc.assert(
			fc.property(
				fc.array(fc.tuple(arbStamp, fc.integer({ min: T - 5, max: T + 5 }))),
				(events) => {
					let state = createHlcState('m');
					for (const [remote, wall] of events) {
						state = hlcReceive(state, remote, wall);
						const next = hlcNow(state, wall);
						const r = parseStamp(remote)!;
						const n = parseStamp(next.stamp)!;
						// Strictly after in (ms, counter), whatever the device ids.
						expect(n.ms > r.ms || (n.ms === r.ms && n.counter > r.counter)).toBe(true);
						state = next.state;
					}
				}
			)
		);
	});

	it('follows the standard HLC cases', () => {
		const s: HlcState = { ms: T, counter: 2, device: 'm' };
		expect(hlcReceive(s, formatStamp(T, 7, 'x'), T)).toEqual({ ms: T, counter: 8, device: 'm' });
		expect(hlcReceive(s, formatStamp(T - 1, 7, 'x'), T)).toEqual({
			ms: T,
			counter: 3,
			device: 'm'
		});
		expect(hlcReceive(s, formatStamp(T + 5, 7, 'x'), T)).toEqual({
			ms: T + 5,
			counter: 8,
			device: 'm'
		});
		expect(hlcReceive(s, formatStamp(T, 1, 'x'), T + 9)).toEqual({
			ms: T + 9,
			counter: 0,
			device: 'm'
		});
	});

	it('ignores a malformed stamp', () => {
		const s: HlcState = { ms: T, counter: 2, device: 'm' };
		expect(hlcReceive(s, 'garbage', T - 1)).toBe(s);
	});
});

describe('clampStamp', () => {
	it('rewrites a stamp too far ahead to the server time, keeping counter and device', () => {
		const ahead = formatStamp(T + 60_001, 7, 'tab');
		expect(clampStamp(ahead, T, 60_000)).toEqual({
			stamp: formatStamp(T, 7, 'tab'),
			clamped: true
		});
	});

	it('leaves stamps within the bound (and past ones) alone', () => {
		for (const s of [formatStamp(T + 60_000, 7, 'tab'), formatStamp(T - 999_999, 0, 'tab')]) {
			expect(clampStamp(s, T, 60_000)).toEqual({ stamp: s, clamped: false });
		}
	});
});

describe('clampThroughHlc', () => {
	const T = 1_767_225_600_000;
	it('gives stamps ahead of the bound the next server tick, under their own device, in order', () => {
		let state = createHlcState('server');
		const out: string[] = [];
		for (const s of [formatStamp(T + 120_000, 0, 'dev_a'), formatStamp(T + 120_001, 0, 'dev_a')]) {
			const c = clampThroughHlc(state, s, T, 60_000);
			expect(c.clamped).toBe(true);
			state = c.state;
			out.push(c.stamp);
		}
		expect(out).toEqual([formatStamp(T, 0, 'dev_a'), formatStamp(T, 1, 'dev_a')]);
	});

	it('leaves a stamp within the bound as it is, folded into the clock', () => {
		const s = formatStamp(T + 30_000, 4, 'dev_a');
		const c = clampThroughHlc(createHlcState('server'), s, T, 60_000);
		expect(c).toEqual({
			state: { ms: T + 30_000, counter: 5, device: 'server' },
			stamp: s,
			clamped: false
		});
	});
});
