/**
 * What the bench and the peers' server processes share: the shape of a
 * result document (the same fields Markbook's `results` row has, minus the
 * server-derived ones), and how a server process reports that it is up.
 *
 * Each peer server runs in a child process of its own so that its resident
 * memory can be read from /proc like PocketBase's.
 */

/** A result as the peers store it: one document per (student, class, assessment, period). */
export interface ResultDoc {
	/** resultId(student, class, assessment, period): the same natural-key id Markbook uses. */
	id: string;
	student: string;
	class: string;
	assessment: string;
	period: string;
	/** component → value, as in Markbook's `values`. */
	values: Record<string, number>;
	/**
	 * component → stamp of its value (`<13-digit ms>:<5-digit counter>:<client>`),
	 * so the peers' conflict resolution can merge field by field with
	 * last-writer-wins, the rule Markbook applies. Without it a conflict keeps
	 * one whole document and drops the other's edits.
	 */
	stamps: Record<string, string>;
}

/** Merges two versions of a result field by field: the later stamp wins per component. */
export function mergeFieldLww(a: ResultDoc, b: ResultDoc): ResultDoc {
	const values: Record<string, number> = { ...a.values };
	const stamps: Record<string, string> = { ...a.stamps };
	for (const key of Object.keys(b.stamps)) {
		const theirs = b.stamps[key] as string;
		const mine = stamps[key];
		if (mine === undefined || theirs > mine) {
			stamps[key] = theirs;
			values[key] = b.values[key] as number;
		}
	}
	return { ...a, values, stamps };
}

/** A stamp for a peer's edit, in Markbook's format (sorts in time order as a string). */
export function peerStamp(ms: number, counter: number, client: string): string {
	return `${String(ms).padStart(13, '0')}:${String(counter).padStart(5, '0')}:${client}`;
}

/** The line a server process prints on stdout once it listens. */
export const READY_PREFIX = 'BENCH_SERVER_READY ';

/** Request header carrying the classes a peer client may see (the bench trusts it). */
export const CLASSES_HEADER = 'x-bench-classes';
