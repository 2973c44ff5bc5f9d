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
