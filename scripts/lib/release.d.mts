export const RELEASE_ARCHES: string[];
export const DEPLOY_FILES: string[];
export function releaseVersion(): string;
export function releaseName(arch: string, version?: string): string;
export function packRelease(options?: {
	arches?: string[];
	outDir?: string;
	log?: (line: string) => void;
}): string[];
