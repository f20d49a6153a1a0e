/**
 * KNOWN_OPEN: the counts each fault scenario shows on today's main because of
 * bugs being fixed on other branches (issue 10), with the bug. The npm-test
 * part (tests/integration/faults.test.ts) reports these counts instead of
 * asserting them; every other count of every scenario is asserted zero.
 * `npm run faults` counts everything and marks these scenarios `*`.
 *
 * When a fix is merged, delete its entries here (and the scenario's line once
 * it is empty); the checks themselves are never relaxed. Measured on main at
 * cede58b (`npm run faults -- --runs 100 --seed 20261201`), which has the
 * fixes of issue 10 #1–#4 (on 569b106, before them, every scenario showed
 * lostNoNotice, and drop-answer/twice/sigstop/clocks refusedAsSynced,
 * office-race ackLost, clocks reordered).
 */
import type { CountName } from './checks';

const NO_EPOCH =
	'issue 10 #7: no epoch/reset: after a restore acknowledged ops are gone, never re-sent, replicas keep what the server lost, and notices made after the backup are gone';

export const KNOWN_OPEN: Record<string, Partial<Record<CountName, string>>> = {
	restore: { ackLost: NO_EPOCH, replicaDiff: NO_EPOCH, lostNoNotice: NO_EPOCH }
};
