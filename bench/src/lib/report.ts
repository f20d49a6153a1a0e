/** The table printed at the end and the shape of bench/results.json. */

/** One line of the table: a figure of ours, optionally against a peer, and its target. */
export interface Row {
	workload: string;
	/** What is measured, with its unit, e.g. "5,000 edits flushed (ms)". */
	metric: string;
	ours: number | null;
	peer?: string;
	theirs?: number | null;
	/** e.g. "theirs/ours = 12.3× (higher: ours faster)". */
	ratio?: string;
	target: string;
	met: boolean | null;
	note?: string;
}

/** What one workload reports. */
export interface WorkloadResult {
	name: string;
	skipped?: string;
	sizes: Record<string, number | string>;
	/** Every sample per system (ms unless the key says otherwise). */
	samples: Record<string, number[]>;
	medians: Record<string, number>;
	/** Correctness checks and other facts (counts of lost edits, RSS…). */
	facts: Record<string, unknown>;
	rows: Row[];
}

const fmt = (n: number | null | undefined): string =>
	n === null || n === undefined || Number.isNaN(n)
		? '–'
		: n >= 100
			? Math.round(n).toLocaleString('en')
			: String(Math.round(n * 10) / 10);

/** "theirs/ours = 4.2×": how many times faster ours is when `lowerIsBetter`. */
export function speedRatio(ours: number, theirs: number): { value: number; text: string } {
	const value = Math.round((theirs / ours) * 100) / 100;
	const plain =
		value >= 1
			? `ours ${value}× faster`
			: `ours ${Math.round((ours / theirs) * 100) / 100}× slower`;
	return { value, text: `theirs/ours = ${value}× (${plain})` };
}

export function printTable(rows: Row[]): void {
	const header = ['workload', 'metric', 'ours', 'peer', 'theirs', 'ratio', 'target', 'met'];
	const lines = rows.map((r) => [
		r.workload,
		r.metric,
		fmt(r.ours),
		r.peer ?? '',
		r.peer ? fmt(r.theirs) : '',
		r.ratio ?? '',
		r.target,
		r.met === null ? 'n/a' : r.met ? 'met' : 'NOT met'
	]);
	const widths = header.map((h, i) =>
		Math.max(h.length, ...lines.map((l) => (l[i] as string).length))
	);
	const line = (cells: string[]): string =>
		cells.map((c, i) => c.padEnd(widths[i] as number)).join(' │ ');
	console.log('\n' + line(header));
	console.log(widths.map((w) => '─'.repeat(w)).join('─┼─'));
	for (const l of lines) console.log(line(l));
	const notes = rows.filter((r) => r.note);
	if (notes.length > 0) {
		console.log('\nNotes:');
		for (const r of notes)
			console.log(`- ${r.workload} / ${r.metric}${r.peer ? ` vs ${r.peer}` : ''}: ${r.note}`);
	}
}
