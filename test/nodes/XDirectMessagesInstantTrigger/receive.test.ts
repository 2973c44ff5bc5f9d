// What the instant trigger does with each request X (or anyone) sends to its URL: CRC checks, signature checks,
// the items of each event type, duplicates and filters.
import type { IDataObject } from 'n8n-workflow';

import { expectReadAndTypingItems, oneToOneId } from '../../fixtures/x-node';
import { API_KEY_SECRET, APP_ID, post, settleFor, signatureOf, useInstantEnv, waitFor } from './instant-env';
import { createHmac } from 'crypto';

const env = useInstantEnv();

function envelope(eventUuid: string, dmId: string, senderId: string, recipientId: string, extra: IDataObject = {}): string {
	return JSON.stringify({
		data: {
			event_uuid: eventUuid,
			filter: { user_id: recipientId },
			event_type: 'dm.received',
			payload: {
				direct_message_events: [
					{
						type: 'message_create',
						id: dmId,
						created_timestamp: String(Date.now()),
						message_create: { target: { recipient_id: recipientId }, sender_id: senderId, message_data: { text: 'crafted', entities: {} } },
					},
				],
				users: {},
				...extra,
			},
		},
	});
}

describe('CRC', () => {
	test("X's challenge is answered with the HMAC of the token and starts no execution, also during X's re-checks", async () => {
		const wf = env.workflow('wf-crc');
		await wf.activate();
		const response = await fetch(`${wf.url}?crc_token=challenge_string`);
		expect(response.status).toBe(200);
		const expected = `sha256=${createHmac('sha256', API_KEY_SECRET).update('challenge_string').digest('base64')}`;
		expect(await response.json()).toEqual({ response_token: expected });
		const rechecked = await env.emu.recheckWebhooks();
		expect(rechecked.filter((hook) => hook.appId === APP_ID)).toEqual([expect.objectContaining({ valid: true, lastCrcOk: true })]);
		expect(wf.executions).toEqual([]);
	});

	test('a GET without crc_token gets 400', async () => {
		const wf = env.workflow('wf-crc2');
		await wf.activate();
		expect((await fetch(wf.url)).status).toBe(400);
	});
});

describe('signatures', () => {
	test('a POST without the signature header gets 401 and starts nothing', async () => {
		const wf = env.workflow('wf-sig1');
		await wf.activate();
		const body = envelope('1', '1900000000000000001', env.people.bob.id, env.people.alice.id);
		expect((await post(wf.url, body, undefined)).status).toBe(401);
		expect(wf.executions).toEqual([]);
	});

	test('a wrong signature (another secret) gets 403 and starts nothing', async () => {
		const wf = env.workflow('wf-sig2');
		await wf.activate();
		const body = envelope('2', '1900000000000000002', env.people.bob.id, env.people.alice.id);
		expect((await post(wf.url, body, signatureOf(body, 'someone-elses-secret'))).status).toBe(403);
		expect(wf.executions).toEqual([]);
	});

	test('a forged body under a genuine signature of another body gets 403', async () => {
		const wf = env.workflow('wf-sig3');
		await wf.activate();
		const genuine = envelope('3', '1900000000000000003', env.people.bob.id, env.people.alice.id);
		const forged = genuine.replace('crafted', 'forged!');
		expect((await post(wf.url, forged, signatureOf(genuine))).status).toBe(403);
		expect((await post(wf.url, genuine, signatureOf(genuine))).status).toBe(200);
		expect(wf.emitted().map((item) => item.text)).toEqual(['crafted']);
	});

	test('a replay job status is acknowledged and logged without an execution', async () => {
		const wf = env.workflow('wf-sig4');
		await wf.activate();
		const body = JSON.stringify({ replay_job_status: { webhook_id: '1', job_state: 'Incomplete', job_state_description: 'Job failed to deliver all events', job_id: '77' } });
		expect((await post(wf.url, body, signatureOf(body))).status).toBe(200);
		expect(wf.executions).toEqual([]);
		expect(env.host.logged('warn')).toEqual([expect.stringContaining('X replay job 77 Incomplete')]);
	});
});

describe('items', () => {
	test('Message Sent: the account\'s own message, direction sent, emitted although Ignore My Own Messages is on', async () => {
		const { alice, bob } = env.people;
		const wf = env.workflow('wf-sent', { events: ['dm.sent'] });
		await wf.activate();
		const dm = env.emu.sendAs(alice.id, { to: bob.id, text: 'from me' });
		await waitFor(() => wf.executions.length === 1, 'the sent message');
		expect(wf.emitted()).toEqual([
			expect.objectContaining({ id: dm.id, sender_id: alice.id, recipient_id: bob.id, x_event_type: 'dm.sent', direction: 'sent', dm_conversation_id: oneToOneId(alice, bob) }),
		]);
	});

	test('Message Read and Typing have their own shape: who read or typed, in which conversation', async () => {
		const { alice, bob } = env.people;
		const wf = env.workflow('wf-read', { events: ['dm.read', 'dm.indicate_typing'] });
		await wf.activate();
		const dm = env.emu.sendAs(alice.id, { to: bob.id, text: 'read me' });
		env.emu.markReadAs(bob.id, dm.id);
		await waitFor(() => wf.executions.length === 1, 'the read receipt');
		env.emu.typingAs(bob.id, { to: alice.id });
		await waitFor(() => wf.executions.length === 2, 'the typing event');
		const [read, typing] = wf.emitted();
		expectReadAndTypingItems(read, typing, { account: alice, reader: bob, dmId: dm.id });
	});

	test('an attachment becomes attachments.media_keys, as the polling trigger has it', async () => {
		const { alice, bob } = env.people;
		const wf = env.workflow('wf-media');
		await wf.activate();
		env.emu.sendAs(bob.id, { to: alice.id, text: 'a photo', attachments: [{ media_key: '3_1900000000000000099', type: 'photo' }] });
		await waitFor(() => wf.executions.length === 1, 'the message with media');
		expect(wf.emitted()[0].attachments).toEqual({ media_keys: ['3_1900000000000000099'] });
	});
});

describe('duplicates', () => {
	test('X delivering every event twice: each DM starts one execution', async () => {
		const { alice, bob } = env.people;
		env.emu.setOption('duplicateRate', 1);
		const wf = env.workflow('wf-dup');
		await wf.activate();
		for (let index = 0; index < 5; index++) env.emu.sendAs(bob.id, { to: alice.id, text: `dup ${index}` });
		const webhookId = String(wf.nodeState.webhookId);
		await waitFor(() => env.emu.deliveries({ webhookId }).length === 5 && wf.executions.length === 5, 'five deliveries');
		await settleFor(300);
		expect(env.host.answers.filter((answer) => answer.method === 'POST').length).toBeGreaterThanOrEqual(10);
		expect(wf.emitted().map((item) => item.text)).toEqual(['dup 0', 'dup 1', 'dup 2', 'dup 3', 'dup 4']);
	});

	test('the same signed delivery arriving five times at once starts one execution', async () => {
		const wf = env.workflow('wf-burst');
		await wf.activate();
		const body = envelope('5', '1900000000000000005', env.people.bob.id, env.people.alice.id);
		const answers = await Promise.all(Array.from({ length: 5 }, () => post(wf.url, body, signatureOf(body))));
		expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
		expect(wf.executions).toHaveLength(1);
		// Every request's save carried the key: a later copy is recognised from the static data too.
		expect(wf.nodeState.seen).toEqual([expect.stringMatching(/^m:1900000000000000005@\d+$/)]);
	});

	test('two subscriptions matching one DM (received by alice, sent by bob, both on this webhook): one execution', async () => {
		const { alice, bob } = env.people;
		const wf = env.workflow('wf-two-subs', { events: ['dm.received', 'dm.sent'] });
		await wf.activate();
		const bobToken = String((env.credentials(bob).xDmOAuth2Api.oauthTokenData as IDataObject).access_token);
		const created = await fetch(`${env.emu.url}/2/activity/subscriptions`, {
			method: 'POST',
			headers: { authorization: `Bearer ${bobToken}`, 'content-type': 'application/json' },
			body: JSON.stringify({ event_type: 'dm.sent', filter: { user_id: bob.id }, webhook_id: wf.nodeState.webhookId }),
		});
		expect(created.status).toBeLessThan(300);
		const dm = env.emu.sendAs(bob.id, { to: alice.id, text: 'seen twice' });
		await waitFor(() => env.emu.deliveries({ webhookId: String(wf.nodeState.webhookId) }).filter((entry) => entry.delivered).length === 2, 'two deliveries');
		await settleFor(200);
		expect(wf.emitted().map((item) => item.id)).toEqual([dm.id]);
	});
});

describe('filters', () => {
	test('Only From Senders by @username and by id', async () => {
		const { alice, bob, carol, dave } = env.people;
		const wf = env.workflow('wf-senders', { options: { senders: `@Carol, ${dave.id}` } });
		await wf.activate();
		env.emu.sendAs(bob.id, { to: alice.id, text: 'from bob' });
		env.emu.sendAs(carol.id, { to: alice.id, text: 'from carol' });
		env.emu.sendAs(dave.id, { to: alice.id, text: 'from dave' });
		await waitFor(() => env.emu.deliveries({ webhookId: String(wf.nodeState.webhookId) }).filter((entry) => entry.delivered).length === 3, 'three deliveries');
		await settleFor(200);
		expect(wf.emitted().map((item) => item.text)).toEqual(['from carol', 'from dave']);
	});

	test('events the node did not choose start nothing (an old subscription still pointing at the webhook)', async () => {
		const { alice, bob } = env.people;
		const wf = env.workflow('wf-choice', { events: ['dm.received'] });
		await wf.activate();
		const body = JSON.stringify({
			data: { event_uuid: '9', filter: { user_id: alice.id }, event_type: 'dm.indicate_typing', payload: { direct_message_indicate_typing_events: [{ created_timestamp: String(Date.now()), sender_id: bob.id, target: { recipient_id: alice.id } }] } },
		});
		expect((await post(wf.url, body, signatureOf(body))).status).toBe(200);
		expect(wf.executions).toEqual([]);
	});
});
