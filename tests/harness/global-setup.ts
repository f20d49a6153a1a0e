// Runs once before the integration workers start: build what every test file
// needs (the PocketBase binary, the hooks' shared library, the app when
// missing: `serve` refuses to start without one) so that parallel files don't
// race to build it.
import { execFileSync } from 'node:child_process';
import { ensurePocketBaseBinary, PROJECT_ROOT } from '../../scripts/lib/pocketbase.mjs';
import { ensureAppBuilt } from '../../scripts/lib/setup.mjs';

export default function setup(): void {
	ensurePocketBaseBinary();
	execFileSync(process.execPath, ['scripts/build-hooks.mjs'], {
		cwd: PROJECT_ROOT,
		stdio: 'inherit'
	});
	ensureAppBuilt();
}
