// What the trigger's settings turn into: the listing it pages (all conversations, one-to-one with a user, one
// conversation), the fields and expansions it asks for, and the shape of what it emits.
import type { IDataObject } from 'n8n-workflow';

import { eventIds, useTriggerEnv } from '../../fixtures/trigger';

const env = useTriggerEnv();

describe('scopes', () => {
	test('one-to-one conversation by @username lists only that conversation', async () => {
		const { me, users } = env;
		const trigger = env.createTrigger({ scope: 'participant', participant: { mode: 'username', value: '@bob' } });
		expect(await trigger.poll()).toBeNull();
		env.send(users.alice, me, 'alice');
		const fromBob = env.send(users.bob, me, 'bob');
		expect(eventIds(await trigger.poll())).toEqual([fromBob.id]);
		expect(env.listRequests().at(-1)?.path).toBe(`/2/dm_conversations/with/${users.bob.id}/dm_events`);
	});

	test('one-to-one conversation by ID', async () => {
		const { me, users } = env;
		const trigger = env.createTrigger({ scope: 'participant', participant: { mode: 'id', value: users.carol.id } });
		expect(await trigger.poll()).toBeNull();
		env.send(users.bob, me, 'bob');
		const fromCarol = env.send(users.carol, me, 'carol');
		expect(eventIds(await trigger.poll())).toEqual([fromCarol.id]);
	});

	test('conversation by ID (group) lists only that group', async () => {
		const { emu, me, users } = env;
		const { conversationId } = emu.createGroupAs(users.alice.id, [me.id, users.bob.id], 'group one');
		emu.createGroupAs(users.carol.id, [me.id, users.dave.id], 'group two');
		const trigger = env.createTrigger({ scope: 'conversation', conversation: { mode: 'id', value: conversationId } });
		expect(await trigger.poll()).toBeNull();
		env.tick();
		const inGroup = emu.sendAs(users.bob.id, { conversationId, text: 'in group one' });
		env.send(users.dave, me, 'elsewhere');
		expect(eventIds(await trigger.poll())).toEqual([inGroup.id]);
		expect(env.listRequests().at(-1)?.path).toBe(`/2/dm_conversations/${conversationId}/dm_events`);
	});

	test('an invalid conversation ID is rejected before any request', async () => {
		const trigger = env.createTrigger({ scope: 'conversation', conversation: { mode: 'id', value: '12-x' } });
		await expect(trigger.poll()).rejects.toThrow('is not a valid conversation ID');
		expect(env.requests()).toHaveLength(0);
	});
});

describe('output shape', () => {
	test('Resolve Includes off attaches the raw includes each event references', async () => {
		const { me, users } = env;
		const trigger = env.createTrigger({ resolveIncludes: false });
		expect(await trigger.poll()).toBeNull();
		env.send(users.alice, me, 'hello');
		const [event] = (await trigger.poll()) ?? [];
		expect(event.sender).toBeUndefined();
		expect((event.includes as IDataObject).users).toEqual([expect.objectContaining({ id: users.alice.id, username: 'alice' })]);
	});

	test('the chosen fields and expansions are requested; the trigger adds the fields it needs', async () => {
		const trigger = env.createTrigger({ dmEventFields: ['text'], expansions: [], userFields: ['description'] });
		expect(await trigger.poll()).toBeNull();
		const query = env.listRequests().at(-1)?.query ?? {};
		expect(query['dm_event.fields'].split(',')).toEqual(
			expect.arrayContaining(['id', 'event_type', 'created_at', 'sender_id', 'dm_conversation_id', 'text']),
		);
		expect(query.expansions).toBeUndefined();
		expect(query.max_results).toBe('100');
	});
});
