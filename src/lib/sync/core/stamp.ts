/**
 * Hybrid logical clock (HLC) stamps: `<13-digit ms>:<5-digit counter>:<device>`.
 *
 * Fixed-width, zero-padded numbers make plain string order equal time order
 * (ms, then counter, then device id as the deterministic tie-break), so stamps
 * can be compared, sorted and stored as strings everywhere, SQLite included.
 *
 * Pure: wall-clock time is always a parameter, never read here.
 */
import type { Stamp } from './types';

/** Width of the wall-clock part; 13 digits last until the year 2286. */
export const STAMP_MS_DIGITS = 13;
/** Width of the logical counter. */
export const STAMP_COUNTER_DIGITS = 5;
/** Largest counter a stamp can carry; past it the clock borrows the next ms. */
export const STAMP_COUNTER_MAX = 99_999;
/** Largest wall-clock ms that fits in 13 digits. */
export const STAMP_MS_MAX = 9_999_999_999_999;

/**
 * Device ids: letters, digits, `_` and `-`, up to 64 characters. No `:`, which
 * separates the stamp's parts.
 */
const DEVICE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const STAMP_PATTERN = /^(\d{13}):(\d{5}):([A-Za-z0-9_-]{1,64})$/;

/**
 * Device ids the server writes under itself — its own clock (`server`), edits
 * made outside the app (`rest-api`, `admin-ui:<email>`, `anonymous`) — and a
 * few kept for it. A device may not register or use one: its stamps and audit
 * rows would pass for the server's. The one list; push, pull and status check it.
 */
export const RESERVED_DEVICE_IDS: readonly string[] = [
	'server',
	'rest-api',
	'anonymous',
	'system',
	'office',
	'external'
];
/** Any device id starting with one of these is reserved too (`admin-ui:<email>`, `admin-ui-…`). */
export const RESERVED_DEVICE_PREFIXES: readonly string[] = ['admin-ui'];

/** Whether `device` is one of the server's own device ids (case-insensitive). */
export function isReservedDeviceId(device: string): boolean {
	const lower = device.toLowerCase();
	if (RESERVED_DEVICE_IDS.indexOf(lower) >= 0) return true;
	return RESERVED_DEVICE_PREFIXES.some((p) => lower.indexOf(p) === 0);
}

/** Whether `device` can be a device's id: well formed and not reserved for the server. */
export function isClientDeviceId(device: unknown): device is string {
	return isDeviceId(device) && !isReservedDeviceId(device);
}

/** A stamp taken apart. */
export interface ParsedStamp {
	ms: number;
	counter: number;
	device: string;
}

/** The state a device (or the server) keeps for its clock. */
export type HlcState = { ms: number; counter: number; device: string };

/** Whether `device` can be the device part of a stamp. */
export function isDeviceId(device: unknown): device is string {
	return typeof device === 'string' && DEVICE_ID_PATTERN.test(device);
}

function pad(n: number, width: number): string {
	let s = String(n);
	while (s.length < width) s = '0' + s;
	return s;
}

/**
 * Builds a stamp. Out-of-range parts are a bug in the caller (the HLC functions
 * never produce them), so they throw rather than return a code.
 */
export function formatStamp(ms: number, counter: number, device: string): Stamp {
	if (!Number.isInteger(ms) || ms < 0 || ms > STAMP_MS_MAX) {
		throw new RangeError(`stamp ms out of range: ${ms}`);
	}
	if (!Number.isInteger(counter) || counter < 0 || counter > STAMP_COUNTER_MAX) {
		throw new RangeError(`stamp counter out of range: ${counter}`);
	}
	if (!isDeviceId(device)) throw new RangeError(`bad device id for a stamp: ${device}`);
	return pad(ms, STAMP_MS_DIGITS) + ':' + pad(counter, STAMP_COUNTER_DIGITS) + ':' + device;
}

/** Takes a stamp apart; null when it is not a well-formed stamp. */
export function parseStamp(stamp: unknown): ParsedStamp | null {
	if (typeof stamp !== 'string') return null;
	const m = STAMP_PATTERN.exec(stamp);
	if (!m) return null;
	return { ms: Number(m[1]), counter: Number(m[2]), device: m[3] as string };
}

/** Whether `value` is a well-formed stamp. */
export function isStamp(value: unknown): value is Stamp {
	return typeof value === 'string' && STAMP_PATTERN.test(value);
}

/** -1, 0 or 1. String order is time order; the device id breaks ties. */
export function compareStamps(a: Stamp, b: Stamp): -1 | 0 | 1 {
	return a < b ? -1 : a > b ? 1 : 0;
}

/** The latest of the given stamps, ignoring null/undefined; null if none. */
export function maxStamp(...stamps: (Stamp | null | undefined)[]): Stamp | null {
	let best: Stamp | null = null;
	for (const s of stamps) {
		if (typeof s === 'string' && (best === null || s > best)) best = s;
	}
	return best;
}

/** A fresh clock for `device`, before any event. */
export function createHlcState(device: string): HlcState {
	return { ms: 0, counter: 0, device };
}

// Keeps (ms, counter) representable: a counter overflow borrows the next
// millisecond instead, which is still monotonic and still a valid stamp.
function normalise(device: string, ms: number, counter: number): HlcState {
	if (counter > STAMP_COUNTER_MAX) return { ms: ms + 1, counter: 0, device };
	return { ms, counter, device };
}

/**
 * Stamps a local event. Never goes backwards: when the wall clock has not
 * advanced past the clock's time (or went back), the counter increments.
 */
export function hlcNow(state: HlcState, wallMs: number): { state: HlcState; stamp: Stamp } {
	const wall = Math.floor(wallMs);
	const next =
		wall > state.ms
			? normalise(state.device, wall, 0)
			: normalise(state.device, state.ms, state.counter + 1);
	return { state: next, stamp: formatStamp(next.ms, next.counter, next.device) };
}

/**
 * Folds a stamp received from elsewhere into the clock (standard HLC receive),
 * so the next local stamp orders after it. A malformed stamp leaves the state as
 * it was. Far-future stamps are not filtered here: the server clamps them
 * before anyone can receive them (see clampStamp).
 */
export function hlcReceive(state: HlcState, remoteStamp: Stamp, wallMs: number): HlcState {
	const remote = parseStamp(remoteStamp);
	if (!remote) return state;
	const wall = Math.floor(wallMs);
	const ms = Math.max(state.ms, remote.ms, wall);
	let counter: number;
	if (ms === state.ms && ms === remote.ms) counter = Math.max(state.counter, remote.counter) + 1;
	else if (ms === state.ms) counter = state.counter + 1;
	else if (ms === remote.ms) counter = remote.counter + 1;
	else counter = 0;
	return normalise(state.device, ms, counter);
}

/**
 * Rewrites a stamp that runs more than `maxAheadMs` ahead of the server's
 * clock to `serverNowMs` (keeping its counter and device), so one tablet with
 * a wrong date cannot win every later conflict. A malformed stamp is returned
 * as is (validation refuses it first).
 */
export function clampStamp(
	stamp: Stamp,
	serverNowMs: number,
	maxAheadMs: number
): { stamp: Stamp; clamped: boolean } {
	const parsed = parseStamp(stamp);
	const now = Math.floor(serverNowMs);
	if (!parsed || parsed.ms <= now + maxAheadMs) return { stamp, clamped: false };
	return { stamp: formatStamp(now, parsed.counter, parsed.device), clamped: true };
}

/**
 * Clamps a stamp that runs more than `maxAheadMs` ahead of the server through
 * the server's HLC: the new stamp is the clock's next tick, under the stamp's
 * own device id. So each clamped stamp is strictly later than every stamp the
 * server made or received before it, and two edits of one device, clamped one
 * after the other, keep their order (tap on, tap off: the later still wins).
 * A stamp within the bound is only folded into the clock. Returns the new state.
 */
export function clampThroughHlc(
	state: HlcState,
	stamp: Stamp,
	serverNowMs: number,
	maxAheadMs: number
): { state: HlcState; stamp: Stamp; clamped: boolean } {
	const parsed = parseStamp(stamp);
	if (!parsed || parsed.ms <= Math.floor(serverNowMs) + maxAheadMs) {
		return { state: hlcReceive(state, stamp, serverNowMs), stamp, clamped: false };
	}
	const next = hlcNow(state, serverNowMs);
	return {
		state: next.state,
		stamp: formatStamp(next.state.ms, next.state.counter, parsed.device),
		clamped: true
	};
}
