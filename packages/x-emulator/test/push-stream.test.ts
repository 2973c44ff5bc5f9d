// GET /2/activity/stream: framing (one envelope per \r\n line, the webhook's bytes), heartbeats, backfill,
// start_time/end_time recovery, the connection limit and its body, the rate limit, billing, and the spec checks.
import { runtimeOf } from '../src/emulator';
import { OPERATIONAL_DISCONNECT, TOO_MANY_CONNECTIONS } from '../src/push/stream';
import { checkResponse, findOperation } from '../src/validation';
import { call, closeAndExpectCleanRun, START_MS } from './helpers';
import { APP_ID, createWebhook, pause, startPushWorld, subscribe, waitFor, type PushWorld } from './push-helpers';
import { openStream, sendDm, subscribeStreamOnly, waitForMessages, xTime, type StreamClient } from './push-stream-client';

const MINUTE = 60_000;

describe('activity stream', () => {
	let world: PushWorld;
	const clients: StreamClient[] = [];
	async function connect(query = '', token = world.bearer): Promise<StreamClient> {
		const client = await openStream(world.emu, token, query);
		clients.push(client);
		return client;
	}
	afterEach(async () => {
		clients.splice(0).forEach((client) => client.close());
		await world.close();
		await closeAndExpectCleanRun(world.emu);
	});

	it('sends every subscription of the app as one JSON line ending in \\r\\n, the webhook bytes, billed once', async () => {
		world = await startPushWorld({ streamHeartbeatMs: 0 });
		const { emu, alice, bob, receiver } = world;
		const webhookId = await createWebhook(world, receiver.url);
		await subscribe(world, alice, 'dm.received', webhookId, 'inbound');
		await subscribeStreamOnly(world, bob, 'dm.sent', 'outbound');
		const stream = await connect();
		expect(stream.status).toBe(200);
		expect(stream.headers['content-type']).toBe('application/json');
		expect(stream.headers['transfer-encoding']).toBe('chunked');
		expect(stream.headers['x-rate-limit-limit']).toBe('450');
		const dmId = await sendDm(world, bob, alice, 'hello stream');
		await waitForMessages(stream, 2);
		await waitFor(() => receiver.posts.length === 1, 3000, 'the webhook POST');
		expect(stream.raw.endsWith('\r\n')).toBe(true);
		const lines = stream.lines();
		expect(lines).toHaveLength(2);
		const received = lines.find((line) => line.includes('"dm.received"'));
		expect(received).toBe(receiver.posts[0].raw);
		const [first, second] = stream.messages();
		expect(first.data).toMatchObject({ event_type: 'dm.received', tag: 'inbound', filter: { user_id: alice.user.id } });
		expect(second.data).toMatchObject({ event_type: 'dm.sent', tag: 'outbound', filter: { user_id: bob.user.id } });
		expect(second.data.payload.direct_message_events[0]).toMatchObject({ id: dmId, message_create: { sender_id: bob.user.id } });
		expect(Object.keys(first)).toEqual(['data']);
		// The webhook copy and the stream copy of dm.received are one billed resource.
		await waitFor(() => emu.deliveries()[0]?.delivered, 1000, 'delivered flag');
		expect(emu.billing().apps[APP_ID][0]).toMatchObject({ billed: { activity_event: 2 }, requested: { activity_event: 3 }, usd: 0.01 });
		expect(emu.streams()).toEqual([expect.objectContaining({ id: expect.any(String), appId: APP_ID, mode: 'live', stalled: false, eventsSent: 2, openedAt: new Date(START_MS).toISOString() })]);
	});

	it('streamBilling per-channel bills the stream copy apart; streamSubscriptions without-webhook leaves hooked ones off', async () => {
		world = await startPushWorld({ streamHeartbeatMs: 0, streamBilling: 'per-channel', streamSubscriptions: 'without-webhook' });
		const { emu, alice, bob, receiver } = world;
		const webhookId = await createWebhook(world, receiver.url);
		await subscribe(world, alice, 'dm.received', webhookId);
		const stream = await connect();
		await sendDm(world, bob, alice, 'webhook only');
		await waitFor(() => receiver.posts.length === 1, 3000, 'the webhook POST');
		await pause(50);
		expect(stream.messages()).toEqual([]);
		emu.setOption('streamSubscriptions', 'all');
		await sendDm(world, bob, alice, 'both');
		await waitForMessages(stream, 1);
		await waitFor(() => emu.deliveries().filter((delivery) => delivery.delivered).length === 2, 1000, 'two webhook deliveries');
		expect(emu.billing().apps[APP_ID][0]).toMatchObject({ billed: { activity_event: 3 }, usd: 0.03 });
	});

	it('writes \\r\\n heartbeats every streamHeartbeatMs and stops them when the stream ends', async () => {
		world = await startPushWorld({ streamHeartbeatMs: 40 });
		const stream = await connect();
		await waitFor(() => stream.lines().length >= 3, 2000, 'three heartbeats');
		expect(stream.lines().every((line) => line === '')).toBe(true);
		expect(stream.raw).toMatch(/^(\r\n)+$/);
		expect(world.emu.streams()[0].heartbeatsSent).toBeGreaterThanOrEqual(3);
		expect(runtimeOf(world.emu).push.stream.pendingTimers).toBe(1);
		stream.close();
		await waitFor(() => world.emu.streams().length === 0, 1000, 'the stream to go');
		expect(runtimeOf(world.emu).push.stream.pendingTimers).toBe(0);
	});

	it('backfill_minutes re-sends the app events of the last N minutes, oldest first, before live ones', async () => {
		world = await startPushWorld({ streamHeartbeatMs: 0 });
		const { emu, alice, bob } = world;
		await subscribeStreamOnly(world, alice, 'dm.received');
		const before = await connect();
		await sendDm(world, bob, alice, 'one');
		emu.clock.advance(3 * MINUTE);
		await sendDm(world, bob, alice, 'two');
		emu.clock.advance(2 * MINUTE);
		await sendDm(world, bob, alice, 'three');
		await waitForMessages(before, 3);
		before.close();
		const backfilled = await connect('?backfill_minutes=3');
		await waitForMessages(backfilled, 2);
		const texts = (client: StreamClient) => client.messages().map((message) => message.data.payload.direct_message_events[0].message_create.message_data.text);
		expect(texts(backfilled)).toEqual(['two', 'three']);
		// The same bytes as the live delivery (duplicates, as X documents for backfill).
		expect(backfilled.lines()).toEqual(before.lines().slice(1));
		await sendDm(world, bob, alice, 'four');
		await waitForMessages(backfilled, 3);
		expect(texts(backfilled)).toEqual(['two', 'three', 'four']);
		const none = await connect('?backfill_minutes=0');
		await pause(50);
		expect(none.messages()).toEqual([]);
		expect(emu.streams().map((view) => view.backfillMinutes)).toEqual([3, 0]);
	});

	it('start_time/end_time sends the events in the range, then closes; streamRecoveryMode live goes on', async () => {
		world = await startPushWorld({ streamHeartbeatMs: 0 });
		const { emu, alice, bob } = world;
		await subscribeStreamOnly(world, alice, 'dm.received');
		for (const text of ['at 0', 'at 10', 'at 20']) {
			await sendDm(world, bob, alice, text);
			emu.clock.advance(10 * MINUTE);
		}
		const texts = (client: StreamClient) => client.messages().map((message) => message.data.payload.direct_message_events[0].message_create.message_data.text);
		const range = await connect(`?start_time=${xTime(START_MS + 5 * MINUTE)}&end_time=${xTime(START_MS + 10 * MINUTE)}`);
		await range.done;
		expect(range.finished).toBe('end');
		expect(texts(range)).toEqual(['at 10']);
		const open = await connect(`?start_time=${xTime(START_MS + 5 * MINUTE)}`);
		await open.done;
		expect(texts(open)).toEqual(['at 10', 'at 20']);
		emu.setOption('streamRecoveryMode', 'live');
		const live = await connect(`?start_time=${xTime(START_MS)}&end_time=${xTime(START_MS)}`);
		await waitForMessages(live, 1);
		expect(emu.streams()).toHaveLength(1);
		await sendDm(world, bob, alice, 'live');
		await waitForMessages(live, 2);
		expect(texts(live)).toEqual(['at 0', 'live']);
	});

	it('refuses the connection past streamConnectionLimit with the TooManyConnections body, per app', async () => {
		world = await startPushWorld({ streamHeartbeatMs: 0 });
		const { emu } = world;
		const first = await connect();
		await connect();
		const third = await connect();
		expect(third.status).toBe(429);
		expect(third.headers['content-type']).toBe('application/problem+json');
		expect(third.headers['x-rate-limit-limit']).toBe('450');
		expect(third.body).toEqual(TOO_MANY_CONNECTIONS);
		expect(third.body).toEqual({
			title: 'ConnectionException',
			detail: 'This stream is currently at the maximum allowed connection limit.',
			connection_issue: 'TooManyConnections',
			type: 'https://api.x.com/2/problems/streaming-connection',
		});
		expect((await connect('', emu.issueAppToken({ appId: 'another-app' }))).status).toBe(200);
		first.close();
		await waitFor(() => emu.streams({ appId: APP_ID }).length === 1, 1000, 'one stream left');
		expect((await connect()).status).toBe(200);
		emu.setOption('streamConnectionLimit', 3);
		expect((await connect()).status).toBe(200);
		expect(emu.streams({ appId: APP_ID })).toHaveLength(3);
	});

	it('counts connections against 450 per 15 minutes per app', async () => {
		world = await startPushWorld({ streamHeartbeatMs: 0, rateLimitProfile: { activityStream: { app15: 1 } } });
		const stream = await connect();
		stream.close();
		const limited = await connect();
		expect(limited.status).toBe(429);
		expect(limited.headers['x-rate-limit-remaining']).toBe('0');
		expect(limited.body).toMatchObject({ title: 'Too Many Requests', status: 429 });
		expect(world.emu.streams()).toEqual([]);
	});

	it('checks the request against the 2.167 document and takes only the app-only bearer', async () => {
		world = await startPushWorld({ streamHeartbeatMs: 0 });
		const { emu, alice } = world;
		const get = (query: string, token = world.bearer) => call(emu, 'GET', `/2/activity/stream${query}`, { token });
		for (const query of ['?backfill_minutes=6', '?backfill_minutes=-1', '?backfill_minutes=two', '?start_time=yesterday']) {
			const answer = await get(query);
			expect(answer.status).toBe(400);
			expect(answer.body).toMatchObject({ title: 'Invalid Request', type: 'https://api.x.com/2/problems/invalid-request' });
		}
		const refused = [
			`?end_time=${xTime(START_MS)}`,
			`?start_time=${xTime(START_MS + MINUTE)}`,
			`?start_time=${xTime(START_MS - 25 * 60 * MINUTE)}`,
			`?start_time=${xTime(START_MS - MINUTE)}&end_time=${xTime(START_MS - 2 * MINUTE)}`,
		];
		for (const query of refused) {
			const answer = await get(query);
			expect(answer.status).toBe(400);
			expect(answer.body.errors[0].message).toMatch(/^The `(start|end)_time` query parameter value \[.+\] is not valid: /);
		}
		expect((await get('', alice.token)).status).toBe(403);
		expect((await call(emu, 'GET', '/2/activity/stream')).status).toBe(401);
		expect(emu.streams()).toEqual([]);
	});

	it('its 429 body and envelopes fit the ActivityStreamResponse schema; the verbatim error line has no problem type there', async () => {
		world = await startPushWorld({ streamHeartbeatMs: 0 });
		const { emu, alice, bob } = world;
		await subscribeStreamOnly(world, alice, 'dm.received', 'tagged');
		const stream = await connect();
		await sendDm(world, bob, alice, 'schema');
		await waitForMessages(stream, 1);
		emu.streamFault({ kind: 'disconnect' });
		await stream.done;
		const api = runtimeOf(emu).apiFor('/2/activity/stream');
		const operation = findOperation(api, 'activityStream');
		if (!operation) throw new Error('no activityStream operation');
		const [event, error] = stream.messages();
		expect(error).toEqual(OPERATIONAL_DISCONNECT);
		// 2.167's Problem is a oneOf over known problem types, and operational-disconnect is not one of them.
		const errorViolations = checkResponse(api, operation, { status: 200, body: error });
		expect(errorViolations).toContain('/errors/0 must match exactly one schema in oneOf {"passingSchemas":null}');
		expect(errorViolations.every((violation) => violation.startsWith('/errors/0'))).toBe(true);
		expect(checkResponse(api, operation, { status: 429, body: TOO_MANY_CONNECTIONS })).toEqual([]);
		// dm.* payloads have no schema in 2.167 and X's event_uuid samples may be negative (x-activity-api.md §13): the
		// envelope is checked without them.
		const { event_type, filter, tag } = event.data;
		expect(checkResponse(api, operation, { status: 200, body: { data: { event_type, filter, tag } } })).toEqual([]);
		expect(checkResponse(api, operation, { status: 200, body: { data: { event_type, filter: { user_id: 'x' } } } })).not.toEqual([]);
	});
});
