// The action node as a tool of n8n's real AI Agent: a Manual Trigger starts the AI Agent (tools agent), whose
// OpenAI Chat Model talks to a loopback OpenAI-compatible stub (its credential's Base URL) that answers with scripted
// tool calls. What the agent's tools did is checked against the emulator's ground truth, and what the model was told
// (tool names, descriptions, JSON schemas, tool results) against what the stub received.
import assert from 'node:assert/strict';
import { createInstance, type Instance } from '../lib/instance';
import { parseExecuteOutput, type ExecuteOutput } from '../lib/n8n';
import { CREDENTIAL_IDS, CREDENTIAL_NAMES, STUB_MODEL_CREDENTIAL, stubModelCredential } from '../lib/demo';
import { importCredentials, importWorkflows } from '../lib/setup';
import { e2eRun, log } from '../lib/run';
import { demoResponder, startOpenAiStub, toolResults, STUB_MODEL, type ChatRequest, type OpenAiStub } from '../lib/openai-stub';
import { exampleByFile, type Workflow, type WorkflowNode } from '../lib/examples';
import type { DemoInfo, DmEventRecord, Emulator } from '../lib/emulator';

const WORKFLOW_ID = 'xdmE2eAgent';
const EXAMPLE_FILE = 'ai-agent-answers-dms.json';
const EXAMPLE_RUN_ID = 'xdmE2eAgentEx';
const SETUP_TIMEOUT_MS = 300 * 1000;
const TEST_TIMEOUT_MS = 120 * 1000;
const TOOL_NODE_TYPE = 'n8n-nodes-x-dm.xDirectMessagesTool';
const USERNAME_HINT = 'The X username of the other person, e.g. bob_builder (without @)';
const LIMIT_HINT = 'How many of the newest messages to read, 1 to 20';
const TEXT_HINT = 'The message to send, plain text';

const xCredentials = { xDmOAuth2Api: { id: CREDENTIAL_IDS.xDmOAuth2Api, name: CREDENTIAL_NAMES.xDmOAuth2Api } };

function toolNode(name: string, position: [number, number], parameters: Record<string, unknown>): WorkflowNode {
	return { id: `agent-e2e-${name}`, name, type: TOOL_NODE_TYPE, typeVersion: 1, position, parameters: { authentication: 'oAuth2', ...parameters }, credentials: xCredentials };
}

/** Manual Trigger → AI Agent with the stub as its model and two X Direct Messages tools: read DMs with a user, DM a user. */
function agentWorkflow(): Workflow {
	const fromAi = (key: string, description: string, type = 'string') => `={{ $fromAI('${key}', '${description}', '${type}') }}`;
	return {
		id: WORKFLOW_ID,
		name: 'e2e: AI agent with the X Direct Messages tool',
		nodes: [
			{ id: 'agent-e2e-start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'agent-e2e-agent',
				name: 'AI Agent',
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: 3,
				position: [220, 0],
				parameters: { promptType: 'define', text: 'Read my last DMs with @bob_builder and answer him.', options: {} },
			},
			{
				id: 'agent-e2e-model',
				name: 'Stub Chat Model',
				type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
				typeVersion: 1.2,
				position: [120, 220],
				parameters: { model: { __rl: true, mode: 'id', value: STUB_MODEL }, options: { maxRetries: 0 } },
				credentials: { openAiApi: { id: STUB_MODEL_CREDENTIAL.id, name: STUB_MODEL_CREDENTIAL.name } },
			},
			toolNode('Read DMs', [300, 220], {
				resource: 'event',
				operation: 'getMany',
				scope: 'participant',
				participant: { __rl: true, mode: 'username', value: fromAi('username', USERNAME_HINT) },
				eventTypes: ['MessageCreate'],
				limit: fromAi('limit', LIMIT_HINT, 'number'),
				options: {},
			}),
			toolNode('Send DM', [460, 220], {
				resource: 'message',
				operation: 'sendToUser',
				recipient: { __rl: true, mode: 'username', value: fromAi('username', USERNAME_HINT) },
				text: fromAi('text', TEXT_HINT),
				options: {},
			}),
		],
		connections: {
			Start: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'Stub Chat Model': { ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]] },
			'Read DMs': { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
			'Send DM': { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

/**
 * The example with a start `n8n execute` can run: its polling trigger is replaced by a Manual Trigger and an X Direct
 * Messages node of the same name that gets the inbound DM by ID (the same item the trigger emits), so the agent, its
 * model and both tools run exactly as in the example.
 */
function exampleFromInboundDm(eventId: string): Workflow {
	const example = exampleByFile(EXAMPLE_FILE);
	const trigger = example.nodes.find((node) => node.type === 'n8n-nodes-x-dm.xDirectMessagesTrigger');
	assert.ok(trigger, `examples/${EXAMPLE_FILE} starts with the polling trigger`);
	const getInbound: WorkflowNode = {
		...trigger,
		type: 'n8n-nodes-x-dm.xDirectMessages',
		parameters: { authentication: 'oAuth2', resource: 'event', operation: 'get', eventId, options: {} },
	};
	const start: WorkflowNode = { id: 'agent-e2e-example-start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [-200, 0], parameters: {} };
	const connections = { ...(example.connections as Record<string, unknown>), Start: { main: [[{ node: trigger.name, type: 'main', index: 0 }]] } };
	return { ...example, id: EXAMPLE_RUN_ID, nodes: [start, ...example.nodes.map((node) => (node === trigger ? getInbound : node))], connections };
}

interface AgentOutcome {
	run: ExecuteOutput;
	/** The agent's final answer (its `output` field). */
	answer: unknown;
}

async function runAgent(instance: Instance, workflowId = WORKFLOW_ID): Promise<AgentOutcome> {
	const result = await instance.execute(workflowId);
	const run = parseExecuteOutput(result.stdout);
	assert.equal(result.code, 0, `n8n execute failed (exit ${result.code}):\n${result.output.slice(-4000)}`);
	assert.ok(run, `no run JSON in the output:\n${result.output.slice(-3000)}`);
	assert.equal(run.status, 'success');
	const agentRuns = run.data?.resultData?.runData?.['AI Agent'] ?? [];
	const lastRun = agentRuns[agentRuns.length - 1];
	const [item] = (lastRun?.data?.main?.[0] ?? []) as unknown as Array<{ json: Record<string, unknown> }>;
	return { run, answer: item?.json.output };
}

/** A tool result as the model received it: the JSON the agent put into the tool message. */
function parseToolResult(text: string): Array<Record<string, unknown>> {
	const parsed: unknown = JSON.parse(text);
	assert.ok(Array.isArray(parsed), `a tool result is a JSON array: ${text}`);
	return parsed as Array<Record<string, unknown>>;
}

const eventIds = (emu: Emulator): Set<string> => new Set(emu.events().map((event) => event.id));
const newEventsSince = (emu: Emulator, known: Set<string>): DmEventRecord[] => emu.events().filter((event) => !known.has(event.id));

describe('ai-agent', () => {
	let suite: { instance: Instance; emu: Emulator; users: DemoInfo['users']; stub: OpenAiStub } | undefined;
	const context = () => {
		if (!suite) throw new Error('the ai-agent suite has no n8n instance (its setup failed)');
		return suite;
	};

	beforeAll(async () => {
		log('suite ai-agent: setting up');
		// Scripted per test; without a script it answers like the demo model of `npm start`.
		const stub = await startOpenAiStub({ respond: demoResponder });
		try {
			const instance = await createInstance({ name: 'ai-agent', tarball: e2eRun().tarball, workflows: [agentWorkflow()] });
			suite = { instance, emu: instance.emu, users: instance.demo.users, stub };
			await importCredentials(instance.env, [stubModelCredential(stub.url)], `${instance.userFolder}/scratch`);
		} catch (error) {
			await suite?.instance.close();
			await stub.close();
			throw error;
		}
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		await suite?.instance.close();
		await suite?.stub.close();
	});

	beforeEach(() => {
		context().stub.clear();
		context().emu.clearRequests();
	});

	test('the model is offered both tools with their names, descriptions and argument schemas', async () => {
		const { instance, stub } = context();
		stub.script([{ content: 'Nothing to do.' }]);
		const { answer } = await runAgent(instance);
		assert.equal(answer, 'Nothing to do.');

		const [request] = stub.chatRequests();
		assert.equal(request.model, STUB_MODEL);
		const tools = Object.fromEntries((request.tools ?? []).map((tool) => [tool.function.name, tool.function]));
		assert.deepEqual(Object.keys(tools).sort(), ['Read_DMs', 'Send_DM']);
		assert.equal(tools.Read_DMs.description, 'Get many DM events in X Direct Messages');
		assert.equal(tools.Send_DM.description, 'Send a message to a user in X Direct Messages');
		const schema = (tool: { parameters?: Record<string, unknown> }) => {
			const { $schema: _ignored, ...rest } = tool.parameters ?? {};
			return rest;
		};
		assert.deepEqual(schema(tools.Read_DMs), {
			type: 'object',
			properties: { username: { type: 'string', description: USERNAME_HINT }, limit: { type: 'number', description: LIMIT_HINT } },
			required: ['username', 'limit'],
			additionalProperties: false,
		});
		assert.deepEqual(schema(tools.Send_DM), {
			type: 'object',
			properties: { username: { type: 'string', description: USERNAME_HINT }, text: { type: 'string', description: TEXT_HINT } },
			required: ['username', 'text'],
			additionalProperties: false,
		});
		assert.equal(stub.remainingSteps(), 0);
	}, TEST_TIMEOUT_MS);

	test('scripted calls read the last DMs with @bob_builder, then send him exactly one reply', async () => {
		const { instance, stub, emu, users } = context();
		const known = eventIds(emu);
		const reply = 'Thanks Bob, the agent read your messages.';
		let readResult: Array<Record<string, unknown>> = [];
		stub.script([
			{ toolCalls: [{ name: 'Read_DMs', arguments: { username: users.bob.username, limit: 3 } }] },
			(request: ChatRequest) => {
				readResult = parseToolResult(toolResults(request)[0]);
				return { toolCalls: [{ name: 'Send_DM', arguments: { username: users.bob.username, text: reply } }] };
			},
			{ content: 'I answered Bob.' },
		]);
		const { answer } = await runAgent(instance);
		assert.equal(answer, 'I answered Bob.');
		assert.equal(stub.remainingSteps(), 0);

		// The read: bob's and alice's three newest messages of their one-to-one conversation, compact, newest first.
		const conversationId = `${users.alice.id}-${users.bob.id}`;
		const truth = emu.visibleEvents(users.alice.id, { conversationId })
			.filter((event) => event.event_type === 'MessageCreate' && known.has(event.id))
			.slice(0, 3);
		assert.equal(truth.length, 3, 'the demo has three messages between alice and bob');
		const usernameOf: Record<string, string> = { [users.alice.id]: users.alice.username, [users.bob.id]: users.bob.username };
		assert.deepEqual(readResult, truth.map((event) => ({
			id: event.id,
			type: 'MessageCreate',
			created_at: event.created_at,
			conversation_id: conversationId,
			sender_id: event.sender_id,
			from: `@${usernameOf[event.sender_id ?? '']}`,
			text: event.text,
			...(event.attachments?.media_keys?.length ? { attachments: event.attachments.media_keys.length } : {}),
		})));

		// The send: exactly one new DM, from alice to bob, with the scripted text; the model got its IDs back.
		const created = newEventsSince(emu, known);
		assert.equal(created.length, 1, 'exactly one new event');
		assert.equal(created[0].sender_id, users.alice.id);
		assert.equal(created[0].dm_conversation_id, conversationId);
		assert.equal(created[0].text, reply);
		const sendResult = parseToolResult(toolResults(stub.chatRequests()[2])[1]);
		assert.deepEqual(sendResult, [{
			dm_conversation_id: conversationId,
			dm_event_id: created[0].id,
			recipient_id: users.bob.id,
			recipient_username: users.bob.username,
			text: reply,
		}]);
		const posts = emu.requests().filter((request) => request.method === 'POST');
		assert.deepEqual(posts.map((request) => request.path), [`/2/dm_conversations/with/${users.bob.id}/messages`]);
	}, TEST_TIMEOUT_MS);

	test('bad arguments and a closed inbox reach the model as readable errors; nothing is sent and the run succeeds', async () => {
		const { instance, stub, emu, users } = context();
		const known = eventIds(emu);
		stub.script([
			{ toolCalls: [{ name: 'Send_DM', arguments: { username: 'bob builder!', text: 'Hi' } }] },
			{ toolCalls: [{ name: 'Send_DM', arguments: { username: users.dave.username, text: 'Hi Dave' } }] },
			{ content: 'I could not send the messages.' },
		]);
		const { answer } = await runAgent(instance);
		assert.equal(answer, 'I could not send the messages.');

		const [badName, closedInbox] = toolResults(stub.chatRequests()[2]).map(parseToolResult);
		assert.deepEqual(badName, [{
			error: 'Recipient: "bob builder!" is not a valid X username. Usernames have 1 to 15 letters, digits or underscores, optionally preceded by @.',
		}]);
		assert.equal(closedInbox.length, 1);
		assert.match(String(closedInbox[0].error), /does not accept Direct Messages/);
		assert.doesNotMatch(String(closedInbox[0].error), /\n\s+at /, 'no stack trace');
		assert.equal(closedInbox[0].httpCode, '403');

		assert.equal(newEventsSince(emu, known).length, 0, 'nothing was sent');
		const posts = emu.requests().filter((request) => request.method === 'POST');
		assert.deepEqual(posts.map((request) => [request.path, request.status]), [[`/2/dm_conversations/with/${users.dave.id}/messages`, 403]],
			'the bad username never reached X; the DM to dave was refused by X');
	}, TEST_TIMEOUT_MS);

	test(`examples/${EXAMPLE_FILE}: the agent reads the conversation of the inbound DM and replies there once`, async () => {
		const { instance, stub, emu, users } = context();
		const example = exampleByFile(EXAMPLE_FILE);
		const inbound = emu.sendAs(users.bob.id, { to: users.alice.id, text: 'Is the launch still on Friday?' });
		await importWorkflows(instance.env, [exampleFromInboundDm(inbound.id)], `${instance.userFolder}/scratch`);
		const known = eventIds(emu);
		const { answer } = await runAgent(instance, EXAMPLE_RUN_ID);
		assert.equal(answer, 'I read the conversation and sent a reply.');

		const [first] = stub.chatRequests();
		const tools = Object.fromEntries((first.tools ?? []).map((tool) => [tool.function.name, tool.function]));
		const toolNodes = Object.fromEntries(example.nodes.map((node) => [node.name, node.parameters]));
		assert.deepEqual(Object.keys(tools).sort(), ['Read_Conversation', 'Reply_in_Conversation']);
		assert.equal(tools.Read_Conversation.description, toolNodes['Read Conversation'].toolDescription);
		assert.equal(tools.Reply_in_Conversation.description, toolNodes['Reply in Conversation'].toolDescription);
		// The conversation comes from the trigger: the model can only choose how much to read and what to write.
		assert.deepEqual(Object.keys((tools.Read_Conversation.parameters as { properties: object }).properties), ['limit']);
		assert.deepEqual(Object.keys((tools.Reply_in_Conversation.parameters as { properties: object }).properties), ['text']);
		assert.match(JSON.stringify(first.messages), /Is the launch still on Friday\?/);

		const read = parseToolResult(toolResults(stub.chatRequests()[1])[0]);
		assert.equal(read[0].id, inbound.id, 'the newest message read is the inbound DM');
		assert.ok(read.length <= 5 && read.every((event) => event.conversation_id === inbound.dm_conversation_id));

		const created = newEventsSince(emu, known);
		assert.equal(created.length, 1, 'exactly one reply');
		assert.equal(created[0].sender_id, users.alice.id);
		assert.equal(created[0].dm_conversation_id, inbound.dm_conversation_id);
		assert.match(created[0].text ?? '', /Is the launch still on Friday\?/);
	}, TEST_TIMEOUT_MS);
});
