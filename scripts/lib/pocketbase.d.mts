import type { ChildProcess } from 'node:child_process';

export const PROJECT_ROOT: string;
export const MIGRATIONS_DIR: string;
export const HOOKS_DIR: string;
export const PUBLIC_DIR: string;
export function pinnedVersion(): string;
export function ensurePocketBaseBinary(options?: { log?: (message: string) => void }): string;
export function buildPocketBase(options: {
	output: string;
	goarch?: string;
	version?: string;
}): void;
export function freePort(): Promise<number>;
export function runPocketBase(args: string[], options?: { bin?: string }): string;
export function dirFlags(dataDir: string, options?: { publicDir?: string }): string[];
export interface RunningPocketBase {
	url: string;
	port: number;
	dataDir: string;
	process: ChildProcess;
	output(): string;
	stop(): Promise<void>;
}
export function startPocketBase(options: {
	port?: number;
	host?: string;
	dataDir: string;
	publicDir?: string;
	superuser?: { email: string; password: string };
	stdio?: 'inherit' | 'pipe' | 'ignore';
	env?: Record<string, string>;
}): Promise<RunningPocketBase>;
