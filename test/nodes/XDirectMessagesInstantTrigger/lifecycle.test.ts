// Activation, deactivation and n8n restarts of the instant trigger against the emulator over real HTTP.
import type { IDataObject } from 'n8n-workflow';

import { oneToOneId } from '../../fixtures/x-node';
import { APP_ID, API_KEY, API_KEY_SECRET, settleFor, useInstantEnv, waitFor } from './instant-env';

const env = useInstantEnv();

const ofApp = <T extends { appId?: string }>(entries: T[]): T[] => entries.filter((entry) => entry.appId === APP_ID);

/** The emulator's app-only token for the instant app, to change things "outside n8n". */
async function appBearer(): Promise<string> {
	const basic = Buffer.from(`${API_KEY}:${API_KEY_SECRET}`).toString('base64');
	const response = await fetch(`${env.emu.url}/oauth2/token`, {
		method: 'POST',
		headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
		body: 'grant_type=client_credentials',
	});
	return String(((await response.json()) as IDataObject).access_token);
}

test('activation registers the webhook for the node URL and one subscription per event; a DM starts one execution', async () => {
	const { alice, bob } = env.people;
	const wf = env.workflow('wf-1', { events: ['dm.received', 'dm.read'] });
	await wf.activate();

	const webhooks = ofApp(env.emu.webhooks());
	expect(webhooks).toEqual([expect.objectContaining({ url: wf.url, valid: true })]);
	const subscriptions = ofApp(env.emu.subscriptions());
	expect(subscriptions.map((sub) => sub.event_type).sort()).toEqual(['dm.read', 'dm.received']);
	for (const sub of subscriptions) {
		expect(sub).toMatchObject({ filter: { user_id: alice.id }, webhook_id: webhooks[0].id, tag: 'n8n:wf-1:node-wf-1' });
	}
	expect(wf.nodeState).toMatchObject({ webhookId: webhooks[0].id, userId: alice.id });

	const dm = env.emu.sendAs(bob.id, { to: alice.id, text: 'hello instant' });
	await waitFor(() => wf.executions.length === 1, 'one execution');
	await settleFor(200);
	expect(wf.executions).toHaveLength(1);
	expect(wf.emitted()).toEqual([
		expect.objectContaining({
			id: dm.id,
			event_type: 'MessageCreate',
			text: 'hello instant',
			sender_id: bob.id,
			recipient_id: alice.id,
			dm_conversation_id: oneToOneId(alice, bob),
			x_event_type: 'dm.received',
			direction: 'received',
			sender: expect.objectContaining({ id: bob.id, username: 'bob' }),
		}),
	]);
	expect(wf.emitted()[0].created_at).toEqual(new Date(wf.emitted()[0].created_at as string).toISOString());
});

test('two workflows on the same account each get the DM; deactivating one removes only its own subscriptions and webhook', async () => {
	const { alice, bob } = env.people;
	const first = env.workflow('wf-a');
	const second = env.workflow('wf-b');
	await first.activate();
	await second.activate();
	expect(ofApp(env.emu.webhooks())).toHaveLength(2);
	expect(ofApp(env.emu.subscriptions())).toHaveLength(2);

	env.emu.sendAs(bob.id, { to: alice.id, text: 'to both' });
	await waitFor(() => first.executions.length === 1 && second.executions.length === 1, 'both workflows');

	await first.deactivate();
	const left = ofApp(env.emu.subscriptions());
	expect(left).toEqual([expect.objectContaining({ tag: 'n8n:wf-b:node-wf-b' })]);
	expect(ofApp(env.emu.webhooks()).map((hook) => hook.url)).toEqual([second.url]);
	expect(first.nodeState.webhookId).toBeUndefined();
	expect(first.nodeState.subscriptions).toBeUndefined();

	env.emu.sendAs(bob.id, { to: alice.id, text: 'only the second' });
	await waitFor(() => second.executions.length === 2, 'the second workflow');
	await settleFor(200);
	expect(first.executions).toHaveLength(1);
	expect(second.emitted().map((item) => item.text)).toEqual(['to both', 'only the second']);
});

test('a subscription deleted outside n8n: checkExists says no after a restart and the subscription is created again', async () => {
	const { alice, bob } = env.people;
	const wf = env.workflow('wf-del');
	await wf.activate();
	const [subscription] = ofApp(env.emu.subscriptions());
	const deleted = await fetch(`${env.emu.url}/2/activity/subscriptions/${subscription.subscription_id}`, {
		method: 'DELETE',
		headers: { authorization: `Bearer ${await appBearer()}` },
	});
	expect(deleted.status).toBe(200);
	expect(ofApp(env.emu.subscriptions())).toEqual([]);

	await wf.activate('init');
	const recreated = ofApp(env.emu.subscriptions());
	expect(recreated).toEqual([expect.objectContaining({ event_type: 'dm.received', tag: 'n8n:wf-del:node-wf-del' })]);
	expect(recreated[0].subscription_id).not.toBe(subscription.subscription_id);
	expect(ofApp(env.emu.webhooks())).toHaveLength(1);
	env.emu.sendAs(bob.id, { to: alice.id, text: 'after repair' });
	await waitFor(() => wf.executions.length === 1, 'a delivery after the repair');
});

test('a webhook X invalidated is re-validated (PUT) on the next activation, not registered twice', async () => {
	const { alice, bob } = env.people;
	const wf = env.workflow('wf-inv');
	await wf.activate();
	const [webhook] = ofApp(env.emu.webhooks());
	env.emu.invalidateWebhook(webhook.id);
	expect(ofApp(env.emu.webhooks())[0].valid).toBe(false);

	await wf.activate('init');
	expect(ofApp(env.emu.webhooks())).toEqual([expect.objectContaining({ id: webhook.id, valid: true })]);
	expect(env.emu.requests().filter((request) => request.method === 'PUT' && request.path === `/2/webhooks/${webhook.id}`)).toHaveLength(1);
	env.emu.sendAs(bob.id, { to: alice.id, text: 'valid again' });
	await waitFor(() => wf.executions.length === 1, 'a delivery after re-validation');
});

test('a restart with everything in place keeps the webhook and subscriptions (checkExists true, nothing created)', async () => {
	const wf = env.workflow('wf-keep', { events: ['dm.received', 'dm.sent'] });
	await wf.activate();
	const before = { webhooks: ofApp(env.emu.webhooks()), subscriptions: ofApp(env.emu.subscriptions()) };
	const posts = () => env.emu.requests().filter((request) => request.method === 'POST' && /^\/2\/(webhooks|activity\/subscriptions)$/.test(request.path));
	const postsBefore = posts().length;
	await wf.activate('init');
	expect(posts()).toHaveLength(postsBefore);
	expect(ofApp(env.emu.webhooks())).toEqual(before.webhooks);
	expect(ofApp(env.emu.subscriptions())).toEqual(before.subscriptions);
});

test('deactivation keeps a webhook that another subscription of the app still points at', async () => {
	const wf = env.workflow('wf-shared');
	await wf.activate();
	const [webhook] = ofApp(env.emu.webhooks());
	// Someone else's subscription (another tag) on the same webhook, created outside n8n with bob's token.
	const bobToken = String((env.credentials(env.people.bob).xDmOAuth2Api.oauthTokenData as IDataObject).access_token);
	const created = await fetch(`${env.emu.url}/2/activity/subscriptions`, {
		method: 'POST',
		headers: { authorization: `Bearer ${bobToken}`, 'content-type': 'application/json' },
		body: JSON.stringify({ event_type: 'dm.received', filter: { user_id: env.people.bob.id }, tag: 'someone else', webhook_id: webhook.id }),
	});
	expect(created.status).toBeLessThan(300);
	await wf.deactivate();
	expect(ofApp(env.emu.subscriptions())).toEqual([expect.objectContaining({ tag: 'someone else' })]);
	expect(ofApp(env.emu.webhooks())).toEqual([expect.objectContaining({ id: webhook.id })]);
});
