import type { Emulator } from '../src';
import { call, closeAndExpectCleanRun, createUserWithToken, startTestEmulator, type UserWithToken } from './helpers';

const ALICE = '944480690';
const BOB = '906948460078698496';
const CAROL = '1466796521412771840';
const DAVE = '1584100721111111111';
// Numeric order puts ALICE first although '9069...' sorts first as a string.
const ALICE_BOB = `${ALICE}-${BOB}`;

const CANNOT_SEND = { title: 'Forbidden', detail: 'You cannot send messages to this user.', type: 'about:blank', status: 403 };
const FORBIDDEN = { title: 'Forbidden', detail: 'Forbidden', type: 'about:blank', status: 403 };

describe('DM sends', () => {
	let emu: Emulator;
	let alice: UserWithToken;
	let bob: UserWithToken;

	beforeEach(async () => {
		emu = await startTestEmulator();
		alice = createUserWithToken(emu, { id: ALICE, username: 'alice', name: 'Alice' });
		bob = createUserWithToken(emu, { id: BOB, username: 'bob', name: 'Bob' });
		emu.addUser({ id: CAROL, username: 'carol', name: 'Carol' });
		emu.addUser({ id: DAVE, username: 'dave', name: 'Dave', dmPolicy: 'none' });
	});

	afterEach(() => closeAndExpectCleanRun(emu));

	const sendTo = (token: string, userId: string, json: unknown) => call(emu, 'POST', `/2/dm_conversations/with/${userId}/messages`, { token, json });

	describe('POST /2/dm_conversations/with/:participant_id/messages', () => {
		test('creates the 1:1 conversation ({lower}-{higher} by numeric value) and returns 201 with ids', async () => {
			const first = await sendTo(alice.token, BOB, { text: 'Hello Bob' });
			expect(first.status).toBe(201);
			expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
			expect(first.body).toEqual({ data: { dm_conversation_id: ALICE_BOB, dm_event_id: expect.stringMatching(/^[0-9]{19}$/) } });

			const reply = await sendTo(bob.token, ALICE, { text: 'Hi Alice' });
			expect(reply.body.data.dm_conversation_id).toBe(ALICE_BOB);
			expect(BigInt(reply.body.data.dm_event_id) > BigInt(first.body.data.dm_event_id)).toBe(true);

			expect(emu.events({ conversationId: ALICE_BOB })).toEqual([
				expect.objectContaining({ id: first.body.data.dm_event_id, event_type: 'MessageCreate', sender_id: ALICE, text: 'Hello Bob' }),
				expect.objectContaining({ id: reply.body.data.dm_event_id, event_type: 'MessageCreate', sender_id: BOB, text: 'Hi Alice' }),
			]);
			expect(emu.getConversation(ALICE_BOB)?.type).toBe('one_to_one');
		});

		test('sends rate-limit headers including the 24-hour ones', async () => {
			const response = await sendTo(alice.token, BOB, { text: 'x' });
			expect(response.headers).toEqual(
				expect.objectContaining({
					'x-rate-limit-limit': expect.any(String),
					'x-rate-limit-remaining': expect.any(String),
					'x-rate-limit-reset': expect.any(String),
					'x-user-limit-24hour-limit': expect.any(String),
					'x-app-limit-24hour-limit': expect.any(String),
				}),
			);
		});

		test("refuses recipients whose DM settings do not allow the sender (403, synthetic body)", async () => {
			expect(await sendTo(alice.token, DAVE, { text: 'hi' })).toMatchObject({ status: 403, body: CANNOT_SEND });

			emu.updateUser(CAROL, { dmPolicy: 'following' });
			expect(await sendTo(alice.token, CAROL, { text: 'hi' })).toMatchObject({ status: 403, body: CANNOT_SEND });
			emu.updateUser(CAROL, { following: [...(emu.getUser(CAROL)?.following ?? []), ALICE] });
			expect((await sendTo(alice.token, CAROL, { text: 'hi' })).status).toBe(201);
			expect(emu.events()).toHaveLength(1);
		});

		test('refuses blocked pairs in both directions until unblocked', async () => {
			emu.block(BOB, ALICE);
			expect(await sendTo(alice.token, BOB, { text: 'hi' })).toMatchObject({ status: 403, body: CANNOT_SEND });
			expect(await sendTo(bob.token, ALICE, { text: 'hi' })).toMatchObject({ status: 403, body: CANNOT_SEND });
			emu.unblock(BOB, ALICE);
			expect((await sendTo(alice.token, BOB, { text: 'hi' })).status).toBe(201);
		});

		test('refuses unknown (well-formed) recipients with the same 403', async () => {
			expect(await sendTo(alice.token, '123456789', { text: 'hi' })).toMatchObject({ status: 403, body: CANNOT_SEND });
		});

		test('rejects text over 10,000 characters and more than one attachment (400 invalid-request)', async () => {
			const tooLong = await sendTo(alice.token, BOB, { text: 'a'.repeat(10001) });
			expect(tooLong.status).toBe(400);
			expect(tooLong.body).toEqual({
				errors: [{ parameters: {}, message: '$.text: may only be 10000 characters long' }],
				title: 'Invalid Request',
				detail: 'One or more parameters to your request was invalid.',
				type: 'https://api.x.com/2/problems/invalid-request',
			});
			expect((await sendTo(alice.token, BOB, { text: '🎉'.repeat(10000) })).status).toBe(201);

			const twoAttachments = await sendTo(alice.token, BOB, { text: 'x', attachments: [{ media_id: '1' }, { media_id: '2' }] });
			expect(twoAttachments.status).toBe(400);
			expect(twoAttachments.body.errors).toEqual([{ parameters: {}, message: '$.attachments: there must be a maximum of 1 items in the array' }]);
		});

		test('validates the body against the spec', async () => {
			const empty = await sendTo(alice.token, BOB, {});
			expect(empty.status).toBe(400);
			expect(empty.body.errors.map((error: { message: string }) => error.message)).toEqual([
				'$.text: is missing but it is required',
				'$.attachments: is missing but it is required',
			]);
			const emptyText = await sendTo(alice.token, BOB, { text: '' });
			expect(emptyText.body.errors[0].message).toBe('$.text: must be at least 1 characters long');
			const badId = await sendTo(alice.token, 'abc', { text: 'x' });
			expect(badId.body.errors).toEqual([
				{ parameters: { participant_id: ['abc'] }, message: 'The `participant_id` query parameter value [abc] does not match ^[0-9]{1,19}$' },
			]);
		});

		test('requires application/json bodies', async () => {
			const response = await call(emu, 'POST', `/2/dm_conversations/with/${BOB}/messages`, {
				token: alice.token,
				body: 'text=hello',
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
			});
			expect(response.status).toBe(400);
			expect(response.body.errors).toEqual([{ parameters: {}, message: 'Requests with bodies must have content-type of application/json.' }]);
			const broken = await call(emu, 'POST', `/2/dm_conversations/with/${BOB}/messages`, {
				token: alice.token,
				body: '{"text":',
				headers: { 'content-type': 'application/json' },
			});
			expect(broken.status).toBe(400);
			expect(broken.body.type).toBe('https://api.x.com/2/problems/invalid-request');
		});
	});

	describe('POST /2/dm_conversations/:dm_conversation_id/messages', () => {
		const sendIn = (token: string, conversationId: string, json: unknown) => call(emu, 'POST', `/2/dm_conversations/${conversationId}/messages`, { token, json });

		test('sends into an existing 1:1 or group conversation', async () => {
			await sendTo(alice.token, BOB, { text: 'first' });
			const oneToOne = await sendIn(bob.token, ALICE_BOB, { text: 'second' });
			expect(oneToOne).toMatchObject({ status: 201, body: { data: { dm_conversation_id: ALICE_BOB } } });

			const { conversationId } = emu.createGroupAs(ALICE, [BOB, CAROL], 'group hello');
			const inGroup = await sendIn(bob.token, conversationId, { text: 'group reply' });
			expect(inGroup).toMatchObject({ status: 201, body: { data: { dm_conversation_id: conversationId } } });
			expect(emu.events({ conversationId }).map((event) => event.text)).toEqual([undefined, 'group hello', 'group reply']);
		});

		test('accepts the canonical 1:1 id before the first message (documented guess)', async () => {
			const response = await sendIn(alice.token, ALICE_BOB, { text: 'opening' });
			expect(response).toMatchObject({ status: 201, body: { data: { dm_conversation_id: ALICE_BOB } } });
		});

		test('answers 403 for conversations the caller is not part of, unknown ids and non-canonical 1:1 ids', async () => {
			const { conversationId } = emu.createGroupAs(BOB, [CAROL, DAVE], 'private');
			expect(await sendIn(alice.token, conversationId, { text: 'x' })).toMatchObject({ status: 403, body: FORBIDDEN });
			expect(await sendIn(alice.token, '1234567890123456789', { text: 'x' })).toMatchObject({ status: 403, body: FORBIDDEN });
			expect(await sendIn(alice.token, `${BOB}-${ALICE}`, { text: 'x' })).toMatchObject({ status: 403, body: FORBIDDEN });
			expect(await sendIn(alice.token, `${BOB}-${CAROL}`, { text: 'x' })).toMatchObject({ status: 403, body: FORBIDDEN });
			expect(emu.events({ conversationId })).toHaveLength(2);
		});

		test('applies the recipient checks in 1:1 conversations', async () => {
			await sendTo(alice.token, BOB, { text: 'first' });
			emu.block(BOB, ALICE);
			expect(await sendIn(alice.token, ALICE_BOB, { text: 'x' })).toMatchObject({ status: 403, body: CANNOT_SEND });
		});
	});

	describe('POST /2/dm_conversations', () => {
		const createGroup = (token: string, json: unknown) => call(emu, 'POST', '/2/dm_conversations', { token, json });
		const groupBody = (participantIds: string[], text = 'Hello group') => ({ conversation_type: 'Group', participant_ids: participantIds, message: { text } });

		test('creates a new group every time, with a ParticipantsJoin event before the message', async () => {
			const first = await createGroup(alice.token, groupBody([BOB, CAROL]));
			const second = await createGroup(alice.token, groupBody([BOB, CAROL]));
			expect(first.status).toBe(201);
			expect(first.body.data.dm_conversation_id).toMatch(/^[0-9]{15,19}$/);
			expect(second.body.data.dm_conversation_id).not.toBe(first.body.data.dm_conversation_id);

			const events = emu.events({ conversationId: first.body.data.dm_conversation_id });
			expect(events).toEqual([
				expect.objectContaining({ event_type: 'ParticipantsJoin', sender_id: ALICE, participant_ids: [BOB, CAROL] }),
				expect.objectContaining({ id: first.body.data.dm_event_id, event_type: 'MessageCreate', sender_id: ALICE, text: 'Hello group' }),
			]);
			expect([...(emu.getConversation(first.body.data.dm_conversation_id)?.participantIds ?? [])].sort()).toEqual([ALICE, BOB, CAROL].sort());
		});

		test("tolerates the creator's own id among participant_ids", async () => {
			const response = await createGroup(alice.token, groupBody([ALICE, BOB, CAROL]));
			expect(response.status).toBe(201);
			const [join] = emu.events({ conversationId: response.body.data.dm_conversation_id });
			expect(join.participant_ids).toEqual([BOB, CAROL]);
		});

		test('validates conversation_type, participant_ids and message', async () => {
			const wrongType = await createGroup(alice.token, { ...groupBody([BOB, CAROL]), conversation_type: 'group' });
			expect(wrongType.status).toBe(400);
			expect(wrongType.body.errors).toEqual([{ parameters: {}, message: '$.conversation_type: does not have a value in the enumeration [Group]' }]);
			const tooFew = await createGroup(alice.token, groupBody([BOB]));
			expect(tooFew.body.errors).toEqual([{ parameters: {}, message: '$.participant_ids: there must be a minimum of 2 items in the array' }]);
			const tooLong = await createGroup(alice.token, groupBody([BOB, CAROL], 'x'.repeat(10001)));
			expect(tooLong.body.errors).toEqual([{ parameters: {}, message: '$.message.text: may only be 10000 characters long' }]);
			const extra = await createGroup(alice.token, { ...groupBody([BOB, CAROL]), extra: true });
			expect(extra.body.errors[0].message).toBe('$.extra: is not defined in the schema and the schema does not allow additional properties');
			expect(emu.events()).toEqual([]);
		});

		test('refuses when a participant does not accept DMs from the creator', async () => {
			expect(await createGroup(alice.token, groupBody([BOB, DAVE]))).toMatchObject({ status: 403, body: CANNOT_SEND });
			expect(emu.listConversations()).toHaveLength(0);
		});
	});
});
