/**
 * `npm run faults -- [--runs N] [--seed S] [--scenario a,b] [--steps K] [--verbose]`
 *
 * Runs N fault runs in total (default 20), the scenarios taking turns, on one
 * real PocketBase behind the fault proxy; prints the counts per scenario and
 * the seed of every failing run. Replay one with
 * `npm run faults -- --runs 1 --scenario <name> --seed <seed>`.
 * Exits 1 when any count is not zero or a run broke.
 */
import { COUNT_HELP, COUNT_NAMES, zeroCounts, type Counts } from './checks';
import { KNOWN_OPEN } from './known-open';
import {
	RUNS_PER_WORLD,
	failed,
	runScenario,
	runSeed,
	startWorld,
	type FaultWorld,
	type RunResult
} from './run';
import { SCENARIOS, scenarioNamed, type Scenario } from './scenarios';

/** A run that takes longer is stuck: the suite reports it and stops (bounded in time). */
const RUN_LIMIT_MS = 120_000;

function arg(name: string): string | undefined {
	const args = process.argv.slice(2);
	const i = args.indexOf(`--${name}`);
	if (i >= 0) return args[i + 1];
	const eq = args.find((a) => a.startsWith(`--${name}=`));
	return eq?.slice(name.length + 3);
}

function intArg(name: string, fallback: number): number {
	const raw = arg(name);
	if (raw === undefined) return fallback;
	const n = Number(raw);
	if (!Number.isInteger(n) || n < 0)
		throw new Error(`--${name} must be a whole number, not "${raw}"`);
	return n;
}

function table(results: RunResult[], scenarios: Scenario[]): string {
	const head = ['scenario', 'runs', 'faults', 'failed', ...COUNT_NAMES, 'broke', 'ms/run'];
	const rows: string[][] = [];
	const total = zeroCounts();
	let totalRuns = 0;
	let totalFailed = 0;
	let totalBroke = 0;
	let totalFaults = 0;
	for (const s of scenarios) {
		const mine = results.filter((r) => r.scenario === s.name);
		if (mine.length === 0) continue;
		const sum: Counts = zeroCounts();
		for (const r of mine) for (const n of COUNT_NAMES) sum[n] += r.counts[n];
		for (const n of COUNT_NAMES) total[n] += sum[n];
		const broke = mine.filter((r) => r.error !== undefined).length;
		const nFailed = mine.filter(failed).length;
		totalRuns += mine.length;
		totalFailed += nFailed;
		totalBroke += broke;
		const ms = Math.round(mine.reduce((a, r) => a + r.ms, 0) / mine.length);
		const faults = mine.reduce((a, r) => a + r.faults, 0);
		totalFaults += faults;
		rows.push([
			s.name + (Object.keys(KNOWN_OPEN[s.name] ?? {}).length > 0 ? ' *' : ''),
			String(mine.length),
			String(faults),
			String(nFailed),
			...COUNT_NAMES.map((n) => String(sum[n])),
			String(broke),
			String(ms)
		]);
	}
	rows.push([
		'total',
		String(totalRuns),
		String(totalFaults),
		String(totalFailed),
		...COUNT_NAMES.map((n) => String(total[n])),
		String(totalBroke),
		''
	]);
	const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
	const line = (cells: string[]) =>
		'| ' +
		cells
			.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number)))
			.join(' | ') +
		' |';
	return [
		line(head),
		'|' +
			widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') +
			'|',
		...rows.map(line)
	].join('\n');
}

async function main(): Promise<number> {
	const runs = intArg('runs', 20);
	const seed = intArg('seed', Math.floor(Math.random() * 2 ** 31));
	const steps = intArg('steps', 30);
	const verbose = process.argv.includes('--verbose');
	const names = arg('scenario');
	const scenarios = names ? names.split(',').map((n) => scenarioNamed(n.trim())) : SCENARIOS;
	console.log(
		`fault suite: ${runs} runs, seed ${seed}, ${steps} steps, scenarios ${scenarios.map((s) => s.name).join(', ')}`
	);
	// A failure in a background task is the run's, not the suite's: say so and go on.
	process.on('unhandledRejection', (e) =>
		console.error('unhandled rejection (the suite goes on):', e)
	);
	let world: FaultWorld | null = null;
	const results: RunResult[] = [];
	try {
		for (let i = 0; i < runs; i++) {
			if (!world || world.runs >= RUNS_PER_WORLD) {
				await world?.close();
				world = await startWorld();
			}
			const scenario = scenarios[i % scenarios.length] as Scenario;
			const s = runSeed(seed, i);
			let timer: ReturnType<typeof setTimeout> | undefined;
			const limit = new Promise<RunResult>((resolve) => {
				timer = setTimeout(
					() =>
						resolve({
							scenario: scenario.name,
							seed: s,
							counts: zeroCounts(),
							details: [],
							events: [],
							ms: RUN_LIMIT_MS,
							faults: 0,
							error: `the run did not end within ${RUN_LIMIT_MS / 1000} s; the suite stops here`
						}),
					RUN_LIMIT_MS
				);
			});
			const r = await Promise.race([
				runScenario(world, scenario, s, {
					steps,
					...(verbose ? { log: (l: string) => console.log(l) } : {})
				}),
				limit
			]);
			clearTimeout(timer);
			results.push(r);
			if (r.ms >= RUN_LIMIT_MS && r.error) {
				console.log(`run ${i + 1}/${runs} ${scenario.name} seed ${s}: BROKE (${r.error})`);
				break;
			}
			const bad = COUNT_NAMES.filter((n) => r.counts[n] > 0).map((n) => `${n}=${r.counts[n]}`);
			console.log(
				`run ${i + 1}/${runs} ${scenario.name} seed ${s}: ${r.error ? 'BROKE' : bad.length ? 'FAILED ' + bad.join(' ') : 'ok'} (${r.ms} ms)`
			);
			if (verbose || r.error) {
				for (const d of r.details.slice(0, 12)) console.log(`    ${d}`);
				if (r.error) console.log(`    ${r.error.split('\n').slice(0, 40).join('\n    ')}`);
			}
		}
	} finally {
		await world?.close();
	}
	console.log('');
	console.log(table(results, scenarios));
	console.log('');
	console.log(
		'  faults: faults injected (resets, lost answers, doubled pushes, delays, cut streams, kills, stops, restores)'
	);
	for (const n of COUNT_NAMES) console.log(`  ${n}: ${COUNT_HELP[n]}`);
	const knownOpen = scenarios.filter((s) => Object.keys(KNOWN_OPEN[s.name] ?? {}).length > 0);
	if (knownOpen.length > 0) {
		console.log(
			'  * counts known open today (KNOWN_OPEN in tests/faults/known-open.ts; not asserted by npm test):'
		);
		for (const s of knownOpen)
			console.log(`      ${s.name}: ${Object.keys(KNOWN_OPEN[s.name] ?? {}).join(', ')}`);
		const reasons = new Set(knownOpen.flatMap((s) => Object.values(KNOWN_OPEN[s.name] ?? {})));
		for (const r of reasons) console.log(`      - ${r}`);
	}
	const bad = results.filter(failed);
	if (bad.length > 0) {
		console.log('');
		console.log(
			'failing runs (replay: npm run faults -- --runs 1 --scenario <name> --seed <seed>):'
		);
		for (const r of bad) {
			const counts = COUNT_NAMES.filter((n) => r.counts[n] > 0).map((n) => `${n}=${r.counts[n]}`);
			console.log(
				`  ${r.scenario} --seed ${r.seed}: ${r.error ? 'broke: ' + r.error.split('\n')[0] : counts.join(' ')}`
			);
		}
	}
	return bad.length > 0 ? 1 : 0;
}

main().then(
	(code) => process.exit(code),
	(e: unknown) => {
		console.error(e);
		process.exit(2);
	}
);
