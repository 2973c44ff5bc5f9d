// Signed deliveries: the exact envelope for dm.received / dm.sent / dm.read / dm.indicate_typing, retries, the fault
// knobs (drop, duplicate, reorder), groups, billing, replay, and timers stopped by reset() and close().
import { runtimeOf } from '../src/emulator';
import { call, closeAndExpectCleanRun, START_MS } from './helpers';
import { API_KEY, API_SECRET, appBearer, createWebhook, pause, sign, startPushWorld, subscribe, waitFor, type PushWorld } from './push-helpers';

const minute = (ms: number) => new Date(ms).toISOString().replace(/[-T:]/g, '').slice(0, 12);

describe('push deliveries', () => {
	let world: PushWorld;
	let webhookId: string;
	async function setUp(options: Parameters<typeof startPushWorld>[0] = {}) {
		world = await startPushWorld(options);
		webhookId = await createWebhook(world, world.receiver.url);
	}
	afterEach(async () => {
		await world.close();
		await closeAndExpectCleanRun(world.emu);
	});

	const sendDm = async (from: PushWorld['alice'], to: PushWorld['alice'], text: string): Promise<string> => {
		const answer = await call(world.emu, 'POST', `/2/dm_conversations/with/${to.user.id}/messages`, { token: from.token, json: { text } });
		expect(answer.status).toBe(201);
		return answer.body.data.dm_event_id;
	};

	it('POSTs dm.received and dm.sent in the exact envelope, signed with the API key secret, and bills dm.received', async () => {
		await setUp();
		const { emu, alice, bob, receiver } = world;
		await subscribe(world, alice, 'dm.received', webhookId, 'inbound');
		await subscribe(world, bob, 'dm.sent', webhookId);
		const dmId = await sendDm(bob, alice, 'hello #n8n');
		await waitFor(() => receiver.posts.length === 2, 3000, 'two deliveries');
		for (const post of receiver.posts) {
			expect(post.signature).toBe(sign(API_SECRET, post.raw));
			expect(post.headers['content-type']).toBe('application/json');
			expect(post.headers['user-agent']).toEqual(expect.any(String));
		}
		const received = receiver.posts.find((post) => post.body.data.event_type === 'dm.received');
		const item = {
			type: 'message_create',
			id: dmId,
			created_timestamp: String(START_MS),
			message_create: {
				target: { recipient_id: alice.user.id },
				sender_id: bob.user.id,
				message_data: { text: 'hello #n8n', entities: { hashtags: [{ text: 'n8n', indices: [6, 10] }], symbols: [], user_mentions: [], urls: [] } },
			},
		};
		const users = {
			[alice.user.id]: { data: expect.objectContaining({ id: alice.user.id, username: 'alice', name: 'alice' }) },
			[bob.user.id]: { data: expect.objectContaining({ id: bob.user.id, username: 'bob' }) },
		};
		expect(received?.body).toEqual({
			data: { event_uuid: expect.stringMatching(/^-?[0-9]{1,19}$/), filter: { user_id: alice.user.id }, event_type: 'dm.received', tag: 'inbound', payload: { direct_message_events: [item], users } },
		});
		expect(Object.keys(received?.body.data)).toEqual(['event_uuid', 'filter', 'event_type', 'tag', 'payload']);
		const sent = receiver.posts.find((post) => post.body.data.event_type === 'dm.sent');
		expect(sent?.body.data).not.toHaveProperty('tag');
		expect(sent?.body.data.filter).toEqual({ user_id: bob.user.id });
		expect(sent?.body.data.payload.direct_message_events).toEqual([item]);
		expect(sent?.body.data.event_uuid).not.toBe(received?.body.data.event_uuid);
		await waitFor(() => emu.deliveries().every((delivery) => delivery.delivered), 1000, 'delivered flags');
		expect(emu.deliveries()).toEqual([
			expect.objectContaining({ event_type: 'dm.received', dmEventId: dmId, webhookId, attempts: 1, delivered: true, replayed: false, at: START_MS }),
			expect.objectContaining({ event_type: 'dm.sent', dmEventId: dmId, attempts: 1, delivered: true }),
		]);
		const [day] = emu.billing().apps['push-app'];
		expect(day).toMatchObject({ billed: { activity_event: 2 }, requested: { activity_event: 2 }, usd: 0.01 });
	});

	it('POSTs dm.read to the sender and dm.indicate_typing to the other participant (uuid style)', async () => {
		await setUp({ eventUuidStyle: 'uuid' });
		const { emu, alice, bob, receiver } = world;
		await subscribe(world, bob, 'dm.read', webhookId);
		await subscribe(world, alice, 'dm.indicate_typing', webhookId);
		const dmId = await sendDm(bob, alice, 'did you see this?');
		const [readUuid] = emu.markReadAs(alice.user.id, dmId);
		const typing = await fetch(`${emu.url}/_emulator/typingAs`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ userId: bob.user.id, to: alice.user.id }),
		});
		const { event_uuids: typingUuids } = (await typing.json()) as { event_uuids: string[] };
		await waitFor(() => receiver.posts.length === 2, 3000, 'read and typing');
		const read = receiver.posts.find((post) => post.body.data.event_type === 'dm.read');
		expect(read?.body.data).toEqual({
			event_uuid: readUuid,
			filter: { user_id: bob.user.id },
			event_type: 'dm.read',
			payload: {
				direct_message_mark_read_events: [{ created_timestamp: String(START_MS), sender_id: alice.user.id, target: { recipient_id: bob.user.id }, last_read_event_id: dmId }],
				users: { [alice.user.id]: expect.any(Object), [bob.user.id]: expect.any(Object) },
			},
		});
		expect(readUuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
		const typed = receiver.posts.find((post) => post.body.data.event_type === 'dm.indicate_typing');
		expect(typed?.body.data).toMatchObject({
			event_uuid: typingUuids[0],
			filter: { user_id: alice.user.id },
			payload: { direct_message_indicate_typing_events: [{ created_timestamp: String(START_MS), sender_id: bob.user.id, target: { recipient_id: alice.user.id } }] },
		});
		expect(() => emu.markReadAs(bob.user.id, dmId)).toThrow('own message');
		expect(emu.billing().apps['push-app'][0].usd).toBe(0);
	});

	it('retries failed POSTs on deliveryRetryScheduleMs, then gives up', async () => {
		await setUp();
		const { emu, alice, bob, receiver } = world;
		await subscribe(world, alice, 'dm.received', webhookId);
		receiver.postStatuses = [500, 503];
		await sendDm(bob, alice, 'third time lucky');
		await waitFor(() => emu.deliveries()[0]?.delivered, 3000, 'retried delivery');
		expect(receiver.posts).toHaveLength(3);
		expect(new Set(receiver.posts.map((post) => post.raw)).size).toBe(1);
		expect(emu.deliveries()[0].attempts).toBe(3);
		receiver.postStatuses = [500, 500, 500, 500];
		await sendDm(bob, alice, 'never');
		await waitFor(() => receiver.posts.length === 6, 3000, 'three failed attempts');
		await pause(120);
		expect(receiver.posts).toHaveLength(6);
		expect(emu.deliveries()[1]).toMatchObject({ attempts: 3, delivered: false });
	});

	it('drops (dropRate) are not retried; a replay job recovers them and then reports Complete', async () => {
		await setUp({ dropRate: 1 });
		const { emu, alice, bob, receiver, bearer } = world;
		await subscribe(world, alice, 'dm.received', webhookId);
		const dmId = await sendDm(bob, alice, 'lost in transit');
		await waitFor(() => emu.deliveries()[0]?.attempts === 1, 2000, 'dropped attempt');
		await pause(120);
		expect(receiver.posts).toHaveLength(0);
		expect(emu.deliveries()[0]).toMatchObject({ delivered: false, replayed: false });
		const now = emu.clock.now();
		const job = await call(emu, 'POST', '/2/webhooks/replay', { token: bearer, json: { webhook_id: webhookId, from_date: minute(now), to_date: minute(now) } });
		expect(job.status).toBe(200);
		expect(job.body).toEqual({ data: { job_id: expect.stringMatching(/^[0-9]+$/), created_at: new Date(now).toISOString() } });
		await waitFor(() => receiver.posts.length === 2, 3000, 'replayed event and job status');
		expect(receiver.posts[0].body.data.payload.direct_message_events[0].id).toBe(dmId);
		expect(receiver.posts[0].raw).toBe(JSON.stringify(emu.deliveries()[0].envelope));
		expect(receiver.posts[1].body).toEqual({
			replay_job_status: { webhook_id: webhookId, job_state: 'Complete', job_state_description: 'Job completed successfully', job_id: job.body.data.job_id },
		});
		expect(receiver.posts[1].signature).toBe(sign(API_SECRET, receiver.posts[1].raw));
		expect(emu.deliveries()[0]).toMatchObject({ delivered: true, replayed: true, attempts: 1 });
		expect(emu.replayJobs()).toEqual([expect.objectContaining({ job_id: job.body.data.job_id, state: 'Complete', replayed: 1, failed: 0 })]);
		expect(emu.billing().apps['push-app'][0]).toMatchObject({ billed: { activity_event: 1 }, usd: 0.01 });
	});

	it('checks the replay window and refuses a second job while one runs', async () => {
		await setUp({ replayDelayMs: 300 });
		const { emu, bearer } = world;
		const now = emu.clock.now();
		const replay = (json: Record<string, string>) => call(emu, 'POST', '/2/webhooks/replay', { token: bearer, json: { webhook_id: webhookId, from_date: minute(now), to_date: minute(now), ...json } });
		const reason = async (json: Record<string, string>) => (await replay(json)).body.detail?.split(':')[0];
		expect(await reason({ from_date: minute(now - 25 * 3_600_000) })).toBe('QueryParamInvalid');
		expect(await reason({ from_date: minute(now), to_date: minute(now - 60_000) })).toBe('QueryParamInvalid');
		expect(await reason({ to_date: minute(now + 120_000) })).toBe('QueryParamInvalid');
		expect(await reason({ from_date: '202601151299' })).toBe('QueryParamInvalid');
		expect(await reason({ webhook_id: '42' })).toBe('WebhookIdInvalid');
		expect((await replay({ from_date: minute(now - 23 * 3_600_000) })).status).toBe(200);
		const second = await replay({});
		expect(second.status).toBe(409);
		expect(second.body.detail).toMatch(/^ReplayConflictError: /);
		await waitFor(() => emu.replayJobs()[0].state === 'Complete', 3000, 'job end');
		expect((await replay({})).status).toBe(200);
	});

	it('duplicateRate POSTs the same envelope twice; billing counts it once', async () => {
		await setUp({ duplicateRate: 1 });
		const { emu, alice, bob, receiver } = world;
		await subscribe(world, alice, 'dm.received', webhookId);
		await sendDm(bob, alice, 'echo');
		await waitFor(() => receiver.posts.length === 2, 3000, 'duplicate');
		expect(receiver.posts[0].raw).toBe(receiver.posts[1].raw);
		await waitFor(() => emu.deliveries()[0].attempts === 2, 1000, 'two attempts');
		expect(emu.billing().apps['push-app'][0]).toMatchObject({ billed: { activity_event: 1 }, requested: { activity_event: 1 } });
	});

	it('reorderWindowMs releases held deliveries shuffled', async () => {
		await setUp({ reorderWindowMs: 100, pushSeed: 7 });
		const { alice, bob, receiver } = world;
		await subscribe(world, alice, 'dm.received', webhookId);
		const ids: string[] = [];
		for (let index = 0; index < 6; index += 1) ids.push(await sendDm(bob, alice, `message ${index}`));
		await waitFor(() => receiver.posts.length === 6, 3000, 'six deliveries');
		const order = receiver.posts.map((post) => post.body.data.payload.direct_message_events[0].id);
		expect([...order].sort()).toEqual([...ids].sort());
		expect(order).not.toEqual(ids);
	});

	it('group DMs are delivered only with pushGroupDms, one copy per other member, with dm_conversation_id; billed once per app and day', async () => {
		await setUp();
		const { emu, alice, bob, receiver } = world;
		const carol = emu.addUser({ username: 'carol' });
		const carolToken = emu.issueOAuth2Token({ userId: carol.id, clientId: 'push-client', scopes: ['dm.read'] }).access_token;
		await subscribe(world, alice, 'dm.received', webhookId);
		await subscribe(world, { user: carol, token: carolToken }, 'dm.received', webhookId);
		emu.createGroupAs(bob.user.id, [alice.user.id, carol.id], 'group hello');
		await pause(100);
		expect(receiver.posts).toHaveLength(0);
		emu.setOption('pushGroupDms', true);
		const { conversationId, event } = emu.createGroupAs(bob.user.id, [alice.user.id, carol.id], 'group hello again');
		await waitFor(() => receiver.posts.length === 2, 3000, 'two group copies');
		const recipients = receiver.posts.map((post) => post.body.data.payload.direct_message_events[0].message_create.target.recipient_id).sort();
		expect(recipients).toEqual([alice.user.id, carol.id].sort());
		for (const post of receiver.posts) expect(post.body.data.payload.direct_message_events[0]).toMatchObject({ id: event.id, dm_conversation_id: conversationId });
		await waitFor(() => emu.deliveries().every((delivery) => delivery.delivered), 1000, 'delivered');
		expect(emu.billing().apps['push-app'][0]).toMatchObject({ billed: { activity_event: 1 }, requested: { activity_event: 2 }, usd: 0.01 });
		// The next UTC day bills again.
		emu.clock.advance(24 * 3_600_000);
		emu.sendAs(bob.user.id, { to: alice.user.id, text: 'next day' });
		await waitFor(() => emu.billing().apps['push-app'].length === 2, 3000, 'second day');
		expect(emu.billing().apps['push-app'][1]).toMatchObject({ billed: { activity_event: 1 }, usd: 0.01 });
	});

	it('an invalid webhook gets no deliveries (not attempted, not replayable)', async () => {
		await setUp();
		const { emu, alice, bob, receiver } = world;
		await subscribe(world, alice, 'dm.received', webhookId);
		emu.invalidateWebhook(webhookId);
		await sendDm(bob, alice, 'nobody home');
		await pause(100);
		expect(receiver.posts).toHaveLength(0);
		expect(emu.deliveries()).toEqual([]);
	});

	it('reset() and close() stop every push timer', async () => {
		await setUp({ deliveryDelayMs: 60_000, crcIntervalMs: 60_000 });
		const { emu, alice, bob, receiver } = world;
		const push = runtimeOf(emu).push;
		await subscribe(world, alice, 'dm.received', webhookId);
		emu.sendAs(bob.user.id, { to: alice.user.id, text: 'later' });
		expect(push.pendingTimers).toBe(2);
		emu.reset();
		expect(push.pendingTimers).toBe(0);
		expect([emu.webhooks(), emu.subscriptions(), emu.deliveries(), emu.replayJobs()]).toEqual([[], [], [], []]);
		// reset() dropped the apps too: register the API key again, then a webhook re-arms the periodic CRC.
		emu.registerOAuth1App({ consumerKey: API_KEY, consumerSecret: API_SECRET, appId: 'push-app' });
		webhookId = await createWebhook({ emu, bearer: await appBearer(emu) }, receiver.url);
		expect(push.pendingTimers).toBe(1);
		await emu.close();
		expect(push.pendingTimers).toBe(0);
		expect(receiver.posts).toHaveLength(0);
	});
});
