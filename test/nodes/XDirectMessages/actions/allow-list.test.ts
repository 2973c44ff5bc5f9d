// Options → Only Send To on Send to User, Send to Conversation and Create Group, through the real n8n engine against
// the emulator: a send outside the list fails before anything is sent (only lookups, which are GETs, may precede the
// refusal), one inside it goes out as before.
import type { INodeParameters } from 'n8n-workflow';

import { bad } from '../../../fixtures/bad-input';
import {
	apiRequests,
	AUTH_KINDS,
	createGroup,
	expectPaired,
	messages,
	oneToOneId,
	requestLine,
	rl,
	runAction,
	sendToConversation,
	sendToUser,
	useEmulator,
} from '../../../fixtures/x-node';

const x = useEmulator();

const HINT = "To send elsewhere, add the recipient to the node's Only Send To option.";
const onlySendTo = (value: string | string[]): INodeParameters => ({ options: { onlySendTo: value } });
/** "METHOD /path" of every X API request the node made, in order. */
const requestLines = () => apiRequests(x.emu).map(requestLine);
/** Whether the node made any request other than a GET (a send, an upload, a group creation). */
const nonGetRequests = () => x.emu.requests().filter((request) => request.method !== 'GET');

describe('Send to User', () => {
	describe.each(AUTH_KINDS)('with %s', (kind) => {
		test('a recipient listed by ID gets the message, without any lookup', async () => {
			const { people, emu } = x;
			const { error, json } = await runAction({ setup: x.auth(kind), parameters: sendToUser(people.bob.id, onlySendTo(`${people.dave.id}, ${people.bob.id}`)) });
			expect(error).toBeUndefined();
			expect(json).toEqual([expect.objectContaining({ recipient_id: people.bob.id, text: 'hello' })]);
			expect(messages(emu, oneToOneId(people.alice, people.bob)).map((event) => event.text)).toEqual(['hello']);
			expect(requestLines()).toEqual([`POST /2/dm_conversations/with/${people.bob.id}/messages`]);
		});

		test('a recipient outside the list fails naming the option and the list; nothing is sent, no request is made', async () => {
			const { people, emu } = x;
			const { error, json } = await runAction({ setup: x.auth(kind), parameters: sendToUser(people.carol.id, onlySendTo(`${people.bob.id}, ${people.dave.id}`)) });
			expect(json).toEqual([]);
			expect(error?.name).toBe('NodeOperationError');
			expect(error?.message).toBe(`Only Send To: this node may not send to user ${people.carol.id}`);
			expect(error?.description).toBe(`Allowed: ${people.bob.id}, ${people.dave.id}. ${HINT}`);
			expect(emu.requests()).toEqual([]);
			expect(messages(emu)).toEqual([]);
		});
	});

	test('a username in the list allows that user by ID: one users lookup, then the send', async () => {
		const { people, emu } = x;
		const { error } = await runAction({ setup: x.auth('oAuth2'), parameters: sendToUser(people.bob.id, onlySendTo('@BOB')) });
		expect(error).toBeUndefined();
		expect(messages(emu).map((event) => [event.dm_conversation_id, event.text])).toEqual([[oneToOneId(people.alice, people.bob), 'hello']]);
		expect(requestLines()).toEqual(['GET /2/users/by', `POST /2/dm_conversations/with/${people.bob.id}/messages`]);
	});

	test('a recipient given by username is compared by the ID X resolves it to', async () => {
		const { people, emu } = x;
		const { error, json } = await runAction({
			setup: x.auth('oAuth2'),
			parameters: sendToUser('', { recipient: rl('username', '@bob'), ...onlySendTo(people.bob.id) }),
		});
		expect(error).toBeUndefined();
		expect(json).toEqual([expect.objectContaining({ recipient_id: people.bob.id, recipient_username: 'bob' })]);
		expect(messages(emu)).toHaveLength(1);
		expect(requestLines()).toEqual(['GET /2/users/by/username/bob', `POST /2/dm_conversations/with/${people.bob.id}/messages`]);
	});

	test('a recipient by username outside a list of usernames: refused after the lookups, naming the user', async () => {
		const { people, emu } = x;
		const { error } = await runAction({
			setup: x.auth('oAuth1'),
			parameters: sendToUser('', { recipient: rl('username', 'carol'), ...onlySendTo('@bob, @dave') }),
		});
		expect(error?.message).toBe(`Only Send To: this node may not send to @carol (user ${people.carol.id})`);
		expect(error?.description).toBe(`Allowed: @bob, @dave. ${HINT}`);
		expect(requestLines()).toEqual(['GET /2/users/by/username/carol', 'GET /2/users/by']);
		expect(nonGetRequests()).toEqual([]);
		expect(messages(emu)).toEqual([]);
	});

	test('the list may come from an expression as an array', async () => {
		const { people, emu } = x;
		const list = `={{ ['@carol', $json.allowed] }}`;
		const { error } = await runAction({
			setup: x.auth('oAuth2'),
			input: [{ json: { allowed: people.bob.id } }],
			parameters: sendToUser(people.bob.id, onlySendTo(list)),
		});
		expect(error).toBeUndefined();
		expect(messages(emu)).toHaveLength(1);
		// bob is listed by ID: @carol is not looked up.
		expect(requestLines()).toEqual([`POST /2/dm_conversations/with/${people.bob.id}/messages`]);
	});

	test('repeats in the list (the same ID, a username in other case) are shown once', async () => {
		const { people, emu } = x;
		const list = ` ${people.bob.id} ${people.bob.id}, @dave, @DAVE`;
		const { error, json } = await runAction({ setup: x.auth('oAuth2'), parameters: sendToUser(people.bob.id, onlySendTo(list)) });
		expect(error).toBeUndefined();
		expect(json).toEqual([expect.objectContaining({ recipient_id: people.bob.id })]);
		expect(messages(emu)).toHaveLength(1);
		const refused = await runAction({ setup: x.auth('oAuth2'), parameters: sendToUser(people.carol.id, onlySendTo(list)) });
		expect(refused.error?.description).toBe(`Allowed: ${people.bob.id}, @dave. ${HINT}`);
	});

	test('left empty, the option allows anyone (as without it)', async () => {
		const { people, emu } = x;
		const { error } = await runAction({ setup: x.auth('oAuth2'), parameters: sendToUser(people.carol.id, onlySendTo('')) });
		expect(error).toBeUndefined();
		expect(messages(emu)).toHaveLength(1);
	});

	test.each([
		['an empty string', bad(''), 'Only Send To names nobody: ""'],
		['an empty array', bad([]), 'Only Send To names nobody: []'],
		['nothing', '={{ $json.missing }}', 'Only Send To must be a list of users and conversations, got nothing (undefined)'],
		['null', bad(null), 'Only Send To must be a list of users and conversations, got null'],
		['an object', bad({ id: '1' }), 'Only Send To must be a list of users and conversations, got an object'],
		['a bad entry', bad('@bob, bad-name'), 'Only Send To: "bad-name" is neither a user ID, an @username nor a conversation ID'],
		['a URL', bad('https://x.com/bob'), 'Only Send To: "https://x.com/bob" is neither a user ID, an @username nor a conversation ID'],
		['an ID of 20 digits', bad('12345678901234567890'), 'Only Send To: "12345678901234567890" is not a valid ID'],
		['a bad conversation ID', bad('1-2-3'), 'Only Send To: "1-2-3" is not a valid conversation ID'],
	])('an expression that gives %s fails before any request instead of allowing anyone', async (_case, value, message) => {
		const { people, emu } = x;
		const { error } = await runAction({ setup: x.auth('oAuth2'), parameters: sendToUser(people.bob.id, onlySendTo(value)) });
		expect(error?.name).toBe('NodeOperationError');
		expect(error?.message).toBe(message);
		expect(emu.requests()).toEqual([]);
	});

	test('an unknown username in the list fails the item naming the option; nothing is sent', async () => {
		const { people, emu } = x;
		const { error } = await runAction({ setup: x.auth('oAuth2'), parameters: sendToUser(people.bob.id, onlySendTo('@carol, @nobody_here')) });
		expect(error?.message).toBe('Only Send To: X could not find the user "nobody_here"');
		expect(nonGetRequests()).toEqual([]);
		expect(messages(emu)).toEqual([]);
	});

	test('with Continue On Fail, each refused item is an error paired with its input; the others are sent, the list is looked up once', async () => {
		const { people, emu } = x;
		const { error, items, json } = await runAction({
			setup: x.auth('oAuth2'),
			continueOnFail: true,
			input: [people.bob, people.carol, people.dave].map((user) => ({ json: { to: user.id } })),
			parameters: sendToUser('={{ $json.to }}', onlySendTo('@bob, @dave')),
		});
		expect(error).toBeUndefined();
		expectPaired(items, [0, 1, 2]);
		expect(json).toEqual([
			expect.objectContaining({ recipient_id: people.bob.id }),
			{ error: `Only Send To: this node may not send to user ${people.carol.id}`, description: `Allowed: @bob, @dave. ${HINT}` },
			expect.objectContaining({ recipient_id: people.dave.id }),
		]);
		expect(messages(emu).map((event) => event.dm_conversation_id)).toEqual([oneToOneId(people.alice, people.bob), oneToOneId(people.alice, people.dave)]);
		expect(requestLines()).toEqual([
			'GET /2/users/by',
			`POST /2/dm_conversations/with/${people.bob.id}/messages`,
			`POST /2/dm_conversations/with/${people.dave.id}/messages`,
		]);
	});
});

describe('Send to Conversation', () => {
	describe.each(AUTH_KINDS)('with %s', (kind) => {
		test('a one-to-one conversation whose other person is listed by username: sent', async () => {
			const { people, emu } = x;
			const conversationId = oneToOneId(people.alice, people.bob);
			const { error } = await runAction({ setup: x.auth(kind), parameters: sendToConversation(conversationId, onlySendTo('@bob')) });
			expect(error).toBeUndefined();
			expect(messages(emu, conversationId).map((event) => [event.sender_id, event.text])).toEqual([[people.alice.id, 'hi']]);
			expect(requestLines()).toEqual(['GET /2/users/by', 'GET /2/users/me', `POST /2/dm_conversations/${conversationId}/messages`]);
		});

		test('a one-to-one conversation whose other person is not listed: refused, naming that person; nothing is sent', async () => {
			const { people, emu } = x;
			const conversationId = oneToOneId(people.alice, people.bob);
			const { error } = await runAction({ setup: x.auth(kind), parameters: sendToConversation(conversationId, onlySendTo(`@carol, ${people.alice.id}`)) });
			expect(error?.message).toBe(`Only Send To: this node may not send to the conversation ${conversationId} (with user ${people.bob.id})`);
			expect(error?.description).toBe(`Allowed: @carol, ${people.alice.id}. ${HINT}`);
			expect(nonGetRequests()).toEqual([]);
			expect(messages(emu)).toEqual([]);
		});
	});

	test('a listed one-to-one conversation ID (in either order) is allowed without any lookup', async () => {
		const { people, emu } = x;
		const conversationId = oneToOneId(people.alice, people.bob);
		const reversed = conversationId.split('-').reverse().join('-');
		const { error } = await runAction({ setup: x.auth('oAuth2'), parameters: sendToConversation(conversationId, onlySendTo(`@carol; ${reversed}`)) });
		expect(error).toBeUndefined();
		expect(messages(emu, conversationId)).toHaveLength(1);
		expect(requestLines()).toEqual([`POST /2/dm_conversations/${conversationId}/messages`]);
	});

	test('when both people of a one-to-one conversation are listed, the authenticated user is not looked up', async () => {
		const { people, emu } = x;
		const conversationId = oneToOneId(people.alice, people.bob);
		const { error } = await runAction({ setup: x.auth('oAuth2'), parameters: sendToConversation(conversationId, onlySendTo([people.bob.id, people.alice.id])) });
		expect(error).toBeUndefined();
		expect(messages(emu, conversationId)).toHaveLength(1);
		expect(requestLines()).toEqual([`POST /2/dm_conversations/${conversationId}/messages`]);
	});

	test('a one-to-one conversation of which neither person is listed is refused without any request', async () => {
		const { people, emu } = x;
		const conversationId = oneToOneId(people.alice, people.bob);
		const { error } = await runAction({ setup: x.auth('oAuth2'), parameters: sendToConversation(conversationId, onlySendTo(people.carol.id)) });
		expect(error?.message).toBe(`Only Send To: this node may not send to the conversation ${conversationId} (neither of its users is listed)`);
		expect(emu.requests()).toEqual([]);
	});

	test('a group is refused unless its ID is listed, even when all its participants are', async () => {
		const { people, emu } = x;
		const { conversationId } = emu.createGroupAs(people.bob.id, [people.alice.id, people.carol.id], 'Welcome');
		const everyone = `@bob, @carol, ${people.alice.id}`;
		const { error } = await runAction({ setup: x.auth('oAuth2'), parameters: sendToConversation(conversationId, onlySendTo(everyone)) });
		expect(error?.message).toBe(`Only Send To: this node may not send to the group conversation ${conversationId} (a group must be listed by its ID)`);
		expect(error?.description).toBe(`Allowed: ${everyone}. ${HINT}`);
		expect(emu.requests()).toEqual([]);
		expect(messages(emu, conversationId).map((event) => event.text)).toEqual(['Welcome']);
	});

	test('a listed group ID allows that group', async () => {
		const { people, emu } = x;
		const { conversationId } = emu.createGroupAs(people.bob.id, [people.alice.id, people.carol.id], 'Welcome');
		const { error } = await runAction({ setup: x.auth('oAuth1'), parameters: sendToConversation(conversationId, onlySendTo(`@dave, ${conversationId}`)) });
		expect(error).toBeUndefined();
		expect(messages(emu, conversationId).map((event) => event.text)).toEqual(['Welcome', 'hi']);
		expect(requestLines()).toEqual([`POST /2/dm_conversations/${conversationId}/messages`]);
	});
});

describe('Create Group', () => {
	test.each(AUTH_KINDS)('%s: a group whose participants are all listed (by username or ID) is created', async (kind) => {
		const { people, emu } = x;
		const { error, json } = await runAction({
			setup: x.auth(kind),
			parameters: createGroup(`@bob, ${people.carol.id}`, onlySendTo(`${people.bob.id}, @carol, @dave`)),
		});
		expect(error).toBeUndefined();
		expect(json).toEqual([expect.objectContaining({ participant_ids: [people.bob.id, people.carol.id], reused_existing_group: false })]);
		expect(messages(emu, json[0].dm_conversation_id as string).map((event) => event.text)).toEqual(['hi']);
	});

	test('a group with a participant outside the list is refused, naming that participant; no group is created', async () => {
		const { people, emu } = x;
		const { error } = await runAction({
			setup: x.auth('oAuth2'),
			parameters: createGroup(`@bob, @carol, ${people.dave.id}`, onlySendTo('@bob')),
		});
		expect(error?.message).toBe(`Only Send To: this node may not send to a group with user ${people.carol.id}, user ${people.dave.id}`);
		expect(error?.description).toBe(`Allowed: @bob. ${HINT}`);
		expect(nonGetRequests()).toEqual([]);
		expect(emu.listConversations().filter((conversation: { type: string }) => conversation.type === 'group')).toEqual([]);
		expect(messages(emu)).toEqual([]);
	});
});
