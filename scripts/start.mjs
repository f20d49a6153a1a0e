// `npm start`: from a fresh clone to the app with a demo school, on one port.
//   PORT (default 8090), HOST (default 127.0.0.1; 0.0.0.0 to reach it from a
//   tablet on the same network), PB_DATA_DIR (default pb_data), PB_BIN.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setup } from './lib/setup.mjs';

const started = Date.now();
setup();

const { PROJECT_ROOT, startPocketBase } = await import('./lib/pocketbase.mjs');
const { DEMO_SUPERUSER, DEMO_USERS, seedDemoSchool } = await import('./lib/seed.mjs');

const port = Number(process.env.PORT ?? 8090);
const host = process.env.HOST ?? '127.0.0.1';
const dataDir = resolve(PROJECT_ROOT, process.env.PB_DATA_DIR ?? 'pb_data');
const firstRun = !existsSync(join(dataDir, 'data.db'));
const shown = host === '0.0.0.0' ? `http://localhost:${port}` : `http://${host}:${port}`;

const server = await startPocketBase({
	port,
	host,
	dataDir,
	stdio: 'inherit',
	// The demo school's first-run settings (pocketbase/firstrun.go), so the
	// server does not stop to ask for them; the environment still wins.
	env: {
		MARKBOOK_SCHOOL_NAME: process.env.MARKBOOK_SCHOOL_NAME ?? 'Markbook Demo School',
		MARKBOOK_PUBLIC_URL: process.env.MARKBOOK_PUBLIC_URL ?? shown,
		MARKBOOK_OFFICE_EMAIL: process.env.MARKBOOK_OFFICE_EMAIL ?? DEMO_SUPERUSER.email
	},
	// Only on the first run: a second start must not reset a password the
	// office has since changed in the admin UI.
	...(firstRun ? { superuser: DEMO_SUPERUSER } : {})
});
const stop = () => void server.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

const seeded = await seedDemoSchool(server.url);
const pad = (s, n) => s.padEnd(n);
console.log(`
Markbook is running (ready in ${((Date.now() - started) / 1000).toFixed(1)} s; ${seeded.created ? 'demo school seeded' : 'demo school already there'}).

  App        ${shown}/
  Admin UI   ${shown}/_/
  API        ${shown}/api/
  Data dir   ${dataDir}

Demo logins (app):
${DEMO_USERS.map((u) => `  ${pad(u.name + ' (' + u.role + ')', 30)} ${pad(u.email, 34)} ${u.password}`).join('\n')}
Office (admin UI, superuser):
  ${pad('Office', 30)} ${pad(DEMO_SUPERUSER.email, 34)} ${firstRun ? DEMO_SUPERUSER.password : '(as set on the first run)'}

Press Ctrl+C to stop.`);
