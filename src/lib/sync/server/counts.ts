/**
 * A device's outbox counts, as its push (body) and pull (query) carry them:
 * `pending` (ops not yet accepted) and `failed` (rejected ops kept for the
 * teacher). Both optional: an app from before they were sent sends neither,
 * and its row keeps what it last reported. A bad count refuses the whole
 * request before anything is read or written.
 */
import { DEVICE_COUNT_MAX } from '../core/types';

export interface DeviceCounts {
	pending?: number;
	failed?: number;
}

const COUNT_FIELDS = ['pending', 'failed'] as const;

const refusal = (field: string): string =>
	`"${field}" must be a whole number from 0 to ${DEVICE_COUNT_MAX} (how many of this device's changes are ${
		field === 'pending' ? 'not yet accepted' : 'refused and kept'
	}).`;

/** The counts of a push body; a message naming the bad field otherwise. */
export function countsOfBody(body: { [key: string]: unknown }): DeviceCounts | { message: string } {
	const counts: DeviceCounts = {};
	for (const field of COUNT_FIELDS) {
		if (!(field in body)) continue;
		const v = body[field];
		if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > DEVICE_COUNT_MAX)
			return { message: refusal(field) };
		counts[field] = v;
	}
	return counts;
}

/** The counts of a pull's query (strings; empty means absent, as for `since`). */
export function countsOfQuery(query: {
	[key: string]: string | undefined;
}): DeviceCounts | { message: string } {
	const counts: DeviceCounts = {};
	for (const field of COUNT_FIELDS) {
		const raw = query[field];
		if (raw === undefined || raw === '') continue;
		const n = /^\d{1,7}$/.test(raw) ? Number(raw) : -1;
		if (n < 0 || n > DEVICE_COUNT_MAX) return { message: refusal(field) };
		counts[field] = n;
	}
	return counts;
}
