// Group conversations: X pushes none of their messages (the emulator's pushGroupDms is off, as on X), so with
// "Poll Group Conversations Every (Minutes)" the trigger reads them from GET /2/dm_events; one-to-one messages keep
// coming from the stream and are not emitted a second time by the poll.
import { settleFor, useStreamEnv, waitFor } from './stream-env';

const env = useStreamEnv();

/** 0.02 minutes = 1.2 s: a short period keeps the test fast. */
const PERIOD_MINUTES = 0.02;

const listings = () => env.emu.requests().filter((request) => request.method === 'GET' && request.path === '/2/dm_events');

test('group messages arrive through the poll, each once; one-to-one messages only through the stream', async () => {
	const { alice, bob, carol } = env.people;
	const wf = env.workflow('wf-group', { options: { groupPollMinutes: PERIOD_MINUTES } });
	await wf.start();
	const { conversationId, event: opening } = env.emu.createGroupAs(bob.id, [alice.id, carol.id], 'welcome to the group');
	const inGroup = [opening.id, env.emu.sendAs(carol.id, { conversationId, text: 'group 1' }).id, env.emu.sendAs(bob.id, { conversationId, text: 'group 2' }).id];
	const direct = env.emu.sendAs(bob.id, { to: alice.id, text: 'direct' }).id;
	await waitFor(() => wf.emitted().length >= 4, 'the group messages and the direct one', 10_000);
	await settleFor(3000);
	const emitted = wf.emitted();
	expect(emitted.map((item) => String(item.id)).sort()).toEqual([...inGroup, direct].sort());
	expect(emitted.filter((item) => item.dm_conversation_id === conversationId).map((item) => item.id)).toEqual(inGroup);
	const groupItem = emitted.find((item) => item.id === inGroup[1]);
	expect(groupItem).toMatchObject({ event_type: 'MessageCreate', text: 'group 1', sender_id: carol.id, x_event_type: 'dm.received', direction: 'received' });
	expect(groupItem?.event_uuid).toBeUndefined();
	// The direct message came from the stream (it has X's event_uuid).
	expect(emitted.find((item) => item.id === direct)?.event_uuid).toEqual(expect.any(String));
	expect(listings().length).toBeGreaterThanOrEqual(2);
	expect(wf.nodeState.groupCursor).toBeDefined();
});

test('group messages from before the activation are not emitted; the account\'s own group messages follow Ignore My Own Messages', async () => {
	const { alice, bob, carol } = env.people;
	const { conversationId } = env.emu.createGroupAs(bob.id, [alice.id, carol.id], 'old');
	const wf = env.workflow('wf-group-own', { options: { groupPollMinutes: PERIOD_MINUTES } });
	await wf.start();
	env.emu.sendAs(alice.id, { conversationId, text: 'mine' });
	const theirs = env.emu.sendAs(carol.id, { conversationId, text: 'theirs' }).id;
	await waitFor(() => wf.emitted().length >= 1, 'the group message', 10_000);
	await settleFor(3000);
	expect(wf.emitted().map((item) => item.id)).toEqual([theirs]);
});

test('Poll Group Conversations 0 (default): no GET /2/dm_events while active, group messages are not emitted', async () => {
	const { alice, bob, carol } = env.people;
	const wf = env.workflow('wf-nogroup');
	await wf.start();
	const { conversationId } = env.emu.createGroupAs(bob.id, [alice.id, carol.id], 'hello group');
	env.emu.sendAs(carol.id, { conversationId, text: 'group' });
	const direct = env.emu.sendAs(bob.id, { to: alice.id, text: 'direct' }).id;
	await waitFor(() => wf.emitted().length >= 1, 'the direct message');
	await settleFor(2500);
	expect(wf.emitted().map((item) => item.id)).toEqual([direct]);
	expect(listings()).toEqual([]);
});

test('group messages sent while n8n was down arrive after the restart, once each (the group cursor is in the saved state)', async () => {
	const { alice, bob, carol } = env.people;
	const wf = env.workflow('wf-group-restart', { options: { groupPollMinutes: PERIOD_MINUTES } });
	await wf.start();
	const { conversationId, event: opening } = env.emu.createGroupAs(bob.id, [alice.id, carol.id], 'before the restart');
	await waitFor(() => wf.emitted().length === 1, 'the first group message', 10_000);
	let missed: string[] = [];
	await wf.restart(() => {
		expect(wf.nodeState.groupCursor).toBeDefined();
		env.emu.clock.advance(20 * 60_000);
		missed = [env.emu.sendAs(carol.id, { conversationId, text: 'down 1' }).id, env.emu.sendAs(bob.id, { conversationId, text: 'down 2' }).id];
	});
	await waitFor(() => wf.emitted().length >= 3, 'the group messages of the downtime', 10_000);
	await settleFor(3000);
	expect(wf.emitted().map((item) => item.id)).toEqual([opening.id, ...missed]);
});
