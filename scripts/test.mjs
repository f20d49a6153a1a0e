// `npm test`: every layer, on a fresh clone, with nothing done first.
//   checks (svelte-check, ESLint) → unit → integration (real PocketBase)
//   → browser (Playwright in Debian's Chromium against the built app served
//   by a real PocketBase). Ends with one "N passed, N failed" line.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, setup } from './lib/setup.mjs';
import { PROJECT_ROOT } from './lib/pocketbase.mjs';

const REPORTS = join(PROJECT_ROOT, 'test-results', 'reports');
const started = Date.now();
const totals = { passed: 0, failed: 0, skipped: 0 };

const step = (name, fn) => {
	const t0 = Date.now();
	console.log(`\n▶ ${name}`);
	fn();
	console.log(`✔ ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
};

/** A JSON report, or null when the runner died before writing it. */
function readReport(file) {
	try {
		return JSON.parse(readFileSync(file, 'utf8'));
	} catch {
		return null;
	}
}

/** Adds a Vitest JSON report's counts to the totals. */
function countVitest(file) {
	const report = readReport(file);
	if (!report) return;
	totals.passed += report.numPassedTests;
	totals.failed += report.numFailedTests;
	totals.skipped += report.numPendingTests + report.numTodoTests;
}

/** Adds a Playwright JSON report's counts to the totals. */
function countPlaywright(file) {
	const stats = readReport(file)?.stats;
	if (!stats) return;
	totals.passed += stats.expected + stats.flaky;
	totals.failed += stats.unexpected;
	totals.skipped += stats.skipped;
}

const vitest = (project) => {
	const file = join(REPORTS, `vitest-${project}.json`);
	try {
		run('npx', [
			'vitest',
			'run',
			'--project',
			project,
			'--reporter=default',
			'--reporter=json',
			`--outputFile.json=${file}`
		]);
	} finally {
		countVitest(file);
	}
};

try {
	mkdirSync(REPORTS, { recursive: true });
	step('setup: dependencies, PocketBase, hooks library, app build', () => setup());
	step('checks: svelte-check and ESLint', () => run('npm', ['run', '--silent', 'check']));
	step('unit tests (Vitest)', () => vitest('unit'));
	step('integration tests (Vitest, real PocketBase)', () => vitest('integration'));
	step('browser tests (Playwright, Chromium)', () => {
		const file = join(REPORTS, 'playwright.json');
		try {
			run('npx', ['playwright', 'test', '--reporter=list,json'], {
				env: { PLAYWRIGHT_JSON_OUTPUT_NAME: file }
			});
		} finally {
			countPlaywright(file);
		}
	});
	console.log(`\nAll test layers passed in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
	console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
} catch (error) {
	console.error(`\n✘ ${error instanceof Error ? error.message : error}`);
	console.log(
		`${totals.passed} passed, ${Math.max(totals.failed, 1)} failed, ${totals.skipped} skipped`
	);
	process.exit(typeof error?.exitCode === 'number' ? error.exitCode : 1);
}
