// Message → Send to Conversation, through the real n8n engine against the emulator, with OAuth2 and OAuth1.
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
import { apiRequests, AUTH_KINDS, expectPaired, fileOf, messages, rl, runAction, sendToConversation, useEmulator } from '../../../../fixtures/x-node';

const x = useEmulator();

describe('success', () => {
	describe.each(AUTH_KINDS)('with %s', (kind) => {
		test.each([
			['ID', (id: string) => rl('id', id)],
			['list', (id: string) => rl('list', id)],
			['URL', (id: string) => rl('url', `https://x.com/messages/${id}`)],
		])('into a group by %s', async (_mode, conversation) => {
			const { people, emu } = x;
			const { conversationId } = emu.createGroupAs(people.bob.id, [people.alice.id, people.carol.id], 'Welcome');
			const { error, items, json } = await runAction({
				setup: x.auth(kind),
				parameters: sendToConversation(conversationId, { conversation: conversation(conversationId), text: 'Thanks for adding me' }),
			});
			expect(error).toBeUndefined();
			const truth = messages(emu, conversationId);
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
			const { people, emu } = x;
			const first = emu.sendAs(people.bob.id, { to: people.alice.id, text: 'ping' });
			const { error } = await runAction({ setup: x.auth(kind), parameters: sendToConversation(first.dm_conversation_id, { text: 'pong' }) });
			expect(error).toBeUndefined();
			expect(messages(emu, first.dm_conversation_id).map((event) => [event.sender_id, event.text])).toEqual([
				[people.bob.id, 'ping'],
				[people.alice.id, 'pong'],
			]);
		});
	});

	test('takes a binary attachment', async () => {
		const { people, emu } = x;
		const { conversationId } = emu.createGroupAs(people.bob.id, [people.alice.id, people.carol.id], 'hi');
		const { error } = await runAction({
			setup: x.auth('oAuth1'),
			input: [fileOf(1024, 'image/jpeg', 'a.jpg')],
			parameters: sendToConversation(conversationId, { text: 'photo', attachmentType: 'binary', binaryPropertyName: 'data' }),
		});
		expect(error).toBeUndefined();
		const withMedia = messages(emu).filter((event) => event.attachments);
		expect(withMedia.map((event) => [event.dm_conversation_id, event.text])).toEqual([[conversationId, 'photo']]);
	});
});

describe('bad input', () => {
	const inConversation = (extra: INodeParameters) => (): INodeParameters => sendToConversation('1234567890123456789', extra);
	const toConversation = (mode: string, value: string) => inConversation({ conversation: rl(mode, viaExpression(value)) });
	const CASES: BadInputCase[] = [
		// Text
		['text empty in a conversation', inConversation({ text: bad('') }), 'Text'],
		['text too long in a conversation', inConversation({ text: TOO_LONG_TEXT }), 'Text'],
		// Attachments
		['media ID bad in a conversation', inConversation(withMediaId('x')), 'Media ID'],
		['binary unsupported in a conversation', inConversation(withBinary()), 'Input Binary Field', fileItem('application/zip')],
		// Conversation
		['conversation ID empty', toConversation('id', ''), 'Conversation'],
		['conversation ID letters', toConversation('id', 'abc'), 'Conversation'],
		['conversation group ID too short', toConversation('id', '12345678901234'), 'Conversation'],
		['conversation group ID 20 digits', toConversation('id', '12345678901234567890'), 'Conversation'],
		['conversation one-to-one missing half', toConversation('id', '123-'), 'Conversation'],
		['conversation one-to-one missing first half', toConversation('id', '-123'), 'Conversation'],
		['conversation three parts', toConversation('id', '1-2-3'), 'Conversation'],
		['conversation double dash', toConversation('id', '1--2'), 'Conversation'],
		['conversation letters with dash', toConversation('id', 'a-b'), 'Conversation'],
		['conversation part with 20 digits', toConversation('id', '12345678901234567890-1'), 'Conversation'],
		['conversation ID with spaces inside', toConversation('id', '1 - 2'), 'Conversation'],
		['conversation object from expression', toConversation('id', '={{ { id: 1 } }}'), 'Conversation'],
		['conversation list mode with nothing chosen', toConversation('list', ''), 'Conversation'],
		['conversation URL empty', toConversation('url', ''), 'Conversation'],
		['conversation URL without ID', toConversation('url', 'https://x.com/messages/'), 'Conversation'],
		['conversation URL with letters', toConversation('url', 'https://x.com/messages/abc'), 'Conversation'],
		['conversation URL other host', toConversation('url', 'https://example.com/messages/1-2'), 'Conversation'],
		['conversation URL is a profile', toConversation('url', 'https://x.com/bob'), 'Conversation'],
		['conversation URL with a short group ID', toConversation('url', 'https://x.com/messages/123'), 'Conversation'],
		['conversation unknown mode', toConversation('name', 'friends'), 'Conversation'],
		// Options
		['timeout negative', inConversation({ options: { timeout: bad(-5) } }), 'Timeout'],
		// Conversation IDs whose parts do not fit X's 64-bit IDs, broken text
		['conversation first part above int64', toConversation('id', '9223372036854775808-1'), 'Conversation'],
		['conversation second part above int64', toConversation('id', '1-9999999999999999999'), 'Conversation'],
		['conversation group ID above int64', toConversation('id', '9223372036854775808'), 'Conversation'],
		['conversation URL with a part above int64', toConversation('url', 'https://x.com/messages/1-9223372036854775808'), 'Conversation'],
		['text with a lone surrogate in a conversation', inConversation({ text: bad('\uDC00') }), 'Text'],
	];
	badInputTests(x, CASES, 30);
});

describe('failures', () => {
	test.each([500, 502, 503])('a %i answer to a send is not repeated', async (status) => {
		const { people, emu } = x;
		const { conversationId } = emu.createGroupAs(people.bob.id, [people.alice.id, people.carol.id], 'hi');
		emu.addFault({ method: 'POST', path: `/2/dm_conversations/${conversationId}/messages`, status });
		const { error } = await runAction({ setup: x.auth('oAuth2'), parameters: sendToConversation(conversationId, { text: 'x' }) });
		expect(error?.message).toBe(`The Direct Message may or may not have been sent: X answered ${status}`);
		expect(apiRequests(emu)).toHaveLength(1);
	});

	test.each(AUTH_KINDS)('%s: sending into a group you are not part of', async (kind) => {
		const { people, emu } = x;
		const { conversationId } = emu.createGroupAs(people.bob.id, [people.carol.id, people.dave.id], 'private');
		const { error } = await runAction({ setup: x.auth(kind), parameters: sendToConversation(conversationId, { text: 'let me in' }) });
		expect(error?.message).toBe('The authenticated user is not a participant of this conversation, or it does not exist');
		expect(messages(emu, conversationId).map((event) => event.text)).toEqual(['private']);
	});
});
