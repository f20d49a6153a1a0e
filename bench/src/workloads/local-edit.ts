/**
 * Workload 5, local edit feedback in Chromium (issues 5 and 15): from the key
 * press or tap on a cell to the cell showing its new value, and to the next
 * painted frame, in desk mode (the grid) and in field mode (taps on a touch
 * viewport), at full speed and with CDP `Emulation.setCPUThrottlingRate` 4
 * (roughly a school's older tablet), p50/p95/max over 200 edits each (quick:
 * 50), while the edits are syncing (the tab leads the sync loop against the
 * real PocketBase: pushes after the keystroke debounce, realtime, pulls).
 *
 * Setup: a PocketBase serving the built app (build/) with the demo school;
 * playwright-core (from the root node_modules) drives /usr/bin/chromium
 * headless; teacher A signs in through /signin.
 * - grid: 1280×800, /classes/<3 Banksia>?a=<Catch>&p=<term 1> (6 checklist
 *   components × 25 students); each edit focuses the next cell (row-major,
 *   outside the measurement) and presses Space through CDP input
 *   (`page.keyboard.press`), so the event goes through Chromium's real input
 *   pipeline and waits behind whatever the main thread is doing.
 * - field: 1024×768 with hasTouch, /classes/<3 Banksia>/field?a=<Catch>&p=<term 2>;
 *   each edit taps (`page.touchscreen.tap`, CDP touch events) the
 *   "Demonstrated" target of the next of components c1…c4 (round-robin; a
 *   second tap clears it again; c5/c6 stay unobserved so the student is never
 *   complete and the view does not move on).
 *
 * What is timed, inside the page (no CDP round trip counted):
 * - start: the `timeStamp` of the keydown/pointerdown, read by a capture-phase
 *   listener on window (the first listener to run). It is the event's creation
 *   time on performance.now()'s clock, so it includes the time the event
 *   waited for the main thread (a long task of the sync loop shows up here).
 * - changed: a MutationObserver on the document notes performance.now() when
 *   the cell (looked up again by its key: it may be re-rendered) shows a new
 *   value (`data-value` for the grid's td, `data-mark` for a field component).
 * - painted: after that change, a requestAnimationFrame callback and then a
 *   MessageChannel message: the message runs once the frame that carries the
 *   change has been produced (style, layout, paint), so this is the next
 *   painted frame on the main thread (compositing on another thread adds a
 *   little; headless has no vsync wait beyond the rAF's own).
 *
 * Against what (one run, interleaved): the same measurement on "Chromium
 * alone", a static page with the same cells whose handler only flips the value
 * (the floor: the browser's input pipeline and its next frame, which no page
 * can go under), and, when MARKBOOK_BENCH_BEFORE names another build of the
 * app (a build/ directory), that build too: a before/after from one run. Each
 * rate's edits run in chunks, the pages taking turns, so the machine's load
 * falls on all of them alike.
 *
 * Each edit's cell is focused (grid; it scrolls into view as arrow keys do)
 * or brought on screen if it is not (field) GAP_MS + jitter before its key or tap, as a
 * teacher's hand moves on before pressing: the press lands at any moment of
 * the frame, not just after the frame that painted the focus.
 *
 * What it relies on in the page: grid `td[data-cell="<student>:<component>"]`
 * with `data-value`, focusable cells and Space toggling a checklist cell
 * (ScoreGrid.svelte); field `[data-component="<key>"]` with
 * `data-mark` and its `button[data-choice="demonstrated"]`, a tap setting or
 * clearing the mark (ComponentToggle.svelte).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { PROJECT_ROOT, PUBLIC_DIR, startPocketBase } from '../../../scripts/lib/pocketbase.mjs';
import {
	DEMO_IDS,
	DEMO_SUPERUSER,
	DEMO_USERS,
	seedDemoSchool
} from '../../../scripts/lib/seed.mjs';
import type { BenchContext } from '../lib/context';
import { percentile } from '../lib/stats';
import type { Row, WorkloadResult } from '../lib/report';

const CHROMIUM = '/usr/bin/chromium';
/** Pause between edits: a fast teacher, not a synthetic flood. */
const GAP_MS = 40;
/** CPU slow-downs measured: full speed and Chrome's 4× throttling (an older tablet). */
const RATES = [1, 4] as const;
type View = 'grid' | 'field';
const VIEWS: View[] = ['grid', 'field'];

interface Sample {
	/** event timeStamp → the cell shows the new value (ms). */
	changed: number;
	/** event timeStamp → the next frame after the change was produced (ms). */
	painted: number;
	/** event timeStamp → the capture listener ran: time the input waited for the main thread. */
	queued: number;
	/** Field mode: pointerup → painted (a tap's click comes after the finger lifts; ms). */
	fromUp: number | null;
	/** Field mode: click → painted (the click is the tap's handler; ms). */
	fromClick: number | null;
}

export function gridPageExists(): boolean {
	const dir = join(PROJECT_ROOT, 'src', 'routes', 'classes', '[id]');
	return existsSync(dir) && readdirSync(dir).some((f) => f.startsWith('+page'));
}

function skipped(reason: string): WorkloadResult {
	return {
		name: 'local-edit',
		skipped: reason,
		sizes: { edits: 200 },
		samples: {},
		medians: {},
		facts: {},
		rows: [
			{
				workload: '5 local edit',
				metric: 'key → painted p95 (ms)',
				ours: null,
				target: '< 16 ms',
				met: null,
				note: `skipped: ${reason}`
			}
		]
	};
}

const round = (n: number): number => Math.round(n * 10) / 10;

// Taps: CDP sends touchStart and touchEnd as two round trips, so pointerdown →
// click includes that gap; pointerup → painted leaves it out.
function fromUpNote(samples: Sample[]): string {
	const up = samples.map((s) => s.fromUp).filter((v): v is number => v !== null);
	if (up.length === 0) return '';
	const click = samples.map((s) => s.fromClick).filter((v): v is number => v !== null);
	const clickNote =
		click.length === 0
			? ''
			: `; click → painted p50 ${percentile(click, 50)}, p95 ${percentile(click, 95)}, max ${Math.max(...click)}`;
	return `; pointerup → painted p50 ${percentile(up, 50)}, p95 ${percentile(up, 95)}, max ${Math.max(...up)}${clickNote}`;
}

/** "ours/floor = 1.4×": how many times the browser's own cost an edit takes. */
function floorRatio(ours: number, floor: number): string {
	return `ours/floor = ${Math.round((ours / floor) * 100) / 100}×`;
}

/** p50 / p95 / max of the painted times, for notes. */
function spread(samples: Sample[]): string {
	const painted = samples.map((s) => s.painted);
	return `${percentile(painted, 50)} / ${percentile(painted, 95)} / ${Math.max(...painted)}`;
}

/**
 * The table rows of one view at one CPU rate, against issue 15's targets,
 * each painted figure beside Chromium alone's (the floor) from the same run.
 */
function rowsFor(
	view: View,
	rate: number,
	samples: Sample[],
	floor: Sample[],
	before: Sample[] | null
): Row[] {
	const changed = samples.map((s) => s.changed);
	const painted = samples.map((s) => s.painted);
	const queued = samples.map((s) => s.queued);
	const floorPainted = floor.map((s) => s.painted);
	const label = `5 local edit ${view} ${rate}×`;
	const what = view === 'grid' ? 'Space' : 'tap';
	const p50 = percentile(painted, 50);
	const p95 = percentile(painted, 95);
	const max = Math.max(...painted);
	const f50 = percentile(floorPainted, 50);
	const f95 = percentile(floorPainted, 95);
	const fMax = Math.max(...floorPainted);
	const peer = SUBJECT_LABEL.floor;
	const beforeNote = before ? `; before: painted p50 / p95 / max ${spread(before)}` : '';
	return [
		{
			workload: label,
			metric: `${what} → cell changed p95 (ms)`,
			ours: percentile(changed, 95),
			target: 'info',
			met: null,
			note: `p50 ${percentile(changed, 50)}, max ${Math.max(...changed)}; input queued p95 ${percentile(queued, 95)}, max ${Math.max(...queued)}${fromUpNote(samples)}`
		},
		{
			workload: label,
			metric: `${what} → painted p50 (ms)`,
			ours: p50,
			peer,
			theirs: f50,
			ratio: floorRatio(p50, f50),
			target: 'info',
			met: null
		},
		{
			workload: label,
			metric: `${what} → painted p95 (ms)`,
			ours: p95,
			peer,
			theirs: f95,
			ratio: floorRatio(p95, f95),
			target: rate === 1 ? '< 16 ms' : '< 100 ms',
			met: rate === 1 ? p95 < 16 : p95 < 100,
			note: `${samples.length} edits while syncing; floor ${f95} ms is Chromium's own input and next frame${
				rate === 1 && f95 >= 16 ? ' (no page can meet < 16 here)' : ''
			}${beforeNote}`
		},
		{
			workload: label,
			metric: `${what} → painted max (ms)`,
			ours: max,
			peer,
			theirs: fMax,
			ratio: floorRatio(max, fMax),
			target: rate === 1 ? 'info' : '< 250 ms',
			met: rate === 1 ? null : max < 250
		}
	];
}

/** A page measured: Markbook (this build, or the build named "before") or Chromium alone. */
type Subject = 'ours' | 'before' | 'floor';
const SUBJECT_LABEL: Record<Subject, string> = {
	ours: 'Markbook',
	before: 'before (MARKBOOK_BENCH_BEFORE)',
	floor: 'Chromium alone'
};
/** Each rate's edits run in this many chunks, the pages taking turns. */
const CHUNKS = 4;

/** A PocketBase with the demo school serving one build of the app. */
async function demoServer(publicDir?: string) {
	const dataDir = mkdtempSync(join(tmpdir(), 'markbook-bench-ui-'));
	const server = await startPocketBase({
		dataDir,
		superuser: DEMO_SUPERUSER,
		stdio: 'pipe',
		...(publicDir ? { publicDir } : {})
	});
	await seedDemoSchool(server.url);
	return {
		url: server.url,
		async stop() {
			await server.stop();
			rmSync(dataDir, { recursive: true, force: true });
		}
	};
}

export async function localEditWorkload(ctx: BenchContext): Promise<WorkloadResult> {
	if (!gridPageExists())
		return skipped('not built yet: no teacher grid page (src/routes/classes/[id])');
	if (!existsSync(join(PUBLIC_DIR, 'index.html')))
		return skipped('the app is not built (build/index.html); run without --only, or npm run build');
	if (!existsSync(CHROMIUM)) return skipped(`no Chromium at ${CHROMIUM}`);
	const before = process.env['MARKBOOK_BENCH_BEFORE'];
	if (before && !existsSync(join(before, 'index.html')))
		throw new Error(`MARKBOOK_BENCH_BEFORE=${before} holds no built app (index.html)`);
	const edits = ctx.quick ? 48 : 200;
	const subjects: Subject[] = before ? ['floor', 'ours', 'before'] : ['floor', 'ours'];
	const { chromium } = await import('playwright-core');
	const servers = { ours: await demoServer(), before: before ? await demoServer(before) : null };
	const browser = await chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		args: ['--no-sandbox', '--disable-background-networking']
	});
	try {
		const samples: Record<string, number[]> = {};
		const medians: Record<string, number> = {};
		const rows: Row[] = [];
		for (const view of VIEWS) {
			const pages = new Map<Subject, { page: Page; cdp: CDPSession }>();
			for (const who of subjects) {
				const server = who === 'floor' ? null : who === 'ours' ? servers.ours : servers.before;
				pages.set(
					who,
					server ? await openView(browser, server.url, view) : await openFloor(browser, view)
				);
			}
			for (const rate of RATES) {
				const got = new Map<Subject, Sample[]>(subjects.map((w) => [w, []]));
				const per = Math.ceil(edits / CHUNKS);
				for (let chunk = 0; chunk < CHUNKS; chunk++) {
					// Take turns, and change who goes first, so no page always runs after another's burst.
					const order = chunk % 2 === 0 ? subjects : [...subjects].reverse();
					for (const who of order) {
						const { page, cdp } = pages.get(who)!;
						await cdp.send('Emulation.setCPUThrottlingRate', { rate });
						got.get(who)!.push(...(await measure(page, view, per, chunk * per)));
						await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
						// Its last pushes land before the next page's turn, not during it.
						if (who !== 'floor') await settled(page);
					}
				}
				for (const who of subjects) {
					const key = `${who === 'ours' ? '' : `${who}-`}${view}-${rate}x`;
					const list = got.get(who)!;
					samples[`${key}-changed`] = list.map((x) => x.changed);
					samples[`${key}-painted`] = list.map((x) => x.painted);
					samples[`${key}-queued`] = list.map((x) => x.queued);
					if (view === 'field') {
						samples[`${key}-fromUp`] = list.map((x) => x.fromUp ?? Number.NaN);
						samples[`${key}-fromClick`] = list.map((x) => x.fromClick ?? Number.NaN);
					}
					const painted = list.map((x) => x.painted);
					medians[`${key}-painted-p50`] = percentile(painted, 50);
					medians[`${key}-painted-p95`] = percentile(painted, 95);
					medians[`${key}-painted-max`] = Math.max(...painted);
					medians[`${key}-changed-p95`] = percentile(
						list.map((x) => x.changed),
						95
					);
					ctx.log(
						`  ${view} ${rate}× ${SUBJECT_LABEL[who]}: ${list.length} edits, changed p50 ${percentile(
							list.map((x) => x.changed),
							50
						)} ms, painted p50 ${percentile(painted, 50)} / p95 ${percentile(painted, 95)} / max ${Math.max(...painted)} ms`
					);
				}
				rows.push(
					...rowsFor(view, rate, got.get('ours')!, got.get('floor')!, got.get('before') ?? null)
				);
			}
			for (const { page } of pages.values()) await page.context().close();
		}
		return {
			name: 'local-edit',
			sizes: {
				edits,
				gapMs: GAP_MS,
				rates: RATES.join(','),
				views: VIEWS.join(','),
				subjects: subjects.join(','),
				chunks: CHUNKS
			},
			samples,
			medians,
			facts: {
				browser: browser.version(),
				start: 'event.timeStamp',
				painted: 'rAF + MessageChannel',
				floor: 'a static page with the same cells, its handler only flips the value',
				...(before ? { before } : {})
			},
			rows
		};
	} finally {
		await browser.close();
		await servers.ours.stop();
		await servers.before?.stop();
	}
}

/**
 * Chromium alone: the grid's cells and field mode's "Demonstrated" targets,
 * with the attributes the probe reads, and handlers that only flip the value:
 * what a key or tap costs before any app does anything.
 */
export async function openFloor(
	browser: Browser,
	view: View
): Promise<{ page: Page; cdp: CDPSession }> {
	const context = await browser.newContext(
		view === 'grid'
			? { viewport: { width: 1280, height: 800 } }
			: { viewport: { width: 1024, height: 768 }, hasTouch: true }
	);
	const page = await context.newPage();
	await page.setContent(FLOOR_HTML);
	await page.evaluate(installProbe);
	return { page, cdp: await context.newCDPSession(page) };
}

const FLOOR_ROWS = 25;
const FLOOR_COMPONENTS = 6;
const FLOOR_HTML = `<!doctype html><meta charset="utf-8"><title>floor</title>
<style>td{width:5rem;height:48px;text-align:center;border:1px solid #ccc}
[data-component] button{min-width:12rem;min-height:64px;margin:.5rem}</style>
<table role="grid"><tbody>${Array.from(
	{ length: FLOOR_ROWS },
	(_, r) =>
		`<tr>${Array.from({ length: FLOOR_COMPONENTS }, (_, c) => `<td tabindex="-1" data-cell="s${r}:c${c + 1}" data-value=""></td>`).join('')}</tr>`
).join('')}</tbody></table>
${Array.from(
	{ length: 4 },
	(_, c) =>
		`<div data-component="c${c + 1}" data-mark=""><button data-choice="demonstrated">Demonstrated</button></div>`
).join('')}
<script>
document.querySelector('table').addEventListener('keydown', (e) => {
	const td = e.target.closest('td');
	if (e.key !== ' ' || !td) return;
	e.preventDefault();
	td.dataset.value = td.dataset.value ? '' : 'demonstrated';
	td.textContent = td.dataset.value ? '✓' : '';
});
for (const b of document.querySelectorAll('[data-choice]'))
	b.addEventListener('click', () => {
		const c = b.parentElement;
		c.dataset.mark = c.dataset.mark ? '' : 'demonstrated';
		b.textContent = c.dataset.mark ? '✓ Demonstrated' : 'Demonstrated';
	});
</script>`;

/** Signs teacher A in on a new device and opens the view; the tab leads sync once it returns. */
export async function openView(
	browser: Browser,
	baseURL: string,
	view: View
): Promise<{ page: Page; cdp: CDPSession }> {
	const teacher = DEMO_USERS.find((u) => u.key === 'teacherA')!;
	const context = await browser.newContext(
		view === 'grid'
			? { baseURL, viewport: { width: 1280, height: 800 } }
			: { baseURL, viewport: { width: 1024, height: 768 }, hasTouch: true }
	);
	const page = await context.newPage();
	await page.goto('/signin');
	await page.getByLabel('Email').fill(teacher.email);
	await page.getByLabel('Password').fill(teacher.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL(/\/classes$/, { timeout: 30_000 });
	const catchId = (DEMO_IDS.assessments as Record<string, string>)['catch'];
	const cls = DEMO_IDS.classes.teacherA;
	if (view === 'grid') {
		await page.goto(`/classes/${cls}?a=${catchId}&p=${DEMO_IDS.periods.term1}`);
		await page.locator('[role="grid"] tbody tr[data-student]').nth(24).waitFor({ timeout: 30_000 });
	} else {
		await page.goto(`/classes/${cls}/field?a=${catchId}&p=${DEMO_IDS.periods.term2}`);
		await page
			.locator('[data-component="c4"] button[data-choice]')
			.first()
			.waitFor({ timeout: 30_000 });
	}
	// Until this tab leads sync, edits go through a leader that may not exist yet.
	await page
		.locator('[data-testid="pending-count"][data-pending="0"]')
		.waitFor({ timeout: 30_000 });
	await page.waitForTimeout(1_000);
	await page.evaluate(installProbe);
	return { page, cdp: await context.newCDPSession(page) };
}

/**
 * 0…16 ms more before edit i (a fixed spread, the same every run): with a
 * constant gap the loop's period locked onto the 60 Hz frames, so every key
 * landed at the same moment of a frame (early or late, by luck of the run);
 * a teacher's keys land anywhere in it.
 */
const jitter = (i: number): number => (i * 7) % 17;

/** Until the page's outbox is empty (its sync of the edits done) and a little after. */
async function settled(page: Page): Promise<void> {
	await page
		.locator('[data-testid="pending-count"][data-pending="0"]')
		.waitFor({ timeout: 30_000 });
	await page.waitForTimeout(300);
}

/** `edits` edits through real CDP input, each timed inside the page. */
export async function measure(page: Page, view: View, edits: number, from = 0): Promise<Sample[]> {
	const out: Sample[] = [];
	for (let i = from; i < from + edits; i++) {
		const at = await page.evaluate(armEdit, { view, i });
		await page.waitForTimeout(GAP_MS + jitter(i));
		if (view === 'grid') await page.keyboard.press('Space');
		else await page.touchscreen.tap(at.x, at.y);
		const s = await page.evaluate(
			() => (window as unknown as { __benchEdit: Promise<Sample> }).__benchEdit
		);
		out.push({
			changed: round(s.changed),
			painted: round(s.painted),
			queued: round(s.queued),
			fromUp: s.fromUp === null ? null : round(s.fromUp),
			fromClick: s.fromClick === null ? null : round(s.fromClick)
		});
	}
	return out;
}

/** Runs in the page once: a capture listener on window notes each input's timeStamp. */
function installProbe(): void {
	const w = window as unknown as {
		__benchInput: { stamp: number; ran: number } | null;
		__benchUp: number | null;
		__benchClick: number | null;
	};
	w.__benchInput = null;
	w.__benchUp = null;
	w.__benchClick = null;
	window.addEventListener(
		'pointerup',
		(e) => {
			if (w.__benchUp === null) w.__benchUp = e.timeStamp;
		},
		{ capture: true }
	);
	window.addEventListener(
		'click',
		(e) => {
			if (w.__benchClick === null) w.__benchClick = e.timeStamp;
		},
		{ capture: true }
	);
	const note = (e: Event): void => {
		if (w.__benchInput === null) w.__benchInput = { stamp: e.timeStamp, ran: performance.now() };
	};
	window.addEventListener('keydown', note, { capture: true });
	window.addEventListener('pointerdown', note, { capture: true });
}

/**
 * Runs in the page before each edit: picks the edit's cell (focuses it in the
 * grid), and arms `window.__benchEdit`, which resolves once the cell shows a
 * new value and the next frame is produced. Returns the cell's centre (for a tap).
 */
function armEdit(o: { view: 'grid' | 'field'; i: number }): { x: number; y: number } {
	const w = window as unknown as {
		__benchInput: { stamp: number; ran: number } | null;
		__benchUp: number | null;
		__benchClick: number | null;
		__benchEdit: Promise<unknown>;
	};
	let selector: string;
	let attr: string;
	if (o.view === 'grid') {
		const cells = [...document.querySelectorAll<HTMLElement>('[role="grid"] td[data-cell]')];
		const td = cells[o.i % cells.length] as HTMLElement;
		selector = `td[data-cell="${td.dataset['cell']}"]`;
		attr = 'data-value';
		td.focus();
	} else {
		selector = `[data-component="c${(o.i % 4) + 1}"]`;
		attr = 'data-mark';
	}
	const el = document.querySelector<HTMLElement>(selector);
	if (!el) throw new Error(`no ${selector}`);
	// Field mode: the tap lands on the component's "Demonstrated" target.
	const target =
		o.view === 'field' ? el.querySelector<HTMLElement>('button[data-choice="demonstrated"]') : el;
	if (!target) throw new Error(`no target in ${selector}`);
	// Only when off screen (the four targets fit a landscape tablet): a scroll
	// just before a tap holds the tap until the scrolled frame is out, which a
	// teacher tapping what she sees never meets.
	if (o.view === 'field') target.scrollIntoView({ block: 'nearest' });
	const before = el.getAttribute(attr);
	w.__benchInput = null;
	w.__benchUp = null;
	w.__benchClick = null;
	w.__benchEdit = new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			observer.disconnect();
			reject(new Error(`edit ${o.i} never showed (${selector})`));
		}, 20_000);
		const observer = new MutationObserver(() => {
			const now = document.querySelector<HTMLElement>(selector);
			if (!now || now.getAttribute(attr) === before) return;
			const changedAt = performance.now();
			observer.disconnect();
			clearTimeout(timer);
			requestAnimationFrame(() => {
				const ch = new MessageChannel();
				ch.port1.onmessage = () => {
					const paintedAt = performance.now();
					const input = w.__benchInput;
					if (!input) {
						reject(new Error(`edit ${o.i}: the cell changed without a key or tap`));
						return;
					}
					resolve({
						changed: changedAt - input.stamp,
						painted: paintedAt - input.stamp,
						queued: input.ran - input.stamp,
						fromUp: w.__benchUp === null ? null : paintedAt - w.__benchUp,
						fromClick:
							o.view === 'field' && w.__benchClick !== null ? paintedAt - w.__benchClick : null
					});
				};
				ch.port2.postMessage(0);
			});
		});
		observer.observe(document.body, {
			attributes: true,
			subtree: true,
			childList: true,
			attributeFilter: [attr]
		});
	});
	const r = target.getBoundingClientRect();
	return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
}
