// What the stream trigger emits for the events on the app's stream: the items of each event type (the Instant
// Trigger's shape), the filters, and the events of other subscriptions of the same app.
import { expectReadAndTypingItems, oneToOneId } from '../../fixtures/x-node';
import { settleFor, useStreamEnv, waitFor } from './stream-env';

const env = useStreamEnv();

/** Long enough for a stream event to arrive (the emulator writes at once; a few heartbeats). */
const ARRIVAL_MS = 800;

describe('items', () => {
	test('Message Sent: the account\'s own message, direction sent, emitted although Ignore My Own Messages is on', async () => {
		const { alice, bob } = env.people;
		const wf = env.workflow('wf-sent', { events: ['dm.sent'] });
		await wf.start();
		const dm = env.emu.sendAs(alice.id, { to: bob.id, text: 'from me' });
		const received = env.emu.sendAs(bob.id, { to: alice.id, text: 'not chosen' });
		await waitFor(() => wf.executions.length === 1, 'the sent message');
		await settleFor(ARRIVAL_MS);
		expect(wf.emitted()).toEqual([
			expect.objectContaining({ id: dm.id, sender_id: alice.id, recipient_id: bob.id, x_event_type: 'dm.sent', direction: 'sent', dm_conversation_id: oneToOneId(alice, bob) }),
		]);
		expect(wf.emitted().map((item) => item.id)).not.toContain(received.id);
	});

	test('Message Read and Typing have their own shape: who read or typed, in which conversation', async () => {
		const { alice, bob } = env.people;
		const wf = env.workflow('wf-read', { events: ['dm.read', 'dm.indicate_typing'] });
		await wf.start();
		const dm = env.emu.sendAs(alice.id, { to: bob.id, text: 'read me' });
		env.emu.markReadAs(bob.id, dm.id);
		await waitFor(() => wf.executions.length === 1, 'the read receipt');
		env.emu.typingAs(bob.id, { to: alice.id });
		await waitFor(() => wf.executions.length === 2, 'the typing event');
		await settleFor(ARRIVAL_MS);
		expect(wf.executions).toHaveLength(2);
		const [read, typing] = wf.emitted();
		expectReadAndTypingItems(read, typing, { account: alice, reader: bob, dmId: dm.id });
	});

	test('an attachment becomes attachments.media_keys', async () => {
		const { alice, bob } = env.people;
		const wf = env.workflow('wf-media');
		await wf.start();
		env.emu.sendAs(bob.id, { to: alice.id, text: 'a photo', attachments: [{ media_key: '3_1900000000000000099', type: 'photo' }] });
		await waitFor(() => wf.executions.length === 1, 'the message with media');
		expect(wf.emitted()[0].attachments).toEqual({ media_keys: ['3_1900000000000000099'] });
	});

	test('every DM of a burst is its own item, each once, in the order sent', async () => {
		const { alice, bob, carol } = env.people;
		const wf = env.workflow('wf-burst');
		await wf.start();
		const sent = Array.from({ length: 30 }, (_, index) => env.emu.sendAs(index % 2 ? bob.id : carol.id, { to: alice.id, text: `burst ${index}` }).id);
		await waitFor(() => wf.emitted().length >= 30, '30 items');
		await settleFor(ARRIVAL_MS);
		expect(wf.emitted().map((item) => item.id)).toEqual(sent);
	});
});

describe('filters', () => {
	test('Only From Senders by @username and by id', async () => {
		const { alice, bob, carol, dave } = env.people;
		const wf = env.workflow('wf-senders', { options: { senders: `@Carol, ${dave.id}` } });
		await wf.start();
		env.emu.sendAs(bob.id, { to: alice.id, text: 'from bob' });
		env.emu.sendAs(carol.id, { to: alice.id, text: 'from carol' });
		env.emu.sendAs(dave.id, { to: alice.id, text: 'from dave' });
		await waitFor(() => wf.executions.length === 2, 'two executions');
		await settleFor(ARRIVAL_MS);
		expect(wf.emitted().map((item) => item.text)).toEqual(['from carol', 'from dave']);
	});

	test('events of the app\'s other subscriptions (another workflow, another account) are not this node\'s', async () => {
		const { alice, bob, carol } = env.people;
		const forAlice = env.workflow('wf-alice');
		const forBob = env.workflow('wf-bob', { events: ['dm.received', 'dm.indicate_typing'] }, { user: bob });
		await forAlice.start();
		await forBob.start();
		// Both connections carry every event of the app's subscriptions.
		const toAlice = env.emu.sendAs(carol.id, { to: alice.id, text: 'for alice' });
		const toBob = env.emu.sendAs(carol.id, { to: bob.id, text: 'for bob' });
		env.emu.typingAs(alice.id, { to: bob.id });
		await waitFor(() => forAlice.executions.length === 1 && forBob.executions.length === 2, 'one item each, plus the typing');
		await settleFor(ARRIVAL_MS);
		expect(forAlice.emitted().map((item) => item.id)).toEqual([toAlice.id]);
		expect(forBob.emitted().map((item) => item.id ?? item.event_type)).toEqual([toBob.id, 'Typing']);
		for (const view of env.streams()) expect(view.eventsSent).toBe(3);
	});
});
