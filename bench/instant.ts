// Scenario `instant`: the compiled X Direct Messages Instant and Stream Triggers against the polling trigger, in one run.
// In this process: an emulator with push delivery (sandbox URL policy: http://127.0.0.1 webhooks allowed), n8n's
// webhook side (test/fixtures/webhook.ts: HTTP endpoint, WebhookContext per request, activation through HookContext)
// loading the compiled package from the bench's snapshot, and the polling trigger through PollContext (harness).
//   latency   instant: DM created (emu.sendAs) -> execution started (webhook() returned the items), measured per DM
//             over sequential DMs and small bursts from other users. Stream: the same DMs, DM created -> emit() of the
//             Stream Trigger active in n8n-core's TriggerContext (production mode) on the emulator's Activity stream.
//             Polling: MODELLED + MEASURED: the DM waits for the next poll (uniform over the interval: DMs arrive at
//             random times) plus the measured duration of a real poll that returns new DMs.
//   idle hour GET requests to X: instant = one hour of emulator time with one CRC re-check (requests in the
//             emulator's log); stream = a few seconds of heartbeats while an hour of emulator time passes (requests in
//             the log besides the connection opened at activation); polling = 60 polls at 1-minute intervals on the
//             emulator clock.
//   billing   emu.billing() deltas: DM event reads billed per delivered DM (instant vs polling), Activity charges.
import { performance } from 'node:perf_hooks';

import { TriggerContext } from 'n8n-core';
import { Workflow, type INode, type INodeExecutionData, type ITriggerResponse } from 'n8n-workflow';

import { startEmulator, type Emulator, type EmulatorUser, type RequestLogEntry } from './emulator';
import { loadPackage, poll, TRIGGER_NODE_TYPE, type CredentialsByType } from './harness';
import { RATE_LIMITS } from './seed';
import { summarize, type Row, type Target, type Unit } from './stats';
// The webhook side of n8n and the credential data come straight from the fixtures (not via harness.ts, whose
// imports every worker process loads).
import { oauth2Credentials, TestCredentialsHelper, TEST_REDIRECT_URI } from '../test/fixtures/credentials';
import { makeAdditionalData, makeNodeTypes } from '../test/fixtures/n8n';
import { N8nWebhookHost, type WebhookExecution } from '../test/fixtures/webhook';

const SEQUENTIAL_DMS = 100;
const BURSTS = 20;
const BURST_SIZE = 5;
const POLL_ROUNDS = 30;
const POLL_INTERVALS_S = [60, 300];
const MODEL_DRAWS = 20000;
const IDLE_POLLS = 60;
const APP_ID = 'bench-instant-app';
const API_KEY = 'bench-api-key';
const API_KEY_SECRET = 'bench-api-key-secret-0123456789';
const CLIENT_ID = 'bench-instant-client';
const INSTANT_NODE_TYPE = TRIGGER_NODE_TYPE.replace(/xDirectMessagesTrigger$/, 'xDirectMessagesInstantTrigger');
const STREAM_NODE_TYPE = TRIGGER_NODE_TYPE.replace(/xDirectMessagesTrigger$/, 'xDirectMessagesStreamTrigger');
/** The emulator's keep-alive on the stream while the bench runs (X: at least every 20 s). */
const STREAM_HEARTBEAT_MS = 100;
/** Real time the stream is watched idle (heartbeats only), with one hour of X's clock passing meanwhile. */
const STREAM_IDLE_MS = 3000;

export const INSTANT_TARGETS = { p50Ms: 1000, p99Ms: 3000, idleGetsPerHour: 0 };

export interface InstantSection {
	rows: Row[];
	targets: Target[];
	raw: unknown;
}

class InstantBenchError extends Error {}

function check(condition: boolean, message: string): void {
	if (!condition) throw new InstantBenchError(`instant: ${message}`);
}

/** Nearest-rank percentile. */
export function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** A small seeded PRNG (mulberry32): the modelled figures are the same on every run. */
function random(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const apiRequests = (emu: Emulator): RequestLogEntry[] => emu.requests().filter((entry) => entry.path.startsWith('/2/') && !entry.path.startsWith('/2/oauth2/'));

function billed(emu: Emulator): { reads: number; activity: number; usd: number } {
	const days = Object.values(emu.billing().apps).flat();
	return {
		reads: days.reduce((sum, day) => sum + day.billed.dm_event_read, 0),
		activity: days.reduce((sum, day) => sum + day.billed.activity_event, 0),
		usd: emu.billing().totalUsd,
	};
}

interface World {
	emu: Emulator;
	host: N8nWebhookHost;
	owner: EmulatorUser;
	partners: EmulatorUser[];
	credentials: CredentialsByType;
	waiters: Map<string, (execution: WebhookExecution) => void>;
}

async function startWorld(packageDir: string): Promise<World> {
	const emu = await startEmulator({ port: 0, webhookUrlPolicy: 'sandbox', crcIntervalMs: 0 });
	// 01:00 UTC of today (the clock keeps ticking): the emulated hours below stay within one UTC day, X's billing day.
	const now = new Date();
	emu.clock.set(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 1));
	const waiters = new Map<string, (execution: WebhookExecution) => void>();
	const onExecution = (execution: WebhookExecution): void => {
		for (const item of execution.items) waiters.get(String(item.json.id))?.(execution);
	};
	const host = await N8nWebhookHost.start({ loader: await loadPackage(packageDir), onExecution });
	emu.setRateLimitProfile(RATE_LIMITS);
	const owner = emu.addUser({ username: 'owner', name: 'Owner' });
	const partners = ['ana', 'ben', 'cleo', 'dan'].map((username) => emu.addUser({ username, name: username }));
	emu.registerOAuth1App({ consumerKey: API_KEY, consumerSecret: API_KEY_SECRET, appId: APP_ID });
	emu.registerOAuth2Client({ clientId: CLIENT_ID, clientSecret: 'bench-client-secret', redirectUris: [TEST_REDIRECT_URI], confidential: true, appId: APP_ID });
	const data = oauth2Credentials(emu, owner, { clientId: CLIENT_ID, clientSecret: 'bench-client-secret', expiresIn: 30 * 24 * 3600 });
	return { emu, host, owner, partners, credentials: { xDmOAuth2Api: { ...data, apiKey: API_KEY, apiKeySecret: API_KEY_SECRET } }, waiters };
}

/** Sends one DM from `partner` to the owner and resolves with DM created -> execution started, in ms. */
function timedDm(world: World, partner: EmulatorUser, text: string): Promise<number> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new InstantBenchError(`instant: no execution for "${text}" within 30 s`)), 30000);
		const createdAt = performance.now();
		const dm = world.emu.sendAs(partner.id, { to: world.owner.id, text });
		world.waiters.set(dm.id, (execution) => {
			clearTimeout(timer);
			world.waiters.delete(dm.id);
			resolve(execution.startedAt - createdAt);
		});
	});
}

async function measureInstant(world: World) {
	const { emu, host } = world;
	const workflow = host.addWorkflow('bench-instant', {
		id: 'bench-instant-node',
		name: 'X DM Instant',
		type: INSTANT_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		webhookId: 'bench-instant-hook',
		parameters: {},
		credentials: { xDmOAuth2Api: { id: 'bench-instant-cred', name: 'X instant' } },
	}, world.credentials);
	await workflow.activate();
	check(emu.subscriptions().length === 1, `expected one subscription after activation, got ${emu.subscriptions().length}`);
	// Warm-up: the first requests through a fresh process pay for JIT and connection set-up.
	for (let index = 0; index < 5; index++) await timedDm(world, world.partners[index % 4], `warm-up ${index}`);

	const before = billed(emu);
	emu.clearRequests();
	const sequential: number[] = [];
	for (let index = 0; index < SEQUENTIAL_DMS; index++) sequential.push(await timedDm(world, world.partners[index % 4], `sequential ${index}`));
	const bursts: number[] = [];
	for (let burst = 0; burst < BURSTS; burst++) {
		const sends = Array.from({ length: BURST_SIZE }, (_, index) => timedDm(world, world.partners[index % 4], `burst ${burst}.${index}`));
		bursts.push(...(await Promise.all(sends)));
	}
	const after = billed(emu);
	const delivered = sequential.length + bursts.length;
	const getsWhileDelivering = apiRequests(emu).filter((entry) => entry.method === 'GET').length;
	check(workflow.executions.length === delivered + 5, `${workflow.executions.length} executions for ${delivered + 5} DMs`);

	// An idle hour: no DM, one CRC re-check by X; every request to X's API would be in the emulator's log.
	emu.clearRequests();
	const answersBefore = host.answers.length;
	emu.clock.advance(30 * 60 * 1000);
	await emu.recheckWebhooks();
	emu.clock.advance(30 * 60 * 1000);
	const idleRequests = apiRequests(emu);
	const crcGets = host.answers.slice(answersBefore).filter((answer) => answer.method === 'GET').length;
	check(crcGets === 1, `expected one CRC GET in the idle hour, n8n got ${crcGets}`);
	await workflow.deactivate();
	return {
		sequential,
		bursts,
		all: [...sequential, ...bursts],
		delivered,
		idleGets: idleRequests.filter((entry) => entry.method === 'GET').length,
		idleRequests: idleRequests.length,
		crcGets,
		getsWhileDelivering,
		billedReadsPerDm: (after.reads - before.reads) / delivered,
		activityPerDm: (after.activity - before.activity) / delivered,
		usdPerDm: (after.usd - before.usd) / delivered,
	};
}

/** The Stream Trigger active in a real n8n-core TriggerContext (production mode); emit() feeds the world's waiters. */
async function activateStream(world: World, packageDir: string) {
	const loader = await loadPackage(packageDir);
	const node: INode = {
		id: 'bench-stream-node',
		name: 'X DM Stream',
		type: STREAM_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { xDmOAuth2Api: { id: 'bench-instant-cred', name: 'X instant' } },
	};
	const nodeTypes = makeNodeTypes(loader);
	const workflow = new Workflow({ id: 'bench-stream', nodes: [node], connections: {}, nodeTypes, active: true, staticData: {}, settings: {} });
	const additionalData = makeAdditionalData(new TestCredentialsHelper(loader, world.credentials), undefined);
	const executions: INodeExecutionData[][] = [];
	const errors: Error[] = [];
	const emit = (data: INodeExecutionData[][]): void => {
		const execution = { workflowId: workflow.id, items: data[0] ?? [], receivedAt: Date.now(), startedAt: performance.now() };
		executions.push(execution.items);
		for (const item of execution.items) world.waiters.get(String(item.json.id))?.(execution);
	};
	const context = new TriggerContext(workflow, node, additionalData, 'trigger', 'activate', emit, (error) => errors.push(error));
	const nodeType = nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	if (!nodeType.trigger) throw new InstantBenchError(`instant: ${STREAM_NODE_TYPE} has no trigger()`);
	const response: ITriggerResponse | undefined = await nodeType.trigger.call(context);
	return { executions, errors, close: async () => await response?.closeFunction?.() };
}

/** Stream: DM created -> emit() of the Stream Trigger, the same DMs as the instant side; then an idle window. */
async function measureStream(world: World, packageDir: string) {
	const { emu } = world;
	emu.setOption('streamHeartbeatMs', STREAM_HEARTBEAT_MS);
	emu.clearRequests();
	const stream = await activateStream(world, packageDir);
	try {
		check(emu.streams().length === 1, `expected one stream connection after activation, got ${emu.streams().length}`);
		const activation = apiRequests(emu).map((entry) => `${entry.method} ${entry.path}`);
		for (let index = 0; index < 5; index++) await timedDm(world, world.partners[index % 4], `stream warm-up ${index}`);
		emu.clearRequests();
		const before = billed(emu);
		const sequential: number[] = [];
		for (let index = 0; index < SEQUENTIAL_DMS; index++) sequential.push(await timedDm(world, world.partners[index % 4], `stream sequential ${index}`));
		const bursts: number[] = [];
		for (let burst = 0; burst < BURSTS; burst++) {
			const sends = Array.from({ length: BURST_SIZE }, (_, index) => timedDm(world, world.partners[index % 4], `stream burst ${burst}.${index}`));
			bursts.push(...(await Promise.all(sends)));
		}
		const after = billed(emu);
		const delivered = sequential.length + bursts.length;
		const requestsWhileDelivering = apiRequests(emu).length;
		check(stream.executions.length === delivered + 5, `stream: ${stream.executions.length} executions for ${delivered + 5} DMs`);
		// Idle: heartbeats only, while an hour of X's clock passes; any request to X's API would be in the log.
		emu.clearRequests();
		const heartbeatsBefore = emu.streams()[0]?.heartbeatsSent ?? 0;
		emu.clock.advance(30 * 60 * 1000);
		await new Promise((resolve) => setTimeout(resolve, STREAM_IDLE_MS));
		emu.clock.advance(30 * 60 * 1000);
		const idleRequests = apiRequests(emu).length;
		const heartbeats = (emu.streams()[0]?.heartbeatsSent ?? 0) - heartbeatsBefore;
		check(emu.streams().length === 1, `stream: ${emu.streams().length} connections after the idle window`);
		check(stream.errors.length === 0, `stream: emitError ${stream.errors.map((error) => error.message).join('; ')}`);
		return {
			sequential,
			bursts,
			all: [...sequential, ...bursts],
			delivered,
			activation,
			requestsWhileDelivering,
			idleRequests,
			idleWindowMs: STREAM_IDLE_MS,
			heartbeats,
			billedReadsPerDm: (after.reads - before.reads) / delivered,
			activityPerDm: (after.activity - before.activity) / delivered,
		};
	} finally {
		await stream.close();
		check(emu.streams().length === 0 && emu.subscriptions().length === 0, 'stream: the close function left a connection or a subscription');
	}
}

async function measurePolling(world: World, packageDir: string) {
	const { emu } = world;
	const loader = await loadPackage(packageDir);
	const node = {
		id: 'bench-poll-node',
		name: 'X DM Poll',
		type: TRIGGER_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0] as [number, number],
		parameters: { authentication: 'oAuth2' },
		credentials: { xDmOAuth2Api: { id: 'bench-instant-cred', name: 'X instant' } },
	};
	let credentials = world.credentials;
	let workflow: Awaited<ReturnType<typeof poll>>['workflow'] | undefined;
	const pollOnce = async (): Promise<{ count: number; ms: number }> => {
		const started = performance.now();
		const outcome = await poll({ loader, node, workflow, credentials });
		const ms = performance.now() - started;
		workflow = outcome.workflow;
		credentials = outcome.credentialsHelper.credentialsByType;
		return { count: outcome.result?.[0]?.length ?? 0, ms };
	};
	await pollOnce(); // the first poll records where "now" is
	for (let index = 0; index < 3; index++) {
		emu.clock.advance(60_000);
		emu.sendAs(world.partners[index % 4].id, { to: world.owner.id, text: `poll warm-up ${index}` });
		await pollOnce();
	}
	const before = billed(emu);
	emu.clearRequests();
	const durations: number[] = [];
	for (let round = 0; round < POLL_ROUNDS; round++) {
		emu.clock.advance(60_000);
		emu.sendAs(world.partners[round % 4].id, { to: world.owner.id, text: `polled ${round}` });
		const { count, ms } = await pollOnce();
		check(count === 1, `poll ${round} emitted ${count} DMs, expected 1`);
		durations.push(ms);
	}
	const after = billed(emu);
	const getsPerPollWithNew = apiRequests(emu).length / POLL_ROUNDS;

	emu.clearRequests();
	const idleBefore = billed(emu);
	for (let index = 0; index < IDLE_POLLS; index++) {
		emu.clock.advance(60_000);
		const { count } = await pollOnce();
		check(count === 0, `idle poll ${index} emitted ${count}`);
	}
	const idle = apiRequests(emu);
	check(idle.every((entry) => entry.method === 'GET'), 'an idle poll made a request other than GET');
	return {
		durations,
		billedReadsPerDm: (after.reads - before.reads) / POLL_ROUNDS,
		getsPerPollWithNew,
		idleGetsPerHour: idle.length,
		idleBilledReadsPerHour: billed(emu).reads - idleBefore.reads,
	};
}

/** DM -> execution for a poll interval: the wait for the next poll (uniform) plus a measured poll duration. */
function modelledPolling(durations: number[], intervalS: number): number[] {
	const draw = random(20260101 + intervalS);
	return Array.from({ length: MODEL_DRAWS }, (_, index) => draw() * intervalS * 1000 + durations[index % durations.length]);
}

export async function instantScenario(packageDir: string): Promise<InstantSection> {
	const world = await startWorld(packageDir);
	let instant: Awaited<ReturnType<typeof measureInstant>>;
	let stream: Awaited<ReturnType<typeof measureStream>>;
	let polling: Awaited<ReturnType<typeof measurePolling>>;
	try {
		instant = await measureInstant(world);
		stream = await measureStream(world, packageDir);
		polling = await measurePolling(world, packageDir);
	} finally {
		await world.host.close();
		await world.emu.close();
	}
	const rows: Row[] = [];
	const row = (scenario: string, metric: string, unit: Unit, values: number[]): void => {
		rows.push({ scenario, metric, unit, summary: summarize(values) });
	};
	const quantiles = (scenario: string, values: number[], label: string): void => {
		for (const p of [50, 95, 99]) row(scenario, `${label} p${p}`, 'ms', [percentile(values, p)]);
	};
	quantiles('instant', instant.all, `DM -> execution (measured, n=${instant.all.length})`);
	quantiles('instant', instant.sequential, `  sequential (n=${instant.sequential.length})`);
	quantiles('instant', instant.bursts, `  bursts of ${BURST_SIZE} (n=${instant.bursts.length})`);
	row('instant', 'GET requests to X per idle hour (1 CRC re-check)', '', [instant.idleGets]);
	row('instant', 'GET requests to X while delivering (all DMs)', '', [instant.getsWhileDelivering]);
	row('instant', 'billed DM event reads per delivered DM', '', [instant.billedReadsPerDm]);
	row('instant', 'Activity events billed per DM', '', [instant.activityPerDm]);
	row('instant', 'USD billed per DM (Activity event)', '', [instant.usdPerDm]);
	quantiles('stream', stream.all, `DM -> execution (measured, n=${stream.all.length})`);
	quantiles('stream', stream.sequential, `  sequential (n=${stream.sequential.length})`);
	quantiles('stream', stream.bursts, `  bursts of ${BURST_SIZE} (n=${stream.bursts.length})`);
	row('stream', `API requests to X while idle (${stream.idleWindowMs / 1000} s real, 1 h of X's clock, ${stream.heartbeats} heartbeats)`, '', [stream.idleRequests]);
	row('stream', 'API requests to X while delivering (all DMs; the connection stays open)', '', [stream.requestsWhileDelivering]);
	row('stream', 'API requests to activate (users/me, subscriptions, the stream)', '', [stream.activation.length]);
	row('stream', 'billed DM event reads per delivered DM', '', [stream.billedReadsPerDm]);
	row('stream', 'Activity events billed per DM', '', [stream.activityPerDm]);
	row('polling', `poll returning 1 new DM: duration (measured, n=${polling.durations.length})`, 'ms', polling.durations);
	for (const interval of POLL_INTERVALS_S) {
		quantiles('polling', modelledPolling(polling.durations, interval), `${interval / 60}-min interval: DM -> execution (modelled wait + measured poll)`);
	}
	row('polling', 'GET requests to X per idle hour (60 polls, 1-min interval)', '', [polling.idleGetsPerHour]);
	row('polling', 'GET requests per poll with a new DM', '', [polling.getsPerPollWithNew]);
	row('polling', 'billed DM event reads per delivered DM', '', [polling.billedReadsPerDm]);
	row('polling', 'billed DM event reads per idle hour', '', [polling.idleBilledReadsPerHour]);
	const targets: Target[] = [
		{ name: 'instant: DM -> execution p50', value: percentile(instant.all, 50), unit: 'ms', limit: INSTANT_TARGETS.p50Ms, comparison: '<=' },
		{ name: 'instant: DM -> execution p99', value: percentile(instant.all, 99), unit: 'ms', limit: INSTANT_TARGETS.p99Ms, comparison: '<=' },
		{ name: 'instant: GET requests per idle hour', value: instant.idleGets, unit: '', limit: INSTANT_TARGETS.idleGetsPerHour, comparison: '==' },
		{ name: 'stream: DM -> execution p50', value: percentile(stream.all, 50), unit: 'ms', limit: INSTANT_TARGETS.p50Ms, comparison: '<=' },
		{ name: 'stream: DM -> execution p99', value: percentile(stream.all, 99), unit: 'ms', limit: INSTANT_TARGETS.p99Ms, comparison: '<=' },
		{ name: 'stream: API requests while idle', value: stream.idleRequests, unit: '', limit: INSTANT_TARGETS.idleGetsPerHour, comparison: '==' },
	];
	return { rows, targets, raw: { instant, stream, polling: { ...polling, modelled: POLL_INTERVALS_S.map((interval) => ({ interval, p50: percentile(modelledPolling(polling.durations, interval), 50), p95: percentile(modelledPolling(polling.durations, interval), 95), p99: percentile(modelledPolling(polling.durations, interval), 99) })) } } };
}

export const INSTANT_NOTES = [
	'Instant: DM created (emu.sendAs, performance.now) -> the trigger\'s webhook() returned the items (n8n starts the execution), emulator push delivery, n8n\'s webhook side and the compiled trigger in the bench process; 100 sequential DMs and 20 bursts of 5 from four other users.',
	'Stream: DM created (emu.sendAs) -> the Stream Trigger called emit() (n8n starts the execution), the compiled trigger active in n8n-core\'s TriggerContext (production mode) holding GET /2/activity/stream on the emulator; the same 100 sequential DMs and 20 bursts of 5. Idle: a few seconds of real time with heartbeats every 100 ms while one hour of the emulator clock passes; API requests counted in the emulator\'s log, where the stream connection (GET /2/activity/stream) appears once, at activation: 0 while delivering or idle means no reconnection and no other request.',
	'Polling latency is MODELLED + MEASURED: DMs arrive uniformly at random, so one waits U(0, interval) for the next poll (modelled, 20,000 seeded draws), plus the duration of a real poll that returned 1 new DM (measured, PollContext, compiled trigger).',
	'Idle hour: instant = one hour of emulator time with one CRC re-check (X -> n8n), API requests counted in the emulator\'s log; polling = 60 polls with the emulator clock advanced 1 min each.',
	'Billing: emu.billing() deltas. X bills DM event reads ($0.010, once per event and UTC day) and Activity deliveries (dm.received $0.010).',
];
