// The workflows of the queue-mode suite: the two auto-reply examples (replies marked per trigger, so both can run
// side by side on alice's account) and three webhook workflows whose executions go through the queue to the workers.
import { exampleByFile, type Workflow, type WorkflowNode } from '../lib/examples';
import { CREDENTIAL_IDS, CREDENTIAL_NAMES } from '../lib/demo';

export const POLL_REPLY = '[poll] ';
export const INSTANT_REPLY = '[instant] ';

export const WORKFLOW_IDS = Object.freeze({
	poll: 'xdmQueuePoll',
	instant: 'xdmQueueInstant',
	send: 'xdmQueueSend',
	group: 'xdmQueueGroup',
	media: 'xdmQueueMedia',
});

export const WEBHOOK_PATHS = Object.freeze({ send: 'xdm-queue-send', group: 'xdm-queue-group', media: 'xdm-queue-media' });

const credentials = { xDmOAuth2Api: { id: CREDENTIAL_IDS.xDmOAuth2Api, name: CREDENTIAL_NAMES.xDmOAuth2Api } };

/** An example with a new id and its reply text prefixed with `marker`. */
function markedExample(file: string, id: string, marker: string): Workflow {
	const example = structuredClone(exampleByFile(file));
	const reply = example.nodes.find((node) => node.name === 'Reply in Conversation');
	if (!reply || typeof reply.parameters.text !== 'string') throw new Error(`examples/${file}: no "Reply in Conversation" text`);
	reply.parameters.text = `=${marker}${reply.parameters.text.replace(/^=/, '')}`;
	return { ...example, id, name: `${example.name} (queue mode)`, active: false };
}

function webhookNode(path: string, webhookId: string): WorkflowNode {
	return {
		id: `${webhookId}-n1`, name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId,
		parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
	};
}

function xNode(id: string, name: string, parameters: Record<string, unknown>): WorkflowNode {
	return { id, name, type: 'n8n-nodes-x-dm.xDirectMessages', typeVersion: 1, position: [440, 0], credentials, parameters: { authentication: 'oAuth2', ...parameters } };
}

function chain(id: string, name: string, nodes: WorkflowNode[]): Workflow {
	const connections: Record<string, unknown> = {};
	for (let index = 0; index < nodes.length - 1; index++) {
		connections[nodes[index].name] = { main: [[{ node: nodes[index + 1].name, type: 'main', index: 0 }]] };
	}
	return { id, name, active: false, nodes, connections, settings: { executionOrder: 'v1' }, pinData: {} };
}

/** POST {items: [{to, text}]} → one DM per item (Split Out), sent as alice. */
function sendWorkflow(): Workflow {
	return chain(WORKFLOW_IDS.send, 'Queue mode: send one DM per item', [
		webhookNode(WEBHOOK_PATHS.send, '5b3f7d0e-1c2a-4e5b-8f9a-0d1c2b3a4e01'),
		{ id: 'q-send-split', name: 'Split Out', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [220, 0], parameters: { fieldToSplitOut: 'body.items', options: {} } },
		xNode('q-send-x', 'Send DM', {
			resource: 'message', operation: 'sendToUser',
			recipient: { __rl: true, mode: 'id', value: '={{ $json.to }}' },
			text: '={{ $json.text }}', attachmentType: 'none', options: {},
		}),
	]);
}

/** POST {participants, text} → Create Group with "Reuse Existing Group". */
function groupWorkflow(): Workflow {
	return chain(WORKFLOW_IDS.group, 'Queue mode: group with Reuse Existing Group', [
		webhookNode(WEBHOOK_PATHS.group, '5b3f7d0e-1c2a-4e5b-8f9a-0d1c2b3a4e02'),
		xNode('q-group-x', 'Create Group', {
			resource: 'conversation', operation: 'createGroup',
			participants: '={{ $json.body.participants }}', text: '={{ $json.body.text }}', attachmentType: 'none',
			options: { reuseExistingGroup: true },
		}),
	]);
}

/** POST <file bytes>?to=&text= → the webhook processor stores the body as binary `data`; a worker attaches it to a DM. */
function mediaWorkflow(): Workflow {
	return chain(WORKFLOW_IDS.media, 'Queue mode: DM with a binary attachment', [
		webhookNode(WEBHOOK_PATHS.media, '5b3f7d0e-1c2a-4e5b-8f9a-0d1c2b3a4e03'),
		xNode('q-media-x', 'Send DM With File', {
			resource: 'message', operation: 'sendToUser',
			recipient: { __rl: true, mode: 'id', value: '={{ $json.query.to }}' },
			text: '={{ $json.query.text }}', attachmentType: 'binary', binaryPropertyName: 'data', options: {},
		}),
	]);
}

export function queueWorkflows(): Workflow[] {
	return [
		markedExample('auto-reply.json', WORKFLOW_IDS.poll, POLL_REPLY),
		markedExample('instant-auto-reply.json', WORKFLOW_IDS.instant, INSTANT_REPLY),
		sendWorkflow(),
		groupWorkflow(),
		mediaWorkflow(),
	];
}
