'use strict';

// Every operation of the X Direct Messages node, with OAuth2 and OAuth1, through the real n8n engine against the
// emulator. Assertions look at the emulator's ground truth (what really exists) and at the node's output items.
const { startEmulator } = require('../emulator');
const { shutdown } = require('../helpers/n8n-harness');
const { rl, runAction, addPeople, apiRequests, credentialSetup } = require('../helpers/x-node');

let emu;
let people;

beforeAll(async () => {
	emu = await startEmulator();
});

afterAll(async () => {
	await emu.close();
	shutdown();
});

beforeEach(() => {
	emu.reset();
	people = addPeople(emu);
});

function messagesIn(conversationId) {
	return emu.events({ conversationId }).filter((event) => event.event_type === 'MessageCreate');
}

function expectPaired(items, inputIndexes) {
	expect(items.map((item) => item.pairedItem)).toEqual(inputIndexes.map((item) => ({ item })));
}

describe.each(['oAuth2', 'oAuth1'])('with %s', (kind) => {
	let setup;
	beforeEach(() => {
		setup = credentialSetup(emu, people.alice, kind);
	});

	describe('message: send to user', () => {
		const recipientModes = [
			['username', () => rl('username', '@bob')],
			['username without @', () => rl('username', 'bob')],
			['ID', () => rl('id', people.bob.id)],
			['list (value is the ID)', () => rl('list', people.bob.id)],
			['x.com URL', () => rl('url', 'https://x.com/bob')],
			['twitter.com URL', () => rl('url', 'twitter.com/bob/')],
		];

		test.each(recipientModes)('recipient by %s: the DM exists exactly once', async (_mode, recipient) => {
			const { error, items, json } = await runAction({
				setup,
				parameters: { resource: 'message', operation: 'sendToUser', recipient: recipient(), text: 'Hello Bob' },
			});
			expect(error).toBeUndefined();
			const conversationId = [people.alice.id, people.bob.id].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)).join('-');
			const truth = messagesIn(conversationId);
			expect(truth).toHaveLength(1);
			expect(truth[0]).toMatchObject({ sender_id: people.alice.id, text: 'Hello Bob' });
			expect(json).toEqual([
				expect.objectContaining({
					dm_conversation_id: conversationId,
					dm_event_id: truth[0].id,
					recipient_id: people.bob.id,
					text: 'Hello Bob',
				}),
			]);
			expectPaired(items, [0]);
		});

		test('one DM per input item, text from an expression, each output paired to its input', async () => {
			const input = ['first', 'second', 'third'].map((word) => ({ json: { word } }));
			const { error, items, json } = await runAction({
				setup,
				input,
				parameters: {
					resource: 'message',
					operation: 'sendToUser',
					recipient: rl('id', people.bob.id),
					text: '={{ "Message " + $json.word }}',
				},
			});
			expect(error).toBeUndefined();
			expect(json.map((entry) => entry.text)).toEqual(['Message first', 'Message second', 'Message third']);
			expectPaired(items, [0, 1, 2]);
			const truth = emu.events().filter((event) => event.event_type === 'MessageCreate');
			expect(truth.map((event) => event.text)).toEqual(['Message first', 'Message second', 'Message third']);
			expect(json.map((entry) => entry.dm_event_id)).toEqual(truth.map((event) => event.id));
		});
	});

	describe('message: send to conversation', () => {
		test.each([
			['ID', (id) => rl('id', id)],
			['list', (id) => rl('list', id)],
			['URL', (id) => rl('url', `https://x.com/messages/${id}`)],
		])('into a group by %s', async (_mode, conversation) => {
			const { conversationId } = emu.createGroupAs(people.bob.id, [people.alice.id, people.carol.id], 'Welcome');
			const { error, items, json } = await runAction({
				setup,
				parameters: {
					resource: 'message',
					operation: 'sendToConversation',
					conversation: conversation(conversationId),
					text: 'Thanks for adding me',
				},
			});
			expect(error).toBeUndefined();
			const truth = messagesIn(conversationId);
			expect(truth.map((event) => event.text)).toEqual(['Welcome', 'Thanks for adding me']);
			expect(json).toEqual([
				expect.objectContaining({
					dm_conversation_id: conversationId,
					dm_event_id: truth[1].id,
					conversation_id: conversationId,
					text: 'Thanks for adding me',
				}),
			]);
			expectPaired(items, [0]);
		});

		test('into a one-to-one conversation by its ID', async () => {
			const first = emu.sendAs(people.bob.id, { to: people.alice.id, text: 'ping' });
			const { error } = await runAction({
				setup,
				parameters: {
					resource: 'message',
					operation: 'sendToConversation',
					conversation: rl('id', first.dm_conversation_id),
					text: 'pong',
				},
			});
			expect(error).toBeUndefined();
			expect(messagesIn(first.dm_conversation_id).map((event) => [event.sender_id, event.text])).toEqual([
				[people.bob.id, 'ping'],
				[people.alice.id, 'pong'],
			]);
		});
	});

	describe('conversation: create group', () => {
		test('participants as @usernames and IDs: one new group with everyone, first message inside', async () => {
			const { error, items, json } = await runAction({
				setup,
				parameters: {
					resource: 'conversation',
					operation: 'createGroup',
					participants: `@bob, ${people.carol.id}`,
					text: 'Kick-off',
				},
			});
			expect(error).toBeUndefined();
			const conversationId = json[0].dm_conversation_id;
			const conversation = emu.state.conversations.get(conversationId);
			expect(conversation.type).toBe('group');
			expect([...conversation.participants].sort()).toEqual([people.alice.id, people.bob.id, people.carol.id].sort());
			const truth = messagesIn(conversationId);
			expect(truth).toHaveLength(1);
			expect(truth[0]).toMatchObject({ text: 'Kick-off', sender_id: people.alice.id });
			expect(json[0]).toMatchObject({
				dm_event_id: truth[0].id,
				participant_ids: [people.bob.id, people.carol.id],
				reused_existing_group: false,
				text: 'Kick-off',
			});
			expectPaired(items, [0]);
		});

		test('all @usernames are resolved with one request, IDs with none', async () => {
			const { error, json } = await runAction({
				setup,
				parameters: {
					resource: 'conversation',
					operation: 'createGroup',
					participants: `@bob, ${people.carol.id}, @Dave`,
					text: 'One lookup',
				},
			});
			expect(error).toBeUndefined();
			expect(json[0].participant_ids).toEqual([people.bob.id, people.carol.id, people.dave.id]);
			const requests = apiRequests(emu);
			expect(requests.map((request) => `${request.method} ${request.path}`)).toEqual([
				'GET /2/users/by',
				'POST /2/dm_conversations',
			]);
			expect(requests[0].query).toMatchObject({ usernames: 'bob,Dave' });
		});

		test('participants given as IDs only: no lookup request', async () => {
			const { error } = await runAction({
				setup,
				parameters: {
					resource: 'conversation',
					operation: 'createGroup',
					participants: `${people.bob.id}, ${people.carol.id}`,
					text: 'No lookup',
				},
			});
			expect(error).toBeUndefined();
			expect(apiRequests(emu).map((request) => `${request.method} ${request.path}`)).toEqual(['POST /2/dm_conversations']);
		});

		test('participants from an expression array', async () => {
			const { error, json } = await runAction({
				setup,
				input: [{ json: { ids: [people.bob.id, people.carol.id, people.dave.id] } }],
				parameters: {
					resource: 'conversation',
					operation: 'createGroup',
					participants: '={{ $json.ids }}',
					text: 'Array',
				},
			});
			expect(error).toBeUndefined();
			expect(emu.state.conversations.get(json[0].dm_conversation_id).participants.size).toBe(4);
		});

		test('without "Reuse Existing Group" every run creates a new group (X behaviour)', async () => {
			const parameters = {
				resource: 'conversation',
				operation: 'createGroup',
				participants: `${people.bob.id},${people.carol.id}`,
				text: 'Again',
			};
			const first = await runAction({ setup, parameters });
			const second = await runAction({ setup, parameters, staticData: first.staticData });
			expect(first.json[0].dm_conversation_id).not.toBe(second.json[0].dm_conversation_id);
			expect([...emu.state.conversations.values()].filter((c) => c.type === 'group')).toHaveLength(2);
		});

		test('"Reuse Existing Group" sends into the group this workflow created, for the same participant set', async () => {
			const parameters = {
				resource: 'conversation',
				operation: 'createGroup',
				participants: `${people.bob.id}, @carol`,
				text: 'Round 1',
				options: { reuseExistingGroup: true },
			};
			const first = await runAction({ setup, parameters });
			expect(first.error).toBeUndefined();
			const second = await runAction({
				setup,
				// Same set in another order and spelling.
				parameters: { ...parameters, participants: `@carol ${people.bob.id}`, text: 'Round 2' },
				staticData: first.staticData,
			});
			expect(second.error).toBeUndefined();
			expect(second.json[0]).toMatchObject({
				dm_conversation_id: first.json[0].dm_conversation_id,
				reused_existing_group: true,
				text: 'Round 2',
			});
			expect([...emu.state.conversations.values()].filter((c) => c.type === 'group')).toHaveLength(1);
			expect(messagesIn(first.json[0].dm_conversation_id).map((event) => event.text)).toEqual(['Round 1', 'Round 2']);

			// A different participant set is a different group.
			const third = await runAction({
				setup,
				parameters: { ...parameters, participants: `${people.bob.id},${people.dave.id}`, text: 'Other' },
				staticData: second.staticData,
			});
			expect(third.json[0].reused_existing_group).toBe(false);
			expect(third.json[0].dm_conversation_id).not.toBe(first.json[0].dm_conversation_id);
		});

		test('"Reuse Existing Group" creates a new group when the remembered one refuses the message', async () => {
			const parameters = {
				resource: 'conversation',
				operation: 'createGroup',
				participants: `${people.bob.id},${people.carol.id}`,
				text: 'Hi',
				options: { reuseExistingGroup: true },
			};
			const first = await runAction({ setup, parameters });
			emu.leaveAs(first.json[0].dm_conversation_id, people.alice.id);
			const second = await runAction({ setup, parameters, staticData: first.staticData });
			expect(second.error).toBeUndefined();
			expect(second.json[0].reused_existing_group).toBe(false);
			expect(second.json[0].dm_conversation_id).not.toBe(first.json[0].dm_conversation_id);
			expect(Object.values(second.staticData['node:X DM'].groups)).toEqual([second.json[0].dm_conversation_id]);
		});
	});

	describe('event: get many', () => {
		function seedConversations() {
			const toBob = emu.sendAs(people.alice.id, { to: people.bob.id, text: 'a->b 1' });
			emu.sendAs(people.bob.id, { to: people.alice.id, text: 'b->a 2' });
			emu.sendAs(people.carol.id, { to: people.alice.id, text: 'c->a 3' });
			const { conversationId: groupId } = emu.createGroupAs(people.dave.id, [people.alice.id, people.bob.id], 'group 4');
			emu.sendAs(people.bob.id, { conversationId: groupId, text: 'group 5' });
			return { oneToOneId: toBob.dm_conversation_id, groupId };
		}

		test('all conversations: one item per event, newest first, includes resolved onto the events', async () => {
			seedConversations();
			const { error, items, json } = await runAction({
				setup,
				parameters: { resource: 'event', operation: 'getMany', scope: 'all', returnAll: true },
			});
			expect(error).toBeUndefined();
			const messages = json.filter((event) => event.event_type === 'MessageCreate');
			expect(messages.map((event) => event.text)).toEqual(['group 5', 'group 4', 'c->a 3', 'b->a 2', 'a->b 1']);
			expect(messages[0].sender).toMatchObject({ id: people.bob.id, username: 'bob' });
			expect(messages[2].sender).toMatchObject({ id: people.carol.id, username: 'carol' });
			expect(json.every((event) => typeof event.id === 'string' && typeof event.dm_conversation_id === 'string')).toBe(true);
			expectPaired(items, json.map(() => 0));
		});

		test('with "Resolve Includes" off each event keeps the raw includes it references', async () => {
			seedConversations();
			const { json } = await runAction({
				setup,
				parameters: { resource: 'event', operation: 'getMany', scope: 'all', returnAll: true, resolveIncludes: false },
			});
			const fromCarol = json.find((event) => event.text === 'c->a 3');
			expect(fromCarol.sender).toBeUndefined();
			expect(fromCarol.includes.users).toEqual([expect.objectContaining({ id: people.carol.id, username: 'carol' })]);
		});

		test('one-to-one with a user (by username) and event type filter', async () => {
			seedConversations();
			const { error, json } = await runAction({
				setup,
				parameters: {
					resource: 'event',
					operation: 'getMany',
					scope: 'participant',
					participant: rl('username', 'bob'),
					eventTypes: ['MessageCreate'],
					returnAll: true,
				},
			});
			expect(error).toBeUndefined();
			expect(json.map((event) => event.text)).toEqual(['b->a 2', 'a->b 1']);
			const listRequest = apiRequests(emu).find((request) => request.path.endsWith('/dm_events'));
			expect(listRequest.path).toBe(`/2/dm_conversations/with/${people.bob.id}/dm_events`);
			expect(listRequest.query.event_types).toBe('MessageCreate');
		});

		test('one conversation by URL, with a limit', async () => {
			const { groupId } = seedConversations();
			const { error, json } = await runAction({
				setup,
				parameters: {
					resource: 'event',
					operation: 'getMany',
					scope: 'conversation',
					conversation: rl('url', `https://x.com/messages/${groupId}`),
					returnAll: false,
					limit: 1,
				},
			});
			expect(error).toBeUndefined();
			expect(json).toHaveLength(1);
			expect(json[0]).toMatchObject({ text: 'group 5', dm_conversation_id: groupId });
		});

		test('field pickers are sent comma-joined', async () => {
			seedConversations();
			await runAction({
				setup,
				parameters: {
					resource: 'event',
					operation: 'getMany',
					scope: 'all',
					returnAll: true,
					dmEventFields: ['created_at', 'text'],
					expansions: ['sender_id'],
					userFields: ['username', 'verified'],
					mediaFields: ['url'],
					tweetFields: ['author_id'],
				},
			});
			const [listRequest] = apiRequests(emu);
			expect(listRequest.query).toMatchObject({
				'dm_event.fields': 'id,event_type,created_at,text,sender_id',
				expansions: 'sender_id',
				'user.fields': 'username,verified',
				'media.fields': 'url',
				'tweet.fields': 'author_id',
				max_results: '100',
			});
		});
	});

	describe('event: get and delete', () => {
		test('get returns the event with its sender resolved', async () => {
			const sent = emu.sendAs(people.bob.id, { to: people.alice.id, text: 'look at this' });
			const { error, items, json } = await runAction({
				setup,
				parameters: { resource: 'event', operation: 'get', eventId: sent.id },
			});
			expect(error).toBeUndefined();
			expect(json).toEqual([
				expect.objectContaining({
					id: sent.id,
					text: 'look at this',
					sender_id: people.bob.id,
					sender: expect.objectContaining({ username: 'bob' }),
				}),
			]);
			expectPaired(items, [0]);
		});

		test('delete removes the event for the authenticated user only', async () => {
			const sent = emu.sendAs(people.alice.id, { to: people.bob.id, text: 'oops' });
			const { error, json } = await runAction({
				setup,
				parameters: { resource: 'event', operation: 'delete', eventId: sent.id },
			});
			expect(error).toBeUndefined();
			expect(json).toEqual([{ dm_event_id: sent.id, deleted: true }]);
			const truth = emu.events({ includeDeleted: true }).find((event) => event.id === sent.id);
			expect(truth.deletedFor).toEqual([people.alice.id]);
		});

		test('get of an unknown event fails naming the event', async () => {
			const { error } = await runAction({
				setup,
				parameters: { resource: 'event', operation: 'get', eventId: '1234567890123456789' },
			});
			expect(error.message).toBe('X could not find the DM event "1234567890123456789"');
		});
	});
});

describe('OAuth2 token refresh', () => {
	test('an expired access token is refreshed through the token endpoint, the DM is sent once', async () => {
		const setup = credentialSetup(emu, people.alice, 'oAuth2', { expiresIn: 0 });
		const expiredToken = setup.credentials.xDmOAuth2Api.oauthTokenData.access_token;
		const { error, json, credentialsHelper } = await runAction({
			setup,
			parameters: { resource: 'message', operation: 'sendToUser', recipient: rl('id', people.bob.id), text: 'after refresh' },
		});
		expect(error).toBeUndefined();
		expect(emu.requests().map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual([
			`POST /2/dm_conversations/with/${people.bob.id}/messages 401`,
			'POST /2/oauth2/token 200',
			`POST /2/dm_conversations/with/${people.bob.id}/messages 201`,
		]);
		expect(credentialsHelper.tokenUpdates).toHaveLength(1);
		const refreshed = credentialsHelper.tokenUpdates[0].oauthTokenData;
		expect(refreshed.access_token).toEqual(expect.any(String));
		expect(refreshed.access_token).not.toBe(expiredToken);
		expect(messagesIn(json[0].dm_conversation_id).map((event) => event.text)).toEqual(['after refresh']);
	});

	test('a refresh token that X refuses asks to reconnect the credential', async () => {
		const setup = credentialSetup(emu, people.alice, 'oAuth2', { expiresIn: 0 });
		setup.credentials.xDmOAuth2Api.oauthTokenData.refresh_token = 'not-a-refresh-token';
		const { error } = await runAction({
			setup,
			parameters: { resource: 'message', operation: 'sendToUser', recipient: rl('id', people.bob.id), text: 'x' },
		});
		expect(error.message).toBe('The X access token expired and could not be refreshed: reconnect the credential');
		expect(emu.events()).toHaveLength(0);
	});
});
