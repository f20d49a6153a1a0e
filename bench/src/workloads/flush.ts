/**
 * Workload 1, backlog flush: a device with N queued edits reconnects; the time
 * until every edit is acknowledged by the server.
 *
 * Each edit creates one result (a distinct student × assessment), so every
 * system ships N records: Markbook N ops (batches of ≤ 500), the REST baseline
 * N requests (one per record, as the seed apps did, sequentially), RxDB and
 * PouchDB N documents (push batch size 500, like Markbook's batch). Each run
 * uses a period of its own, so every run creates, never updates.
 *
 * Convergence is checked on each server afterwards: N records of the run's
 * period, each holding the edited value.
 */
import type PocketBase from 'pocketbase';
import { type BenchContext, recordPeak } from '../lib/context';
import { createBenchDevice, until, type ClientStorage } from '../lib/markbook-device';
import { startBenchServer, type BenchServer } from '../lib/markbook-server';
import { startChildServer, type ChildServer } from '../lib/child-server';
import { RssSampler } from '../lib/rss';
import { seedSchool, resultKeys, type ResultKey, type School } from '../lib/school';
import { median, since } from '../lib/stats';
import { speedRatio, type Row, type WorkloadResult } from '../lib/report';
import { createRxClient } from '../peers/rxdb-client';
import { createPouchClient, type PouchDoc } from '../peers/pouch-client';
import { peerStamp, type ResultDoc } from '../peers/protocol';

const STUDENTS_PER_CLASS = 25;
const ASSESSMENTS = 20;
const TIMEOUT_MS = 600_000;

/** Per Markbook run: push round trips against the whole flush (filled by flushOurs). */
const wireFacts: Record<string, number | string>[] = [];

type System = 'ours' | 'ours-fake-indexeddb' | 'rest' | 'rxdb' | 'pouchdb';

export async function flushWorkload(ctx: BenchContext): Promise<WorkloadResult> {
	const edits = ctx.quick ? 500 : 5_000;
	const classes = edits / (STUDENTS_PER_CLASS * ASSESSMENTS);
	const samples: Record<System, number[]> = {
		ours: [],
		'ours-fake-indexeddb': [],
		rest: [],
		rxdb: [],
		pouchdb: []
	};
	const facts: Record<string, unknown> = { wire: wireFacts };
	wireFacts.length = 0;
	const verify = (system: string, run: number, ok: boolean, detail: string): void => {
		facts[`converged.${system}.run${run}`] = ok ? 'ok' : detail;
		if (!ok) ctx.log(`  ✗ ${system} run ${run} did not converge: ${detail}`);
	};

	// ── Markbook and the REST baseline, on one PocketBase ──
	const pb = await startBenchServer();
	try {
		const spec = {
			teachers: 1,
			classes: Array.from({ length: classes }, () => ({ teachers: [0] })),
			studentsPerClass: STUDENTS_PER_CLASS,
			assessments: ASSESSMENTS,
			periods: ctx.runs * 3
		};
		const admin = await pb.admin();
		const school = await seedSchool(admin, spec);
		const teacher = school.teachers[0]!;
		const classIdx = Array.from({ length: classes }, (_, i) => i);
		let period = 0;
		for (let run = 0; run < ctx.runs; run++) {
			for (const storage of ['memory', 'fake-indexeddb'] as ClientStorage[]) {
				const system: System = storage === 'memory' ? 'ours' : 'ours-fake-indexeddb';
				const keys = resultKeys(school, classIdx, school.periods[period++]!);
				const ms = await flushOurs(pb, teacher.email, keys, storage, `flush-${system}-${run}`);
				samples[system].push(ms);
				const check = await checkPocketBase(admin, keys);
				verify(system, run, check === null, check ?? '');
				const w = wireFacts[wireFacts.length - 1];
				ctx.log(
					`  ${system} run ${run + 1}: ${ms} ms (${Math.round((edits / ms) * 1000)} edits/s); ${w?.['pushes']} pushes took ${w?.['pushRoundTripsMs']} ms of it`
				);
			}
			const keys = resultKeys(school, classIdx, school.periods[period++]!);
			const ms = await flushRest(pb, keys);
			samples.rest.push(ms);
			const check = await checkPocketBase(admin, keys);
			verify('rest', run, check === null, check ?? '');
			ctx.log(`  rest run ${run + 1}: ${ms} ms`);
		}
	} finally {
		await pb.stop();
	}

	// ── The peers: keys from the same school shape (ids only; their servers hold documents) ──
	const school = describeFlushSchool(classes, ctx.runs);
	const classIdx = Array.from({ length: classes }, (_, i) => i);
	for (const peer of ['rxdb', 'pouchdb'] as const) {
		const server = await startChildServer(peer === 'rxdb' ? 'rxdb-server' : 'pouch-server');
		try {
			for (let run = 0; run < ctx.runs; run++) {
				const keys = resultKeys(school, classIdx, school.periods[run]!);
				const sampler = new RssSampler(server.pid);
				const ms =
					peer === 'rxdb'
						? await flushRxdb(server, keys, run)
						: await flushPouch(server, keys, run);
				recordPeak(peer, 'flush', sampler.stop());
				samples[peer].push(ms);
				const check =
					peer === 'rxdb' ? await checkRxdb(server, keys) : await checkPouch(server, keys);
				verify(peer, run, check === null, check ?? '');
				ctx.log(`  ${peer} run ${run + 1}: ${ms} ms`);
			}
		} finally {
			await server.stop();
		}
	}

	const medians = Object.fromEntries(
		Object.entries(samples).map(([k, v]) => [k, median(v)])
	) as Record<System, number>;
	return {
		name: 'flush',
		sizes: { edits, runs: ctx.runs },
		samples,
		medians,
		facts,
		rows: flushRows(edits, medians, facts)
	};
}

function flushRows(
	edits: number,
	m: Record<System, number>,
	facts: Record<string, unknown>
): Row[] {
	const converged = (s: string): string =>
		Object.entries(facts).some(([k, v]) => k.startsWith(`converged.${s}.`) && v !== 'ok')
			? ' NOT CONVERGED'
			: '';
	const rate = (ms: number): number => Math.round((edits / ms) * 1000);
	const metric = `${edits.toLocaleString('en')} queued edits flushed (ms)`;
	const vs = (peer: System, label: string, times: number): Row => {
		const r = speedRatio(m.ours, m[peer]);
		return {
			workload: '1 flush',
			metric,
			ours: m.ours,
			peer: label,
			theirs: m[peer],
			ratio: r.text,
			target: `≥ ${times}× faster`,
			met: r.value >= times && !converged('ours') && !converged(peer),
			...(converged(peer) ? { note: `${label}${converged(peer)}` } : {})
		};
	};
	return [
		{
			workload: '1 flush',
			metric: 'throughput (edits/s)',
			ours: rate(m.ours),
			target: '≥ 5,000 edits/s',
			met: rate(m.ours) >= 5_000,
			note: `ours, client storage in memory${converged('ours')}; with the client on fake-indexeddb: ${rate(m['ours-fake-indexeddb'])} edits/s (${Math.round(m['ours-fake-indexeddb'])} ms)${converged('ours-fake-indexeddb')}`
		},
		vs('rest', 'REST, 1 request/record', 20),
		vs('rxdb', 'RxDB + rxdb-server', 3),
		vs('pouchdb', 'PouchDB → express-pouchdb', 10)
	];
}

/** The flush school's ids without a server (the peers hold only documents). */
function describeFlushSchool(classes: number, runs: number): School {
	return {
		...emptySchool(),
		classes: Array.from({ length: classes }, (_, c) => `bclass${String(c).padStart(9, '0')}`),
		students: Array.from({ length: classes }, (_, c) =>
			Array.from(
				{ length: STUDENTS_PER_CLASS },
				(_, s) => `bstu${String(c * STUDENTS_PER_CLASS + s).padStart(11, '0')}`
			)
		),
		assessments: Array.from(
			{ length: ASSESSMENTS },
			(_, i) => `bassess${String(i).padStart(8, '0')}`
		),
		periods: Array.from({ length: runs }, (_, i) => `bpeerperiod${String(i).padStart(4, '0')}`)
	};
}

function emptySchool(): School {
	return {
		teachers: [],
		coordinator: null,
		classes: [],
		students: [],
		assessments: [],
		periods: [],
		classesOf: []
	};
}

/** Ours: queue every edit offline, reconnect, time until the outbox is empty. */
async function flushOurs(
	server: BenchServer,
	email: string,
	keys: ResultKey[],
	storage: ClientStorage,
	name: string
): Promise<number> {
	const pb = await server.as(email, 'bench-password-1');
	const device = await createBenchDevice({ pb, name, storage, realtime: false, online: true });
	try {
		await device.engine.syncNow(); // the device has the school (assessments) before going offline
		device.setOnline(false);
		for (const k of keys) {
			const res = await device.engine.edit('results', k.id, {
				student: k.student,
				class: k.class,
				assessment: k.assessment,
				period: k.period,
				'values.c1': 1
			});
			if (!res.ok) throw new Error(`edit refused on the device: ${res.code} ${res.reason}`);
		}
		const sampler = new RssSampler(server.pid);
		const start = performance.now();
		device.setOnline(true);
		await until(
			device.engine,
			() => device.engine.pendingCount === 0,
			TIMEOUT_MS,
			'the outbox to empty'
		);
		const ms = since(start);
		recordPeak('pocketbase', 'flush', sampler.stop());
		// Where the time went: push round trips (server + HTTP) vs the rest (the device).
		const pushMs = device.wire.pushes.reduce((n, p) => n + p.ms, 0);
		wireFacts.push({
			storage,
			ms,
			pushes: device.wire.pushes.length,
			pushRoundTripsMs: pushMs,
			perOpServerMs: Math.round((pushMs / keys.length) * 100) / 100
		});
		if (device.engine.rejected.length > 0)
			throw new Error(
				`${device.engine.rejected.length} ops rejected, e.g. ${JSON.stringify(device.engine.rejected[0])}`
			);
		return ms;
	} finally {
		await device.close();
	}
}

/**
 * The baseline: one REST create per record, one after the other. As the
 * office: teachers write only through /api/sync/push, never over REST.
 */
async function flushRest(server: BenchServer, keys: ResultKey[]): Promise<number> {
	const pb = await server.admin();
	const sampler = new RssSampler(server.pid);
	const start = performance.now();
	for (const k of keys) await pb.collection('results').create({ ...k, values: { c1: 1 } });
	const ms = since(start);
	recordPeak('pocketbase', 'flush', sampler.stop());
	return ms;
}

/** null when the server holds every key with values.c1 = 1; else what is wrong. */
async function checkPocketBase(admin: PocketBase, keys: ResultKey[]): Promise<string | null> {
	const rows = await admin.collection('results').getFullList({
		filter: admin.filter('period = {:p}', { p: keys[0]!.period }),
		fields: 'id,values',
		batch: 1000
	});
	const byId = new Map(rows.map((r) => [r.id, r['values'] as Record<string, number>]));
	const missing = keys.filter((k) => byId.get(k.id)?.['c1'] !== 1).length;
	return missing === 0 && rows.length === keys.length
		? null
		: `${missing} of ${keys.length} edits missing; ${rows.length} rows`;
}

function peerDoc(k: ResultKey, client: string, i: number): ResultDoc {
	return { ...k, values: { c1: 1 }, stamps: { c1: peerStamp(Date.now(), i % 100_000, client) } };
}

async function flushRxdb(server: ChildServer, keys: ResultKey[], run: number): Promise<number> {
	const client = await createRxClient({
		url: server.url,
		name: `flush${run}`,
		classes: [...new Set(keys.map((k) => k.class))]
	});
	try {
		await client.results.bulkInsert(keys.map((k, i) => peerDoc(k, `rx${run}`, i)));
		const start = performance.now();
		// live: RxDB 15's non-live push-only replication never resolves awaitInitialReplication.
		const state = client.replicate({ pull: false, push: true, live: true });
		// RxDB retries a failed push for ever; a failure here is a setup bug, so fail fast.
		const failed = new Promise<never>((_, reject) =>
			state.error$.subscribe((e) => reject(new Error(`RxDB replication error: ${String(e)}`)))
		);
		await Promise.race([state.awaitInitialReplication(), failed]);
		return since(start);
	} finally {
		await client.close();
	}
}

async function flushPouch(server: ChildServer, keys: ResultKey[], run: number): Promise<number> {
	const client = createPouchClient({ url: server.url, name: `flush${run}` });
	try {
		await client.db.bulkDocs(
			keys.map((k, i) => {
				const { id, ...d } = peerDoc(k, `pouch${run}`, i);
				return { ...d, _id: id };
			})
		);
		const start = performance.now();
		await client.db.replicate.to(client.remote, { batch_size: 500 });
		return since(start);
	} finally {
		await client.close();
	}
}

async function checkRxdb(server: ChildServer, keys: ResultKey[]): Promise<string | null> {
	const docs = (await (await fetch(`${server.url}/dump`)).json()) as ResultDoc[];
	return checkDocs(docs, keys);
}

async function checkPouch(server: ChildServer, keys: ResultKey[]): Promise<string | null> {
	const res = (await (
		await fetch(`${server.url}/db/results/_all_docs?include_docs=true`)
	).json()) as { rows: { doc: PouchDoc }[] };
	return checkDocs(
		res.rows.map((r) => ({ ...r.doc, id: r.doc._id })),
		keys
	);
}

function checkDocs(docs: ResultDoc[], keys: ResultKey[]): string | null {
	const period = keys[0]!.period;
	const mine = docs.filter((d) => d.period === period);
	const byId = new Map(mine.map((d) => [d.id, d]));
	const missing = keys.filter((k) => byId.get(k.id)?.values['c1'] !== 1).length;
	return missing === 0 && mine.length === keys.length
		? null
		: `${missing} of ${keys.length} edits missing; ${mine.length} docs`;
}
