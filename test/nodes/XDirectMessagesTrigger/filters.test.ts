// The trigger's filters: event types, "Ignore My Own Messages" and the sender allow-list.
import { ALL_EVENT_TYPES, eventIds, eventTexts, useTriggerEnv } from '../../fixtures/trigger';

const env = useTriggerEnv();

test('event types: joins and leaves of groups, messages excluded', async () => {
	const { emu, me, users } = env;
	const { conversationId } = emu.createGroupAs(users.alice.id, [me.id, users.bob.id], 'group created');
	const trigger = env.createTrigger({ eventTypes: ['ParticipantsJoin', 'ParticipantsLeave'] });
	expect(await trigger.poll()).toBeNull();
	env.tick();
	const join = emu.joinAs(conversationId, [users.carol.id], users.alice.id);
	env.send(users.alice, me, 'a message');
	env.tick();
	emu.sendAs(users.bob.id, { conversationId, text: 'group message' });
	const leave = emu.leaveAs(conversationId, users.bob.id);
	const events = await trigger.poll();
	expect(eventIds(events)).toEqual([join.id, leave.id]);
	expect(events?.map((event) => event.event_type)).toEqual(['ParticipantsJoin', 'ParticipantsLeave']);
	expect(events?.[1].participant_ids).toEqual([users.bob.id]);
	const listQuery = env.listRequests().at(-1)?.query;
	expect(listQuery?.event_types).toBe('ParticipantsJoin,ParticipantsLeave');
});

test('ignore own messages (default on) still moves the cursor over them', async () => {
	const { emu, me, users } = env;
	const trigger = env.createTrigger();
	expect(await trigger.poll()).toBeNull();
	const mine = env.send(me, users.alice, 'mine');
	expect(await trigger.poll()).toBeNull();
	expect(trigger.staticData?.cursor?.newest).toBe(mine.id);
	emu.clearRequests();
	expect(await trigger.poll()).toBeNull();
	expect(env.requests()).toHaveLength(1);
});

test('ignore own messages off emits them too', async () => {
	const { me, users } = env;
	const trigger = env.createTrigger({ ignoreOwnMessages: false });
	expect(await trigger.poll()).toBeNull();
	const mine = env.send(me, users.alice, 'mine');
	const theirs = env.send(users.alice, me, 'theirs');
	expect(eventIds(await trigger.poll())).toEqual([mine.id, theirs.id]);
	expect(env.requests().some((entry) => entry.path === '/2/users/me')).toBe(false);
});

test('sender allow-list by @username and ID; leave events (no sender) are skipped', async () => {
	const { emu, me, users } = env;
	const { conversationId } = emu.createGroupAs(users.alice.id, [me.id, users.bob.id, users.carol.id], 'hi');
	// Pages of 100 (Cost-Aware Page Sizes off): the request counts below are those of full pages.
	const trigger = env.createTrigger({ options: { costAwarePages: false }, senders: `@Alice, ${users.carol.id}`, eventTypes: ALL_EVENT_TYPES });
	expect(await trigger.poll()).toBeNull();
	const fromAlice = env.send(users.alice, me, 'from alice');
	env.send(users.bob, me, 'from bob');
	env.tick();
	const fromCarol = emu.sendAs(users.carol.id, { conversationId, text: 'carol in group' });
	emu.leaveAs(conversationId, users.carol.id);
	expect(eventIds(await trigger.poll())).toEqual([fromAlice.id, fromCarol.id]);
	expect(trigger.staticData?.usernames).toEqual({ alice: users.alice.id });
	// The resolved username is cached: later polls do not look it up again.
	emu.clearRequests();
	env.send(users.alice, me, 'again');
	expect(eventTexts(await trigger.poll())).toEqual(['again']);
	expect(env.requests().map((entry) => entry.path)).toEqual(['/2/dm_events']);
});

test('an unknown username surfaces as an error', async () => {
	const trigger = env.createTrigger({ senders: '@nobody_here' });
	await expect(trigger.poll()).rejects.toThrow('X could not find the user "nobody_here"');
});
