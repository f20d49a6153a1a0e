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
 * only lostNoNotice: the reset re-sent the winning edit with base = the
 * stamp the restored server held, so the notice the restore took was never
 * made again. Since then a re-sent edit over a colleague's value goes as
 * concurrent (src/lib/sync/reset.ts), which halved the count. The rest: a
 * loser answered `superseded` after the backup kept its value nowhere (not
 * in the replica, not in the outbox), so the notice the restore took was
 * never made again; the device now keeps such ops and a reset sends them
 * again under their own ids (src/lib/sync/lost.ts); and a loser APPLIED and
 * then overwritten by a colleague's concurrent edit, both after the backup,
 * was in neither: the replica keeps such displaced values too, and a reset
 * sends them again unless the restored server still holds their notice.
 * Nothing is open now.
 */
import type { CountName } from './checks';

export const KNOWN_OPEN: Record<string, Partial<Record<CountName, string>>> = {};
