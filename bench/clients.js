'use strict';

// The clients the bench compares, each loaded only in the child process that measures it:
// - node:    the package's compiled node/trigger inside real n8n-core (WorkflowExecute / PollContext via the harness)
// - undici:  a bare undici client doing the same HTTP requests (the floor)
// - twitter: twitter-api-v2's DM paginator, pointed at the emulator with setPrefix() and a plain http.Agent
// - n8n-http: n8n-core's httpRequest helper alone (what the node's requests cost before any node or engine code)
const http = require('http');

const PAGE_SIZE = 100;

function bearer(token) {
	return { authorization: `Bearer ${token}` };
}

/**
 * Pages /2/dm_events the way a careful client does (stop on a missing next_token or an empty page), keeping every
 * event and every page's includes. `fetchPage(paginationToken)` returns the page body.
 */
async function collectPages(fetchPage) {
	const events = [];
	const includes = [];
	let nextToken;
	do {
		const body = await fetchPage(nextToken);
		if (body.data) for (const event of body.data) events.push(event);
		if (body.includes) includes.push(body.includes);
		nextToken = body.data && body.data.length ? body.meta.next_token : undefined;
	} while (nextToken);
	return { count: events.length, lastId: events.length ? events[events.length - 1].id : undefined };
}

function createNodeClient({ packageDir }) {
	const { actionNode, rl, NODE_NAME } = require('../test/helpers/x-node');
	const { loadPackage, runWorkflow, poll, TRIGGER_NODE_TYPE } = require('../test/helpers/n8n-harness');
	const triggers = new Map();
	let loader;

	/** One execution of the action node through WorkflowExecute; returns the node's output json. */
	async function runAction(setup, parameters, input) {
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
		async listAll({ setup }) {
			const json = await runAction(setup, { resource: 'event', operation: 'getMany', scope: 'all', returnAll: true });
			return { count: json.length, lastId: json.length ? json[json.length - 1].id : undefined };
		},

		/** One execution with `count` input items, Send to User by ID, text from an expression per item. */
		async send({ setup, recipientId, count, textPrefix }) {
			const input = Array.from({ length: count }, (_value, index) => ({ json: { n: index } }));
			const json = await runAction(
				setup,
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
			const node = {
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
			const outcome = await poll({ loader, node: trigger.node, workflow: trigger.workflow, credentials: trigger.credentials });
			trigger.workflow = outcome.workflow;
			trigger.credentials = outcome.credentialsHelper.credentialsByType;
			return { count: outcome.result === null ? 0 : outcome.result[0].length };
		},
	};
}

function createUndiciClient({ emuUrl }) {
	const { request } = require('undici');

	async function getJson(url, token) {
		const response = await request(url, { headers: bearer(token) });
		const body = await response.body.json();
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
				const body = await response.body.json();
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

function createTwitterClient({ emuUrl }) {
	const { TwitterApi } = require('twitter-api-v2');
	const clientsByToken = new Map();

	function v2For(token) {
		if (!clientsByToken.has(token)) {
			// The library sends through https.request; an http.Agent makes it accept the emulator's http:// URL.
			const v2 = new TwitterApi(token, { httpAgent: http.globalAgent }).v2;
			v2.setPrefix(`${emuUrl}/2/`);
			clientsByToken.set(token, v2);
		}
		return clientsByToken.get(token);
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
function createN8nHttpClient({ emuUrl }) {
	const { httpRequest } = require('n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions');

	async function call(options) {
		const response = await httpRequest({ json: true, returnFullResponse: true, ignoreHttpStatusErrors: true, ...options });
		return response;
	}

	return {
		async init() {},

		async listAll({ token, query }) {
			return await collectPages(async (nextToken) => {
				const qs = { ...query, max_results: String(PAGE_SIZE), ...(nextToken ? { pagination_token: nextToken } : {}) };
				const { body, statusCode } = await call({ method: 'GET', url: `${emuUrl}/2/dm_events`, qs, headers: bearer(token) });
				if (statusCode !== 200) throw new Error(`GET /2/dm_events -> ${statusCode} ${JSON.stringify(body)}`);
				return body;
			});
		},

		async send({ token, recipientId, count, textPrefix }) {
			let sent = 0;
			for (let index = 0; index < count; index++) {
				const { body, statusCode } = await call({
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

const FACTORIES = { node: createNodeClient, undici: createUndiciClient, twitter: createTwitterClient, 'n8n-http': createN8nHttpClient };

function createClient(kind, config) {
	const factory = FACTORIES[kind];
	if (!factory) throw new Error(`Unknown client ${kind}`);
	return factory(config);
}

module.exports = { createClient };
