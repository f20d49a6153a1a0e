/** What the results were measured on: the machine, the runtime and the commit. */
import { execSync } from 'node:child_process';
import { cpus, freemem, loadavg, totalmem, release } from 'node:os';
import { pinnedVersion } from '../../../scripts/lib/pocketbase.mjs';

export interface MachineInfo {
	cpu: string;
	cores: number;
	memoryGb: number;
	freeMemoryGb: number;
	loadAverage: number[];
	kernel: string;
	node: string;
	pocketbase: string;
	gitCommit: string;
	gitDirty: boolean;
}

function git(args: string): string {
	try {
		return execSync(`git ${args}`, {
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'ignore']
		}).trim();
	} catch {
		return 'unknown';
	}
}

export function machineInfo(): MachineInfo {
	const gb = (b: number): number => Math.round(b / 1e8) / 10;
	return {
		cpu: cpus()[0]?.model ?? 'unknown',
		cores: cpus().length,
		memoryGb: gb(totalmem()),
		freeMemoryGb: gb(freemem()),
		loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
		kernel: release(),
		node: process.version,
		pocketbase: pinnedVersion(),
		gitCommit: git('rev-parse HEAD'),
		gitDirty: git('status --porcelain') !== ''
	};
}
