'use strict';

// `npm run bench` (build + this file), or `node bench/run.js [--reps N] [--only list,send,trigger,startup]` on an
// existing build. The emulator runs in this process; every measured client runs in a fresh child process
// (bench/worker.js), so server work never counts against a client's time or memory. Machines here are noisy, so
// every time figure is a ratio against a floor measured in the same repetition: a bare undici client doing the same
// requests. Request counts are asserted (the bench fails loudly, exit code 1, when one is off); targets print PASS or
// MISS (exit code 0, or 2 with --strict when a target is missed).
// The harness creates a temporary n8n user folder unless one is set; the bench removes it when done.
const userFolderPreset = Boolean(process.env.N8N_USER_FOLDER);
const fs = require('fs');
const os = require('os');
const path = require('path');
const { isDeepStrictEqual } = require('util');

const { startEmulator } = require('../test/emulator');
const { shutdown } = require('../test/helpers/n8n-harness');
const { seedLists, seedSend, seedTriggers, deliver, LIST_SIZES } = require('./seed');
const { createSnapshot, removeSnapshot } = require('./snapshot');
const { startWorker } = require('./worker-handle');
const { measureColdLoad, measurePack, MODULES } = require('./startup');
const { summarize, median, formatTable, formatTargets, MB } = require('./stats');

const RESULTS_FILE = path.join(__dirname, 'results.json');
const PAGE_SIZE = 100;
const SEND_COUNT = 500;
const SEND_WARMUP = 20;
const NEW_EVENTS = 250;
const IDLE_POLLS = 15;
const NEW_ROUNDS = 3;
const COLD_LOAD_ROUNDS = 15;
const LIST_CLIENTS = ['node', 'n8n-http', 'undici', 'twitter'];
const SEND_CLIENTS = ['node', 'n8n-http', 'undici'];
const CLIENT_LABELS = { node: 'node', 'n8n-http': 'n8n-http', undici: 'undici', twitter: 'twitter-api-v2' };
// Timed runs per client and repetition; memory runs only in the first repetitions (they vary little).
const LIST_ROUNDS = { 1000: 3, 10000: 1 };
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

function parseArgs(argv) {
	const options = { reps: 5, only: ['list', 'send', 'trigger', 'startup'], strict: false };
	for (let index = 0; index < argv.length; index++) {
		if (argv[index] === '--reps') options.reps = Number(argv[++index]);
		else if (argv[index] === '--only') options.only = argv[++index].split(',');
		else if (argv[index] === '--strict') options.strict = true;
		else throw new Error(`Unknown argument ${argv[index]} (use --reps N, --only list,send,trigger,startup, --strict)`);
	}
	if (!Number.isInteger(options.reps) || options.reps < 1) throw new Error('--reps must be a positive integer');
	return options;
}

/** The order of clients changes with each repetition, so that drift on the machine does not favour one of them. */
function rotate(list, by) {
	const shift = by % list.length;
	return [...list.slice(shift), ...list.slice(0, shift)];
}

function expectFloor(condition, message, log) {
	if (condition) return;
	const detail = log ? `\n  requests: ${log.map((entry) => `${entry.method} ${entry.path} ${entry.status}`).join(', ')}` : '';
	throw new FloorError(`${message}${detail}`);
}

function withoutPaging(query) {
	const rest = { ...query };
	delete rest.pagination_token;
	return rest;
}

async function startWorkers(kinds, config) {
	const workers = {};
	try {
		for (const kind of kinds) workers[kind] = await startWorker(kind, config);
	} catch (error) {
		await closeWorkers(workers);
		throw error;
	}
	return workers;
}

async function closeWorkers(workers) {
	await Promise.all(Object.values(workers).map((worker) => worker.close()));
}

// ---- list all ----

function listArgs(kind, account, query) {
	return kind === 'node' ? { setup: account.setup } : { token: account.token, query };
}

/** The node's query (fields and expansions at their defaults), read off the emulator's request log. */
async function probeListQuery(ctx) {
	const worker = await startWorker('node', ctx.workerConfig);
	try {
		ctx.emu.clearRequests();
		await worker.call('listAll', listArgs('node', ctx.lists[LIST_SIZES[0]]));
		const [first] = ctx.emu.requests();
		const query = withoutPaging(first.query);
		delete query.max_results;
		return query;
	} finally {
		await worker.close();
	}
}

function checkListRequests(ctx, kind, size, value, log) {
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

async function listScenario(ctx, size) {
	const account = ctx.lists[size];
	const warmAccount = ctx.lists[LIST_SIZES[0]];
	const perClient = Object.fromEntries(LIST_CLIENTS.map((kind) => [kind, { ms: [], cpu: [], heap: [], rss: [], requests: [], lastId: [] }]));
	const rounds = LIST_ROUNDS[size];
	for (let rep = 0; rep < ctx.reps; rep++) {
		// Fresh processes each repetition; all stay up so that their timed runs can alternate closely.
		const workers = await startWorkers(LIST_CLIENTS, ctx.workerConfig);
		try {
			// Warm-up (JIT, connection pool) on the smaller inbox; only measured runs have their requests counted.
			for (const kind of LIST_CLIENTS) await workers[kind].call('listAll', listArgs(kind, warmAccount, ctx.listQuery));
			for (let round = 0; round < rounds; round++) {
				for (const kind of rotate(LIST_CLIENTS, rep * rounds + round)) {
					ctx.emu.clearRequests();
					const { value, ms, cpuMs } = await workers[kind].call('listAll', listArgs(kind, account, ctx.listQuery));
					perClient[kind].requests.push(checkListRequests(ctx, kind, size, value, ctx.emu.requests()));
					perClient[kind].ms.push(ms);
					perClient[kind].cpu.push(cpuMs);
					perClient[kind].lastId.push(value.lastId);
				}
			}
			// Memory on a separate run, so that sampling never slows a timed one.
			for (const kind of rep < MEMORY_REPS ? LIST_CLIENTS : []) {
				ctx.emu.clearRequests();
				const { value, memory } = await workers[kind].call('listAll', listArgs(kind, account, ctx.listQuery), { memory: true });
				checkListRequests(ctx, kind, size, value, ctx.emu.requests());
				perClient[kind].heap.push(memory.peakHeapUsedDelta);
				perClient[kind].rss.push(memory.peakRssDelta);
			}
		} finally {
			await closeWorkers(workers);
		}
	}
	const lastIds = new Set(LIST_CLIENTS.flatMap((kind) => perClient[kind].lastId));
	expectFloor(lastIds.size === 1, `list-all ${size}: the clients disagree on the oldest event (${[...lastIds].join(', ')})`);

	const ratio = (a, b, figure = 'ms') => perClient[a][figure].map((value, run) => value / perClient[b][figure][run]);
	const name = `list-all ${size / 1000}k`;
	const row = (metric, unit, values) => ({ scenario: name, metric, unit, summary: summarize(values) });
	const ratioRow = (a, b, figure = 'ms') =>
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
		...['undici', 'node'].map((kind) => row(`time ${CLIENT_LABELS[kind]}`, 'ms', perClient[kind].ms)),
		...['undici', 'node'].map((kind) => row(`client CPU ${CLIENT_LABELS[kind]}`, 'ms', perClient[kind].cpu)),
		row(`requests, every client (floor ${Math.ceil(size / PAGE_SIZE)})`, '', LIST_CLIENTS.flatMap((kind) => perClient[kind].requests)),
		...LIST_CLIENTS.map((kind) => row(`peak heapUsed delta ${CLIENT_LABELS[kind]}`, 'MB', perClient[kind].heap)),
		...['node', 'undici'].map((kind) => row(`peak RSS delta ${CLIENT_LABELS[kind]} (info)`, 'MB', perClient[kind].rss)),
	];
	const targets = [
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

async function sendScenario(ctx) {
	const { sender, recipient } = seedSend(ctx.emu);
	const sendPath = `/2/dm_conversations/with/${recipient.id}/messages`;
	const perClient = Object.fromEntries(SEND_CLIENTS.map((kind) => [kind, { ms: [], cpu: [], requests: [] }]));
	const argsFor = (kind, count) => ({
		...(kind === 'node' ? { setup: sender.setup } : { token: sender.token }),
		recipientId: recipient.id,
		count,
		textPrefix: 'bench message ',
	});
	const kinds = SEND_CLIENTS;
	for (let rep = 0; rep < ctx.reps; rep++) {
		const workers = await startWorkers(kinds, ctx.workerConfig);
		try {
			for (const kind of kinds) await workers[kind].call('send', argsFor(kind, SEND_WARMUP));
			for (let round = 0; round < SEND_ROUNDS; round++) {
				for (const kind of rotate(kinds, rep * SEND_ROUNDS + round)) {
					ctx.emu.clearRequests();
					const { value, ms, cpuMs } = await workers[kind].call('send', argsFor(kind, SEND_COUNT));
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
	const row = (metric, unit, values) => ({ scenario: name, metric, unit, summary: summarize(values) });
	const ratio = (a, b, figure) => perClient[a][figure].map((value, run) => value / perClient[b][figure][run]);
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

/** One poll through the node, then the same requests replayed by undici against the same server state. */
async function pollAndReplay(ctx, node, undici, name, token) {
	ctx.emu.clearRequests();
	const polled = await node.call('triggerPoll', { name });
	const log = ctx.emu.requests();
	const replayed = await undici.call('replay', { token, requests: log });
	expectFloor(
		log.every((entry) => entry.method === 'GET' && entry.path === '/2/dm_events' && entry.status === 200),
		`trigger ${name}: unexpected request`,
		log,
	);
	return { count: polled.value.count, requests: log.length, nodeMs: polled.ms, undiciMs: replayed.ms };
}

async function triggerScenario(ctx) {
	const { recent: trigger, deep: deepTrigger, partners } = seedTriggers(ctx.emu);
	const cases = {
		idle: { label: 'idle poll', floor: 1, node: [], undici: [], requests: [] },
		fresh: { label: `${NEW_EVENTS} new events`, floor: Math.ceil((NEW_EVENTS + 1) / PAGE_SIZE), node: [], undici: [], requests: [] },
		deep: { label: 'idle, 10k history', floor: 1, node: [], undici: [], requests: [] },
	};
	let round = 0;
	for (let rep = 0; rep < ctx.reps; rep++) {
		const workers = await startWorkers(['node', 'undici'], ctx.workerConfig);
		const { node, undici } = workers;
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

			const collect = async (key, name, token, before) => {
				const nodeMs = [];
				const undiciMs = [];
				const rounds = key === 'fresh' ? NEW_ROUNDS : IDLE_POLLS;
				for (let poll = 0; poll < rounds; poll++) {
					const expected = before ? before() : 0;
					const outcome = await pollAndReplay(ctx, node, undici, name, token);
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
			};
			await collect('idle', 'recent', trigger.token);
			await collect('fresh', 'recent', trigger.token, () => {
				deliver(ctx.emu, trigger.user, partners, NEW_EVENTS, round++);
				return NEW_EVENTS;
			});
			await collect('deep', 'deep', deepTrigger.token);
		} finally {
			await closeWorkers(workers);
		}
	}
	const rows = [];
	const targets = [];
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

function startupScenario(packageDir) {
	const { wall, requireMs } = measureColdLoad(COLD_LOAD_ROUNDS, packageDir);
	const pack = measurePack(packageDir);
	const rows = [];
	const targets = [];
	for (const name of Object.keys(MODULES)) {
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

function judge(target) {
	const pass = target.comparison === '==' ? target.value === target.limit : target.value <= target.limit;
	return { ...target, pass };
}

async function main() {
	const options = parseArgs(process.argv.slice(2));
	for (const modulePath of Object.values(MODULES)) {
		if (!fs.existsSync(path.resolve(__dirname, '..', modulePath))) throw new Error(`${modulePath} is missing: run \`npm run bench\` (it builds first)`);
	}
	const startedAt = Date.now();
	const log = (text) => process.stdout.write(`${text}\n`);
	const section = async (title, run) => {
		const sectionStart = Date.now();
		log(title);
		const result = await run();
		log(`  done in ${((Date.now() - sectionStart) / 1000).toFixed(0)} s`);
		return result;
	};
	const packageDir = createSnapshot();
	const emu = await startEmulator({ port: 0 });
	const ctx = { emu, reps: options.reps, workerConfig: { emuUrl: emu.url, packageDir } };
	const sections = {};
	try {
		if (options.only.includes('list')) {
			ctx.lists = seedLists(emu);
			ctx.listQuery = await probeListQuery(ctx);
			for (const size of LIST_SIZES) {
				sections[`list${size}`] = await section(`list-all ${size}: ${options.reps} repetitions x ${LIST_CLIENTS.join(', ')}`, () =>
					listScenario(ctx, size),
				);
			}
		}
		if (options.only.includes('send')) {
			sections.send = await section(`send ${SEND_COUNT}: ${options.reps} repetitions x ${SEND_CLIENTS.join(', ')}`, () => sendScenario(ctx));
		}
		if (options.only.includes('trigger')) {
			sections.trigger = await section(`trigger: ${options.reps} repetitions x node, undici replay`, () => triggerScenario(ctx));
		}
		if (options.only.includes('startup')) {
			sections.startup = await section(`cold load (${COLD_LOAD_ROUNDS} rounds) and npm pack`, () => startupScenario(packageDir));
		}
	} finally {
		await emu.close();
		shutdown();
		removeSnapshot(packageDir);
		if (!userFolderPreset) fs.rmSync(process.env.N8N_USER_FOLDER, { recursive: true, force: true });
	}

	const rows = Object.values(sections).flatMap((section) => section.rows);
	const targets = Object.values(sections).flatMap((section) => section.targets).map(judge);
	const notes = [
		'Times are measured inside each client process (performance.now around the call), after one warm-up run.',
		'Ratios are computed per repetition against the floor measured in the same repetition (raw undici), then summarized.',
		'Memory: child runs with --expose-gc; gc() twice before the measured call, then process.memoryUsage() is sampled every 5 ms and once after the call (result still alive). "peak heapUsed delta" = max heapUsed - heapUsed before; "peak RSS delta" = max(sampled RSS, kernel ru_maxrss) - RSS before.',
		'Trigger ratios: the node polls through n8n-core PollContext; undici then replays exactly the logged requests against the same server state.',
		'Cold load: in fresh processes, the time of require(<module>) after require(\'n8n-workflow\') (what n8n pays per module at start-up); the parent-measured wall difference against `node -e "require(\'n8n-workflow\')"` is shown too but is dominated by noise.',
		'Memory target: peak heapUsed delta (JS objects the run keeps alive). RSS deltas are shown for information: after the warm-up the process already holds heap pages, so RSS moves erratically.',
	];
	log('');
	log(formatTable(rows));
	log('');
	log(formatTargets(targets));
	log('');
	for (const note of notes) log(`* ${note}`);
	const seconds = (Date.now() - startedAt) / 1000;
	log(`\nbench took ${seconds.toFixed(0)} s; results in ${path.relative(process.cwd(), RESULTS_FILE)}`);

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
				notes,
				rows,
				targets,
				raw: Object.fromEntries(Object.entries(sections).map(([key, section]) => [key, section.raw])),
			},
			null,
			'\t',
		)}\n`,
	);
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

module.exports = { listScenario, sendScenario, triggerScenario, probeListQuery, FloorError };
