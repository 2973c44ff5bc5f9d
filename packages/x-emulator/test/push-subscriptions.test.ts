// /2/activity/subscriptions: X's auth rules for private dm.* events, duplicates, limits, response styles, list
// pagination, update and deletes, over real HTTP.
import { call, closeAndExpectCleanRun } from './helpers';
import { appBearer, createWebhook, startPushWorld, type PushWorld } from './push-helpers';

describe('/2/activity/subscriptions', () => {
	let world: PushWorld;
	let webhookId: string;
	beforeEach(async () => {
		world = await startPushWorld();
		webhookId = await createWebhook(world, world.receiver.url);
	});
	afterEach(async () => {
		await world.close();
		await closeAndExpectCleanRun(world.emu);
	});

	const create = (token: string, json: unknown) => call(world.emu, 'POST', '/2/activity/subscriptions', { token, json });

	it('creates a dm.received subscription with the user OAuth 2.0 token (nested 2.167 shape)', async () => {
		const { emu, alice } = world;
		const answer = await create(alice.token, { event_type: 'dm.received', filter: { user_id: alice.user.id }, tag: 'n8n:wf:node', webhook_id: webhookId });
		expect(answer.status).toBe(200);
		const at = new Date(emu.clock.now()).toISOString();
		expect(answer.body).toEqual({
			data: { subscription: { subscription_id: expect.stringMatching(/^[0-9]+$/), event_type: 'dm.received', filter: { user_id: alice.user.id }, tag: 'n8n:wf:node', webhook_id: webhookId, created_at: at, updated_at: at } },
		});
		expect(answer.headers['x-rate-limit-limit']).toBe('500');
		expect(emu.subscriptions()).toEqual([expect.objectContaining({ appId: 'push-app', event_type: 'dm.received' })]);
	});

	it('refuses dm.* with an app-only bearer, another user token, or a token without dm.read; accepts bearer for public events', async () => {
		const { emu, alice, bob, bearer } = world;
		const json = { event_type: 'dm.received', filter: { user_id: alice.user.id }, webhook_id: webhookId };
		const byApp = await create(bearer, json);
		expect(byApp.status).toBe(403);
		expect(byApp.body.type).toBe('https://api.x.com/2/problems/unsupported-authentication');
		const byBob = await create(bob.token, json);
		expect(byBob.status).toBe(403);
		expect(byBob.body).toMatchObject({ type: 'https://api.x.com/2/problems/not-authorized-for-resource', resource_type: 'user', value: alice.user.id });
		const noScope = emu.issueOAuth2Token({ userId: alice.user.id, clientId: 'push-client', scopes: ['tweet.read', 'users.read'] }).access_token;
		expect((await create(noScope, json)).status).toBe(403);
		const missingUser = await create(alice.token, { event_type: 'dm.sent', filter: {} });
		expect(missingUser.status).toBe(400);
		const publicEvent = await create(bearer, { event_type: 'profile.update.bio', filter: { user_id: bob.user.id } });
		expect(publicEvent.status).toBe(200);
		expect(publicEvent.body.data.subscription).not.toHaveProperty('webhook_id');
	});

	it('refuses a webhook of another app, duplicates (409) and more than subscriptionLimit', async () => {
		const { emu, alice, bob } = world;
		const bad = await create(alice.token, { event_type: 'dm.received', filter: { user_id: alice.user.id }, webhook_id: '123' });
		expect(bad.status).toBe(400);
		expect(bad.body.detail).toMatch(/^WebhookIdInvalid: /);
		const json = { event_type: 'dm.received', filter: { user_id: alice.user.id }, webhook_id: webhookId };
		expect((await create(alice.token, json)).status).toBe(200);
		const duplicate = await create(alice.token, json);
		expect(duplicate.status).toBe(409);
		expect(duplicate.body).toMatchObject({ title: 'Conflict', type: 'https://api.x.com/2/problems/conflict' });
		expect(duplicate.body.detail).toMatch(/^DuplicateSubscription: /);
		// Same user and type without a webhook is another subscription.
		expect((await create(alice.token, { event_type: 'dm.received', filter: { user_id: alice.user.id } })).status).toBe(200);
		emu.setOption('subscriptionLimit', 3);
		expect((await create(bob.token, { event_type: 'dm.sent', filter: { user_id: bob.user.id }, webhook_id: webhookId })).status).toBe(200);
		const over = await create(bob.token, { event_type: 'dm.read', filter: { user_id: bob.user.id }, webhook_id: webhookId });
		expect(over.status).toBe(400);
		expect(over.body.detail).toMatch(/^SubscriptionLimitExceeded: /);
	});

	it("answers in the 'object' and 'array' styles (the quickstart examples)", async () => {
		const { emu, alice } = world;
		emu.setOption('subscriptionResponseStyle', 'object');
		const object = await create(alice.token, { event_type: 'dm.received', filter: { user_id: alice.user.id }, webhook_id: webhookId });
		expect(object.body.data).toMatchObject({ event_type: 'dm.received', webhook_id: webhookId, subscription_id: expect.any(String) });
		emu.setOption('subscriptionResponseStyle', 'array');
		const array = await create(alice.token, { event_type: 'dm.sent', filter: { user_id: alice.user.id }, webhook_id: webhookId });
		expect(array.body).toEqual({ data: [expect.objectContaining({ event_type: 'dm.sent' })], meta: { total_subscriptions: 2 } });
		// The array shape is the quickstart's, not the 2.167 schema's: the only violation recorded.
		expect(emu.responseViolations.map((violation) => [violation.operationId, violation.status])).toEqual([['createActivitySubscription', 200]]);
		emu.responseViolations.splice(0);
	});

	it('lists with max_results and next_token, updates tag and webhook, deletes one and by ids; other apps see 404', async () => {
		const { emu, alice, bearer } = world;
		const ids: string[] = [];
		for (const eventType of ['dm.received', 'dm.sent', 'dm.read']) {
			ids.push((await create(alice.token, { event_type: eventType, filter: { user_id: alice.user.id }, webhook_id: webhookId })).body.data.subscription.subscription_id);
		}
		const page1 = await call(emu, 'GET', '/2/activity/subscriptions?max_results=2', { token: bearer });
		expect(page1.body.data.map((sub: { subscription_id: string }) => sub.subscription_id)).toEqual(ids.slice(0, 2));
		expect(page1.body.meta).toEqual({ result_count: 2, next_token: expect.stringMatching(/^[0-9A-V]{16}$/) });
		const page2 = await call(emu, 'GET', `/2/activity/subscriptions?max_results=2&pagination_token=${page1.body.meta.next_token}`, { token: bearer });
		expect(page2.body).toEqual({ data: [expect.objectContaining({ subscription_id: ids[2] })], meta: { result_count: 1 } });
		const garbled = await call(emu, 'GET', '/2/activity/subscriptions?pagination_token=ZZZZZZZZZZZZZZZZ', { token: bearer });
		expect(garbled.status).toBe(400);

		emu.clock.advance(1000);
		const updated = await call(emu, 'PUT', `/2/activity/subscriptions/${ids[0]}`, { token: bearer, json: { tag: 'new tag' } });
		expect(updated.body).toEqual({ data: { subscription: expect.objectContaining({ tag: 'new tag', updated_at: new Date(emu.clock.now()).toISOString() }), total_subscriptions: 3 } });

		emu.registerOAuth1App({ consumerKey: 'other-key', consumerSecret: 'other-secret', appId: 'other-app' });
		const other = await appBearer(emu, 'other-key', 'other-secret');
		expect((await call(emu, 'GET', '/2/activity/subscriptions', { token: other })).body).toEqual({ data: [], meta: { result_count: 0 } });
		const foreign = await call(emu, 'DELETE', `/2/activity/subscriptions/${ids[0]}`, { token: other });
		expect(foreign.status).toBe(404);
		expect(foreign.body).toMatchObject({ type: 'https://api.x.com/2/problems/resource-not-found', resource_type: 'subscription' });

		expect((await call(emu, 'DELETE', `/2/activity/subscriptions/${ids[0]}`, { token: bearer })).body).toEqual({ data: { deleted: true } });
		const bulk = await call(emu, 'DELETE', `/2/activity/subscriptions?ids=${ids[1]},${ids[0]}`, { token: bearer });
		expect(bulk.body).toEqual({
			data: [{ deleted: true, subscription_id: ids[1] }],
			errors: [{ message: `Could not find subscription with subscription_id: [${ids[0]}].`, reason: 'SubscriptionNotFound', subscription_id: ids[0] }],
			meta: { total_subscriptions: 1 },
		});
		expect(emu.subscriptions().map((sub) => sub.subscription_id)).toEqual([ids[2]]);
	});
});
