// `npm run setup`: what `npm start` and `npm test` do first, on its own —
// the npm dependencies, the PocketBase binary, the hooks' library and the app.
import { setup } from './lib/setup.mjs';

try {
	const bin = setup();
	console.log(
		`\nReady: PocketBase at ${bin}, the app in build/, the hooks' library in pb_hooks/lib/.`
	);
} catch (error) {
	console.error(`\n✘ ${error instanceof Error ? error.message : error}`);
	process.exit(typeof error?.exitCode === 'number' ? error.exitCode : 1);
}
