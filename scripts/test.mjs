// `npm test`: every layer, on a fresh clone, with nothing done first.
//   checks (svelte-check, ESLint) → unit → integration (real PocketBase)
//   → browser (Playwright in Debian's Chromium against the built app served
//   by a real PocketBase).
import { run, setup } from './lib/setup.mjs';

const started = Date.now();
const step = (name, fn) => {
	const t0 = Date.now();
	console.log(`\n▶ ${name}`);
	fn();
	console.log(`✔ ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
};

try {
	step('setup: dependencies, PocketBase, hooks library, app build', () => setup());
	step('checks: svelte-check and ESLint', () => run('npm', ['run', '--silent', 'check']));
	step('unit tests (Vitest)', () => run('npx', ['vitest', 'run', '--project', 'unit']));
	step('integration tests (Vitest, real PocketBase)', () => run('npx', ['vitest', 'run', '--project', 'integration']));
	step('browser tests (Playwright, Chromium)', () => run('npx', ['playwright', 'test']));
	console.log(`\nAll test layers passed in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
} catch (error) {
	console.error(`\n✘ ${error instanceof Error ? error.message : error}`);
	process.exit(typeof error?.exitCode === 'number' ? error.exitCode : 1);
}
