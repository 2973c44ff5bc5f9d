// Event → Get Many, through the real n8n engine against the emulator, with OAuth2 and OAuth1.
import type { INodeParameters } from 'n8n-workflow';

import { bad, badInputTests, type BadInputCase } from '../../../../fixtures/bad-input';
import { apiRequests, AUTH_KINDS, expectPaired, rl, runAction, useEmulator } from '../../../../fixtures/x-node';

const x = useEmulator();

const getMany = (extra: INodeParameters = {}): INodeParameters => ({ resource: 'event', operation: 'getMany', scope: 'all', returnAll: true, ...extra });

function seedConversations() {
	const { people, emu } = x;
	const toBob = emu.sendAs(people.alice.id, { to: people.bob.id, text: 'a->b 1' });
	emu.sendAs(people.bob.id, { to: people.alice.id, text: 'b->a 2' });
	emu.sendAs(people.carol.id, { to: people.alice.id, text: 'c->a 3' });
	const { conversationId: groupId } = emu.createGroupAs(people.dave.id, [people.alice.id, people.bob.id], 'group 4');
	emu.sendAs(people.bob.id, { conversationId: groupId, text: 'group 5' });
	return { oneToOneId: toBob.dm_conversation_id, groupId };
}

describe('success', () => {
	describe.each(AUTH_KINDS)('with %s', (kind) => {
		test('all conversations: one item per event, newest first, includes resolved onto the events', async () => {
			const { people } = x;
			seedConversations();
			const { error, items, json } = await runAction({ setup: x.auth(kind), parameters: getMany() });
			expect(error).toBeUndefined();
			const messages = json.filter((event) => event.event_type === 'MessageCreate');
			expect(messages.map((event) => event.text)).toEqual(['group 5', 'group 4', 'c->a 3', 'b->a 2', 'a->b 1']);
			expect(messages[0].sender).toMatchObject({ id: people.bob.id, username: 'bob' });
			expect(messages[2].sender).toMatchObject({ id: people.carol.id, username: 'carol' });
			expect(json.every((event) => typeof event.id === 'string' && typeof event.dm_conversation_id === 'string')).toBe(true);
			expectPaired(
				items,
				json.map(() => 0),
			);
		});

		test('with "Resolve Includes" off each event keeps the raw includes it references', async () => {
			seedConversations();
			const { json } = await runAction({ setup: x.auth(kind), parameters: getMany({ resolveIncludes: false }) });
			const fromCarol = json.find((event) => event.text === 'c->a 3');
			expect(fromCarol?.sender).toBeUndefined();
			expect((fromCarol?.includes as { users: unknown }).users).toEqual([expect.objectContaining({ id: x.people.carol.id, username: 'carol' })]);
		});

		test('one-to-one with a user (by username) and event type filter', async () => {
			seedConversations();
			const { error, json } = await runAction({
				setup: x.auth(kind),
				parameters: getMany({ scope: 'participant', participant: rl('username', 'bob'), eventTypes: ['MessageCreate'] }),
			});
			expect(error).toBeUndefined();
			expect(json.map((event) => event.text)).toEqual(['b->a 2', 'a->b 1']);
			const listRequest = apiRequests(x.emu).find((request) => request.path.endsWith('/dm_events'));
			expect(listRequest?.path).toBe(`/2/dm_conversations/with/${x.people.bob.id}/dm_events`);
			expect(listRequest?.query.event_types).toBe('MessageCreate');
		});

		test('event types from an expression: a comma-separated string or an array', async () => {
			const { groupId } = seedConversations();
			x.emu.joinAs(groupId, [x.people.carol.id], x.people.dave.id);
			for (const eventTypes of ['={{ "ParticipantsJoin, ParticipantsLeave" }}', '={{ ["ParticipantsJoin"] }}']) {
				x.emu.clearRequests();
				const { error, json } = await runAction({ setup: x.auth(kind), parameters: getMany({ eventTypes }) });
				expect(error).toBeUndefined();
				// The group's creation and carol's join.
				expect(json.map((event) => event.event_type)).toEqual(['ParticipantsJoin', 'ParticipantsJoin']);
				expect(apiRequests(x.emu)[0].query.event_types).toBe(eventTypes.includes(',') ? 'ParticipantsJoin,ParticipantsLeave' : 'ParticipantsJoin');
			}
		});

		test('one conversation by URL, with a limit', async () => {
			const { groupId } = seedConversations();
			const { error, json } = await runAction({
				setup: x.auth(kind),
				parameters: getMany({ scope: 'conversation', conversation: rl('url', `https://x.com/messages/${groupId}`), returnAll: false, limit: 1 }),
			});
			expect(error).toBeUndefined();
			expect(json).toHaveLength(1);
			expect(json[0]).toMatchObject({ text: 'group 5', dm_conversation_id: groupId });
		});

		test('field pickers are sent comma-joined', async () => {
			seedConversations();
			await runAction({
				setup: x.auth(kind),
				parameters: getMany({
					dmEventFields: ['created_at', 'text'],
					expansions: ['sender_id'],
					userFields: ['username', 'verified'],
					mediaFields: ['url'],
					tweetFields: ['author_id'],
				}),
			});
			const [listRequest] = apiRequests(x.emu);
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
});

describe('bad input', () => {
	const given = (extra: INodeParameters) => (): INodeParameters => getMany(extra);
	const CASES: BadInputCase[] = [
		['limit 0', given({ returnAll: false, limit: bad(0) }), 'Limit'],
		['limit negative', given({ returnAll: false, limit: bad(-1) }), 'Limit'],
		['limit fractional', given({ returnAll: false, limit: bad(1.5) }), 'Limit'],
		['limit text from expression', given({ returnAll: false, limit: '={{ "many" }}' }), 'Limit'],
		['event type unknown', given({ eventTypes: '={{ ["MessageDelete"] }}' }), 'Event Types'],
		['event type wrong case', given({ eventTypes: '={{ ["messagecreate"] }}' }), 'Event Types'],
		['event field unknown', given({ dmEventFields: '={{ ["subject"] }}' }), 'Event Fields'],
		['expansion unknown', given({ expansions: '={{ "sender" }}' }), 'Expansions'],
		['user field unknown', given({ userFields: '={{ ["email"] }}' }), 'User Fields'],
		['tweet field unknown', given({ tweetFields: '={{ ["likes"] }}' }), 'Tweet Fields'],
		['media field unknown', given({ mediaFields: '={{ ["size"] }}' }), 'Media Fields'],
		// A value of the wrong type is never read as "nothing selected" (which would mean all event types)
		['event types a number', given({ eventTypes: bad(5) }), 'Event Types'],
		['event types null', given({ eventTypes: bad(null) }), 'Event Types'],
		['event types an object', given({ eventTypes: bad({ MessageCreate: true }) }), 'Event Types'],
		['event types false', given({ eventTypes: bad(false) }), 'Event Types'],
		['event types an array of blanks', given({ eventTypes: bad(['']) }), 'Event Types'],
		['event types only commas', given({ eventTypes: bad(' , ') }), 'Event Types'],
		['event fields a number', given({ dmEventFields: bad(1) }), 'Event Fields'],
		['expansions an object', given({ expansions: bad({}) }), 'Expansions'],
		['user fields null', given({ userFields: bad(null) }), 'User Fields'],
		['tweet fields true', given({ tweetFields: bad(true) }), 'Tweet Fields'],
		['media fields an array holding a number', given({ mediaFields: bad([3]) }), 'Media Fields'],
		['scope participant with bad ID', given({ scope: 'participant', participant: rl('id', bad('bob')) }), 'User'],
		['scope participant with bad username', given({ scope: 'participant', participant: rl('username', bad('a b')) }), 'User'],
		['scope conversation with bad ID', given({ scope: 'conversation', conversation: rl('id', bad('12')) }), 'Conversation'],
		['scope participant with a non-profile URL', given({ scope: 'participant', participant: rl('url', bad('https://x.com/explore')) }), 'User'],
		// Options
		['max rate-limit wait text', given({ options: { maxRateLimitWait: '={{ "soon" }}' } }), 'Max Rate-Limit Wait'],
		['timeout zero', given({ options: { timeout: bad(0) } }), 'Timeout'],
	];
	badInputTests(x, CASES, 28);
});

describe('failures', () => {
	test('a GET fails after its one repeat', async () => {
		x.emu.addFault({ method: 'GET', path: '/2/dm_events', status: 503, times: 2 });
		const { error } = await runAction({ setup: x.auth('oAuth2'), parameters: getMany() });
		expect(error?.message).toBe('X returned a server error (503) for GET /2/dm_events');
		expect(apiRequests(x.emu)).toHaveLength(2);
	});

	test('access tier not enrolled (client-forbidden)', async () => {
		x.emu.addFault({
			path: '/2/dm_events',
			status: 403,
			body: {
				client_id: '101010101',
				required_enrollment: 'Appropriate Level of API Access',
				registration_url: 'https://developer.twitter.com/en/account',
				title: 'Client Forbidden',
				detail: 'This request must be made using an approved developer account that is enrolled in the requested endpoint.',
				reason: 'client-not-enrolled',
				type: 'https://api.x.com/2/problems/client-forbidden',
			},
		});
		const { error } = await runAction({ setup: x.auth('oAuth2'), parameters: getMany() });
		expect(error?.message).toBe("Your X developer app's access level does not include this endpoint");
		expect(error?.description).toContain('Appropriate Level of API Access');
	});
	test('an unknown username as the participant: the error names the parameter', async () => {
		const { error } = await runAction({ setup: x.auth('oAuth1'), parameters: getMany({ scope: 'participant', participant: rl('username', 'nobody_here') }) });
		expect(error?.message).toBe('User: X could not find the user "nobody_here"');
		expect(apiRequests(x.emu).map((request) => `${request.method} ${request.path}`)).toEqual(['GET /2/users/by/username/nobody_here']);
	});
});
