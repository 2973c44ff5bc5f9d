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
import { actionNode, AUTH_KINDS, messages, oneToOneId, rl, useEmulator, type CredentialSetup } from '../fixtures/x-node';

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
				const schema = (tool as unknown as { schema: { shape: Record<string, unknown> } }).schema;
				const call = { tool: tool.name, description: tool.description, arguments: Object.keys(schema.shape).sort() };
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
				response: [expect.objectContaining({ dm_event_id: truth[0].id, dm_conversation_id: conversationId, text: 'Hi from the agent' })],
			},
		]);
	});
});

test('a bad argument from the agent comes back to it as an error naming the parameter, before any request', async () => {
	const setup = x.auth('oAuth2');
	const { error, calls } = await runAgent(toolNode(sendToUserFromAi, setup), setup, { recipient_id: 'bob!', text: 'x' });
	expect(error).toBeUndefined();
	expect(calls).toHaveLength(1);
	expect(calls[0].error).toContain('Recipient');
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
