/**
 * The benchmark suite (issue 5): `npm run bench [-- --quick] [-- --only a,b] [-- --runs N]`.
 * scripts/bench.mjs installs the peers, does the setup and bundles this file.
 *
 * Workloads: flush (1), fanout (2), churn (3), coldstart (4), local-edit (5);
 * server memory (6) is sampled during 1–3. Prints a table and writes
 * bench/results.json. See bench/README.md.
 */
import 'fake-indexeddb/auto';
import { EventSource } from 'eventsource';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../scripts/lib/pocketbase.mjs';
import { type BenchContext, serverPeaks } from './lib/context';
import { machineInfo, type MachineInfo } from './lib/machine';
import { printTable, type Row, type WorkloadResult } from './lib/report';
import { flushWorkload } from './workloads/flush';
import { fanoutWorkload } from './workloads/fanout';
import { churnWorkload } from './workloads/churn';
import { coldStartWorkload } from './workloads/coldstart';
import { localEditWorkload } from './workloads/local-edit';

// Node 20 has no EventSource; the PocketBase SDK's realtime needs one.
(globalThis as { EventSource?: unknown }).EventSource ??= EventSource;

const WORKLOADS: Record<string, (ctx: BenchContext) => Promise<WorkloadResult>> = {
	flush: flushWorkload,
	fanout: fanoutWorkload,
	churn: churnWorkload,
	coldstart: coldStartWorkload,
	'local-edit': localEditWorkload
};

/** How each system is set up, stated in the output (the issue asks for it). */
const DURABILITY = {
	servers: {
		markbook: 'PocketBase v0.39 (pb_hooks), SQLite on disk (WAL), temporary data dir',
		rest: 'the same PocketBase, its REST API (records go through the same hooks)',
		rxdb: 'rxdb-server over RxDB storage-memory: NOT durable. The free storages in Node are memory, the SQLite trial (capped at ~500 docs) and Dexie on fake-indexeddb (memory too). This favours RxDB.',
		pouchdb: 'express-pouchdb over pouchdb-node, LevelDB (leveldown) on disk, temporary data dir'
	},
	clients:
		'All clients in memory for the comparisons: Markbook createMemoryStorage, RxDB storage-memory, PouchDB adapter-memory. Node has no real IndexedDB (fake-indexeddb is an in-memory imitation with its own overheads), and memory is the one class all three offer, so the comparison measures protocol and server. Markbook is also measured with localforage on fake-indexeddb (flush note, cold start).'
};

function parseArgs(argv: string[]): { quick: boolean; only: string[]; runs: number | null } {
	const value = (flag: string): string | undefined => {
		const i = argv.indexOf(flag);
		return i >= 0 ? argv[i + 1] : undefined;
	};
	const only = value('--only')?.split(',').filter(Boolean) ?? Object.keys(WORKLOADS);
	for (const name of only)
		if (!(name in WORKLOADS))
			throw new Error(`unknown workload ${name}; known: ${Object.keys(WORKLOADS).join(', ')}`);
	const runs = value('--runs');
	return { quick: argv.includes('--quick'), only, runs: runs ? Number(runs) : null };
}

function memoryRows(): Row[] {
	return Object.entries(serverPeaks).map(([server, peaks]) => {
		const top = peaks.reduce((a, b) => (b.peakMb > a.peakMb ? b : a));
		const hwm = Math.max(...peaks.map((p) => p.hwmMb ?? 0));
		const byWorkload = [...new Set(peaks.map((p) => p.workload))]
			.map(
				(w) => `${w} ${Math.max(...peaks.filter((p) => p.workload === w).map((p) => p.peakMb))} MB`
			)
			.join(', ');
		const metric = `peak RSS during ${[...new Set(peaks.map((p) => p.workload))].join(', ')} (MB)`;
		const note = `VmRSS sampled every 50 ms, by workload: ${byWorkload}; the largest VmHWM (lifetime peak, seeding included) was ${hwm} MB`;
		return server === 'pocketbase'
			? {
					workload: '6 server RSS',
					metric,
					ours: top.peakMb,
					target: '< 150 MB',
					met: top.peakMb < 150,
					note
				}
			: {
					workload: '6 server RSS',
					metric,
					ours: null,
					peer: server,
					theirs: top.peakMb,
					target: 'info',
					met: null,
					note
				};
	});
}

interface StoredWorkload extends WorkloadResult {
	/** The run that measured it (an `--only` run keeps the other workloads' older figures). */
	run: { started: string; finished: string; mode: string; runs: number; machine: MachineInfo };
	serverMemory: Record<string, { peakMb: number; hwmMb: number | null }[]>;
}

/**
 * The results file: this run's workloads, and with `--only`, the other
 * workloads as an earlier run of the same mode measured them (each says which
 * run), so `npm run bench -- --only flush` refreshes one line cheaply.
 */
function mergeResults(
	file: string,
	run: StoredWorkload['run'],
	results: WorkloadResult[],
	rows: Row[],
	partial: boolean
): Record<string, unknown> {
	const fresh: StoredWorkload[] = results.map((r) => ({
		...r,
		run,
		serverMemory: Object.fromEntries(
			Object.entries(serverPeaks).map(([server, peaks]) => [
				server,
				peaks.filter((p) => p.workload === r.name)
			])
		)
	}));
	let kept: StoredWorkload[] = [];
	if (partial && existsSync(file)) {
		try {
			const old = JSON.parse(readFileSync(file, 'utf8')) as { workloads?: StoredWorkload[] };
			kept = (old.workloads ?? []).filter(
				(w) => w.run?.mode === run.mode && !fresh.some((f) => f.name === w.name)
			);
		} catch {
			kept = [];
		}
	}
	const workloads = [...kept, ...fresh].sort(
		(a, b) => Object.keys(WORKLOADS).indexOf(a.name) - Object.keys(WORKLOADS).indexOf(b.name)
	);
	return {
		latestRun: run,
		durability: DURABILITY,
		/** This run's table (the printed one). */
		table: rows,
		/** Every workload's rows, including those kept from earlier runs. */
		allRows: workloads.flatMap((w) =>
			w.rows.map((row) => ({ ...row, measured: w.run.finished, mode: w.run.mode }))
		),
		workloads
	};
}

async function main(): Promise<void> {
	const args = parseArgs(process.argv.slice(2));
	const ctx: BenchContext = {
		quick: args.quick,
		runs: args.runs ?? (args.quick ? 1 : 3),
		log: (m) => console.log(m)
	};
	const machine = machineInfo();
	console.log(
		`Markbook bench (${args.quick ? 'quick' : 'full'}, ${ctx.runs} run(s) each) on ${machine.cores} × ${machine.cpu}, load ${machine.loadAverage.join(' ')}`
	);
	console.log(
		`Servers:\n${Object.entries(DURABILITY.servers)
			.map(([k, v]) => `  ${k}: ${v}`)
			.join('\n')}\nClients: ${DURABILITY.clients}\n`
	);
	const results: WorkloadResult[] = [];
	const started = new Date().toISOString();
	for (const name of args.only) {
		console.log(`▶ ${name}`);
		const t0 = performance.now();
		try {
			results.push(await (WORKLOADS[name] as (ctx: BenchContext) => Promise<WorkloadResult>)(ctx));
		} catch (e) {
			console.error(`✗ ${name} failed:`, e);
			results.push({
				name,
				skipped: `failed: ${e instanceof Error ? e.message : String(e)}`,
				sizes: {},
				samples: {},
				medians: {},
				facts: {},
				rows: []
			});
		}
		console.log(`  (${Math.round((performance.now() - t0) / 1000)} s)`);
	}
	const rows = [
		...results.flatMap((r) =>
			r.skipped && r.rows.length === 0
				? [{ workload: r.name, metric: r.skipped, ours: null, target: '', met: null } as Row]
				: r.rows
		),
		...memoryRows()
	];
	printTable(rows);
	const file = join(PROJECT_ROOT, 'bench', 'results.json');
	const run = {
		started,
		finished: new Date().toISOString(),
		mode: args.quick ? 'quick' : 'full',
		runs: ctx.runs,
		machine
	};
	writeFileSync(
		file,
		JSON.stringify(
			mergeResults(file, run, results, rows, args.only.length < Object.keys(WORKLOADS).length),
			null,
			'\t'
		) + '\n'
	);
	console.log(`\nWrote ${file}`);
	// Realtime connections and peer sockets may keep handles open.
	process.exit(results.some((r) => r.skipped?.startsWith('failed')) ? 1 : 0);
}

main().catch((e: unknown) => {
	console.error(e);
	process.exit(1);
});
