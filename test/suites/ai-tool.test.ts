// The action node as an AI agent's tool: the "X Direct Messages Tool" variant n8n derives from `usableAsTool`,
// connected to an agent's ai_tool input. n8n-core wraps it (createNodeAsTool): the agent sees a tool whose arguments
// are the node's $fromAI() placeholders and whose call runs the node's execute. A minimal test agent stands in for
// n8n's AI Agent: it calls each connected tool once with the arguments of its input item.
import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
} from 'n8n-workflow';

import { ACTION_TOOL_NODE_TYPE, runWorkflow } from '../fixtures/n8n';
import { actionNode, apiRequests, AUTH_KINDS, messages, oneToOneId, rl, runAction, useEmulator, type CredentialSetup } from '../fixtures/x-node';

const x = useEmulator();

const AGENT_TYPE = 'test.toolCallingAgent';
const AGENT_NAME = 'Agent';
const TOOL_NAME = 'Send DM';

/** What n8n-core hands an agent for a connected tool (a LangChain structured tool). */
interface AgentTool {
	name: string;
	description: string;
	invoke(args: IDataObject): Promise<string>;
}

/** The zod schema of a tool's arguments (what LangChain turns into the JSON schema the model sees). */
interface ArgumentSchema {
	_def: { typeName: string };
	description?: string;
}

/** Each argument of a tool with its zod type and the description the model reads. */
function argumentSchema(tool: AgentTool): Record<string, { type: string; description?: string }> {
	const { shape } = (tool as unknown as { schema: { shape: Record<string, ArgumentSchema> } }).schema;
	return Object.fromEntries(Object.entries(shape).map(([key, value]) => [key, { type: value._def.typeName, description: value.description }]));
}

const agent: INodeType = {
	description: {
		displayName: 'Tool Calling Agent',
		name: 'toolCallingAgent',
		group: ['transform'],
		version: 1,
		description: 'Calls each connected tool with the arguments of its input item',
		defaults: { name: AGENT_NAME },
		inputs: [NodeConnectionTypes.Main, { type: NodeConnectionTypes.AiTool, displayName: 'Tools', required: true }],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	},
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const tools = (await this.getInputConnectionData(NodeConnectionTypes.AiTool, 0)) as AgentTool[];
		const output: INodeExecutionData[] = [];
		for (const [index, item] of this.getInputData().entries()) {
			for (const tool of tools) {
				const call = { tool: tool.name, description: tool.description, arguments: Object.keys(argumentSchema(tool)).sort(), schema: argumentSchema(tool) };
				try {
					output.push({ json: { ...call, response: JSON.parse(await tool.invoke(item.json.args as IDataObject)) }, pairedItem: { item: index } });
				} catch (error) {
					output.push({ json: { ...call, error: (error as Error).message }, pairedItem: { item: index } });
				}
			}
		}
		return [output];
	},
};

function toolNode(parameters: INodeParameters, setup: CredentialSetup): INode {
	return actionNode(parameters, setup, { name: TOOL_NAME, type: ACTION_TOOL_NODE_TYPE });
}

async function runAgent(tool: INode, setup: CredentialSetup, args: IDataObject) {
	const agentNode: INode = { id: 'agent', name: AGENT_NAME, type: AGENT_TYPE, typeVersion: 1, position: [0, 0], parameters: {} };
	const run = await runWorkflow({
		nodes: [agentNode, tool],
		connections: { [TOOL_NAME]: { [NodeConnectionTypes.AiTool]: [[{ node: AGENT_NAME, type: NodeConnectionTypes.AiTool, index: 0 }]] } },
		credentials: setup.credentials,
		input: [{ json: { args } }],
		extraNodeTypes: { [AGENT_TYPE]: agent },
	});
	return { ...run, calls: run.outputOf(AGENT_NAME) };
}

const sendToUserFromAi: INodeParameters = {
	resource: 'message',
	operation: 'sendToUser',
	recipient: rl('id', "={{ $fromAI('recipient_id', 'The numeric X user ID of the recipient', 'string') }}"),
	text: "={{ $fromAI('text', 'The message to send', 'string') }}",
};

describe.each(AUTH_KINDS)('with %s', (kind) => {
	test("an agent's call sends one DM with the arguments it chose, and gets the sent message back", async () => {
		const { people, emu } = x;
		const setup = x.auth(kind);
		const { error, calls } = await runAgent(toolNode(sendToUserFromAi, setup), setup, { recipient_id: people.bob.id, text: 'Hi from the agent' });
		expect(error).toBeUndefined();
		const conversationId = oneToOneId(people.alice, people.bob);
		const truth = messages(emu, conversationId);
		expect(truth).toHaveLength(1);
		expect(truth[0]).toMatchObject({ sender_id: people.alice.id, text: 'Hi from the agent' });
		expect(calls).toEqual([
			{
				tool: 'Send_DM',
				description: expect.any(String),
				arguments: ['recipient_id', 'text'],
				schema: {
					recipient_id: { type: 'ZodString', description: 'The numeric X user ID of the recipient' },
					text: { type: 'ZodString', description: 'The message to send' },
				},
				response: [expect.objectContaining({ dm_event_id: truth[0].id, dm_conversation_id: conversationId, text: 'Hi from the agent' })],
			},
		]);
	});
});

test('a bad argument from the agent comes back to it as a readable error naming the parameter, before any request', async () => {
	const setup = x.auth('oAuth2');
	const { error, calls } = await runAgent(toolNode(sendToUserFromAi, setup), setup, { recipient_id: 'bob!', text: 'x' });
	expect(error).toBeUndefined();
	expect(calls).toHaveLength(1);
	// The agent gets the error as the tool's result (a thrown error would end n8n's agent run).
	expect(calls[0].error).toBeUndefined();
	expect(calls[0].response).toEqual([
		{ error: 'Recipient: "bob!" is not a valid user ID. A user ID is a string of 1 to 19 digits, e.g. "1582103724607971328".' },
	]);
	expect(x.emu.requests()).toEqual([]);
});

test('the tool describes itself from resource and operation unless a description is set', async () => {
	const { people } = x;
	const setup = x.auth('oAuth2');
	const args = { recipient_id: people.bob.id, text: 'x' };
	const automatic = await runAgent(toolNode(sendToUserFromAi, setup), setup, args);
	expect(automatic.calls[0].description).toBe('Send a message to a user in X Direct Messages');
	const manual = await runAgent(
		toolNode({ ...sendToUserFromAi, descriptionType: 'manual', toolDescription: 'Sends a DM to a customer' }, setup),
		setup,
		args,
	);
	expect(manual.calls[0].description).toBe('Sends a DM to a customer');
});

describe('what the agent gets back', () => {
	const readFromAi: INodeParameters = {
		resource: 'event',
		operation: 'getMany',
		scope: 'participant',
		participant: rl('username', "={{ $fromAI('username', 'The X username of the other person', 'string') }}"),
		limit: "={{ $fromAI('limit', 'How many of the newest events to return', 'number') }}",
	};

	test('Get Many answers with compact events: who wrote what, when, where; users named by @username', async () => {
		const { people, emu } = x;
		const setup = x.auth('oAuth2');
		emu.sendAs(people.alice.id, { to: people.bob.id, text: 'first' });
		emu.sendAs(people.bob.id, { to: people.alice.id, text: 'second' });
		emu.sendAs(people.bob.id, { to: people.alice.id, text: 'third' });
		emu.sendAs(people.carol.id, { to: people.alice.id, text: 'not from bob' });
		const { error, calls } = await runAgent(toolNode(readFromAi, setup), setup, { username: 'bob', limit: 2 });
		expect(error).toBeUndefined();
		const conversationId = oneToOneId(people.alice, people.bob);
		const [third, second] = messages(emu, conversationId).reverse();
		const stored = (id: string) => emu.events().find((event: { id: string }) => event.id === id) as { created_at: string };
		expect(calls).toEqual([
			{
				tool: 'Send_DM',
				description: 'Get many DM events in X Direct Messages',
				arguments: ['limit', 'username'],
				schema: {
					username: { type: 'ZodString', description: 'The X username of the other person' },
					limit: { type: 'ZodNumber', description: 'How many of the newest events to return' },
				},
				response: [third, second].map((event) => ({
					id: event.id,
					type: 'MessageCreate',
					created_at: stored(event.id).created_at,
					conversation_id: conversationId,
					sender_id: people.bob.id,
					from: '@bob',
					text: event.text,
				})),
			},
		]);
	});

	test('the same Get Many in a normal workflow keeps X\'s full event objects', async () => {
		const { people, emu } = x;
		emu.sendAs(people.bob.id, { to: people.alice.id, text: 'hello' });
		const { error, json } = await runAction({ setup: x.auth('oAuth2'), parameters: { ...readFromAi, participant: rl('username', 'bob'), limit: 2 } });
		expect(error).toBeUndefined();
		expect(json).toEqual([expect.objectContaining({ event_type: 'MessageCreate', text: 'hello', sender: expect.objectContaining({ username: 'bob' }) })]);
	});

	test("X's refusal (a recipient who accepts no DMs) comes back as X's reason with its HTTP code; nothing is sent", async () => {
		const { emu } = x;
		const setup = x.auth('oAuth2');
		const closed = emu.addUser({ username: 'closed', dmPolicy: 'none' });
		const { error, calls } = await runAgent(toolNode(sendToUserFromAi, setup), setup, { recipient_id: closed.id, text: 'hi' });
		expect(error).toBeUndefined();
		expect(calls[0].response).toEqual([{ error: expect.stringMatching(/does not accept Direct Messages/), httpCode: '403' }]);
		expect(String((calls[0].response as Array<{ error: string }>)[0].error)).not.toMatch(/\n\s+at /);
		expect(messages(emu)).toEqual([]);
	});

	test('a rate limit comes back with its reset time, after exactly one request', async () => {
		const { emu, people } = x;
		const setup = x.auth('oAuth2');
		const reset = Math.ceil(Date.now() / 1000) + 3600;
		emu.addFault({
			method: 'POST',
			path: '/2/dm_conversations/with/',
			status: 429,
			body: { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
			headers: { 'x-rate-limit-limit': '200', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(reset) },
		});
		const { error, calls } = await runAgent(toolNode(sendToUserFromAi, setup), setup, { recipient_id: people.bob.id, text: 'hi' });
		expect(error).toBeUndefined();
		const [result] = calls[0].response as Array<{ error: string; httpCode: string }>;
		expect(result.httpCode).toBe('429');
		expect(result.error).toContain(`X rate limit reached: the limit resets at ${new Date(reset * 1000).toISOString()}`);
		expect(apiRequests(emu).filter((request) => request.method === 'POST')).toHaveLength(1);
		expect(messages(emu)).toEqual([]);
	});
});
