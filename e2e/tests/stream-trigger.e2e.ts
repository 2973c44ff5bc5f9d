// The stream auto-reply example in a real `n8n start`, without a public URL: activation subscribes alice's
// dm.received without a webhook and holds one connection to X's Activity stream (the emulator); every DM starts one
// execution and gets one reply, also while the stream is ended, reset or stalled mid-way (reconnect with backfill,
// duplicates dropped); DMs sent while n8n is down, with X's clock moved past the 5 minutes backfill reaches, are caught
// up through GET /2/dm_events after the restart; deactivation closes the stream and removes the subscription, and an
// activation X refuses a connection for (TooManyConnections) fails with X's reason and leaves nothing behind.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createInstance, type Instance } from '../lib/instance';
import { exampleByFile, type Workflow } from '../lib/examples';
import { storedNodeOutput, type StoredExecution } from '../lib/n8n';
import { delay, waitFor } from '../lib/proc';
import { e2eRun, log } from '../lib/run';
import type { DemoInfo, DmEventRecord, Emulator } from '../lib/emulator';

// At most 16 characters: n8n 1.x keeps static data (the trigger's dedupe memory and liveness mark) only for ids that short.
const WORKFLOW_ID = 'xdmE2eStream';
const TRIGGER = 'DM Received';
const REPLY = 'Reply in Conversation';
const SETUP_TIMEOUT_MS = 300 * 1000;
const TEST_TIMEOUT_MS = 120 * 1000;
const SILENCE_SECONDS = 2;
const HEARTBEAT_MS = 500;
const MINUTE_MS = 60 * 1000;

/** examples/stream-auto-reply.json, active, with a short silence limit and reconnect wait (faults heal in seconds). */
function streamWorkflow(): Workflow {
	const example = exampleByFile('stream-auto-reply.json');
	const nodes = example.nodes.filter((node) => node.type !== 'n8n-nodes-base.stickyNote').map((node) => structuredClone(node));
	const trigger = nodes.find((node) => node.name === TRIGGER);
	assert.ok(trigger, 'examples/stream-auto-reply.json has the trigger node');
	assert.equal(trigger.type, 'n8n-nodes-x-dm.xDirectMessagesStreamTrigger');
	trigger.parameters.options = { ...(trigger.parameters.options as object), silenceSeconds: SILENCE_SECONDS, maxReconnectWaitSeconds: 2 };
	return { ...example, id: WORKFLOW_ID, name: 'e2e: stream auto-reply', active: true, nodes };
}

/** One execution as the suite reads it: the DM ids the trigger emitted, the reply the send node made. */
interface Handled {
	executionId: string;
	status: string;
	dmIds: string[];
	replyIds: string[];
}

function handled(execution: StoredExecution): Handled {
	return {
		executionId: execution.id,
		status: execution.status,
		dmIds: (storedNodeOutput(execution.data, TRIGGER) ?? []).map((item) => item.id),
		replyIds: (storedNodeOutput(execution.data, REPLY) ?? []).map((item) => item.dm_event_id ?? ''),
	};
}

const sorted = (ids: string[]): string[] => [...ids].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));

/** Alice's messages in the given conversations (the replies: she sends nothing else there during the suite). */
const aliceMessagesIn = (emu: Emulator, aliceId: string, conversations: Set<string>): DmEventRecord[] =>
	emu.events().filter((event) => event.sender_id === aliceId && event.event_type === 'MessageCreate' && conversations.has(event.dm_conversation_id));

const streamRequests = (emu: Emulator) => emu.requests().filter((entry) => entry.method === 'GET' && entry.path === '/2/activity/stream');

describe('stream trigger', () => {
	let suite: { instance: Instance; emu: Emulator; users: DemoInfo['users']; allSent: DmEventRecord[] } | undefined;
	const context = () => {
		if (!suite) throw new Error('the stream trigger suite has no n8n instance (its setup failed)');
		return suite;
	};
	/** A DM from `senderId` to alice, recorded for the suite's final count. */
	const dm = (senderId: string, text: string): DmEventRecord => {
		const event = context().emu.sendAs(senderId, { to: context().users.alice.id, text });
		context().allSent.push(event);
		return event;
	};

	/**
	 * Waits until the executions that emitted `sent` have finished, then checks them: each DM in exactly one execution,
	 * one DM and one reply per execution, and alice's replies in X one per DM. (The whole suite's executions are
	 * checked against every DM sent at the end: nothing else was emitted.)
	 */
	async function expectEachAnsweredOnce(sent: DmEventRecord[], what: string): Promise<Handled[]> {
		const { instance, emu, users } = context();
		const ids = new Set(sent.map((event) => event.id));
		const all = async () => (await instance.executions(WORKFLOW_ID)).map(handled);
		const ofThese = async () => (await all()).filter((run) => run.dmIds.some((id) => ids.has(id)));
		await waitFor(`${sent.length} executions (${what})`, async () => {
			const done = (await ofThese()).filter((run) => run.status !== 'running' && run.status !== 'new');
			return new Set(done.flatMap((run) => run.dmIds)).size >= ids.size;
		}, { timeoutMs: 60000 });
		// Anything emitted twice would start its execution within this pause.
		await delay(3000);
		const runs = await ofThese();
		assert.deepEqual(runs.map((run) => run.status), runs.map(() => 'success'), `${what}: every execution succeeded`);
		assert.deepEqual(sorted(runs.flatMap((run) => run.dmIds)), sorted([...ids]), `${what}: the trigger emitted exactly the DMs sent, each once`);
		assert.deepEqual(runs.map((run) => run.dmIds.length), runs.map(() => 1), `${what}: one DM per execution`);
		assert.deepEqual(runs.map((run) => run.replyIds.length), runs.map(() => 1), `${what}: one reply per execution`);
		// In X: the reply of each of these executions, in the DM's conversation; and alice wrote nothing there since the
		// first of the DMs that no execution sent.
		const conversations = new Set(sent.map((event) => event.dm_conversation_id));
		const first = sorted([...ids])[0];
		const inX = new Map(aliceMessagesIn(emu, users.alice.id, conversations).filter((event) => BigInt(event.id) > BigInt(first)).map((event) => [event.id, event]));
		for (const run of runs) {
			const reply = inX.get(run.replyIds[0]);
			assert.ok(reply, `${what}: the reply ${run.replyIds[0]} of execution ${run.executionId} is in X`);
			assert.equal(reply.dm_conversation_id, sent.find((event) => event.id === run.dmIds[0])?.dm_conversation_id);
			assert.match(reply.text ?? '', /^Thanks for your message, @\w+!/);
		}
		const sentByExecutions = new Set((await all()).flatMap((run) => run.replyIds));
		assert.deepEqual([...inX.keys()].filter((id) => !sentByExecutions.has(id)), [], `${what}: no reply in X without an execution`);
		return runs;
	}

	beforeAll(async () => {
		log('suite stream-trigger: setting up');
		const workflow = streamWorkflow();
		const instance = await createInstance({ name: 'stream', tarball: e2eRun().tarball, workflows: [workflow], publish: [workflow.id] });
		try {
			// No public URL: n8n is started without WEBHOOK_URL (the stream trigger needs none).
			instance.env.WEBHOOK_URL = undefined;
			// X's keep-alive every 0.5 s: a silence of 2 s is a stall.
			instance.emu.setOption('streamHeartbeatMs', HEARTBEAT_MS);
			await instance.start();
		} catch (error) {
			await instance.close();
			throw error;
		}
		suite = { instance, emu: instance.emu, users: instance.demo.users, allSent: [] };
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		await suite?.instance.close();
	});

	test('activation: one dm.received subscription without a webhook and one stream connection; no webhook registered', async () => {
		const { instance, emu, users } = context();
		const subscription = await waitFor('the subscription and the stream connection', () => {
			const subscriptions = emu.subscriptions();
			return emu.streams().length === 1 && subscriptions.length === 1 && subscriptions[0];
		}, { timeoutMs: 60000 });
		assert.equal(subscription.event_type, 'dm.received');
		assert.equal(subscription.filter.user_id, users.alice.id);
		assert.equal(subscription.webhook_id, undefined);
		assert.match(subscription.tag ?? '', new RegExp(`^n8n:${WORKFLOW_ID}:[^:]+$`));
		assert.deepEqual(emu.webhooks(), []);
		// What the app itself sees at X: no webhook (GET /2/webhooks with its app-only token).
		const { consumerKey, consumerSecret } = instance.demo.oauth1App;
		const tokenResponse = await fetch(`${emu.url}/oauth2/token`, {
			method: 'POST',
			headers: { authorization: `Basic ${Buffer.from(`${consumerKey}:${consumerSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
			body: 'grant_type=client_credentials',
		});
		assert.equal(tokenResponse.status, 200);
		const { access_token: appToken } = (await tokenResponse.json()) as { access_token: string };
		const listed = await fetch(`${emu.url}/2/webhooks`, { headers: { authorization: `Bearer ${appToken}` } });
		assert.equal(listed.status, 200);
		const body = (await listed.json()) as { data?: unknown[]; meta?: { result_count?: number } };
		assert.equal(body.data?.length ?? 0, 0);
		assert.equal(instance.env.WEBHOOK_URL, undefined);
		const [connection] = emu.streams();
		assert.equal(connection.mode, 'live');
	}, TEST_TIMEOUT_MS);

	test('a DM from bob is answered within seconds, exactly once, and the execution holds the trigger\'s item', async () => {
		const { instance, emu, users } = context();
		const sentAt = Date.now();
		const hello = dm(users.bob.id, 'stream hello');
		const conversation = new Set([hello.dm_conversation_id]);
		await waitFor('the reply', () => aliceMessagesIn(emu, users.alice.id, conversation).some((event) => BigInt(event.id) > BigInt(hello.id)), { timeoutMs: 15000, intervalMs: 20 });
		const latency = Date.now() - sentAt;
		log(`stream trigger: DM sent -> reply stored in ${latency} ms`);
		assert.ok(latency < 10000, `replied after ${latency} ms`);
		const [run] = await expectEachAnsweredOnce([hello], 'one DM');
		const executions = await instance.executions(WORKFLOW_ID);
		const execution = executions.find((candidate) => candidate.id === run.executionId);
		assert.equal(execution?.mode, 'trigger');
		const [item] = storedNodeOutput(execution?.data, TRIGGER) ?? [];
		assert.equal(item.id, hello.id);
		assert.equal(item.event_type, 'MessageCreate');
		assert.equal(item.text, 'stream hello');
		assert.equal(item.sender_id, users.bob.id);
		assert.equal(item.sender?.username, users.bob.username);
		assert.equal(item.dm_conversation_id, hello.dm_conversation_id);
		const json = item as unknown as Record<string, unknown>;
		assert.equal(json.x_event_type, 'dm.received');
		assert.equal(typeof json.event_uuid, 'string');
	}, TEST_TIMEOUT_MS);

	test('a stalled connection (open, but not a byte, not even a heartbeat) is replaced after the silence limit; the DMs of the stall are answered once', async () => {
		const { emu, users } = context();
		const connectionsBefore = streamRequests(emu).length;
		const stalledAt = Date.now();
		const [stalled] = emu.streamFault({ kind: 'stall' });
		assert.equal(stalled?.stalled, true);
		const sent = [users.bob, users.carol].map((sender, index) => dm(sender.id, `during a stall ${index}`));
		// X keeps the stalled connection open: only the trigger's silence watch can end it (and its own end of the
		// connection must close the socket: nothing from X's side will).
		await waitFor('a new connection after the silence limit', () => streamRequests(emu).length > connectionsBefore, { timeoutMs: SILENCE_SECONDS * 1000 + 8000, intervalMs: 50 });
		const reconnectMs = Date.now() - stalledAt;
		log(`stream trigger: stalled connection replaced after ${reconnectMs} ms (silence limit ${SILENCE_SECONDS} s)`);
		await expectEachAnsweredOnce(sent, 'DMs during a stall');
		// The silence counts from the last heartbeat before the stall, at most one heartbeat interval earlier.
		assert.ok(reconnectMs >= SILENCE_SECONDS * 1000 - HEARTBEAT_MS - 100, `replaced after ${reconnectMs} ms, before the silence limit`);
		assert.equal(streamRequests(emu)[connectionsBefore].query.backfill_minutes, '1');
		await waitFor('one open connection', () => emu.streams().length === 1, { timeoutMs: 10000 });
	}, TEST_TIMEOUT_MS);

	test('DMs keep arriving while the stream is ended, reset and stalled: each answered exactly once', async () => {
		const { emu, users } = context();
		const connectionsBefore = streamRequests(emu).length;
		const sent: DmEventRecord[] = [];
		const send = (index: number) => sent.push(dm([users.bob, users.carol][index % 2].id, `stream under faults ${index}`));
		const faults: Array<[string, () => void]> = [
			['operational disconnect', () => emu.closeStreams({ disconnect: true })],
			['socket reset', () => void emu.streamFault({ kind: 'reset' })],
			['stall', () => void emu.streamFault({ kind: 'stall' })],
			['end without a word', () => emu.closeStreams()],
		];
		let index = 0;
		for (const [name, fault] of faults) {
			for (let step = 0; step < 3; step++, index++) {
				send(index);
				await delay(300);
			}
			log(`stream trigger: ${name} after ${index} DMs`);
			fault();
			// DMs while the connection is down or silent: X's backfill on the next connection carries them.
			send(index++);
			await delay(150);
			send(index++);
			// A stall is noticed after the silence limit: the next fault waits for the reconnection.
			if (name === 'stall') await delay(SILENCE_SECONDS * 1000 + 1500);
		}
		for (let step = 0; step < 3; step++, index++) {
			send(index);
			await delay(300);
		}
		await expectEachAnsweredOnce(sent, 'DMs around stream faults');
		const reconnects = streamRequests(emu).slice(connectionsBefore);
		assert.ok(reconnects.length >= faults.length, `${reconnects.length} reconnections for ${faults.length} faults`);
		assert.ok(reconnects.every((entry) => entry.query.backfill_minutes === '1'), `every reconnection asks for 1 minute of backfill: ${JSON.stringify(reconnects.map((entry) => entry.query))}`);
		await waitFor('one open connection', () => emu.streams().length === 1, { timeoutMs: 10000 });
		// Each fault was seen as what it is (n8n's log).
		const logText = fs.readFileSync(context().instance.logFile, 'utf8');
		for (const seen of ['X reported in the stream: operational-disconnect', 'stream connection broken', `stream connection silent for ${SILENCE_SECONDS} s`, 'stream connection ended']) {
			assert.ok(logText.includes(seen), `n8n's log has "${seen}"`);
		}
	}, TEST_TIMEOUT_MS + 60000);

	test('DMs sent while n8n is down, X\'s clock moved 6 minutes on, are caught up through GET /2/dm_events once each', async () => {
		const { instance, emu, users } = context();
		await instance.stop();
		// n8n's shutdown closes the trigger: connection ended, subscription deleted.
		await waitFor('the stream to close', () => emu.streams().length === 0, { timeoutMs: 10000 });
		assert.deepEqual(emu.subscriptions(), []);
		const during = [users.bob, users.carol, users.bob].map((sender, index) => dm(sender.id, `while n8n was down ${index}`));
		emu.clock.advance(6 * MINUTE_MS);
		const late = dm(users.carol.id, 'while n8n was down, 6 minutes later');
		emu.clearRequests();
		await instance.start();
		await expectEachAnsweredOnce([...during, late], 'DMs of the downtime');
		const reads = emu.requests().filter((entry) => entry.method === 'GET' && entry.path === '/2/dm_events');
		assert.ok(reads.length >= 1, 'the trigger read GET /2/dm_events');
		// One catch-up: the listing is read from its first page once, and no page twice.
		const pages = reads.map((entry) => String(entry.query.pagination_token ?? 'first'));
		assert.deepEqual(pages, [...new Set(pages)], `each page of the catch-up read once: ${pages.join(', ')}`);
		const [firstConnection] = streamRequests(emu);
		const backfill = Number(firstConnection?.query.backfill_minutes);
		// The gap is measured on X's clock (6 minutes on): the most backfill X gives.
		assert.equal(backfill, 5, `the first connection after the restart asks for 5 minutes of backfill: ${JSON.stringify(firstConnection?.query)}`);
		log(`stream trigger: after the restart: ${reads.length} GET /2/dm_events (${reads.map((entry) => `max_results=${entry.query.max_results}${entry.query.pagination_token ? ' next page' : ''}`).join(', ')}), first connection backfill_minutes=${backfill}`);
		// After the catch-up, the stream alone delivers again.
		const after = dm(users.bob.id, 'after the restart');
		await expectEachAnsweredOnce([after], 'the DM after the restart');
	}, TEST_TIMEOUT_MS + 120000);

	test('deactivation ends the stream connection and deletes the subscription', async () => {
		const { instance, emu } = context();
		assert.equal(emu.subscriptions().length, 1);
		const rest = await instance.rest();
		const response = await rest.request('POST', `/workflows/${WORKFLOW_ID}/deactivate`, {});
		assert.equal(response.status, 200, response.text);
		await waitFor('the connection and the subscription to be gone', () => emu.streams().length === 0 && emu.subscriptions().length === 0, { timeoutMs: 30000 });
	}, TEST_TIMEOUT_MS);

	test('with the app\'s stream connections all taken, activating fails with X\'s reason and leaves no subscription', async () => {
		const { instance, emu } = context();
		const rest = await instance.rest();
		const stored = await rest.request('GET', `/workflows/${WORKFLOW_ID}`);
		const versionId = (stored.json as { data?: { versionId?: string } } | undefined)?.data?.versionId;
		assert.ok(versionId, stored.text.slice(0, 500));
		emu.clearRequests();
		emu.streamFault({ kind: 'too-many-connections', count: 1 });
		const answer = await rest.request('POST', `/workflows/${WORKFLOW_ID}/activate`, { versionId });
		const refused = await waitFor('the refused connection', () => streamRequests(emu).find((entry) => entry.status === 429), { timeoutMs: 30000 });
		await delay(2000);
		log(`stream trigger: activation with the connections taken answered ${answer.status}; requests: ${emu.requests().map((entry) => `${entry.method} ${entry.path} ${entry.status}`).join(', ')}`);
		if (answer.status !== 200) {
			// n8n answers the activation with the trigger's error.
			assert.match(answer.text, /stream connections are all in use \(TooManyConnections\)/);
		}
		// The node's own requests for this activation: subscribe, one connection (refused), delete what it created; no
		// second connection attempt of its own (a later one starts with GET /2/users/me: n8n activating again).
		const log_ = emu.requests().filter((entry) => entry.path.startsWith('/2/'));
		const at = log_.indexOf(refused);
		const created = log_.slice(0, at).filter((entry) => entry.method === 'POST' && entry.path === '/2/activity/subscriptions');
		assert.equal(created.length, 1, 'the subscription was created before the connection');
		const next = log_.slice(at + 1);
		assert.match(`${next[0]?.method} ${next[0]?.path}`, /^DELETE \/2\/activity\/subscriptions\/\d+$/, 'the created subscription is deleted right after the refusal');
		const again = next.findIndex((entry) => entry.path === '/2/activity/stream');
		if (again >= 0) assert.ok(next.slice(1, again).some((entry) => entry.path === '/2/users/me'), 'no connection retry inside the refused activation');
		else assert.deepEqual(emu.subscriptions(), []);
	}, TEST_TIMEOUT_MS);

	test('over the whole suite: one execution per DM sent, none twice, nothing else emitted', async () => {
		const { instance, allSent } = context();
		const runs = (await instance.executions(WORKFLOW_ID)).map(handled);
		assert.deepEqual(sorted(runs.flatMap((run) => run.dmIds)), sorted(allSent.map((event) => event.id)));
		assert.equal(runs.length, allSent.length);
	}, TEST_TIMEOUT_MS);
});
