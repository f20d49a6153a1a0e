/** What every workload gets from the runner. */
export interface BenchContext {
	/** Small sizes, one or two runs: a smoke test of the whole suite in a minute or two. */
	quick: boolean;
	/** Runs per measurement (the median is reported). */
	runs: number;
	log(message: string): void;
}

/** Peak server memory seen by the workloads 1–3, per server, in MB. */
export const serverPeaks: Record<
	string,
	{ peakMb: number; hwmMb: number | null; workload: string }[]
> = {};

export function recordPeak(
	server: string,
	workload: string,
	peak: { peakMb: number; hwmMb: number | null }
): void {
	(serverPeaks[server] ??= []).push({ workload, ...peak });
}
