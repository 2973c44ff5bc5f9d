// What polling costs under X's pay-per-use pricing: a simulated UTC day of trigger polls on the emulator's clock, at
// 1-minute and 5-minute intervals, on an idle account, one receiving 50 events spread over the day and one receiving a
// burst of 250, with Cost-Aware Page Sizes on and off; and Get Many with Limit 10 against Return All on a 1,000-event
// account. Figures are counts, not times: GET requests (from the emulator's request log), billed reads and dollars
// (its pay-per-use meter, emu.billing()), per UTC day. The compiled trigger polls through n8n-core's PollContext in
// this process, on its own emulator with a frozen clock; while a day is simulated, Date follows that clock, as the
// host clock of an n8n instance follows X's.
import { startEmulator, type Emulator, type EmulatorUser } from './emulator';
import { actionNode, credentialSetup, loadPackage, NODE_NAME, poll, runWorkflow, TRIGGER_NODE_TYPE, type CredentialSetup, type LoadedPackage } from './harness';
import { RATE_LIMITS } from './seed';
import { summarize, type Row, type Target, type Unit } from './stats';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** The measured UTC day. */
const DAY = Date.UTC(2026, 2, 2);
/** The account's history ends here, the trigger is activated an hour later: quiet since before midnight. */
const HISTORY_END = DAY - 2 * HOUR_MS;
const ACTIVATION = DAY - HOUR_MS;
const HISTORY = 150;
const SPREAD_EVENTS = 50;
const BURST_EVENTS = 250;
/** The burst: 10 ms apart from 09:30:20 on. */
const BURST_AT = DAY + 9.5 * HOUR_MS + 20_000;
const WINDOW_MS = 15 * MINUTE_MS;
/** X's documented limit of DM event list requests per user and 15 minutes. */
const GET_LIMIT_15 = 15;
const IDLE_BILLED_LIMIT = 2;
const GET_MANY_EVENTS = 1000;
const GET_MANY_LIMIT = 10;
const TOKEN_SECONDS = 30 * 24 * 3600;

type Load = 'idle' | 'spread' | 'burst';

interface DayCase {
	intervalMin: 1 | 5;
	load: Load;
	costAware: boolean;
}

export interface DayFigures extends DayCase {
	label: string;
	polls: number;
	getRequests: number;
	maxGetsPer15Min: number;
	windowsOverLimit: number;
	billedReads: number;
	usd: number;
	delivered: number;
	/** Polls whose requests passed ceil((k + 1) / 100) + 1 for their k new events. */
	pollsOverBound: number;
	/** The largest (requests - bound) of a poll. */
	worstOverBound: number;
}

export interface CostSection {
	rows: Row[];
	targets: Target[];
	raw: { days: DayFigures[]; getMany: GetManyFigures[] };
}

const LOAD_LABELS: Record<Load, string> = { idle: 'idle', spread: `${SPREAD_EVENTS} events spread`, burst: `burst of ${BURST_EVENTS}` };

const requestBound = (k: number): number => Math.ceil((k + 1) / 100) + 1;
const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * Makes Date (Date.now() and new Date()) show `now()` until the returned function is called. The emulator's frozen
 * clock does not read Date, so the two cannot drift apart.
 */
function followClock(now: () => number): () => void {
	const RealDate = Date;
	class ClockDate extends RealDate {
		constructor(...args: unknown[]) {
			// One constructor for every Date signature: no argument means "now" on the followed clock.
			super(...((args.length ? args : [now()]) as [number]));
		}

		static now(): number {
			return now();
		}

		static [Symbol.hasInstance](value: unknown): boolean {
			return value instanceof RealDate;
		}
	}
	globalThis.Date = ClockDate as DateConstructor;
	return () => {
		globalThis.Date = RealDate;
	};
}

/** DM event reads X billed on the UTC day of `ms` (every app), and their price. */
function billedOn(emu: Emulator, ms: number): { reads: number; usd: number } {
	const day = dayOf(ms);
	const days = Object.values(emu.billing().apps).flat().filter((entry) => entry.day === day);
	return {
		reads: days.reduce((sum, entry) => sum + entry.billed.dm_event_read, 0),
		usd: Math.round(days.reduce((sum, entry) => sum + entry.usd, 0) * 100) / 100,
	};
}

interface World {
	watcher: EmulatorUser;
	partners: EmulatorUser[];
	setup: CredentialSetup;
}

/** A fresh emulator world: four partners and the watched account with `history` inbound events ending at `endMs`. */
function freshWorld(emu: Emulator, history: number, endMs: number): World {
	emu.reset();
	emu.setRateLimitProfile(RATE_LIMITS);
	emu.clock.set(endMs - history * 1000 - MINUTE_MS);
	const partners = ['ana', 'ben', 'cleo', 'dan'].map((username) => emu.addUser({ username, name: username }));
	const watcher = emu.addUser({ username: 'watcher', name: 'watcher' });
	const setup = credentialSetup(emu, watcher, 'oAuth2', { expiresIn: TOKEN_SECONDS });
	for (let index = 0; index < history; index++) {
		emu.clock.advance(1000);
		emu.sendAs(partners[index % partners.length].id, { to: watcher.id, text: `history ${index}` });
	}
	return { watcher, partners, setup };
}

/** When the day's events arrive (ascending): spread evenly (off the minute marks), or one burst. */
function arrivals(load: Load): number[] {
	if (load === 'spread') return Array.from({ length: SPREAD_EVENTS }, (_, index) => DAY + Math.floor(((index + 0.5) * DAY_MS) / SPREAD_EVENTS) + 17_000);
	if (load === 'burst') return Array.from({ length: BURST_EVENTS }, (_, index) => BURST_AT + index * 10);
	return [];
}

function caseLabel({ intervalMin, load, costAware }: DayCase): string {
	return `${intervalMin}-min polls, ${LOAD_LABELS[load]}, cost-aware ${costAware ? 'on' : 'off'}`;
}

/** One simulated day of polls: activation an hour before midnight, then a poll every interval until the day ends. */
async function simulateDay(emu: Emulator, loader: LoadedPackage, dayCase: DayCase): Promise<DayFigures> {
	const { watcher, partners, setup } = freshWorld(emu, HISTORY, HISTORY_END);
	const node = {
		id: 'cost-trigger',
		name: 'cost trigger',
		type: TRIGGER_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0] as [number, number],
		parameters: { authentication: setup.authentication, options: { costAwarePages: dayCase.costAware } },
		credentials: setup.nodeCredentials,
	};
	let workflow: Awaited<ReturnType<typeof poll>>['workflow'] | undefined;
	let credentials = setup.credentials;
	const pending = arrivals(dayCase.load);
	const windows = new Array<number>(DAY_MS / WINDOW_MS).fill(0);
	const figures = { polls: 0, getRequests: 0, delivered: 0, pollsOverBound: 0, worstOverBound: -Infinity };
	const intervalMs = dayCase.intervalMin * MINUTE_MS;
	for (let at = ACTIVATION; at < DAY + DAY_MS; at += intervalMs) {
		while (pending.length && pending[0] <= at) {
			emu.clock.set(pending.shift() as number);
			emu.sendAs(partners[pending.length % partners.length].id, { to: watcher.id, text: `event ${pending.length}` });
		}
		emu.clock.set(at);
		emu.clearRequests();
		const outcome = await poll({ loader, node, workflow, credentials });
		workflow = outcome.workflow;
		credentials = outcome.credentialsHelper.credentialsByType;
		// Every request is a GET that succeeded (the activation also looks up the account: GET /2/users/me).
		const log = emu.requests();
		const stray = log.filter((entry) => entry.method !== 'GET' || entry.status !== 200);
		if (stray.length) throw new Error(`cost ${caseLabel(dayCase)}: unexpected request ${JSON.stringify(stray[0])}`);
		if (at < DAY) continue;
		const emitted = outcome.result === null ? 0 : outcome.result[0].length;
		const over = log.filter((entry) => entry.path === '/2/dm_events').length - requestBound(emitted);
		figures.polls++;
		figures.getRequests += log.length;
		figures.delivered += emitted;
		if (over > 0) figures.pollsOverBound++;
		figures.worstOverBound = Math.max(figures.worstOverBound, over);
		windows[Math.floor((at - DAY) / WINDOW_MS)] += log.length;
	}
	const expected = arrivals(dayCase.load).length;
	if (figures.delivered !== expected) throw new Error(`cost ${caseLabel(dayCase)}: delivered ${figures.delivered} events, expected ${expected}`);
	const billed = billedOn(emu, DAY);
	return {
		...dayCase,
		label: caseLabel(dayCase),
		...figures,
		maxGetsPer15Min: Math.max(...windows),
		windowsOverLimit: windows.filter((count) => count > GET_LIMIT_15).length,
		billedReads: billed.reads,
		usd: billed.usd,
	};
}

export interface GetManyFigures {
	label: string;
	returned: number;
	requests: number;
	billedReads: number;
}

/** Event → Get Many (scope all) on an account with 1,000 events: Limit 10, then Return All. */
async function getManyCost(emu: Emulator, loader: LoadedPackage): Promise<GetManyFigures[]> {
	const results: GetManyFigures[] = [];
	for (const [label, parameters] of [
		[`Get Many, Limit ${GET_MANY_LIMIT}`, { returnAll: false, limit: GET_MANY_LIMIT }],
		['Get Many, Return All', { returnAll: true }],
	] as const) {
		const { setup } = freshWorld(emu, GET_MANY_EVENTS, DAY + HOUR_MS);
		emu.clearRequests();
		const node = actionNode({ resource: 'event', operation: 'getMany', scope: 'all', ...parameters }, setup);
		const { error, outputOf } = await runWorkflow({ loader, nodes: [node], credentials: setup.credentials });
		if (error) throw error;
		results.push({ label, returned: outputOf(NODE_NAME).length, requests: emu.requests().length, billedReads: billedOn(emu, emu.clock.now()).reads });
	}
	return results;
}

const money = (usd: number): string => `$${usd.toFixed(2)}`;

/** The day figures as a compact table (printed under the section's title). */
export function formatCostTable(days: DayFigures[], getMany: GetManyFigures[]): string {
	const header = ['case', 'GETs/day', 'max GETs/15 min', 'billed reads/day', '$/day', 'billed reads/event', 'polls over bound'];
	const cells = days.map((day) => [
		day.label,
		String(day.getRequests),
		String(day.maxGetsPer15Min),
		String(day.billedReads),
		money(day.usd),
		day.delivered ? (day.billedReads / day.delivered).toFixed(2) : '-',
		String(day.pollsOverBound),
	]);
	for (const entry of getMany) cells.push([`${entry.label} (${entry.returned} returned)`, String(entry.requests), '-', String(entry.billedReads), money(entry.billedReads / 100), '-', '-']);
	const widths = header.map((title, column) => Math.max(title.length, ...cells.map((cell) => cell[column].length)));
	const line = (cell: string[]): string => cell.map((text, column) => (column ? text.padStart(widths[column]) : text.padEnd(widths[column]))).join('  ');
	return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...cells.map(line)].join('\n');
}

function rowsOf(days: DayFigures[], getMany: GetManyFigures[]): Row[] {
	const row = (scenario: string, metric: string, value: number, unit: Unit = ''): Row => ({ scenario, metric, unit, summary: summarize([value]) });
	const rows: Row[] = [];
	for (const day of days) {
		const scenario = `cost ${day.label}`;
		rows.push(
			row(scenario, 'GET requests per UTC day', day.getRequests),
			row(scenario, `max GET requests in a 15-min window (X: ${GET_LIMIT_15})`, day.maxGetsPer15Min),
			row(scenario, 'billed reads per UTC day', day.billedReads),
			row(scenario, 'dollars per UTC day', day.usd),
		);
		if (day.delivered) rows.push(row(scenario, 'billed reads per delivered event', Math.round((day.billedReads / day.delivered) * 100) / 100));
	}
	for (const entry of getMany) {
		rows.push(row(`cost ${entry.label}, ${GET_MANY_EVENTS} events`, 'GET requests', entry.requests), row(`cost ${entry.label}, ${GET_MANY_EVENTS} events`, 'billed reads', entry.billedReads));
	}
	return rows;
}

function targetsOf(days: DayFigures[], getMany: GetManyFigures[]): Target[] {
	const targets: Target[] = [];
	for (const day of days.filter((entry) => entry.costAware)) {
		if (day.load === 'idle') {
			targets.push({ name: `cost ${day.label}: billed reads per UTC day`, value: day.billedReads, unit: '', limit: IDLE_BILLED_LIMIT, comparison: '<=' });
		}
		targets.push({ name: `cost ${day.label}: polls over ceil((k+1)/100)+1 requests`, value: day.pollsOverBound, unit: '', limit: 0, comparison: '==' });
	}
	const limited = getMany[0];
	targets.push({ name: `cost ${limited.label}: billed reads`, value: limited.billedReads, unit: '', limit: GET_MANY_LIMIT, comparison: '==' });
	return targets;
}

/** Every day case, then Get Many; the package is loaded from `packageDir` (the bench's snapshot of dist/). */
export async function costScenario(packageDir: string, log: (text: string) => void = () => undefined): Promise<CostSection> {
	const loader = await loadPackage(packageDir);
	const emu = await startEmulator({ port: 0, now: ACTIVATION });
	const restoreDate = followClock(() => emu.clock.now());
	const days: DayFigures[] = [];
	let getMany: GetManyFigures[];
	try {
		for (const intervalMin of [1, 5] as const) {
			for (const load of ['idle', 'spread', 'burst'] as const) {
				for (const costAware of [true, false]) days.push(await simulateDay(emu, loader, { intervalMin, load, costAware }));
			}
		}
		getMany = await getManyCost(emu, loader);
	} finally {
		restoreDate();
		await emu.close();
	}
	log(formatCostTable(days, getMany));
	return { rows: rowsOf(days, getMany), targets: targetsOf(days, getMany), raw: { days, getMany } };
}
