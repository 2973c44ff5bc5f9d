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

// Expressions can hand the trigger any JSON value. A filter must never widen silently: the natural forms work, and
// everything else fails before any request with an error that names the parameter.
describe('filters set by expressions', () => {
	const expression = (value: unknown): string => `={{ ${JSON.stringify(value)} }}`;

	/** Activates a trigger, lets alice, bob and carol write, and returns the texts of what the next poll emitted. */
	async function sendersThatTrigger(senders: string): Promise<unknown[]> {
		const { me, users } = env;
		const trigger = env.createTrigger({ senders });
		expect(await trigger.poll()).toBeNull();
		for (const name of ['alice', 'bob', 'carol']) env.send(users[name], me, name);
		return ((await trigger.poll()) ?? []).map((event) => event.text);
	}

	test('Only From Senders as an array of @usernames', async () => {
		expect(await sendersThatTrigger(expression(['@bob']))).toEqual(['bob']);
	});

	test('Only From Senders as a number (a user ID) or an array mixing IDs and usernames', async () => {
		const { emu, me } = env;
		// Accounts from X's early years have IDs a JavaScript number holds exactly.
		const early = emu.addUser({ id: '783214', username: 'early_bird' });
		const trigger = env.createTrigger({ senders: '={{ 783214 }}' });
		expect(await trigger.poll()).toBeNull();
		env.send(env.users.bob, me, 'bob');
		env.send(early, me, 'early');
		expect((await trigger.poll())?.map((event) => event.text)).toEqual(['early']);
		expect(await sendersThatTrigger(`={{ [783214, "@alice"] }}`)).toEqual(['alice']);
	});

	test('Only From Senders empty ("" or []) means everyone', async () => {
		expect(await sendersThatTrigger(expression([]))).toEqual(['alice', 'bob', 'carol']);
		expect(await sendersThatTrigger(expression(''))).toEqual(['alice', 'bob', 'carol']);
	});

	test.each([
		['an object', { id: '1' }],
		['true', true],
		['null', null],
		['an array of blanks', ['', ' ']],
		['only separators', ' , ; '],
		['an array holding an object', ['@bob', { id: '1' }]],
		['a number above 2^53', '1152921504606846976'],
	])('Only From Senders as %s is refused before any request', async (_label, value) => {
		const senders = value === '1152921504606846976' ? `={{ ${value} }}` : expression(value);
		const trigger = env.createTrigger({ senders });
		await expect(trigger.poll()).rejects.toThrow('Only From Senders');
		expect(env.requests()).toEqual([]);
		expect(trigger.staticData ?? {}).toEqual({});
	});

	test('Event Types as a comma-separated string or an array', async () => {
		const trigger = env.createTrigger({ eventTypes: expression('ParticipantsJoin, ParticipantsLeave') });
		expect(await trigger.poll()).toBeNull();
		expect(env.listRequests().at(-1)?.query.event_types).toBe('ParticipantsJoin,ParticipantsLeave');
		const other = env.createTrigger({ eventTypes: expression(['ParticipantsLeave']) });
		expect(await other.poll()).toBeNull();
		expect(env.listRequests().at(-1)?.query.event_types).toBe('ParticipantsLeave');
	});

	const NOT_A_LIST: Array<[string, unknown]> = [
		['a number', 5],
		['an object', { MessageCreate: true }],
		['true', true],
		['false', false],
		['null', null],
		['an array holding a number', [1]],
		['an array holding null', [null]],
		['a nested array', [['MessageCreate']]],
		['an array of blanks', ['']],
		['only commas', ' , '],
	];
	const MULTI_SELECTS: Array<[string, string]> = [
		['eventTypes', 'Event Types'],
		['dmEventFields', 'Event Fields'],
		['expansions', 'Expansions'],
		['userFields', 'User Fields'],
		['tweetFields', 'Tweet Fields'],
		['mediaFields', 'Media Fields'],
	];
	describe.each(MULTI_SELECTS)('%s', (name, displayName) => {
		test.each(NOT_A_LIST)(`as %s is refused naming "${displayName}", before any request`, async (_label, value) => {
			const trigger = env.createTrigger({ [name]: expression(value) });
			const failure = trigger.poll();
			await expect(failure).rejects.toThrow(displayName);
			await expect(failure).rejects.toThrow(/a list of values|an array of strings|is empty|names no value/);
			expect(env.requests()).toEqual([]);
		});
	});
});
