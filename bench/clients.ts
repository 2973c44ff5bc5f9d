// The clients the bench compares, each loaded only in the child process that measures it:
// - node:    the package's compiled node/trigger inside real n8n-core (WorkflowExecute / PollContext via the harness)
// - undici:  a bare undici client doing the same HTTP requests (the floor)
// - twitter: twitter-api-v2's DM paginator, pointed at the emulator with setPrefix() and a plain http.Agent
// - n8n-http: n8n-core's httpRequest helper alone (what the node's requests cost before any node or engine code)
// Each client's library is required inside its factory, so a worker loads only what its own client needs.
import http from 'node:http';
import type { IDataObject, INode, INodeExecutionData, INodeParameters, Workflow } from 'n8n-workflow';
import type { XDmEvent, XDmEventsMeta, XIncludes } from './emulator';
import type { CredentialSetup, CredentialsByType, LoadedPackage } from './harness';

const PAGE_SIZE = 100;

export type Query = Record<string, string>;

export interface WorkerConfig {
	emuUrl: string;
	packageDir: string;
}

/** How a measured call authenticates: the node client with its credential `setup`, the HTTP clients with `token`. */
export interface Auth {
	setup?: CredentialSetup;
	token?: string;
}

export type ListAllArgs = Auth & { query?: Query };
export type SendArgs = Auth & { recipientId: string; count: number; textPrefix: string };
export type ReplayArgs = Auth & { requests: Array<{ path: string; query: Query }> };

export interface ListResult {
	count: number;
	lastId: string | undefined;
}

export interface Count {
	count: number;
}

export interface Client {
	init(): Promise<void>;
	listAll?(args: ListAllArgs): Promise<ListResult>;
	send?(args: SendArgs): Promise<Count>;
	replay?(args: ReplayArgs): Promise<Count>;
	triggerCreate?(args: { name: string; setup: CredentialSetup }): Promise<void>;
	triggerPoll?(args: { name: string }): Promise<Count>;
}

export type ClientKind = 'node' | 'undici' | 'twitter' | 'n8n-http';

/** A page of GET /2/dm_events (X's Get2DmEventsResponse). */
interface EventsPage {
	data?: XDmEvent[];
	includes?: XIncludes;
	meta?: XDmEventsMeta;
}

function bearer(token: string | undefined): Record<string, string> {
	if (!token) throw new Error('this client needs a bearer token');
	return { authorization: `Bearer ${token}` };
}

function setupOf({ setup }: Auth): CredentialSetup {
	if (!setup) throw new Error('the node client needs a credential setup');
	return setup;
}

/**
 * Pages /2/dm_events the way a careful client does (stop on a missing next_token or an empty page), keeping every
 * event and every page's includes. `fetchPage(paginationToken)` returns the page body.
 */
async function collectPages(fetchPage: (nextToken: string | undefined) => Promise<EventsPage>): Promise<ListResult> {
	const events: XDmEvent[] = [];
	const includes: XIncludes[] = [];
	let nextToken: string | undefined;
	do {
		const body = await fetchPage(nextToken);
		if (body.data) for (const event of body.data) events.push(event);
		if (body.includes) includes.push(body.includes);
		nextToken = body.data && body.data.length ? body.meta?.next_token : undefined;
	} while (nextToken);
	return { count: events.length, lastId: events.length ? events[events.length - 1].id : undefined };
}

function createNodeClient({ packageDir }: WorkerConfig): Client {
	const { actionNode, rl, NODE_NAME, loadPackage, runWorkflow, poll, TRIGGER_NODE_TYPE } = require('./harness') as typeof import('./harness');
	const triggers = new Map<string, { node: INode; credentials: CredentialsByType; workflow: Workflow | undefined }>();
	let loader: LoadedPackage;

	/** One execution of the action node through WorkflowExecute; returns the node's output json. */
	async function runAction(setup: CredentialSetup, parameters: INodeParameters, input?: INodeExecutionData[]): Promise<IDataObject[]> {
		const node = actionNode(parameters, setup);
		const { error, outputOf } = await runWorkflow({ loader, nodes: [node], credentials: setup.credentials, input });
		if (error) throw error;
		return outputOf(NODE_NAME);
	}

	return {
		async init() {
			loader = await loadPackage(packageDir);
		},

		/** Event Get Many, Return All, every other parameter at its default (fields, expansions, Resolve Includes). */
		async listAll(args) {
			const json = await runAction(setupOf(args), { resource: 'event', operation: 'getMany', scope: 'all', returnAll: true });
			return { count: json.length, lastId: json.length ? (json[json.length - 1].id as string) : undefined };
		},

		/** One execution with `count` input items, Send to User by ID, text from an expression per item. */
		async send(args) {
			const { recipientId, count, textPrefix } = args;
			const input = Array.from({ length: count }, (_value, index) => ({ json: { n: index } }));
			const json = await runAction(
				setupOf(args),
				{
					resource: 'message',
					operation: 'sendToUser',
					recipient: rl('id', recipientId),
					text: `={{ ${JSON.stringify(textPrefix)} + $json.n }}`,
				},
				input,
			);
			return { count: json.filter((entry) => typeof entry.dm_event_id === 'string').length };
		},

		/** Creates a trigger instance (its own workflow and static data, like one active workflow). */
		async triggerCreate({ name, setup: triggerSetup }) {
			const node: INode = {
				id: `trigger-${name}`,
				name,
				type: TRIGGER_NODE_TYPE,
				typeVersion: 1,
				position: [0, 0],
				parameters: { authentication: triggerSetup.authentication },
				credentials: triggerSetup.nodeCredentials,
			};
			triggers.set(name, { node, credentials: triggerSetup.credentials, workflow: undefined });
		},

		async triggerPoll({ name }) {
			const trigger = triggers.get(name);
			if (!trigger) throw new Error(`no trigger ${name}: call triggerCreate first`);
			const outcome = await poll({ loader, node: trigger.node, workflow: trigger.workflow, credentials: trigger.credentials });
			trigger.workflow = outcome.workflow;
			trigger.credentials = outcome.credentialsHelper.credentialsByType;
			return { count: outcome.result === null ? 0 : outcome.result[0].length };
		},
	};
}

function createUndiciClient({ emuUrl }: WorkerConfig): Client {
	const { request } = require('undici') as typeof import('undici');

	async function getJson(url: string, token: string | undefined): Promise<EventsPage> {
		const response = await request(url, { headers: bearer(token) });
		const body = (await response.body.json()) as EventsPage;
		if (response.statusCode !== 200) throw new Error(`GET ${url} -> ${response.statusCode} ${JSON.stringify(body)}`);
		return body;
	}

	return {
		async init() {},

		/** Pages /2/dm_events with the node's query. */
		async listAll({ token, query }) {
			return await collectPages(async (nextToken) => {
				const params = new URLSearchParams({ ...query, max_results: String(PAGE_SIZE) });
				if (nextToken) params.set('pagination_token', nextToken);
				return await getJson(`${emuUrl}/2/dm_events?${params}`, token);
			});
		},

		/** `count` sequential POSTs with the bodies the node sends. */
		async send({ token, recipientId, count, textPrefix }) {
			let sent = 0;
			for (let index = 0; index < count; index++) {
				const response = await request(`${emuUrl}/2/dm_conversations/with/${recipientId}/messages`, {
					method: 'POST',
					headers: { ...bearer(token), 'content-type': 'application/json' },
					body: JSON.stringify({ text: `${textPrefix}${index}` }),
				});
				const body = (await response.body.json()) as { data: { dm_event_id?: unknown } };
				if (response.statusCode !== 201) throw new Error(`POST -> ${response.statusCode} ${JSON.stringify(body)}`);
				if (typeof body.data.dm_event_id === 'string') sent++;
			}
			return { count: sent };
		},

		/** Repeats GETs recorded from another client (path + query), in order. */
		async replay({ token, requests }) {
			let events = 0;
			for (const entry of requests) {
				const body = await getJson(`${emuUrl}${entry.path}?${new URLSearchParams(entry.query)}`, token);
				events += body.data ? body.data.length : 0;
			}
			return { count: events };
		},
	};
}

function createTwitterClient({ emuUrl }: WorkerConfig): Client {
	const { TwitterApi } = require('twitter-api-v2') as typeof import('twitter-api-v2');
	type ClientV2 = InstanceType<typeof TwitterApi>['v2'];
	const clientsByToken = new Map<string, ClientV2>();

	function v2For(token: string | undefined): ClientV2 {
		if (!token) throw new Error('the twitter-api-v2 client needs a bearer token');
		let v2 = clientsByToken.get(token);
		if (!v2) {
			// The library sends through https.request; an http.Agent makes it accept the emulator's http:// URL.
			v2 = new TwitterApi(token, { httpAgent: http.globalAgent }).v2;
			// setPrefix() is protected in the library's typings; it is what moves the client off api.x.com.
			(v2 as unknown as { setPrefix(prefix: string): void }).setPrefix(`${emuUrl}/2/`);
			clientsByToken.set(token, v2);
		}
		return v2;
	}

	return {
		async init() {},

		async listAll({ token, query }) {
			const paginator = await v2For(token).listDmEvents({ ...query, max_results: PAGE_SIZE });
			await paginator.fetchLast(Infinity);
			const events = paginator.events;
			return { count: events.length, lastId: events.length ? events[events.length - 1].id : undefined };
		},
	};
}

/**
 * n8n-core's own HTTP helper (the httpRequest behind this.helpers.httpRequestWithAuthentication), driven directly:
 * the transport floor that any node using n8n's helpers pays, without the workflow engine or node code.
 */
function createN8nHttpClient({ emuUrl }: WorkerConfig): Client {
	const { httpRequest } = require('n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions') as
		typeof import('n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions');

	async function call<T>(options: { method: 'GET' | 'POST'; url: string; qs?: Query; headers: Record<string, string>; body?: IDataObject }): Promise<{ body: T; statusCode: number }> {
		const response = (await httpRequest({ json: true, returnFullResponse: true, ignoreHttpStatusErrors: true, ...options })) as { body: T; statusCode: number };
		return response;
	}

	return {
		async init() {},

		async listAll({ token, query }) {
			return await collectPages(async (nextToken) => {
				const qs = { ...query, max_results: String(PAGE_SIZE), ...(nextToken ? { pagination_token: nextToken } : {}) };
				const { body, statusCode } = await call<EventsPage>({ method: 'GET', url: `${emuUrl}/2/dm_events`, qs, headers: bearer(token) });
				if (statusCode !== 200) throw new Error(`GET /2/dm_events -> ${statusCode} ${JSON.stringify(body)}`);
				return body;
			});
		},

		async send({ token, recipientId, count, textPrefix }) {
			let sent = 0;
			for (let index = 0; index < count; index++) {
				const { body, statusCode } = await call<{ data: { dm_event_id?: unknown } }>({
					method: 'POST',
					url: `${emuUrl}/2/dm_conversations/with/${recipientId}/messages`,
					headers: bearer(token),
					body: { text: `${textPrefix}${index}` },
				});
				if (statusCode !== 201) throw new Error(`POST -> ${statusCode} ${JSON.stringify(body)}`);
				if (typeof body.data.dm_event_id === 'string') sent++;
			}
			return { count: sent };
		},
	};
}

const FACTORIES: Record<ClientKind, (config: WorkerConfig) => Client> = {
	node: createNodeClient,
	undici: createUndiciClient,
	twitter: createTwitterClient,
	'n8n-http': createN8nHttpClient,
};

export function createClient(kind: ClientKind, config: WorkerConfig): Client {
	const factory = FACTORIES[kind];
	if (!factory) throw new Error(`Unknown client ${kind}`);
	return factory(config);
}
