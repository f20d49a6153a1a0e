/**
 * Workload 3, churn convergence: T teachers each make E edits offline (10 % on
 * a class shared with a colleague, 2 % deletes of their own rows), then all
 * reconnect at once. Measured: the time from the reconnect until every
 * replica equals the server on the rows in its scope (live rows and their
 * component values, compared as canonical JSON), checked every POLL_MS.
 * Then the server's final state is judged against the plan: lost edits,
 * duplicated rows, resurrected deletes (see churn-plan.ts).
 *
 * Markbook, RxDB and PouchDB replay the same seeded plan. All clients in
 * memory; all with realtime/live pull (Markbook's SSE, rxdb-server's
 * EventSource stream, CouchDB's live _changes feed).
 */
import type PocketBase from 'pocketbase';
import { type BenchContext, recordPeak } from '../lib/context';
import { createBenchDevice, type BenchDevice } from '../lib/markbook-device';
import { startBenchServer } from '../lib/markbook-server';
import { startChildServer, type ChildServer } from '../lib/child-server';
import { RssSampler } from '../lib/rss';
import { describeSchool, seedSchool, type School } from '../lib/school';
import { median, since, sleep } from '../lib/stats';
import { speedRatio, type Row, type WorkloadResult } from '../lib/report';
import { createRxClient, plainDoc, type RxClient } from '../peers/rxdb-client';
import {
	createPouchClient,
	toResult,
	type PouchClient,
	type PouchDoc
} from '../peers/pouch-client';
import { peerStamp, type ResultDoc } from '../peers/protocol';
import {
	churnSchoolSpec,
	judge,
	planChurn,
	project,
	restrict,
	sameProjection,
	type Action,
	type Outcomes,
	type Projection
} from './churn-plan';

const POLL_MS = 100;
/** The projection key of a replica with unsent edits (never a record id). */
const PENDING = 'pending';
/** How often a PouchDB client looks for unresolved conflicts. */
const SWEEP_MS = 500;
const TIMEOUT_MS = 300_000;
const SEED = 20260105;

type System = 'ours' | 'rxdb' | 'pouchdb';
type ServerRow = {
	id: string;
	class: string;
	student: string;
	assessment: string;
	period: string;
	values: Record<string, unknown>;
};

/** One system's part: make the edits offline, reconnect, and expose state to compare. */
interface Contender {
	/** Each replica's live rows (projected), by teacher. */
	replicas(): Promise<Projection[]>;
	/** The server's live rows. */
	server(): Promise<ServerRow[]>;
	reconnect(): void;
	pid: number;
	close(): Promise<void>;
}

export async function churnWorkload(ctx: BenchContext): Promise<WorkloadResult> {
	const teachers = ctx.quick ? 6 : 30;
	const edits = ctx.quick ? 40 : 200;
	const spec = churnSchoolSpec(teachers, 10, 10);
	const school = describeSchool(spec);
	const samples: Record<System, number[]> = { ours: [], rxdb: [], pouchdb: [] };
	const outcomes: Record<string, Outcomes> = {};
	const failures: Record<string, string> = {};
	for (let run = 0; run < ctx.runs; run++) {
		const plan = planChurn(school, teachers, edits, SEED + run);
		for (const system of ['ours', 'rxdb', 'pouchdb'] as const) {
			const contender =
				system === 'ours'
					? await markbook(spec, plan)
					: system === 'rxdb'
						? await rxdb(school, plan)
						: await pouchdb(school, plan);
			try {
				const sampler = new RssSampler(contender.pid);
				contender.reconnect();
				let ms = Number.NaN;
				try {
					ms = await converge(contender, school, ctx.quick ? 60_000 : TIMEOUT_MS);
				} catch (e) {
					failures[`${system}.run${run}`] = e instanceof Error ? e.message : String(e);
					ctx.log(`  ✗ ${system} run ${run + 1}: ${failures[`${system}.run${run}`]}`);
				}
				recordPeak(system === 'ours' ? 'pocketbase' : system, 'churn', sampler.stop());
				samples[system].push(ms);
				const judged = judge(plan, await contender.server());
				outcomes[`${system}.run${run}`] = judged;
				ctx.log(
					`  ${system} run ${run + 1}: converged in ${ms} ms; lost ${judged.lost}, duplicated ${judged.duplicated}, resurrected ${judged.resurrected} (of ${judged.paths} paths)`
				);
			} finally {
				await contender.close();
			}
		}
	}
	// A run that never converged counts as not converged (NaN), not as a time.
	const medians = Object.fromEntries(
		Object.entries(samples).map(([k, v]) => [k, v.some(Number.isNaN) ? Number.NaN : median(v)])
	) as Record<System, number>;
	const wrong = (s: System): number =>
		Object.entries(outcomes)
			.filter(([k]) => k.startsWith(`${s}.`))
			.reduce((n, [, o]) => n + o.lost + o.duplicated + o.resurrected, 0);
	const metric = `${teachers} × ${edits} offline edits → all converged (ms)`;
	const vs = (peer: System, label: string): Row => {
		const r = speedRatio(medians.ours, medians[peer]);
		return {
			workload: '3 churn',
			metric,
			ours: medians.ours,
			peer: label,
			theirs: medians[peer],
			ratio: r.text,
			target: 'faster, 0 wrong',
			met:
				!Number.isNaN(medians.ours) &&
				wrong('ours') === 0 &&
				(Number.isNaN(medians[peer]) || r.value > 1),
			note: `wrong outcomes (lost+duplicated+resurrected, all runs): ours ${wrong('ours')}, ${label} ${wrong(peer)}${
				Number.isNaN(medians[peer])
					? `; ${label} did NOT converge: ${Object.entries(failures)
							.filter(([k]) => k.startsWith(`${peer}.`))
							.map(([, v]) => v)
							.join('; ')}`
					: ''
			}`
		};
	};
	return {
		name: 'churn',
		sizes: {
			teachers,
			editsPerTeacher: edits,
			sharedFraction: 0.1,
			deleteFraction: 0.02,
			seed: SEED,
			runs: ctx.runs
		},
		samples,
		medians,
		facts: { outcomes, failures },
		rows: [vs('rxdb', 'RxDB + rxdb-server'), vs('pouchdb', 'PouchDB → express-pouchdb')]
	};
}

/** Polls until every replica equals the server on its classes; returns ms since called. */
async function converge(c: Contender, school: School, timeoutMs: number): Promise<number> {
	const start = performance.now();
	for (;;) {
		const at = since(start);
		const replicas = await c.replicas();
		// A replica still sending its own edits cannot equal the server yet: skip
		// reading the server (a full read every 100 ms loads the server under test).
		if (replicas.some((r) => r.has(PENDING)) && at <= timeoutMs) {
			await sleep(POLL_MS);
			continue;
		}
		const server = await c.server();
		const equal = replicas.every((replica, t) =>
			sameProjection(replica, project(restrict(server, school.classesOf[t] as string[])))
		);
		if (equal && server.length > 0) return at;
		if (at > timeoutMs)
			throw new Error(
				`no convergence within ${timeoutMs} ms: ${firstDifference(server, replicas, school)}`
			);
		await sleep(POLL_MS);
	}
}

/** Where the first replica differs from the server, for the failure message. */
function firstDifference(server: ServerRow[], replicas: Projection[], school: School): string {
	for (const [t, replica] of replicas.entries()) {
		const expected = project(restrict(server, school.classesOf[t] as string[]));
		if (sameProjection(replica, expected)) continue;
		const ids = new Set([...replica.keys(), ...expected.keys()]);
		const diffs = [...ids].filter((id) => replica.get(id) !== expected.get(id));
		const id = diffs[0] as string;
		return `teacher ${t}: ${diffs.length} rows differ (replica ${replica.size}, server ${expected.size}); e.g. ${id}: replica ${replica.get(id)} server ${expected.get(id)}`;
	}
	return 'no difference at the last check';
}

// ── Markbook ────────────────────────────────────────────────────────────────

async function markbook(
	spec: ReturnType<typeof churnSchoolSpec>,
	plan: Action[][]
): Promise<Contender> {
	const server = await startBenchServer();
	const admin = await server.admin();
	const school = await seedSchool(admin, spec);
	const devices: BenchDevice[] = [];
	for (const [t, login] of school.teachers.entries()) {
		const pb = await server.as(login.email, login.password);
		devices.push(
			await createBenchDevice({
				pb,
				name: `churn${t}`,
				storage: 'memory',
				realtime: true,
				online: true
			})
		);
	}
	await Promise.all(devices.map((d) => d.engine.syncNow()));
	for (const d of devices) d.setOnline(false);
	await Promise.all(devices.map((d, t) => applyOurs(d, plan[t] as Action[])));
	return {
		pid: server.pid,
		reconnect: () => devices.forEach((d) => d.setOnline(true)),
		replicas: async () =>
			devices.map((d) =>
				d.engine.pendingCount > 0
					? new Map([[PENDING, String(d.engine.pendingCount)]])
					: project(d.engine.list('results') as unknown as ServerRow[])
			),
		server: () => serverRows(admin),
		close: async () => {
			await Promise.all(devices.map((d) => d.close()));
			await server.stop();
		}
	};
}

async function applyOurs(d: BenchDevice, actions: Action[]): Promise<void> {
	for (const a of actions) {
		const res =
			a.kind === 'delete'
				? await d.engine.remove('results', a.key.id)
				: await d.engine.edit('results', a.key.id, {
						student: a.key.student,
						class: a.key.class,
						assessment: a.key.assessment,
						period: a.key.period,
						[`values.${a.component}`]: a.value
					});
		if (!res.ok) throw new Error(`edit refused on the device: ${res.code} ${res.reason}`);
	}
}

async function serverRows(admin: PocketBase): Promise<ServerRow[]> {
	const rows = await admin.collection('results').getFullList({
		filter: 'deleted = false',
		fields: 'id,class,student,assessment,period,values',
		batch: 1000
	});
	return rows as unknown as ServerRow[];
}

// ── The peers: same edits, each with a per-component stamp ─────────────────

function applyEdit(
	doc: ResultDoc | null,
	a: Action & { kind: 'set' },
	client: string,
	counter: number
): ResultDoc {
	const base: ResultDoc = doc ?? { ...a.key, values: {}, stamps: {} };
	return {
		...base,
		values: { ...base.values, [a.component]: a.value },
		stamps: { ...base.stamps, [a.component]: peerStamp(Date.now(), counter, client) }
	};
}

async function rxdb(school: School, plan: Action[][]): Promise<Contender> {
	const server = await startChildServer('rxdb-server');
	const clients: RxClient[] = [];
	for (const [t, classes] of school.classesOf.entries()) {
		const client = await createRxClient({ url: server.url, name: `churn${t}`, classes });
		let counter = 0;
		for (const a of plan[t] as Action[]) {
			const existing = await client.results.findOne(a.key.id).exec();
			if (a.kind === 'delete') await existing?.remove();
			else
				await client.results.upsert(
					applyEdit(existing ? plainDoc(existing) : null, a, `rx${t}`, ++counter)
				);
		}
		clients.push(client);
	}
	return {
		pid: server.pid,
		reconnect: () => clients.forEach((c) => c.replicate({ pull: true, push: true, live: true })),
		replicas: () =>
			Promise.all(clients.map(async (c) => project((await c.results.find().exec()).map(plainDoc)))),
		server: async () => (await (await fetch(`${server.url}/dump`)).json()) as ServerRow[],
		close: async () => {
			await Promise.all(clients.map((c) => c.close()));
			await server.stop();
		}
	};
}

async function pouchdb(school: School, plan: Action[][]): Promise<Contender> {
	const server = await startChildServer('pouch-server');
	const clients: PouchClient[] = [];
	const syncs: { cancel(): void }[] = [];
	for (const [t] of school.classesOf.entries()) {
		const client = createPouchClient({ url: server.url, name: `churn${t}` });
		let counter = 0;
		for (const a of plan[t] as Action[]) {
			const existing = (await client.db.get(a.key.id).catch(() => null)) as PouchDoc | null;
			if (a.kind === 'delete') {
				if (existing) await client.db.remove(existing);
				continue;
			}
			const next = applyEdit(existing ? toResult(existing) : null, a, `pouch${t}`, ++counter);
			const { id, ...body } = next;
			await client.db.put({ ...body, _id: id, ...(existing?._rev ? { _rev: existing._rev } : {}) });
		}
		clients.push(client);
	}
	await clients[0]?.remote.info(); // creates the server database before the rush
	return {
		pid: server.pid,
		reconnect: () => {
			for (const c of clients) syncs.push(startPouchSync(c));
		},
		replicas: () =>
			Promise.all(clients.map((c, t) => pouchReplica(c, school.classesOf[t] as string[]))),
		server: () => pouchServerRows(server),
		close: async () => {
			for (const s of syncs) s.cancel();
			await Promise.all(clients.map((c) => c.close()));
			await server.stop();
		}
	};
}

/**
 * Live two-way sync; conflicts resolved as they arrive (on each pulled change)
 * and by a sweep of every document with `_conflicts` every SWEEP_MS, since a
 * change event alone missed some (a resolution racing a colleague's gets a
 * 409 and is retried by the sweep). The pull is NOT filtered to the client's
 * classes: with a Mango selector, express-pouchdb's live _changes feed
 * delivered no changes after the first batch (the replicas of shared classes
 * never converged), and CouchDB has no per-document read scope anyway. So
 * each PouchDB client receives the whole database (more work than Markbook
 * and RxDB do); comparisons look at its classes only.
 */
function startPouchSync(c: PouchClient): { cancel(): void } {
	const sync = c.db.sync(c.remote, { live: true, retry: true, batch_size: 500 });
	let queue = Promise.resolve();
	const enqueue = (work: () => Promise<unknown>): void => {
		queue = queue.then(work).then(
			() => undefined,
			() => undefined // a lost race (409); the next sweep retries
		);
	};
	sync.on('change', (info) => {
		if (info.direction !== 'pull') return;
		const ids = info.change.docs.map((d) => d._id);
		enqueue(() => c.resolveConflicts(ids));
	});
	const sweep = setInterval(() => enqueue(() => c.sweepConflicts()), SWEEP_MS);
	return {
		cancel: () => {
			clearInterval(sweep);
			sync.cancel();
		}
	};
}

/** A PouchDB replica's rows; while it holds an unresolved conflict it equals nothing. */
async function pouchReplica(c: PouchClient, classes: string[]): Promise<Projection> {
	const rows = (await c.db.allDocs({ include_docs: true, conflicts: true })).rows;
	const conflicted = rows.filter((r) => (r.doc?._conflicts?.length ?? 0) > 0).length;
	if (conflicted > 0) return new Map([['unresolved conflicts', String(conflicted)]]);
	return project(
		restrict(
			rows.map((r) => toResult(r.doc as PouchDoc)),
			classes
		)
	);
}

async function pouchServerRows(server: ChildServer): Promise<ServerRow[]> {
	const res = (await (
		await fetch(`${server.url}/db/results/_all_docs?include_docs=true`)
	).json()) as { rows?: { doc: PouchDoc }[] };
	return (res.rows ?? []).map((r) => toResult(r.doc));
}
