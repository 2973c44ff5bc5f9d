// Conversation → Create Group, through the real n8n engine against the emulator, with OAuth2 and OAuth1.
import type { INodeParameters } from 'n8n-workflow';

import {
	bad,
	badInputTests,
	fileItem,
	TOO_LONG_TEXT,
	viaExpression,
	withBinary,
	withMediaId,
	type BadInputCase,
} from '../../../../fixtures/bad-input';
import {
	apiRequests,
	AUTH_KINDS,
	createGroup,
	expectPaired,
	fileOf,
	messages,
	requestLine,
	runAction,
	useEmulator,
	type People,
} from '../../../../fixtures/x-node';

const x = useEmulator();

function groups() {
	return x.emu.listConversations().filter((conversation: { type: string }) => conversation.type === 'group');
}

describe('success', () => {
	describe.each(AUTH_KINDS)('with %s', (kind) => {
		test('participants as @usernames and IDs: one new group with everyone, first message inside', async () => {
			const { people, emu } = x;
			const { error, items, json } = await runAction({ setup: x.auth(kind), parameters: createGroup(`@bob, ${people.carol.id}`, { text: 'Kick-off' }) });
			expect(error).toBeUndefined();
			const conversationId = json[0].dm_conversation_id as string;
			const conversation = emu.getConversation(conversationId);
			expect(conversation?.type).toBe('group');
			expect([...(conversation?.participantIds ?? [])].sort()).toEqual([people.alice.id, people.bob.id, people.carol.id].sort());
			const truth = messages(emu, conversationId);
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
			const { people, emu } = x;
			const { error, json } = await runAction({ setup: x.auth(kind), parameters: createGroup(`@bob, ${people.carol.id}, @Dave`, { text: 'One lookup' }) });
			expect(error).toBeUndefined();
			expect(json[0].participant_ids).toEqual([people.bob.id, people.carol.id, people.dave.id]);
			const requests = apiRequests(emu);
			// GET /2/users/me: the authenticated user must not be among the participants (checked before the send).
			expect(requests.map(requestLine)).toEqual(['GET /2/users/by', 'GET /2/users/me', 'POST /2/dm_conversations']);
			expect(requests[0].query).toMatchObject({ usernames: 'bob,Dave' });
		});

		test('participants given as IDs only: no lookup request', async () => {
			const { people, emu } = x;
			const { error } = await runAction({ setup: x.auth(kind), parameters: createGroup(`${people.bob.id}, ${people.carol.id}`, { text: 'No lookup' }) });
			expect(error).toBeUndefined();
			expect(apiRequests(emu).map(requestLine)).toEqual(['GET /2/users/me', 'POST /2/dm_conversations']);
		});

		test('participants from an expression array', async () => {
			const { people, emu } = x;
			const { error, json } = await runAction({
				setup: x.auth(kind),
				input: [{ json: { ids: [people.bob.id, people.carol.id, people.dave.id] } }],
				parameters: createGroup('={{ $json.ids }}', { text: 'Array' }),
			});
			expect(error).toBeUndefined();
			expect(emu.getConversation(json[0].dm_conversation_id as string)?.participantIds).toHaveLength(4);
		});

		test('without "Reuse Existing Group" every run creates a new group (X behaviour)', async () => {
			const { people } = x;
			const setup = x.auth(kind);
			const parameters = createGroup(`${people.bob.id},${people.carol.id}`, { text: 'Again' });
			const first = await runAction({ setup, parameters });
			const second = await runAction({ setup, parameters, staticData: first.staticData });
			expect(first.json[0].dm_conversation_id).not.toBe(second.json[0].dm_conversation_id);
			expect(groups()).toHaveLength(2);
		});

		test('"Reuse Existing Group" sends into the group this workflow created, for the same participant set', async () => {
			const { people, emu } = x;
			const setup = x.auth(kind);
			const parameters = createGroup(`${people.bob.id}, @carol`, { text: 'Round 1', options: { reuseExistingGroup: true } });
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
			expect(groups()).toHaveLength(1);
			expect(messages(emu, first.json[0].dm_conversation_id as string).map((event) => event.text)).toEqual(['Round 1', 'Round 2']);

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
			const { people, emu } = x;
			const setup = x.auth(kind);
			const parameters = createGroup(`${people.bob.id},${people.carol.id}`, { text: 'Hi', options: { reuseExistingGroup: true } });
			const first = await runAction({ setup, parameters });
			emu.leaveAs(first.json[0].dm_conversation_id as string, people.alice.id);
			const second = await runAction({ setup, parameters, staticData: first.staticData });
			expect(second.error).toBeUndefined();
			expect(second.json[0].reused_existing_group).toBe(false);
			expect(second.json[0].dm_conversation_id).not.toBe(first.json[0].dm_conversation_id);
			expect(Object.values((second.staticData['node:X DM'] as { groups: Record<string, string> }).groups)).toEqual([
				second.json[0].dm_conversation_id,
			]);
		});
	});

	test('takes a binary attachment', async () => {
		const { emu } = x;
		const { error, json } = await runAction({
			setup: x.auth('oAuth1'),
			input: [fileOf(1024, 'image/webp', 'b.webp')],
			parameters: createGroup('@bob, @dave', { text: 'group photo', attachmentType: 'binary', binaryPropertyName: 'data' }),
		});
		expect(error).toBeUndefined();
		const withMedia = messages(emu).filter((event) => event.attachments);
		expect(withMedia.map((event) => event.text)).toEqual(['group photo']);
		expect(withMedia[0].dm_conversation_id).toBe(json[0].dm_conversation_id);
	});
});

describe('bad input', () => {
	const withParticipants = (participants: string, extra: INodeParameters = {}) => (): INodeParameters =>
		createGroup(viaExpression(participants), extra);
	const aliceAndBob = (extra: INodeParameters) => () => {
		const { alice, bob } = x.people;
		return createGroup(bad(`${alice.id},${bob.id}`), extra);
	};
	const CASES: BadInputCase[] = [
		// Text
		['text empty in a new group', aliceAndBob({ text: bad('') }), 'Text'],
		['text too long in a new group', aliceAndBob({ text: TOO_LONG_TEXT }), 'Text'],
		// Attachments
		['media ID bad in a new group', aliceAndBob(withMediaId('x')), 'Media ID'],
		['binary unsupported in a new group', aliceAndBob(withBinary()), 'Input Binary Field', fileItem('application/zip')],
		// Participants
		['participants empty', withParticipants(''), 'Participants'],
		['participants only separators', withParticipants(' , ; '), 'Participants'],
		['participants one username', withParticipants('@bob'), 'Participants'],
		['participants one ID', (people) => createGroup(bad(people.bob.id)), 'Participants'],
		['participants the same username twice', withParticipants('@bob, @bob'), 'Participants'],
		['participants the same username in other case', withParticipants('bob, BOB'), 'Participants'],
		['participants the same ID twice', (people) => createGroup(bad(`${people.bob.id} ${people.bob.id}`)), 'Participants'],
		['participants 50 users', withParticipants(Array.from({ length: 50 }, (_v, index) => String(1000 + index)).join(',')), 'Participants'],
		['participants bad username', withParticipants('@bob, bad-name'), 'Participants'],
		['participants username too long', withParticipants('@bob, @abcdefghijklmnop'), 'Participants'],
		['participants ID too long', withParticipants('@bob, 12345678901234567890'), 'Participants'],
		['participants with a URL', withParticipants('@bob, https://x.com/carol'), 'Participants'],
		['participants array with objects', withParticipants('={{ [{}, {}] }}'), 'Participants'],
		['participants empty array', withParticipants('={{ [] }}'), 'Participants'],
		['participants array with an unsafe number', withParticipants('={{ [1152921504606846976, 5] }}'), 'Participants'],
		['participants boolean', withParticipants('={{ true }}'), 'Participants'],
		['text with a lone surrogate in a new group', (people) => createGroup(bad(`${people.bob.id},${people.carol.id}`), { text: bad('\uD800') }), 'Text'],
		['participants an object', withParticipants('={{ { "id": "5" } }}'), 'Participants'],
		['participants null', withParticipants('={{ null }}'), 'Participants'],
	];
	badInputTests(x, CASES, 23);
});

describe('failures', () => {
	test('connection reset before X handled it: still not repeated (the client cannot tell)', async () => {
		const { people, emu } = x;
		emu.addFault({ method: 'POST', path: '/2/dm_conversations', reset: 'before' });
		const { error } = await runAction({ setup: x.auth('oAuth1'), parameters: createGroup(`${people.bob.id},${people.carol.id}`, { text: 'g' }) });
		expect(error?.message).toBe('The Direct Message may or may not have been sent: the connection was reset');
		expect(apiRequests(emu).map(requestLine)).toEqual(['GET /2/users/me', 'POST /2/dm_conversations']);
		expect(messages(emu)).toHaveLength(0);
	});

	test.each([
		['one of several usernames', () => '@bob, @nobody_here, @carol', 'Participants: X could not find the user "nobody_here"'],
		['the only username, beside an ID', () => `${x.people.bob.id}, @nobody_here`, 'Participants: X could not find the user "nobody_here"'],
		['several usernames', () => '@bob, @nobody_a, @carol, @Nobody_B', 'Participants: X could not find the users "nobody_a", "Nobody_B"'],
		['every username', () => '@nobody_a, @nobody_b', 'Participants: X could not find the users "nobody_a", "nobody_b"'],
	])('unknown participants (%s): one lookup, an error naming each, no group', async (_case, participants, message) => {
		const { error } = await runAction({ setup: x.auth('oAuth2'), parameters: createGroup(participants(), { text: 'g' }) });
		expect(error?.message).toBe(message);
		expect(String((error as { httpCode?: string } | undefined)?.httpCode)).toBe('404');
		expect(apiRequests(x.emu).map(requestLine)).toEqual(['GET /2/users/by']);
		expect(groups()).toHaveLength(0);
	});
});

describe('the authenticated user among the participants', () => {
	test.each([
		['by ID', (people: People) => `${people.alice.id}, ${people.bob.id}, ${people.carol.id}`, (people: People) => `"${people.alice.id}"`],
		['by @username', () => '@bob, @Alice, @carol', () => '"@Alice"'],
		['as the second of two', (people: People) => `${people.bob.id}, @alice`, () => '"@alice"'],
	])('%s: refused before the send, naming the parameter; no group, no upload', async (_how, participants, named) => {
		const { people, emu } = x;
		for (const kind of AUTH_KINDS) {
			emu.clearRequests();
			const { error } = await runAction({
				setup: x.auth(kind),
				input: [fileOf(1024, 'image/png', 'p.png')],
				parameters: createGroup(participants(people), { attachmentType: 'binary', binaryPropertyName: 'data' }),
			});
			expect(error?.name).toBe('NodeOperationError');
			expect(error?.message).toBe(`Participants: ${named(people)} is the authenticated user (you): list only the other members`);
			expect(error?.description).toBe('X adds you to every group you create. A group needs 2 to 49 participants besides you.');
			expect(apiRequests(emu).every((request) => request.method === 'GET')).toBe(true);
			expect(apiRequests(emu).map(requestLine)).toContain('GET /2/users/me');
		}
		expect(groups()).toHaveLength(0);
		expect(messages(x.emu)).toHaveLength(0);
	});

	test('the authenticated user is looked up once per run, not once per item', async () => {
		const { people, emu } = x;
		const { error, json } = await runAction({
			setup: x.auth('oAuth2'),
			input: [{ json: { n: 1 } }, { json: { n: 2 } }, { json: { n: 3 } }],
			parameters: createGroup(`${people.bob.id}, ${people.carol.id}`, { text: '={{ "Group " + $json.n }}' }),
		});
		expect(error).toBeUndefined();
		expect(json).toHaveLength(3);
		expect(apiRequests(emu).map(requestLine)).toEqual([
			'GET /2/users/me',
			'POST /2/dm_conversations',
			'POST /2/dm_conversations',
			'POST /2/dm_conversations',
		]);
	});
});
