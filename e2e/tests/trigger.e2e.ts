// The auto-reply example, published and run by a real `n8n start`: the trigger polls the emulator (right at
// activation, then every minute), and every DM that other users send to alice gets exactly one reply. Runs on every
// n8n version of the matrix (N8N_VERSION): activation and the first poll's timing differ per version.
import assert from 'node:assert/strict';
import { createInstance, type Instance } from '../lib/instance';
import { queryDatabase, storedNodeOutput } from '../lib/n8n';
import { exampleByFile } from '../lib/examples';
import { waitFor, type RunResult } from '../lib/proc';
import { e2eRun, log } from '../lib/run';
import { versionTraits } from '../lib/runtimes';
import type { DemoInfo, DmEventRecord, Emulator } from '../lib/emulator';

const WORKFLOW = exampleByFile('auto-reply.json');
const TRIGGER_NAME = 'New Inbound DM';
const REPLY_NAME = 'Reply in Conversation';
// A poll runs at each full minute; allow two of them plus a slow machine.
const POLL_WAIT_MS = 150 * 1000;
const SETUP_TIMEOUT_MS = 300 * 1000;
const TEST_TIMEOUT_MS = POLL_WAIT_MS + 90 * 1000;

const REPLY_PREFIX = 'Thanks for your message';
// n8n 2.41 runs the activation poll 10-20 s after /healthz answers (it activates workflows late in its start-up).
const FIRST_POLL_WAIT_MS = 60 * 1000;

interface TriggerState {
	cursor?: { newest?: string };
}

/**
 * The trigger's stored state: its node's static data in the workflow row, or, where n8n >= 2.36 keeps poll cursors
 * durably (N8N_POLLER_DURABLE_CURSORS_ENABLED), the node's row in poller_state.
 */
async function triggerState(instance: Instance): Promise<TriggerState | undefined> {
	const triggerNode = WORKFLOW.nodes.find((node) => node.name === TRIGGER_NAME);
	const [hasPollerState] = await queryDatabase(instance.userFolder, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'poller_state'");
	if (hasPollerState && triggerNode) {
		const [durable] = await queryDatabase(instance.userFolder, 'SELECT cursor FROM poller_state WHERE workflowId = ? AND nodeId = ?', [WORKFLOW.id, triggerNode.id]);
		if (typeof durable?.cursor === 'string') return JSON.parse(durable.cursor) as TriggerState;
	}
	const [row] = await queryDatabase(instance.userFolder, 'SELECT staticData FROM workflow_entity WHERE id = ?', [WORKFLOW.id]);
	const staticData = typeof row?.staticData === 'string' && row.staticData ? JSON.parse(row.staticData) as Record<string, TriggerState> : {};
	return staticData[`node:${TRIGGER_NAME}`];
}

/** Requests the trigger makes to list events (one or more per poll). */
const listRequests = (emu: Emulator) =>
	emu.requests().filter((request) => request.method === 'GET' && request.path === '/2/dm_events');

/** Alice's auto-replies, by conversation id. */
function repliesByConversation(emu: Emulator, aliceId: string): Record<string, DmEventRecord[]> {
	const replies: Record<string, DmEventRecord[]> = {};
	for (const event of emu.events()) {
		if (event.sender_id !== aliceId || !event.text?.startsWith(REPLY_PREFIX)) continue;
		(replies[event.dm_conversation_id] ??= []).push(event);
	}
	return replies;
}

/** Whether alice has answered in `inbound`'s conversation after it arrived. */
const answered = (emu: Emulator, aliceId: string, inbound: DmEventRecord): boolean => emu.events().some((event) => event.sender_id === aliceId
	&& event.dm_conversation_id === inbound.dm_conversation_id && BigInt(event.id) > BigInt(inbound.id));

describe('trigger', () => {
	let suite: {
		instance: Instance;
		emu: Emulator;
		users: DemoInfo['users'];
		groupConversationId: string;
		inbound: DmEventRecord[];
		/** What this version answered to the other major's activation command. */
		foreignActivation: RunResult;
		/** When n8n's /healthz first answered (ms). */
		healthyAt: number;
	} | undefined;
	const context = () => {
		if (!suite) throw new Error('the trigger suite has no n8n instance (its setup failed)');
		return suite;
	};

	beforeAll(async () => {
		log('suite trigger: setting up');
		const instance = await createInstance({ name: 'trigger', tarball: e2eRun().tarball, workflows: [WORKFLOW], publish: [WORKFLOW.id] });
		let foreignActivation: RunResult;
		let healthyAt: number;
		try {
			foreignActivation = await instance.cli(versionTraits(instance.runtime).foreignActivation.args(WORKFLOW.id));
			({ healthyAt } = await instance.start());
		} catch (error) {
			await instance.close();
			throw error;
		}
		const { emu, demo } = instance;
		suite = { instance, emu, users: demo.users, groupConversationId: demo.groupConversationId, inbound: [], foreignActivation, healthyAt };
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		await suite?.instance.close();
	});

	test('the version\'s own activation command activates the workflow; the other major\'s is refused or deprecated', async () => {
		const { instance, foreignActivation } = context();
		const traits = versionTraits(instance.runtime);
		const activation = instance.activations[WORKFLOW.id];
		assert.equal(activation.code, 0, activation.output.slice(-2000));
		assert.doesNotMatch(activation.output, /deprecated/i, `n8n ${instance.runtime.n8nVersion}: ${traits.activateArgs(WORKFLOW.id).join(' ')}`);
		assert.match(foreignActivation.output, traits.foreignActivation.answer);
		assert.equal(foreignActivation.code === 0, traits.foreignActivation.succeeds, foreignActivation.output.slice(-2000));
		const [row] = await queryDatabase(instance.userFolder, 'SELECT active FROM workflow_entity WHERE id = ?', [WORKFLOW.id]);
		assert.equal(Number(row?.active), 1, 'the workflow is stored as active');
	}, TEST_TIMEOUT_MS);

	test('the first poll comes on its own after start (10-20 s after /healthz on 2.41): waited for, not assumed', async () => {
		const { instance, emu, healthyAt } = context();
		await waitFor('the activation poll', () => listRequests(emu).length > 0, { timeoutMs: FIRST_POLL_WAIT_MS, intervalMs: 250 });
		const [firstList] = listRequests(emu);
		assert.equal(firstList.status, 200, 'the activation poll listed events');
		// The emulator's clock runs on the host's (the demo sets none), so `at` is when the poll reached it.
		log(`suite trigger: n8n ${instance.runtime.n8nVersion} polled first ${((firstList.at - healthyAt) / 1000).toFixed(1)} s after /healthz answered`);
	}, TEST_TIMEOUT_MS);

	test('the workflow id fits n8n 1.x (16 characters): its first poll stores a cursor and only that', async () => {
		const { instance, emu } = context();
		const maxLength = versionTraits(instance.runtime).maxWorkflowIdLength;
		if (maxLength !== undefined) assert.ok(WORKFLOW.id.length <= maxLength, `n8n ${instance.runtime.n8nVersion} saves no static data for ${WORKFLOW.id}`);
		const state = await waitFor('the activation poll to store a cursor', async () => {
			const stored = await triggerState(instance);
			return stored?.cursor && stored;
		}, { timeoutMs: FIRST_POLL_WAIT_MS });
		const newestBefore = emu.events().filter((event) => event.event_type === 'MessageCreate').at(-1);
		assert.equal(state.cursor?.newest, newestBefore?.id, 'the cursor is the newest existing message');
		assert.ok(listRequests(emu).length >= 1);
		assert.deepEqual(emu.requests().filter((request) => request.method === 'POST'), [], 'no reply to old messages');
	}, TEST_TIMEOUT_MS);

	test('DMs from bob, erin, carol and bob in the group each get exactly one reply', async () => {
		const { emu, users, groupConversationId, inbound } = context();
		inbound.push(
			emu.sendAs(users.bob.id, { to: users.alice.id, text: 'Hi Alice, are you around?' }),
			emu.sendAs(users.erin.id, { to: users.alice.id, text: 'Erin from support: quick question.' }),
			emu.sendAs(users.carol.id, { to: users.alice.id, text: 'Carol here, ping me when free.' }),
			emu.sendAs(users.bob.id, { conversationId: groupConversationId, text: 'Group: anyone there?' }),
		);
		const conversations = inbound.map((event) => event.dm_conversation_id);
		const replies = await waitFor('a reply in each conversation', () => {
			const byConversation = repliesByConversation(emu, users.alice.id);
			return conversations.every((id) => byConversation[id]?.length) && byConversation;
		}, { timeoutMs: POLL_WAIT_MS, intervalMs: 1000 });

		for (const event of inbound) {
			const inConversation = replies[event.dm_conversation_id];
			assert.equal(inConversation.length, 1, `one reply in ${event.dm_conversation_id}`);
			const sender = Object.values(users).find((user) => user.id === event.sender_id);
			assert.match(inConversation[0].text ?? '', new RegExp(`@${sender?.username}!`));
			assert.ok(BigInt(inConversation[0].id) > BigInt(event.id), 'the reply comes after the DM');
		}
	}, TEST_TIMEOUT_MS);

	test('n8n recorded one successful trigger execution carrying the four DMs', async () => {
		const { instance, inbound } = context();
		const executions = await waitFor('the execution to be stored as finished', async () => {
			const stored = await instance.executions(WORKFLOW.id);
			return stored.length && stored.every((execution) => execution.status !== 'running' && execution.status !== 'new') && stored;
		}, { timeoutMs: 30000 });
		assert.equal(executions.length, 1, `executions: ${JSON.stringify(executions.map(({ id, status }) => ({ id, status })))}`);
		const [execution] = executions;
		assert.equal(execution.mode, 'trigger');
		assert.equal(execution.status, 'success');
		const triggered = storedNodeOutput(execution.data, TRIGGER_NAME) ?? [];
		assert.deepEqual(triggered.map((item) => item.id), inbound.map((event) => event.id), 'oldest first, each once');
		assert.ok(triggered.every((item) => item.sender?.username), 'senders are resolved inline');
		assert.equal(storedNodeOutput(execution.data, REPLY_NAME)?.length, inbound.length);
	}, TEST_TIMEOUT_MS);

	test('after a restart, a DM sent while n8n was down is answered once and nothing twice', async () => {
		const { instance, emu, users, inbound } = context();
		await instance.stop();
		const whileDown: DmEventRecord = emu.sendAs(users.erin.id, { to: users.alice.id, text: 'Sent while your n8n was down.' });
		const listsBefore = listRequests(emu).length;
		await instance.start();

		await waitFor('the reply to the DM sent while n8n was down', () => answered(emu, users.alice.id, whileDown),
			{ timeoutMs: POLL_WAIT_MS, intervalMs: 1000 });
		assert.ok(listRequests(emu).length > listsBefore, 'the restarted trigger polled');

		const replies = repliesByConversation(emu, users.alice.id);
		const erinConversation = whileDown.dm_conversation_id;
		assert.equal(replies[erinConversation].length, 2, 'erin: one reply for each of her two DMs');
		for (const event of inbound.filter((entry) => entry.dm_conversation_id !== erinConversation)) {
			assert.equal(replies[event.dm_conversation_id].length, 1, `still one reply in ${event.dm_conversation_id}`);
		}
		// Alice's own replies are newer than the cursor too: they must not have started the workflow. The reply is sent
		// before n8n stores the execution's data (n8n 1.x stores it only at the end): read it once stored.
		const executions = await waitFor('the execution after the restart to be stored as finished', async () => {
			const stored = await instance.executions(WORKFLOW.id);
			return stored.length >= 2 && stored.every((execution) => execution.status !== 'running' && execution.status !== 'new') && stored;
		}, { timeoutMs: 30000 });
		const lastTriggered = storedNodeOutput(executions.at(-1)?.data, TRIGGER_NAME) ?? [];
		assert.deepEqual(lastTriggered.map((item) => item.id), [whileDown.id]);
	}, TEST_TIMEOUT_MS);

	test('the next scheduled poll emits only the DM that is new since the restart', async () => {
		const { instance, emu, users } = context();
		const fresh: DmEventRecord = emu.sendAs(users.carol.id, { to: users.alice.id, text: 'One more thing, Alice.' });
		await waitFor('the reply to carol\'s second DM', () => answered(emu, users.alice.id, fresh), { timeoutMs: POLL_WAIT_MS, intervalMs: 1000 });
		const executions = await waitFor('three finished executions', async () => {
			const stored = await instance.executions(WORKFLOW.id);
			return stored.length === 3 && stored.every((execution) => execution.status === 'success') && stored;
		}, { timeoutMs: 30000 });
		assert.deepEqual(storedNodeOutput(executions[2].data, TRIGGER_NAME)?.map((item) => item.id), [fresh.id]);
		const replies = repliesByConversation(emu, users.alice.id);
		assert.equal(replies[fresh.dm_conversation_id].length, 2, 'carol: one reply for each of her two DMs');
	}, TEST_TIMEOUT_MS);

	test('a crash (SIGKILL) while the reply is on its way: the DM stays in its one execution and is never emitted again', async () => {
		const { instance, emu, users } = context();
		// The next reply hangs, then its connection drops without reaching X: n8n is killed meanwhile.
		emu.addFault({ method: 'POST', path: '/2/dm_conversations/', latencyMs: 20 * 1000, reset: 'before' });
		const crashed: DmEventRecord = emu.sendAs(users.bob.id, { to: users.alice.id, text: 'This one meets a crash.' });
		await waitFor('the reply to bob to be on its way', () => emu.requests().some((request) => request.faulted && request.status === undefined),
			{ timeoutMs: POLL_WAIT_MS, intervalMs: 250 });
		await instance.crash();
		const listsBefore = listRequests(emu).length;
		await instance.start();
		// The poll at start (and any later one) would emit the DM again had its cursor not been saved with the hand-off.
		await waitFor('a poll after the restart', () => listRequests(emu).length > listsBefore, { timeoutMs: FIRST_POLL_WAIT_MS });
		const fresh: DmEventRecord = emu.sendAs(users.erin.id, { to: users.alice.id, text: 'After the crash.' });
		await waitFor('the reply to erin\'s DM after the crash', () => answered(emu, users.alice.id, fresh), { timeoutMs: POLL_WAIT_MS, intervalMs: 1000 });
		const executions = await waitFor('erin\'s execution to be stored as finished', async () => {
			const stored = await instance.executions(WORKFLOW.id);
			const last = stored.at(-1);
			return last && last.status === 'success' && storedNodeOutput(last.data, TRIGGER_NAME)?.some((item) => item.id === fresh.id) && stored;
		}, { timeoutMs: 30000 });

		const carrying = executions.filter((execution) => JSON.stringify(execution.data ?? {}).includes(`"${crashed.id}"`));
		assert.equal(carrying.length, 1, `one execution holds bob's DM: ${JSON.stringify(executions.map(({ id, status }) => ({ id, status })))}`);
		assert.equal(carrying[0].status, 'crashed', 'n8n marked the execution that never finished as crashed at its restart');
		assert.deepEqual(storedNodeOutput(executions.at(-1)?.data, TRIGGER_NAME)?.map((item) => item.id), [fresh.id]);
		assert.equal(answered(emu, users.alice.id, crashed), false, 'the reply that met the crash never reached X, and none was sent again');
		const dropped = await waitFor('the hung reply to be dropped', () => {
			const faulted = emu.requests().filter((request) => request.faulted);
			return faulted.every((request) => request.status !== undefined) && faulted;
		}, { timeoutMs: 30000 });
		assert.deepEqual(dropped.map((request) => [request.method, request.status]), [['POST', null]]);
	}, 2 * POLL_WAIT_MS + 90 * 1000);
});
