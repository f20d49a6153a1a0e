/**
 * KNOWN_OPEN: the counts a fault scenario still shows on today's main, with
 * why. The npm-test part (tests/integration/faults.test.ts) reports these
 * counts instead of asserting them; every other count of every scenario is
 * asserted zero. `npm run faults` counts everything and marks these
 * scenarios `*`.
 *
 * When a fix is merged, delete its entries here (and the scenario's line once
 * it is empty); the checks themselves are never relaxed.
 *
 * History (`npm run faults -- --runs 100 --seed 20261201`): on main at 569b106
 * every scenario showed lostNoNotice (issue 10 #2); drop-answer, twice,
 * sigstop and clocks refusedAsSynced (#1); office-race ackLost (#3); clocks
 * reordered and ackLost (#4); restore ackLost and replicaDiff (#7). At cede58b
 * (#1–#4 merged) only restore failed; at a76884c and eb41ac8 (epoch merged) restore shows
 * only the entry below.
 */
import type { CountName } from './checks';

const RESENT_WITHOUT_NOTICE =
	'after a restore the conflicts row made for a lost value is gone with the restored data, and the reset re-sends the winning edit with base = the stamp the server now holds (src/lib/sync/reset.ts), so the server never makes the notice again';

export const KNOWN_OPEN: Record<string, Partial<Record<CountName, string>>> = {
	restore: { lostNoNotice: RESENT_WITHOUT_NOTICE }
};
