/**
 * Resident memory of a server process, from /proc (Linux): VmRSS sampled
 * every SAMPLE_INTERVAL_MS while a workload runs, and VmHWM (the kernel's own
 * peak) at the end. Both in MB.
 */
import { readFileSync } from 'node:fs';

const SAMPLE_INTERVAL_MS = 50;

function readStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
		return match ? Number(match[1]) : null;
	} catch {
		return null; // the process has exited, or no /proc
	}
}

const mb = (kb: number): number => Math.round(kb / 102.4) / 10;

/** Samples one process's RSS until stopped. */
export class RssSampler {
	#pid: number;
	#peakKb = 0;
	#timer: ReturnType<typeof setInterval>;

	constructor(pid: number) {
		this.#pid = pid;
		this.#sample();
		this.#timer = setInterval(() => this.#sample(), SAMPLE_INTERVAL_MS);
		this.#timer.unref();
	}

	#sample(): void {
		const kb = readStatusKb(this.#pid, 'VmRSS');
		if (kb !== null && kb > this.#peakKb) this.#peakKb = kb;
	}

	/** Stops sampling: the peak sampled RSS and the process's lifetime peak (VmHWM), in MB. */
	stop(): { peakMb: number; hwmMb: number | null } {
		clearInterval(this.#timer);
		this.#sample();
		const hwm = readStatusKb(this.#pid, 'VmHWM');
		return { peakMb: mb(this.#peakKb), hwmMb: hwm === null ? null : mb(hwm) };
	}
}
