/**
 * Retry delays: exponential backoff with "full jitter" (a uniform delay between
 * 0 and the cap), so many devices coming back at once do not retry in step.
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
import type { Random } from './ports';

/** Cap of the first retry. */
export const RETRY_BASE_DELAY_MS = 1_000;
/** Largest cap: retries never wait longer than this. */
export const RETRY_MAX_DELAY_MS = 60_000;

/** The cap for the `attempt`-th consecutive failure (1-based): 1 s, 2 s, 4 s … 60 s. */
export function backoffCap(attempt: number): number {
	const exp = Math.max(0, Math.min(attempt - 1, 30));
	return Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** exp);
}

/** A delay in [0, backoffCap(attempt)) drawn from `random`. */
export function backoffDelay(attempt: number, random: Random): number {
	return Math.floor(random.next() * backoffCap(attempt));
}
