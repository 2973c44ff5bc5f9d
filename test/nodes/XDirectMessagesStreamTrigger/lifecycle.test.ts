// Activation and deactivation of the stream trigger in n8n-core's TriggerContext against the emulator over real HTTP:
// subscriptions without a webhook, the first connection before trigger() returns, a DM as an item, close, the
// connection limit at activation, bad settings, and a test run in the editor.
import { oneToOneId } from '../../fixtures/x-node';
import { runManualTrigger } from '../../fixtures/stream';
import { APP_ID, settleFor, STREAM_NODE_TYPE, useStreamEnv, waitFor } from './stream-env';

const env = useStreamEnv();

/** "METHOD /path" of the node's requests to X (API and token endpoint), in order. */
const requestLines = () => env.emu.requests().map((request) => `${request.method} ${request.path}`);

test('activation: one tagged subscription per event without webhook_id, the connection open before trigger() returns; a DM is one item', async () => {
	const { alice, bob } = env.people;
	const wf = env.workflow('wf-1', { events: ['dm.received', 'dm.read'] });
	await wf.start();

	const subscriptions = env.subscriptions();
	expect(subscriptions.map((sub) => sub.event_type).sort()).toEqual(['dm.read', 'dm.received']);
	for (const sub of subscriptions) {
		expect(sub).toMatchObject({ filter: { user_id: alice.id }, tag: 'n8n:wf-1:node-wf-1' });
		expect(sub.webhook_id).toBeUndefined();
	}
	// Opened before trigger() returned: no waiting here.
	expect(env.streams()).toEqual([expect.objectContaining({ appId: APP_ID, mode: 'live', stalled: false })]);
	expect(env.streamRequests()).toHaveLength(1);
	const lines = requestLines();
	expect(lines.indexOf('GET /2/users/me')).toBeGreaterThanOrEqual(0);
	expect(lines.indexOf('GET /2/users/me')).toBeLessThan(lines.indexOf('POST /2/activity/subscriptions'));
	expect(lines.lastIndexOf('POST /2/activity/subscriptions')).toBeLessThan(lines.indexOf('GET /2/activity/stream'));
	// X answers the stream only to the app-only bearer (a user token gets 403).
	expect(env.streamRequests()[0].status).toBe(200);
	expect(wf.saves).toBe(1);
	expect(wf.nodeState).toMatchObject({ version: 1, userId: alice.id });
	expect((wf.nodeState.subscriptions as Array<{ id: string }>).map((sub) => sub.id).sort()).toEqual(subscriptions.map((sub) => sub.subscription_id).sort());

	const dm = env.emu.sendAs(bob.id, { to: alice.id, text: 'hello stream' });
	await waitFor(() => wf.executions.length === 1, 'one execution');
	await settleFor(3 * 200);
	expect(wf.executions).toHaveLength(1);
	expect(wf.emitted()).toEqual([
		expect.objectContaining({
			id: dm.id,
			event_type: 'MessageCreate',
			text: 'hello stream',
			sender_id: bob.id,
			recipient_id: alice.id,
			dm_conversation_id: oneToOneId(alice, bob),
			x_event_type: 'dm.received',
			direction: 'received',
			sender: expect.objectContaining({ id: bob.id, username: 'bob' }),
		}),
	]);
	const [item] = wf.emitted();
	expect(typeof item.event_uuid).toBe('string');
	expect(item.created_at).toEqual(new Date(item.created_at as string).toISOString());
	// The emit saved the static data with the DM's dedupe key.
	expect(wf.nodeState.seen).toEqual([expect.stringMatching(new RegExp(`^m:${dm.id}@\\d+$`))]);
	expect(wf.nodeState.lastAliveAt).toEqual(expect.any(Number));
	expect(wf.errors).toEqual([]);
});

test('close ends the connection and deletes only this node\'s subscriptions; nothing is emitted after it', async () => {
	const { alice, bob, carol } = env.people;
	const first = env.workflow('wf-a');
	const second = env.workflow('wf-b', {}, { user: bob });
	await first.start();
	await second.start();
	expect(env.streams()).toHaveLength(2);
	env.emu.sendAs(carol.id, { to: alice.id, text: 'to alice' });
	env.emu.sendAs(carol.id, { to: bob.id, text: 'to bob' });
	await waitFor(() => first.executions.length === 1 && second.executions.length === 1, 'both workflows');

	await first.close();
	await waitFor(() => env.streams().length === 1, 'one connection left');
	expect(env.subscriptions()).toEqual([expect.objectContaining({ tag: 'n8n:wf-b:node-wf-b', filter: { user_id: bob.id } })]);
	const deletes = env.emu.requests().filter((request) => request.method === 'DELETE' && request.path.startsWith('/2/activity/subscriptions/'));
	expect(deletes).toHaveLength(1);
	expect(first.liveState).toEqual({});

	env.emu.sendAs(carol.id, { to: alice.id, text: 'alice again' });
	const later = env.emu.sendAs(carol.id, { to: bob.id, text: 'bob again' });
	await waitFor(() => second.executions.length === 2, 'the second workflow');
	await settleFor(1500);
	expect(first.executions).toHaveLength(1);
	expect(first.executions.filter((execution) => execution.afterClose)).toEqual([]);
	expect(second.emitted().map((item) => item.text)).toEqual(['to bob', 'bob again']);
	expect(second.emitted()[1].id).toBe(later.id);
	// No reconnect of the closed one after its silence period.
	expect(env.streamRequests()).toHaveLength(2);
});

test('two workflows on the same account (X refuses a second identical subscription): closing one leaves the other receiving', async () => {
	const { alice, bob } = env.people;
	const first = env.workflow('wf-same-a');
	const second = env.workflow('wf-same-b');
	await first.start();
	await second.start();
	env.emu.sendAs(bob.id, { to: alice.id, text: 'to both' });
	await waitFor(() => first.executions.length === 1 && second.executions.length === 1, 'both workflows');
	await first.close();
	const later = env.emu.sendAs(bob.id, { to: alice.id, text: 'only the second' });
	await waitFor(() => second.executions.length === 2, 'the second workflow still receiving', 4000);
	expect(second.emitted().map((item) => item.id)).toEqual([expect.any(String), later.id]);
	expect(env.subscriptions()).toEqual([expect.objectContaining({ event_type: 'dm.received', filter: { user_id: alice.id } })]);
});

test('TooManyConnections at activation: trigger() rejects with a clear error, deletes its subscriptions and does not retry', async () => {
	const wf = env.workflow('wf-full', { events: ['dm.received', 'dm.sent'] });
	env.emu.streamFault({ kind: 'too-many-connections', appId: APP_ID });
	const failure = await wf.start().then(
		() => undefined,
		(error: Error) => error,
	);
	expect(failure?.constructor.name).toBe('NodeApiError');
	expect(failure?.message).toMatch(/TooManyConnections/);
	expect(failure?.message).toMatch(/connection/i);
	expect(wf.active).toBe(false);
	expect(env.subscriptions()).toEqual([]);
	await settleFor(1500);
	expect(env.streamRequests().map((request) => request.status)).toEqual([429]);
	expect(env.streams()).toEqual([]);
	expect(wf.saves).toBe(0);
});

test('the app\'s real connection limit: a second workflow over the limit fails to activate, the first keeps working', async () => {
	const { alice, bob } = env.people;
	env.emu.setOption('streamConnectionLimit', 1);
	const first = env.workflow('wf-holds');
	await first.start();
	const second = env.workflow('wf-over', {}, { user: bob });
	await expect(second.start()).rejects.toThrow(/TooManyConnections/);
	expect(env.subscriptions()).toEqual([expect.objectContaining({ tag: 'n8n:wf-holds:node-wf-holds' })]);
	const dm = env.emu.sendAs(bob.id, { to: alice.id, text: 'still here' });
	await waitFor(() => first.executions.length === 1, 'the first workflow');
	expect(first.emitted().map((item) => item.id)).toEqual([dm.id]);
	expect(env.streams()).toHaveLength(1);
});

describe('settings are checked before any request', () => {
	test.each([
		['silenceSeconds 0', { silenceSeconds: 0 }, /Reconnect After Silence/],
		['maxReconnectWaitSeconds 321', { maxReconnectWaitSeconds: 321 }, /Max Reconnect Wait/],
		['groupPollMinutes -1', { groupPollMinutes: -1 }, /Poll Group Conversations/],
		['senders with a bad entry', { senders: 'not a user!' }, /Only From Senders/],
	])('%s', async (_name, options, message) => {
		const wf = env.workflow('wf-bad', { options });
		await expect(wf.start()).rejects.toThrow(message);
		expect(env.emu.requests()).toEqual([]);
		expect(env.subscriptions()).toEqual([]);
	});

	test('a credential without API Key and Secret names the fields', async () => {
		const wf = env.workflow('wf-nokeys', {}, { credentials: env.credentials(env.people.alice, { keys: false }) });
		await expect(wf.start()).rejects.toThrow(/API Key/);
		expect(env.emu.requests()).toEqual([]);
	});
});

test('a test run in the editor: subscriptions tagged ":test", the first DM is the run\'s data (emit late-bound), closed after', async () => {
	const { alice, bob } = env.people;
	const run = await runManualTrigger({ id: 'wf-manual', node: env.node('wf-manual'), credentials: env.credentials(alice) });
	try {
		expect(env.subscriptions()).toEqual([expect.objectContaining({ tag: 'n8n:wf-manual:node-wf-manual:test' })]);
		const dm = env.emu.sendAs(bob.id, { to: alice.id, text: 'test event' });
		const data = await run.firstEmit;
		expect(data[0].map((item) => item.json.id)).toEqual([dm.id]);
		expect(data[0][0].json).toMatchObject({ text: 'test event', x_event_type: 'dm.received', sender_id: bob.id });
	} finally {
		await run.close();
	}
	expect(env.subscriptions()).toEqual([]);
	await waitFor(() => env.streams().length === 0, 'the connection to end');
});

test('the node type is a trigger() node: no webhook, no poll', async () => {
	const { loadPackage, makeNodeTypes } = await import('../../fixtures/n8n');
	const nodeType = makeNodeTypes(await loadPackage()).getByNameAndVersion(STREAM_NODE_TYPE, 1);
	expect(typeof nodeType.trigger).toBe('function');
	expect(nodeType.webhook).toBeUndefined();
	expect(nodeType.poll).toBeUndefined();
	expect(nodeType.description.credentials).toEqual([expect.objectContaining({ name: 'xDmOAuth2Api', required: true })]);
});
