/**
 * The fault scenarios. Each one is the same seeded teacher workload (see
 * run.ts) under one kind of fault: a proxy plan (what happens to requests)
 * and/or an event loop that runs beside the workload (kill the server, stop
 * it, cut realtime streams, the office editing, a backup restore).
 */
import type { FaultPlan, FaultProxy } from '../harness/fault-proxy';
import { CLIENT_TIMEOUT_MS, type FaultDevice } from './device';
import type { FaultServer } from './server';

export interface FaultContext {
	server: FaultServer;
	proxy: FaultProxy;
	devices: FaultDevice[];
	/** Result ids of the run (the office edits only these). */
	records: string[];
	/** Records the office edited. */
	officeRecords: Set<string>;
	/** 5xx answers to the office's own requests. */
	office5xx: number;
	/** Seeded random in [0, 1). */
	random(): number;
	/** Set when the workload is over: event loops end. */
	done(): boolean;
	/** One more edit by `device` (unique notes on one of the run's results), like the workload's. */
	touch(device: FaultDevice): Promise<void>;
	/** An edit of `path` of the run's result number `cell` by `device`. */
	edit(device: FaultDevice, cell: number, path: string, value: number): Promise<void>;
	/** Sleeps, returning early once the workload is over. */
	sleep(ms: number): Promise<void>;
	log(line: string): void;
}

export interface Scenario {
	name: string;
	description: string;
	plan?: FaultPlan;
	/** Devices follow realtime (SSE through the proxy). */
	realtime?: boolean;
	/** Clock offsets of the three devices, in ms. */
	clocks?: [number, number, number];
	/** Extra weight of "tap on, tap off" edits. */
	taps?: number;
	/** Runs (awaited) before the workload starts, with the faults on. */
	before?(ctx: FaultContext): Promise<void>;
	/** Runs beside the workload until ctx.done(). */
	during?(ctx: FaultContext): Promise<void>;
}

const between = (ctx: FaultContext, lo: number, hi: number) => lo + ctx.random() * (hi - lo);

async function killAndRestart(ctx: FaultContext): Promise<void> {
	while (!ctx.done()) {
		await ctx.sleep(between(ctx, 150, 500));
		if (ctx.done()) return;
		// Mid-push: a few ms after a push was handed to the server.
		const killed = new Promise<void>((resolve) => {
			ctx.proxy.onPushForwarded = () => {
				ctx.proxy.onPushForwarded = null;
				setTimeout(() => void ctx.server.kill9().then(resolve), Math.floor(ctx.random() * 15));
			};
		});
		const timeout = new Promise<void>((r) => setTimeout(r, 2_000));
		await Promise.race([killed, timeout]);
		ctx.proxy.onPushForwarded = null;
		if (!ctx.server.alive) {
			ctx.log(`killed -9 mid-push`);
			await new Promise((r) => setTimeout(r, between(ctx, 100, 600)));
			await ctx.server.restart();
			ctx.log('restarted on the same data dir and port');
		}
	}
}

async function stopAndContinue(ctx: FaultContext): Promise<void> {
	while (!ctx.done()) {
		await ctx.sleep(between(ctx, 150, 400));
		if (ctx.done()) return;
		ctx.server.pause();
		await new Promise((r) => setTimeout(r, CLIENT_TIMEOUT_MS + between(ctx, 300, 1200)));
		ctx.server.resume();
		ctx.log('SIGSTOP past the client timeout, then SIGCONT');
	}
}

async function cutStreams(ctx: FaultContext): Promise<void> {
	while (!ctx.done()) {
		await ctx.sleep(between(ctx, 100, 400));
		const n = ctx.proxy.cutStreams();
		if (ctx.random() < 0.3) {
			ctx.proxy.plan = { ...ctx.proxy.plan, blockSse: true };
			await ctx.sleep(between(ctx, 200, 800));
			ctx.proxy.plan = { ...ctx.proxy.plan, blockSse: false };
		}
		ctx.log(`cut ${n} realtime streams`);
	}
}

/** The office edits notes through REST (as a superuser), racing the pushes. */
async function officeRace(ctx: FaultContext): Promise<void> {
	const admin = await ctx.server.admin();
	let n = 0;
	const edit = async (id: string) => {
		const k = ++n;
		try {
			await admin
				.collection('results')
				.update(id, { notes: `office-${k}-${id}` }, { requestKey: null });
			ctx.officeRecords.add(id);
		} catch (e) {
			const status = (e as { status?: number }).status ?? 0;
			if (status >= 500) ctx.office5xx++;
			// 404: the result does not exist yet (a push creates it).
		}
	};
	const inFlight: Promise<void>[] = [];
	ctx.proxy.onPushForwarded = (body) => {
		if (ctx.random() >= 0.6) return;
		const ids = ctx.records.filter((id) => body.includes(id));
		const id = ids[Math.floor(ctx.random() * ids.length)];
		if (id) inFlight.push(edit(id));
	};
	while (!ctx.done()) {
		await ctx.sleep(between(ctx, 50, 250));
		const id = ctx.records[Math.floor(ctx.random() * ctx.records.length)];
		if (id && !ctx.done()) inFlight.push(edit(id));
	}
	ctx.proxy.onPushForwarded = null;
	await Promise.all(inFlight);
}

let backups = 0;

/**
 * A backup early on; edits that every device pushes and sees acknowledged;
 * then a restore while devices keep pushing (through PocketBase's restore
 * window: it answers at once and swaps the data about a second later).
 */
async function backupRestore(ctx: FaultContext): Promise<void> {
	const admin = await ctx.server.admin();
	await ctx.sleep(between(ctx, 200, 500));
	const name = `faults_${process.pid}_${++backups}.zip`;
	await admin.backups.create(name, { requestKey: null });
	ctx.log(`backup ${name} made`);
	for (const d of ctx.devices) {
		await ctx.touch(d);
		await d.engine.syncNow();
	}
	// From the restore request until the server is back, a 503 is the design's answer to a push.
	ctx.proxy.allow503 = true;
	const starts = ctx.server.starts;
	await admin.backups.restore(name, { requestKey: null });
	ctx.log(`restore of ${name} requested`);
	const end = Date.now() + 1_500;
	const pushes: Promise<void>[] = [];
	while (Date.now() < end) {
		const d = ctx.devices[Math.floor(ctx.random() * ctx.devices.length)] as FaultDevice;
		await ctx.touch(d);
		pushes.push(d.engine.syncNow().catch(() => undefined));
		await new Promise((r) => setTimeout(r, between(ctx, 50, 200)));
	}
	await Promise.all(pushes);
	// PocketBase restarts itself (same process id, same port); /api/health
	// answers all along, so wait for the restart itself.
	await ctx.server.waitRestarted(starts);
	ctx.proxy.allow503 = false;
	ctx.log('server back after the restore');
}

/**
 * The devices whose clocks run ahead tap a checkbox on and off before they
 * have heard the server's time: the "on" push fails on the way out (so the
 * op, once taken into a push, is never coalesced), and the retry carries both
 * edits, new to the server, in one batch: both clamped.
 */
async function tapOnTapOffAhead(ctx: FaultContext): Promise<void> {
	for (const ahead of [ctx.devices[1], ctx.devices[2]] as FaultDevice[]) {
		const path = `values.c${1 + Math.floor(ctx.random() * 5)}`;
		ahead.offline = true;
		await ctx.edit(ahead, 0, path, 1);
		await ahead.engine.syncNow();
		await ctx.edit(ahead, 0, path, 0);
		ahead.offline = false;
		await ahead.engine.syncNow();
		ctx.log(
			`${ahead.clockOffsetMs / 60_000} min ahead: ${path} on (push failed), then off: one batch`
		);
	}
}

const HOUR = 3_600_000;

export const SCENARIOS: Scenario[] = [
	{
		name: 'drop-answer',
		description: 'the server handles the request, then its answer is lost',
		plan: { dropAnswer: 0.3 }
	},
	{
		name: 'reset',
		description: 'the connection is reset before the request is forwarded',
		plan: { resetBefore: 0.3 }
	},
	{
		name: 'twice',
		description: 'a push reaches the server twice (in turn or at once)',
		plan: { forwardTwice: 0.5 }
	},
	{
		name: 'delay',
		description: 'requests wait 20–600 ms before they are forwarded (reordering devices)',
		plan: { delay: 0.8, delayMs: [20, 600] }
	},
	{
		name: 'kill9',
		description: 'kill -9 of PocketBase mid-push, restart on the same data dir and port',
		during: killAndRestart
	},
	{
		name: 'sigstop',
		description: 'SIGSTOP longer than the client timeout, then SIGCONT',
		during: stopAndContinue
	},
	{
		name: 'sse-cut',
		description: 'realtime streams cut and refused for a while',
		realtime: true,
		plan: { delay: 0.2, delayMs: [10, 200] },
		during: cutStreams
	},
	{
		name: 'clocks',
		description:
			'device clocks at −1 h, +5 min and +1 day; the ones ahead tap on and off in one batch before they learn the server time',
		clocks: [-HOUR, 5 * 60_000, 24 * HOUR],
		taps: 3,
		plan: { delay: 0.3, delayMs: [10, 150], dropAnswer: 0.15 },
		before: tapOnTapOffAhead
	},
	{
		name: 'office-race',
		description: 'the office edits the same results through REST while pushes land',
		realtime: true,
		plan: { delay: 0.3, delayMs: [5, 60] },
		during: officeRace
	},
	{
		name: 'restore',
		description: 'a backup, then a restore in the middle of the pushes',
		plan: { delay: 0.2, delayMs: [10, 100] },
		during: backupRestore
	}
];

export function scenarioNamed(name: string): Scenario {
	const s = SCENARIOS.find((x) => x.name === name);
	if (!s)
		throw new Error(
			`no fault scenario "${name}"; known: ${SCENARIOS.map((x) => x.name).join(', ')}`
		);
	return s;
}
