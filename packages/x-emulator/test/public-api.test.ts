// The ground-truth reads that replace every outside look at the emulator's state: what they return, in which
// order, and that they hand out copies.
import { EmulatorError, type Emulator, type EmulatorUser } from '../src';
import { closeAndExpectCleanRun, startTestEmulator, START_MS } from './helpers';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('public ground-truth API', () => {
	let emu: Emulator;
	let alice: EmulatorUser;
	let bob: EmulatorUser;
	let carol: EmulatorUser;
	let erin: EmulatorUser;

	beforeEach(async () => {
		emu = await startTestEmulator();
		alice = emu.addUser({ id: '944480690', username: 'alice' });
		bob = emu.addUser({ id: '906948460078698496', username: 'bob' });
		carol = emu.addUser({ username: 'carol' });
		erin = emu.addUser({ username: 'erin' });
	});

	afterEach(() => closeAndExpectCleanRun(emu));

	const ids = (events: Array<{ id: string }>) => events.map((event) => event.id);

	test('visibleEvents: newest first, without events deleted for the user, aged out or from before they joined', () => {
		const old = emu.sendAs(alice.id, { to: bob.id, text: 'old' });
		emu.clock.advance(31 * DAY_MS);
		const { conversationId, event: groupHello } = emu.createGroupAs(alice.id, [bob.id, carol.id], 'hello group');
		const [groupJoin] = emu.events({ conversationId });
		emu.clock.advance(1000);
		const direct = emu.sendAs(bob.id, { to: alice.id, text: 'direct' });
		const deleted = emu.sendAs(alice.id, { to: bob.id, text: 'deleted for alice' });
		emu.deleteEventFor(alice.id, deleted.id);
		const join = emu.joinAs(conversationId, [erin.id], bob.id);
		const welcome = emu.sendAs(carol.id, { conversationId, text: 'welcome erin' });

		expect(ids(emu.visibleEvents(alice.id))).toEqual([welcome.id, join.id, direct.id, groupHello.id, groupJoin.id]);
		expect(ids(emu.visibleEvents(bob.id))).toEqual([welcome.id, join.id, deleted.id, direct.id, groupHello.id, groupJoin.id]);
		expect(ids(emu.visibleEvents(erin.id))).toEqual([welcome.id, join.id]);
		expect(ids(emu.visibleEvents(alice.id, { conversationId }))).toEqual([welcome.id, join.id, groupHello.id, groupJoin.id]);
		expect(ids(emu.visibleEvents(alice.id, { conversationId: `${alice.id}-${bob.id}` }))).toEqual([direct.id]);
		expect(emu.visibleEvents(alice.id).map((event) => event.id)).not.toContain(old.id);
		expect(emu.events().map((event) => event.id)).toContain(old.id);

		emu.leaveAs(conversationId, carol.id);
		expect(emu.visibleEvents(carol.id)).toEqual([]);
		expect(emu.visibleEvents('123')).toEqual([]);
	});

	test('event records are copies with ISO timestamps and the users who deleted them', () => {
		const { conversationId } = emu.createGroupAs(alice.id, [bob.id, carol.id], 'see https://x.com/a/status/1578900353814519810 #tag');
		const [join, message] = emu.events({ conversationId });
		expect(join).toEqual({
			id: expect.any(String),
			event_type: 'ParticipantsJoin',
			dm_conversation_id: conversationId,
			sender_id: alice.id,
			participant_ids: [bob.id, carol.id],
			created_at: new Date(START_MS).toISOString(),
			deletedFor: [],
		});
		expect(message).toEqual({
			id: expect.any(String),
			event_type: 'MessageCreate',
			dm_conversation_id: conversationId,
			sender_id: alice.id,
			created_at: new Date(START_MS).toISOString(),
			text: 'see https://x.com/a/status/1578900353814519810 #tag',
			entities: expect.objectContaining({ hashtags: [{ start: 47, end: 51, tag: 'tag' }] }),
			referenced_tweets: [{ id: '1578900353814519810' }],
			deletedFor: [],
		});

		join.participant_ids?.push(erin.id);
		message.entities?.hashtags?.splice(0);
		message.deletedFor.push(bob.id);
		const [joinAgain, messageAgain] = emu.visibleEvents(bob.id, { conversationId }).reverse();
		expect(joinAgain.participant_ids).toEqual([bob.id, carol.id]);
		expect(messageAgain.entities?.hashtags).toHaveLength(1);
		expect(messageAgain.deletedFor).toEqual([]);
	});

	test('getConversation and listConversations describe 1:1s and groups with their current participants', () => {
		expect(emu.listConversations()).toEqual([]);
		emu.sendAs(bob.id, { to: alice.id, text: 'hi' });
		const { conversationId } = emu.createGroupAs(alice.id, [bob.id, carol.id], 'group');
		emu.joinAs(conversationId, erin.id, alice.id);
		emu.leaveAs(conversationId, bob.id);

		const oneToOne = { id: `${alice.id}-${bob.id}`, type: 'one_to_one', participantIds: [bob.id, alice.id] };
		const group = { id: conversationId, type: 'group', participantIds: [alice.id, carol.id, erin.id] };
		expect(emu.getConversation(`${alice.id}-${bob.id}`)).toEqual(oneToOne);
		expect(emu.getConversation(conversationId)).toEqual(group);
		expect(emu.getConversation(`${bob.id}-${alice.id}`)).toBeUndefined();
		expect(emu.listConversations()).toEqual([oneToOne, group]);

		emu.getConversation(conversationId)?.participantIds.push(bob.id);
		expect(emu.getConversation(conversationId)?.participantIds).toEqual([alice.id, carol.id, erin.id]);
	});

	test('users come out as copies and change through updateUser', () => {
		expect(alice).toEqual({
			id: '944480690',
			username: 'alice',
			name: 'alice',
			created_at: new Date(START_MS - 365 * DAY_MS).toISOString(),
			description: '',
			protected: false,
			verified: false,
			profile_image_url: 'https://pbs.twimg.com/profile_images/944480690/avatar_normal.jpg',
			dmPolicy: 'all',
			following: [],
		});
		const copy = emu.getUser(alice.id);
		copy?.following.push(bob.id);
		if (copy) copy.dmPolicy = 'none';
		expect(emu.getUser(alice.id)).toMatchObject({ dmPolicy: 'all', following: [] });

		expect(emu.updateUser(alice.id, { dmPolicy: 'following', following: [bob.id], name: 'Alice A.' })).toMatchObject({
			id: alice.id,
			username: 'alice',
			name: 'Alice A.',
			dmPolicy: 'following',
			following: [bob.id],
		});
		expect(emu.getUser(alice.id)).toMatchObject({ dmPolicy: 'following', following: [bob.id] });
		expect(() => emu.updateUser(alice.id, { dmPolicy: 'friends' as 'all' })).toThrow('updateUser: dmPolicy must be all|following|none');
		expect(() => emu.updateUser('123', { name: 'x' })).toThrow(EmulatorError);
		expect(emu.getUser('123')).toBeUndefined();
	});

	test('options and faults are read as copies', () => {
		const options = emu.options as { pageSizeDefault: number };
		options.pageSizeDefault = 1;
		expect(emu.options.pageSizeDefault).toBe(100);

		emu.addFault({ method: 'post', path: /^\/2\/dm/, status: 503, times: 2 });
		emu.addFault({ path: '/2/users', headers: { 'x-extra': 'yes' } });
		expect(emu.listFaults()).toEqual([
			{ method: 'POST', path: '/^\\/2\\/dm/', status: 503, body: undefined, headers: undefined, latencyMs: undefined, reset: undefined, remaining: 2 },
			{ method: undefined, path: '/2/users', status: undefined, body: undefined, headers: { 'x-extra': 'yes' }, latencyMs: undefined, reset: undefined, remaining: 1 },
		]);
		emu.clearFaults();
		expect(emu.listFaults()).toEqual([]);
	});
});
