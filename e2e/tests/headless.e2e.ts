// Each example workflow runs in real n8n through the CLI (`n8n execute --id`) against the emulator, and what it
// did is checked against the emulator's ground truth (stored events, request log). Runs on every n8n version of the
// matrix (N8N_VERSION).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createInstance, type Instance } from '../lib/instance';
import { parseExecuteOutput, nodeOutput, type ExecuteOutput } from '../lib/n8n';
import { loadExamples, exampleByFile, type Workflow } from '../lib/examples';
import { CREDENTIAL_IDS, CREDENTIAL_NAMES } from '../lib/demo';
import { e2eRun, log } from '../lib/run';
import { versionTraits } from '../lib/runtimes';
import type { Env, RunResult } from '../lib/proc';
import type { DemoInfo, DmEventRecord, Emulator } from '../lib/emulator';

// At most 16 characters, like the examples' ids: n8n 1.x keeps static data only for ids that short.
const ERROR_WORKFLOW_ID = 'xdmE2eClosedDm';
const EXPRESSION_WORKFLOW_ID = 'xdmE2eExpression';
const EXPRESSION_TEXT = "={{ 'Expression: ' + (6 * 7) }}";
const N8N_1X_MAX_WORKFLOW_ID_LENGTH = 16;
const SETUP_TIMEOUT_MS = 300 * 1000;
const TEST_TIMEOUT_MS = 120 * 1000;

/** A workflow that is not an example: examples/send-dm.json with other send parameters. */
function sendDmVariant(id: string, name: string, parameters: Record<string, unknown>): Workflow {
	const sendDm = exampleByFile('send-dm.json');
	const nodes = sendDm.nodes.filter((node) => node.type !== 'n8n-nodes-base.stickyNote').map((node) => structuredClone(node));
	const sendNode = nodes.find((node) => node.type === 'n8n-nodes-x-dm.xDirectMessages');
	assert.ok(sendNode, 'examples/send-dm.json has an X Direct Messages node');
	Object.assign(sendNode.parameters, parameters);
	return { ...sendDm, id, name, nodes };
}

/** DM to a user who accepts no DMs, to see a node error in real n8n. */
const sendToClosedInboxWorkflow = (): Workflow =>
	sendDmVariant(ERROR_WORKFLOW_ID, 'e2e: DM to a closed inbox', { recipient: { __rl: true, mode: 'username', value: '@dave_nodm' } });

/** A DM whose text is an expression (n8n's expression engine evaluates the node's parameter). */
const expressionWorkflow = (): Workflow => sendDmVariant(EXPRESSION_WORKFLOW_ID, 'e2e: DM text from an expression', { text: EXPRESSION_TEXT });

interface Outcome {
	result: RunResult;
	run: ExecuteOutput | undefined;
}

/** Runs a workflow and returns { result, run } with run = the parsed IRun (rc and output attached to failures). */
async function execute(instance: Instance, workflowId: string, envChanges?: Env): Promise<Outcome> {
	const result = envChanges ? await instance.cli(['execute', `--id=${workflowId}`, '--rawOutput'], envChanges) : await instance.execute(workflowId);
	const run = parseExecuteOutput(result.stdout);
	return { result, run };
}

function assertSucceeded(outcome: Outcome): asserts outcome is { result: RunResult; run: ExecuteOutput } {
	const { result, run } = outcome;
	assert.equal(result.code, 0, `n8n execute failed (exit ${result.code}):\n${result.output.slice(-3000)}`);
	assert.ok(run, `no run JSON in the output:\n${result.output.slice(-3000)}`);
	assert.equal(run.status, 'success');
}

const eventIds = (emu: Emulator): Set<string> => new Set(emu.events().map((event) => event.id));
const newEventsSince = (emu: Emulator, knownIds: Set<string>): DmEventRecord[] => emu.events().filter((event) => !knownIds.has(event.id));

describe('headless', () => {
	let suite: { instance: Instance; emu: Emulator; users: DemoInfo['users'] } | undefined;
	const context = () => {
		if (!suite) throw new Error('the headless suite has no n8n instance (its setup failed)');
		return suite;
	};

	beforeAll(async () => {
		log('suite headless: setting up');
		const examples = loadExamples().map(({ workflow }) => workflow);
		const instance = await createInstance({ name: 'headless', tarball: e2eRun().tarball, workflows: [...examples, sendToClosedInboxWorkflow(), expressionWorkflow()] });
		suite = { instance, emu: instance.emu, users: instance.demo.users };
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		await suite?.instance.close();
	});

	test('examples/send-dm.json sends one DM from alice to bob (OAuth 2.0)', async () => {
		const { instance, emu, users } = context();
		const known = eventIds(emu);
		emu.clearRequests();
		const outcome = await execute(instance, 'xdmExampleSendDm');
		assertSucceeded(outcome);

		const created = newEventsSince(emu, known);
		assert.equal(created.length, 1, 'exactly one new event');
		const [event] = created;
		assert.equal(event.event_type, 'MessageCreate');
		assert.equal(event.sender_id, users.alice.id);
		assert.equal(event.dm_conversation_id, `${users.alice.id}-${users.bob.id}`);
		assert.equal(event.text, exampleByFile('send-dm.json').nodes.find((node) => node.name === 'Send DM to Bob')?.parameters.text);

		const [item] = nodeOutput(outcome.run, 'Send DM to Bob') ?? [];
		assert.equal(item.dm_event_id, event.id);
		assert.equal(item.dm_conversation_id, event.dm_conversation_id);
		assert.equal(item.recipient_id, users.bob.id);

		const sends = emu.requests().filter((request) => request.method === 'POST');
		assert.deepEqual(sends.map((request) => request.path), [`/2/dm_conversations/with/${users.bob.id}/messages`]);
		assert.equal(sends[0].headers.authorization, 'Bearer');
		assert.equal(sends[0].status, 201);
	}, TEST_TIMEOUT_MS);

	test('examples/create-group.json creates a group with bob and erin (OAuth 1.0a)', async () => {
		const { instance, emu, users } = context();
		const known = eventIds(emu);
		emu.clearRequests();
		const outcome = await execute(instance, 'xdmExampleGroup');
		assertSucceeded(outcome);

		const [item] = nodeOutput(outcome.run, 'Create Launch Group') ?? [];
		const conversation = emu.getConversation(item.dm_conversation_id ?? '');
		assert.ok(conversation, `the emulator has no conversation ${item.dm_conversation_id}`);
		assert.equal(conversation.type, 'group');
		assert.deepEqual([...conversation.participantIds].sort(), [users.alice.id, users.bob.id, users.erin.id].sort());

		const created = newEventsSince(emu, known);
		assert.deepEqual(created.map((event) => event.event_type), ['ParticipantsJoin', 'MessageCreate']);
		const message = created[1];
		assert.equal(message.id, item.dm_event_id);
		assert.equal(message.sender_id, users.alice.id);
		assert.equal(message.text, 'Welcome to the launch group! Created from n8n.');

		const post = emu.requests().find((request) => request.method === 'POST');
		assert.equal(post?.path, '/2/dm_conversations');
		assert.equal(post?.headers.authorization, 'OAuth');
	}, TEST_TIMEOUT_MS);

	test('examples/list-events.json lists alice\'s 20 newest events with includes resolved', async () => {
		const { instance, emu, users } = context();
		const outcome = await execute(instance, 'xdmExampleEvents');
		assertSucceeded(outcome);
		const items = nodeOutput(outcome.run, 'Get Recent DM Events') ?? [];

		const expected = emu.visibleEvents(users.alice.id).slice(0, 20);
		assert.deepEqual(items.map((item) => item.id), expected.map((event) => event.id), 'same events, newest first');

		const usernameOf = Object.fromEntries(Object.values(users).map((user) => [user.id, user.username]));
		for (const item of items) {
			assert.equal(typeof item.created_at, 'string');
			assert.ok(item.dm_conversation_id);
			// Leave events have no sender.
			if (item.event_type === 'ParticipantsLeave') continue;
			assert.equal(item.sender?.id, item.sender_id, `event ${item.id} has its sender inline`);
			assert.equal(item.sender?.username, usernameOf[item.sender_id ?? '']);
		}
		assert.ok(items.some((item) => item.event_type === 'ParticipantsLeave'), 'the demo leave event is listed');
		const withPhoto = items.find((item) => item.text === 'Photo of the whiteboard');
		assert.ok(withPhoto, 'the demo photo message is listed');
		assert.equal(withPhoto.attachments?.media?.[0]?.media_key, '3_1580000000000000001');
		const groupJoin = items.find((item) => item.event_type === 'ParticipantsJoin');
		assert.ok(groupJoin, 'a ParticipantsJoin event is listed');
		assert.ok(Array.isArray(groupJoin.participants) && groupJoin.participants.every((user) => user.username),
			'participants are inline user objects');
		assert.ok(!items.some((item) => item.text?.includes('older than 30 days')), 'nothing older than 30 days');
	}, TEST_TIMEOUT_MS);

	test('a DM to a user who accepts none fails the node with X\'s reason', async () => {
		const { instance, emu } = context();
		const known = eventIds(emu);
		const { result } = await execute(instance, ERROR_WORKFLOW_ID);
		assert.equal(result.code, 1, `expected the execution to fail:\n${result.output.slice(-2000)}`);
		assert.match(result.output, /Execution error/);
		assert.match(result.output, /does not accept Direct Messages/);
		assert.equal(newEventsSince(emu, known).length, 0, 'nothing was sent');
	}, TEST_TIMEOUT_MS);

	test('every example workflow id has at most 16 characters (n8n 1.x saves no static data for longer ids)', () => {
		for (const { file, workflow } of loadExamples()) {
			assert.ok(workflow.id.length <= N8N_1X_MAX_WORKFLOW_ID_LENGTH, `examples/${file}: id ${workflow.id} has ${workflow.id.length} characters`);
		}
	});

	test('an expression in a parameter evaluates (n8n 1.x on Node 20: only with N8N_EXPRESSION_ENGINE=legacy)', async () => {
		const { instance, emu, users } = context();
		if (versionTraits(instance.runtime).env.N8N_EXPRESSION_ENGINE === 'legacy') {
			// The default engine needs isolated-vm 6, which has no build for Node 20: the run fails and sends nothing.
			const known = eventIds(emu);
			const withDefaultEngine = await execute(instance, EXPRESSION_WORKFLOW_ID, { N8N_EXPRESSION_ENGINE: undefined });
			assert.notEqual(withDefaultEngine.run?.status, 'success', withDefaultEngine.result.output.slice(-2000));
			assert.match(withDefaultEngine.result.output, /IsolatePool|isolated-vm/);
			assert.equal(newEventsSince(emu, known).length, 0, 'nothing was sent');
		}
		const known = eventIds(emu);
		const outcome = await execute(instance, EXPRESSION_WORKFLOW_ID);
		assertSucceeded(outcome);
		const created = newEventsSince(emu, known);
		assert.deepEqual(created.map((event) => [event.sender_id, event.text]), [[users.alice.id, 'Expression: 42']]);
	}, TEST_TIMEOUT_MS);

	test('the imported credentials are stored encrypted and keep their emulator settings', async () => {
		const { instance, emu } = context();
		const exportFile = path.join(instance.userFolder, 'scratch', 'export.json');
		const { code, output } = await instance.cli(['export:credentials', '--all', '--decrypted', '--pretty', `--output=${exportFile}`]);
		assert.equal(code, 0, output.slice(-2000));
		const exported = JSON.parse(fs.readFileSync(exportFile, 'utf8')) as Array<{ id: string; name: string; data: Record<string, unknown> }>;
		const byId = Object.fromEntries(exported.map((credential) => [credential.id, credential]));
		assert.equal(byId[CREDENTIAL_IDS.xDmOAuth2Api].name, CREDENTIAL_NAMES.xDmOAuth2Api);
		assert.equal(byId[CREDENTIAL_IDS.xDmOAuth2Api].data.baseUrl, emu.url);
		assert.equal(byId[CREDENTIAL_IDS.xDmOAuth1Api].data.baseUrl, emu.url);
		assert.equal(byId[CREDENTIAL_IDS.xDmOAuth2Api].data.accessTokenUrl, `${emu.url}/2/oauth2/token`);
	}, TEST_TIMEOUT_MS);
});
