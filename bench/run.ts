// `npm run bench` (build + this file), or `tsx bench/run.ts [--reps N] [--only list,send,trigger,startup]` on an
// existing build. The emulator runs in this process; every measured client runs in a fresh child process
// (bench/worker.ts), so server work never counts against a client's time or memory. Machines here are noisy, so
// every time figure is a ratio against a floor measured in the same repetition: a bare undici client doing the same
// requests. Request counts are asserted (the bench fails loudly, exit code 1, when one is off); targets print PASS or
// MISS (exit code 0, or 2 with --strict when a target is missed).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';

import { startEmulator, type Emulator, type RequestLogEntry } from './emulator';
import { shutdown, harnessUserFolder } from './harness';
import { seedLists, seedSend, seedTriggers, deliver, LIST_SIZES, type Account, type ListSize } from './seed';
import { createSnapshot, removeSnapshot } from './snapshot';
import { instantScenario, INSTANT_NOTES } from './instant';
import { startWorker, type Worker } from './worker-handle';
import { measureColdLoad, measurePack, MODULES } from './startup';
import { costScenario } from './cost';
import { summarize, median, formatTable, formatTargets, MB, type Row, type Target, type JudgedTarget, type Unit } from './stats';
import type { ClientKind, Count, ListResult, Query, WorkerConfig } from './clients';

const RESULTS_FILE = path.join(__dirname, 'results.json');
const PAGE_SIZE = 100;
const SEND_COUNT = 500;
const SEND_WARMUP = 20;
const NEW_EVENTS = 250;
const IDLE_POLLS = 15;
const NEW_ROUNDS = 3;
const COLD_LOAD_ROUNDS = 15;
const LIST_CLIENTS: ClientKind[] = ['node', 'n8n-http', 'undici', 'twitter'];
const SEND_CLIENTS: ClientKind[] = ['node', 'n8n-http', 'undici'];
const CLIENT_LABELS: Record<ClientKind, string> = { node: 'node', 'n8n-http': 'n8n-http', undici: 'undici', twitter: 'twitter-api-v2' };
// Timed runs per client and repetition; memory runs only in the first repetitions (they vary little).
const LIST_ROUNDS: Record<ListSize, number> = { 1000: 3, 10000: 1 };
const MEMORY_REPS = 2;
const SEND_ROUNDS = 1;

const TARGETS = {
	listVsUndici: 1.25,
	listVsTwitter: 1.0,
	memory10kBytes: 64 * MB,
	coldLoadMs: 30,
	tarballBytes: 150 * 1000,
};

class FloorError extends Error {}

type Scenario = 'list' | 'send' | 'trigger' | 'startup' | 'cost' | 'instant';

interface Options {
	reps: number;
	only: string[];
	strict: boolean;
}

interface Context {
	emu: Emulator;
	reps: number;
	workerConfig: WorkerConfig;
	lists?: Record<ListSize, Account>;
	listQuery?: Query;
}

/** What each scenario returns: table rows, targets to judge, and the raw figures for results.json. */
interface Section {
	rows: Row[];
	targets: Target[];
	raw: unknown;
}

type Workers = Partial<Record<ClientKind, Worker>>;

function parseArgs(argv: string[]): Options {
	const options: Options = { reps: 5, only: ['list', 'send', 'trigger', 'startup', 'cost', 'instant'], strict: false };
	for (let index = 0; index < argv.length; index++) {
		if (argv[index] === '--reps') options.reps = Number(argv[++index]);
		else if (argv[index] === '--only') options.only = argv[++index].split(',');
		else if (argv[index] === '--strict') options.strict = true;
		else throw new Error(`Unknown argument ${argv[index]} (use --reps N, --only list,send,trigger,startup,cost,instant, --strict)`);
	}
	if (!Number.isInteger(options.reps) || options.reps < 1) throw new Error('--reps must be a positive integer');
	return options;
}

/** The order of clients changes with each repetition, so that drift on the machine does not favour one of them. */
function rotate<T>(list: T[], by: number): T[] {
	const shift = by % list.length;
	return [...list.slice(shift), ...list.slice(0, shift)];
}

function expectFloor(condition: boolean, message: string, log?: RequestLogEntry[]): void {
	if (condition) return;
	const detail = log ? `\n  requests: ${log.map((entry) => `${entry.method} ${entry.path} ${entry.status}`).join(', ')}` : '';
	throw new FloorError(`${message}${detail}`);
}

function withoutPaging(query: Query): Query {
	const rest = { ...query };
	delete rest.pagination_token;
	return rest;
}

/** The started worker of `kind` (every scenario starts the ones it calls). */
function workerOf(workers: Workers, kind: ClientKind): Worker {
	const worker = workers[kind];
	if (!worker) throw new Error(`no ${kind} worker started`);
	return worker;
}

async function startWorkers(kinds: ClientKind[], config: WorkerConfig): Promise<Workers> {
	const workers: Workers = {};
	try {
		for (const kind of kinds) workers[kind] = await startWorker(kind, config);
	} catch (error) {
		await closeWorkers(workers);
		throw error;
	}
	return workers;
}

async function closeWorkers(workers: Workers): Promise<void> {
	await Promise.all(Object.values(workers).map((worker) => worker.close()));
}

// ---- list all ----

function listArgs(kind: ClientKind, account: Account, query?: Query): object {
	return kind === 'node' ? { setup: account.setup } : { token: account.token, query };
}

function listsOf(ctx: Context): Record<ListSize, Account> {
	if (!ctx.lists) throw new Error('the list accounts are not seeded');
	return ctx.lists;
}

/** The node's query (fields and expansions at their defaults), read off the emulator's request log. */
async function probeListQuery(ctx: Context): Promise<Query> {
	const worker = await startWorker('node', ctx.workerConfig);
	try {
		ctx.emu.clearRequests();
		await worker.call('listAll', listArgs('node', listsOf(ctx)[LIST_SIZES[0]]));
		const [first] = ctx.emu.requests();
		const query = withoutPaging(first.query);
		delete query.max_results;
		return query;
	} finally {
		await worker.close();
	}
}

function checkListRequests(ctx: Context, kind: ClientKind, size: ListSize, value: ListResult, log: RequestLogEntry[]): number {
	const expected = Math.ceil(size / PAGE_SIZE);
	const label = `list-all ${size} (${kind})`;
	expectFloor(value.count === size, `${label}: got ${value.count} events, expected ${size}`);
	expectFloor(log.length === expected, `${label}: ${log.length} requests, expected ceil(${size}/100) = ${expected}`, log);
	for (const entry of log) {
		expectFloor(entry.method === 'GET' && entry.path === '/2/dm_events' && entry.status === 200, `${label}: unexpected request`, log);
		const query = withoutPaging(entry.query);
		expectFloor(
			isDeepStrictEqual(query, { ...ctx.listQuery, max_results: String(PAGE_SIZE) }),
			`${label}: query differs from the node's: ${JSON.stringify(entry.query)}`,
		);
	}
	return log.length;
}

interface ListFigures {
	ms: number[];
	cpu: number[];
	heap: number[];
	rss: number[];
	requests: number[];
	lastId: Array<string | undefined>;
}

/** Timed runs (rotating the clients) and, in the first repetitions, memory runs of every client on `account`. */
async function measureListRepetition(ctx: Context, size: ListSize, rep: number, perClient: Record<ClientKind, ListFigures>): Promise<void> {
	const account = listsOf(ctx)[size];
	const warmAccount = listsOf(ctx)[LIST_SIZES[0]];
	const rounds = LIST_ROUNDS[size];
	// Fresh processes each repetition; all stay up so that their timed runs can alternate closely.
	const workers = await startWorkers(LIST_CLIENTS, ctx.workerConfig);
	try {
		// Warm-up (JIT, connection pool) on the smaller inbox; only measured runs have their requests counted.
		for (const kind of LIST_CLIENTS) await workerOf(workers, kind).call('listAll', listArgs(kind, warmAccount, ctx.listQuery));
		for (let round = 0; round < rounds; round++) {
			for (const kind of rotate(LIST_CLIENTS, rep * rounds + round)) {
				ctx.emu.clearRequests();
				const { value, ms, cpuMs } = await workerOf(workers, kind).call<ListResult>('listAll', listArgs(kind, account, ctx.listQuery));
				perClient[kind].requests.push(checkListRequests(ctx, kind, size, value, ctx.emu.requests()));
				perClient[kind].ms.push(ms);
				perClient[kind].cpu.push(cpuMs);
				perClient[kind].lastId.push(value.lastId);
			}
		}
		// Memory on a separate run, so that sampling never slows a timed one.
		for (const kind of rep < MEMORY_REPS ? LIST_CLIENTS : []) {
			ctx.emu.clearRequests();
			const { value, memory } = await workerOf(workers, kind).call<ListResult>('listAll', listArgs(kind, account, ctx.listQuery), { memory: true });
			checkListRequests(ctx, kind, size, value, ctx.emu.requests());
			perClient[kind].heap.push(memory.peakHeapUsedDelta);
			perClient[kind].rss.push(memory.peakRssDelta);
		}
	} finally {
		await closeWorkers(workers);
	}
}

async function listScenario(ctx: Context, size: ListSize): Promise<Section> {
	const perClient = Object.fromEntries(
		LIST_CLIENTS.map((kind) => [kind, { ms: [], cpu: [], heap: [], rss: [], requests: [], lastId: [] }]),
	) as unknown as Record<ClientKind, ListFigures>;
	for (let rep = 0; rep < ctx.reps; rep++) await measureListRepetition(ctx, size, rep, perClient);
	const lastIds = new Set(LIST_CLIENTS.flatMap((kind) => perClient[kind].lastId));
	expectFloor(lastIds.size === 1, `list-all ${size}: the clients disagree on the oldest event (${[...lastIds].join(', ')})`);

	type Figure = 'ms' | 'cpu';
	const ratio = (a: ClientKind, b: ClientKind, figure: Figure = 'ms'): number[] => perClient[a][figure].map((value, run) => value / perClient[b][figure][run]);
	const name = `list-all ${size / 1000}k`;
	const row = (metric: string, unit: Unit, values: number[]): Row => ({ scenario: name, metric, unit, summary: summarize(values) });
	const ratioRow = (a: ClientKind, b: ClientKind, figure: Figure = 'ms'): Row =>
		row(`${figure === 'ms' ? 'time' : 'client CPU'} ${CLIENT_LABELS[a]} / ${CLIENT_LABELS[b]}`, 'x', ratio(a, b, figure));
	const rows = [
		ratioRow('node', 'undici'),
		ratioRow('node', 'twitter'),
		ratioRow('node', 'n8n-http'),
		ratioRow('n8n-http', 'undici'),
		ratioRow('twitter', 'undici'),
		ratioRow('node', 'undici', 'cpu'),
		ratioRow('n8n-http', 'undici', 'cpu'),
		ratioRow('twitter', 'undici', 'cpu'),
		...(['undici', 'node'] as const).map((kind) => row(`time ${CLIENT_LABELS[kind]}`, 'ms', perClient[kind].ms)),
		...(['undici', 'node'] as const).map((kind) => row(`client CPU ${CLIENT_LABELS[kind]}`, 'ms', perClient[kind].cpu)),
		row(`requests, every client (floor ${Math.ceil(size / PAGE_SIZE)})`, '', LIST_CLIENTS.flatMap((kind) => perClient[kind].requests)),
		...LIST_CLIENTS.map((kind) => row(`peak heapUsed delta ${CLIENT_LABELS[kind]}`, 'MB', perClient[kind].heap)),
		...(['node', 'undici'] as const).map((kind) => row(`peak RSS delta ${CLIENT_LABELS[kind]} (info)`, 'MB', perClient[kind].rss)),
	];
	const targets: Target[] = [
		{ name: `${name}: time node / undici`, value: median(ratio('node', 'undici')), unit: 'x', limit: TARGETS.listVsUndici, comparison: '<=' },
		{ name: `${name}: time node / twitter-api-v2`, value: median(ratio('node', 'twitter')), unit: 'x', limit: TARGETS.listVsTwitter, comparison: '<=' },
		{ name: `${name}: requests (every client)`, value: Math.max(...LIST_CLIENTS.flatMap((kind) => perClient[kind].requests)), unit: '', limit: Math.ceil(size / PAGE_SIZE), comparison: '==' },
	];
	if (size === 10000) {
		targets.push(
			{ name: `${name}: node peak heapUsed over pre-run heap`, value: median(perClient.node.heap), unit: 'MB', limit: TARGETS.memory10kBytes, comparison: '<=' },
		);
	}
	return { rows, targets, raw: perClient };
}

// ---- send ----

interface SendFigures {
	ms: number[];
	cpu: number[];
	requests: number[];
}

async function sendScenario(ctx: Context): Promise<Section> {
	const { sender, recipient } = seedSend(ctx.emu);
	const sendPath = `/2/dm_conversations/with/${recipient.id}/messages`;
	const perClient = Object.fromEntries(SEND_CLIENTS.map((kind) => [kind, { ms: [], cpu: [], requests: [] }])) as unknown as Record<ClientKind, SendFigures>;
	const argsFor = (kind: ClientKind, count: number): object => ({
		...(kind === 'node' ? { setup: sender.setup } : { token: sender.token }),
		recipientId: recipient.id,
		count,
		textPrefix: 'bench message ',
	});
	const kinds = SEND_CLIENTS;
	for (let rep = 0; rep < ctx.reps; rep++) {
		const workers = await startWorkers(kinds, ctx.workerConfig);
		try {
			for (const kind of kinds) await workerOf(workers, kind).call('send', argsFor(kind, SEND_WARMUP));
			for (let round = 0; round < SEND_ROUNDS; round++) {
				for (const kind of rotate(kinds, rep * SEND_ROUNDS + round)) {
					ctx.emu.clearRequests();
					const { value, ms, cpuMs } = await workerOf(workers, kind).call<Count>('send', argsFor(kind, SEND_COUNT));
					const log = ctx.emu.requests();
					const label = `send ${SEND_COUNT} (${kind})`;
					expectFloor(value.count === SEND_COUNT, `${label}: ${value.count} messages confirmed`);
					expectFloor(log.length === SEND_COUNT, `${label}: ${log.length} requests, expected exactly ${SEND_COUNT} POSTs`);
					const stray = log.filter((entry) => entry.method !== 'POST' || entry.path !== sendPath || entry.status !== 201);
					expectFloor(stray.length === 0, `${label}: requests other than POST ${sendPath} 201`, stray.slice(0, 5));
					perClient[kind].ms.push(ms);
					perClient[kind].cpu.push(cpuMs);
					perClient[kind].requests.push(log.length);
				}
			}
		} finally {
			await closeWorkers(workers);
		}
	}
	const name = `send ${SEND_COUNT}`;
	const row = (metric: string, unit: Unit, values: number[]): Row => ({ scenario: name, metric, unit, summary: summarize(values) });
	const ratio = (a: ClientKind, b: ClientKind, figure: 'ms' | 'cpu'): number[] => perClient[a][figure].map((value, run) => value / perClient[b][figure][run]);
	return {
		rows: [
			row('time node / undici', 'x', ratio('node', 'undici', 'ms')),
			row('time node / n8n-http', 'x', ratio('node', 'n8n-http', 'ms')),
			row('time n8n-http / undici', 'x', ratio('n8n-http', 'undici', 'ms')),
			row('client CPU node / undici', 'x', ratio('node', 'undici', 'cpu')),
			row('client CPU n8n-http / undici', 'x', ratio('n8n-http', 'undici', 'cpu')),
			row('time undici', 'ms', perClient.undici.ms),
			row('time node', 'ms', perClient.node.ms),
			row(`requests, every client (floor ${SEND_COUNT} POSTs)`, '', SEND_CLIENTS.flatMap((kind) => perClient[kind].requests)),
		],
		targets: [
			{ name: `${name}: requests (POSTs only, every client)`, value: Math.max(...SEND_CLIENTS.flatMap((kind) => perClient[kind].requests)), unit: '', limit: SEND_COUNT, comparison: '==' },
		],
		raw: perClient,
	};
}

// ---- trigger ----

interface PollOutcome {
	count: number;
	requests: number;
	nodeMs: number;
	undiciMs: number;
}

/** One poll through the node, then the same requests replayed by undici against the same server state. */
async function pollAndReplay(ctx: Context, node: Worker, undici: Worker, name: string, token: string): Promise<PollOutcome> {
	ctx.emu.clearRequests();
	const polled = await node.call<Count>('triggerPoll', { name });
	const log = ctx.emu.requests();
	const replayed = await undici.call<Count>('replay', { token, requests: log });
	expectFloor(
		log.every((entry) => entry.method === 'GET' && entry.path === '/2/dm_events' && entry.status === 200),
		`trigger ${name}: unexpected request`,
		log,
	);
	return { count: polled.value.count, requests: log.length, nodeMs: polled.ms, undiciMs: replayed.ms };
}

interface TriggerCase {
	label: string;
	floor: number;
	node: number[];
	undici: number[];
	requests: number[];
}

type TriggerCaseKey = 'idle' | 'fresh' | 'deep';

/** Polls `name` several times and keeps the medians (per repetition) of the node's and the replay's times. */
async function collectPolls(
	ctx: Context,
	{ node, undici }: { node: Worker; undici: Worker },
	cases: Record<TriggerCaseKey, TriggerCase>,
	key: TriggerCaseKey,
	account: { name: string; token: string },
	before?: () => number,
): Promise<void> {
	const nodeMs: number[] = [];
	const undiciMs: number[] = [];
	const rounds = key === 'fresh' ? NEW_ROUNDS : IDLE_POLLS;
	for (let poll = 0; poll < rounds; poll++) {
		const expected = before ? before() : 0;
		const outcome = await pollAndReplay(ctx, node, undici, account.name, account.token);
		const label = `trigger ${cases[key].label}`;
		expectFloor(outcome.count === expected, `${label}: emitted ${outcome.count}, expected ${expected}`);
		expectFloor(
			key === 'fresh' ? outcome.requests <= cases[key].floor : outcome.requests === cases[key].floor,
			`${label}: ${outcome.requests} requests, floor ${cases[key].floor}`,
		);
		cases[key].requests.push(outcome.requests);
		nodeMs.push(outcome.nodeMs);
		undiciMs.push(outcome.undiciMs);
	}
	cases[key].node.push(median(nodeMs));
	cases[key].undici.push(median(undiciMs));
}

async function triggerScenario(ctx: Context): Promise<Section> {
	const { recent: trigger, deep: deepTrigger, partners } = seedTriggers(ctx.emu);
	const cases: Record<TriggerCaseKey, TriggerCase> = {
		idle: { label: 'idle poll', floor: 1, node: [], undici: [], requests: [] },
		// Cost-Aware Page Sizes (the default) may spend one small first page: ceil((k+1)/100) + 1.
		fresh: { label: `${NEW_EVENTS} new events`, floor: Math.ceil((NEW_EVENTS + 1) / PAGE_SIZE) + 1, node: [], undici: [], requests: [] },
		deep: { label: 'idle, 10k history', floor: 1, node: [], undici: [], requests: [] },
	};
	const recent = { name: 'recent', token: trigger.token };
	const deep = { name: 'deep', token: deepTrigger.token };
	let round = 0;
	for (let rep = 0; rep < ctx.reps; rep++) {
		const workers = await startWorkers(['node', 'undici'], ctx.workerConfig);
		const pair = { node: workerOf(workers, 'node'), undici: workerOf(workers, 'undici') };
		const { node, undici } = pair;
		try {
			await node.call('triggerCreate', { name: 'recent', setup: trigger.setup });
			await node.call('triggerCreate', { name: 'deep', setup: deepTrigger.setup });
			// First polls only record where "now" is; then a few warm-up polls, one of them emitting.
			await node.call('triggerPoll', { name: 'recent' });
			await node.call('triggerPoll', { name: 'deep' });
			deliver(ctx.emu, trigger.user, partners, 5, round++);
			await pollAndReplay(ctx, node, undici, 'recent', trigger.token);
			for (let poll = 0; poll < 3; poll++) {
				await pollAndReplay(ctx, node, undici, 'recent', trigger.token);
				await pollAndReplay(ctx, node, undici, 'deep', deepTrigger.token);
			}

			await collectPolls(ctx, pair, cases, 'idle', recent);
			await collectPolls(ctx, pair, cases, 'fresh', recent, () => {
				deliver(ctx.emu, trigger.user, partners, NEW_EVENTS, round++);
				return NEW_EVENTS;
			});
			await collectPolls(ctx, pair, cases, 'deep', deep);
		} finally {
			await closeWorkers(workers);
		}
	}
	const rows: Row[] = [];
	const targets: Target[] = [];
	for (const entry of Object.values(cases)) {
		const name = `trigger ${entry.label}`;
		const ratio = entry.node.map((ms, rep) => ms / entry.undici[rep]);
		rows.push(
			{ scenario: name, metric: 'time node / undici replay', unit: 'x', summary: summarize(ratio) },
			{ scenario: name, metric: 'time node (median of polls)', unit: 'ms', summary: summarize(entry.node) },
			{ scenario: name, metric: 'time undici replay', unit: 'ms', summary: summarize(entry.undici) },
			{ scenario: name, metric: `requests per poll (floor ${entry.floor})`, unit: '', summary: summarize(entry.requests) },
		);
		targets.push({
			name: `${name}: requests per poll`,
			value: Math.max(...entry.requests),
			unit: '',
			limit: entry.floor,
			comparison: entry === cases.fresh ? '<=' : '==',
		});
	}
	return { rows, targets, raw: cases };
}

// ---- start-up and package ----

function startupScenario(packageDir: string): Section {
	const { wall, requireMs } = measureColdLoad(COLD_LOAD_ROUNDS, packageDir);
	const pack = measurePack(packageDir);
	const rows: Row[] = [];
	const targets: Target[] = [];
	for (const name of Object.keys(MODULES) as Array<keyof typeof MODULES>) {
		const overBaseline = wall[name].map((ms, round) => ms - wall.baseline[round]);
		rows.push(
			{ scenario: `cold load ${name}`, metric: 'require() in a fresh process, after n8n-workflow', unit: 'ms', summary: summarize(requireMs[name]) },
			{ scenario: `cold load ${name}`, metric: 'process wall time - baseline process', unit: 'ms', summary: summarize(overBaseline) },
		);
		targets.push({
			name: `cold load ${name} (require after n8n-workflow, median)`,
			value: median(requireMs[name]),
			unit: 'ms',
			limit: TARGETS.coldLoadMs,
			comparison: '<=',
		});
	}
	rows.push(
		{ scenario: 'cold load baseline', metric: "node -e \"require('n8n-workflow')\"", unit: 'ms', summary: summarize(wall.baseline) },
		{ scenario: 'package', metric: 'tarball (npm pack)', unit: 'kB', summary: summarize([pack.size]) },
		{ scenario: 'package', metric: 'unpacked', unit: 'kB', summary: summarize([pack.unpackedSize]) },
		{ scenario: 'package', metric: 'files', unit: '', summary: summarize([pack.entryCount]) },
	);
	targets.push({ name: 'tarball size', value: pack.size, unit: 'kB', limit: TARGETS.tarballBytes, comparison: '<=' });
	return { rows, targets, raw: { wall, requireMs, pack } };
}

// ---- main ----

const NOTES = [
	'Times are measured inside each client process (performance.now around the call), after one warm-up run.',
	'Ratios are computed per repetition against the floor measured in the same repetition (raw undici), then summarized.',
	'Memory: child runs with --expose-gc; gc() twice before the measured call, then process.memoryUsage() is sampled every 5 ms and once after the call (result still alive). "peak heapUsed delta" = max heapUsed - heapUsed before; "peak RSS delta" = max(sampled RSS, kernel ru_maxrss) - RSS before.',
	'Trigger ratios: the node polls through n8n-core PollContext; undici then replays exactly the logged requests against the same server state.',
	'Cost: counts, not times. A UTC day of polls on the emulator clock (Date follows it), activation an hour before midnight on an account quiet since two hours before; GET requests from the request log, billed reads and dollars from emu.billing() for that day. "polls over bound": polls whose requests exceed ceil((k+1)/100)+1 for their k new events.',
	'Cold load: in fresh processes, the time of require(<module>) after require(\'n8n-workflow\') (what n8n pays per module at start-up); the parent-measured wall difference against `node -e "require(\'n8n-workflow\')"` is shown too but is dominated by noise.',
	'Memory target: peak heapUsed delta (JS objects the run keeps alive). RSS deltas are shown for information: after the warm-up the process already holds heap pages, so RSS moves erratically.',
	...INSTANT_NOTES,
];

const log = (text: string): void => {
	process.stdout.write(`${text}\n`);
};

function judge(target: Target): JudgedTarget {
	const pass = target.comparison === '==' ? target.value === target.limit : target.value <= target.limit;
	return { ...target, pass };
}

async function section(title: string, run: () => Promise<Section> | Section): Promise<Section> {
	const sectionStart = Date.now();
	log(title);
	const result = await run();
	log(`  done in ${((Date.now() - sectionStart) / 1000).toFixed(0)} s`);
	return result;
}

/** Runs the chosen scenarios against one emulator in this process; the harness's temporary folder is removed after. */
async function runScenarios(options: Options, packageDir: string): Promise<Record<string, Section>> {
	const emu = await startEmulator({ port: 0 });
	const ctx: Context = { emu, reps: options.reps, workerConfig: { emuUrl: emu.url, packageDir } };
	const sections: Record<string, Section> = {};
	const wanted = (scenario: Scenario): boolean => options.only.includes(scenario);
	try {
		if (wanted('list')) {
			ctx.lists = seedLists(emu);
			ctx.listQuery = await probeListQuery(ctx);
			for (const size of LIST_SIZES) {
				sections[`list${size}`] = await section(`list-all ${size}: ${options.reps} repetitions x ${LIST_CLIENTS.join(', ')}`, () =>
					listScenario(ctx, size),
				);
			}
		}
		if (wanted('send')) {
			sections.send = await section(`send ${SEND_COUNT}: ${options.reps} repetitions x ${SEND_CLIENTS.join(', ')}`, () => sendScenario(ctx));
		}
		if (wanted('trigger')) {
			sections.trigger = await section(`trigger: ${options.reps} repetitions x node, undici replay`, () => triggerScenario(ctx));
		}
		if (wanted('startup')) {
			sections.startup = await section(`cold load (${COLD_LOAD_ROUNDS} rounds) and npm pack`, () => startupScenario(packageDir));
		}
		if (wanted('cost')) {
			sections.cost = await section('cost: a simulated UTC day of trigger polls (1 and 5 min; idle, spread, burst; cost-aware on/off) and Get Many', () =>
				costScenario(packageDir, log),
			);
		}
		if (wanted('instant')) sections.instant = await section('instant and stream triggers vs polling (latency, idle requests, billing)', () => instantScenario(packageDir));
	} finally {
		await emu.close();
		shutdown();
		const userFolder = harnessUserFolder();
		if (userFolder) fs.rmSync(userFolder, { recursive: true, force: true });
	}
	return sections;
}

function writeResults(options: Options, seconds: number, sections: Record<string, Section>, rows: Row[], targets: JudgedTarget[]): void {
	fs.writeFileSync(
		RESULTS_FILE,
		`${JSON.stringify(
			{
				generatedAt: new Date().toISOString(),
				node: process.version,
				cpus: os.cpus().length,
				cpuModel: os.cpus()[0]?.model,
				reps: options.reps,
				durationSeconds: seconds,
				notes: NOTES,
				rows,
				targets,
				raw: Object.fromEntries(Object.entries(sections).map(([key, entry]) => [key, entry.raw])),
			},
			null,
			'\t',
		)}\n`,
	);
}

async function main(): Promise<number> {
	const options = parseArgs(process.argv.slice(2));
	for (const modulePath of Object.values(MODULES)) {
		if (!fs.existsSync(path.resolve(__dirname, '..', modulePath))) throw new Error(`${modulePath} is missing: run \`npm run bench\` (it builds first)`);
	}
	const startedAt = Date.now();
	const packageDir = createSnapshot();
	let sections: Record<string, Section>;
	try {
		sections = await runScenarios(options, packageDir);
	} finally {
		removeSnapshot(packageDir);
	}

	const rows = Object.values(sections).flatMap((entry) => entry.rows);
	const targets = Object.values(sections).flatMap((entry) => entry.targets).map(judge);
	log('');
	log(formatTable(rows));
	log('');
	log(formatTargets(targets));
	log('');
	for (const note of NOTES) log(`* ${note}`);
	const seconds = (Date.now() - startedAt) / 1000;
	log(`\nbench took ${seconds.toFixed(0)} s; results in ${path.relative(process.cwd(), RESULTS_FILE)}`);
	writeResults(options, seconds, sections, rows, targets);

	const missed = targets.filter((target) => !target.pass).length;
	if (missed && options.strict) log(`${missed} target(s) missed (--strict: exit code 2)`);
	return options.strict ? missed : 0;
}

if (require.main === module) {
	main().then(
		(missed) => process.exit(missed > 0 ? 2 : 0),
		(error) => {
			process.stderr.write(`\nBENCH FAILED: ${error instanceof FloorError ? 'request count off the floor: ' : ''}${error.stack || error}\n`);
			process.exit(1);
		},
	);
}

export { listScenario, sendScenario, triggerScenario, probeListQuery, FloorError };
