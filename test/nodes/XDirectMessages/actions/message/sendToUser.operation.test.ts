// Message → Send to User, through the real n8n engine against the emulator, with OAuth2 and OAuth1. Assertions look
// at the emulator's ground truth (what really exists) and at the node's output items.
import type { INodeParameters } from 'n8n-workflow';

import {
	bad,
	badInputTests,
	fileItem,
	TOO_LONG_TEXT,
	UNSAFE_NUMBER,
	viaExpression,
	withBinary,
	withMediaId,
	type BadInputCase,
} from '../../../../fixtures/bad-input';
import {
	apiRequests,
	AUTH_KINDS,
	credentialSetup,
	expectPaired,
	messages,
	oneToOneId,
	requestLine,
	rl,
	runAction,
	sendToUser,
	useEmulator,
} from '../../../../fixtures/x-node';

const x = useEmulator();

const sendToBob = (extra: INodeParameters = {}): INodeParameters => sendToUser(x.people.bob.id, extra);

/** Media uploaded by alice outside the node (OAuth2, straight to the upload endpoint), for attaching by ID. */
async function uploadDirectly(category: string): Promise<{ id: string; media_key: string }> {
	const token = x.emu.issueOAuth2Token({ userId: x.people.alice.id, clientId: 'direct', scopes: ['media.write'] }).access_token;
	const response = await fetch(`${x.emu.url}/2/media/upload`, {
		method: 'POST',
		headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
		body: JSON.stringify({ media: Buffer.from('image').toString('base64'), media_category: category, media_type: 'image/png' }),
	});
	const body = (await response.json()) as { data: { id: string; media_key: string } };
	x.emu.clearRequests();
	return body.data;
}

describe('success', () => {
	describe.each(AUTH_KINDS)('with %s', (kind) => {
		const recipientModes: Array<[string, () => INodeParameters[string]]> = [
			['username', () => rl('username', '@bob')],
			['username without @', () => rl('username', 'bob')],
			['ID', () => rl('id', x.people.bob.id)],
			['list (value is the ID)', () => rl('list', x.people.bob.id)],
			['x.com URL', () => rl('url', 'https://x.com/bob')],
			['twitter.com URL', () => rl('url', 'twitter.com/bob/')],
		];

		test.each(recipientModes)('recipient by %s: the DM exists exactly once', async (_mode, recipient) => {
			const { people, emu } = x;
			const { error, items, json } = await runAction({
				setup: x.auth(kind),
				parameters: { resource: 'message', operation: 'sendToUser', recipient: recipient(), text: 'Hello Bob' },
			});
			expect(error).toBeUndefined();
			const conversationId = oneToOneId(people.alice, people.bob);
			const truth = messages(emu, conversationId);
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
				setup: x.auth(kind),
				input,
				parameters: {
					resource: 'message',
					operation: 'sendToUser',
					recipient: rl('id', x.people.bob.id),
					text: '={{ "Message " + $json.word }}',
				},
			});
			expect(error).toBeUndefined();
			expect(json.map((entry) => entry.text)).toEqual(['Message first', 'Message second', 'Message third']);
			expectPaired(items, [0, 1, 2]);
			const truth = messages(x.emu);
			expect(truth.map((event) => event.text)).toEqual(['Message first', 'Message second', 'Message third']);
			expect(json.map((entry) => entry.dm_event_id)).toEqual(truth.map((event) => event.id));
		});
	});

	test('media uploaded for DMs is attached by its ID', async () => {
		const media = await uploadDirectly('dm_image');
		const { error, json } = await runAction({
			setup: x.auth('oAuth2'),
			parameters: sendToBob({ attachmentType: 'mediaId', mediaId: media.id, text: 'by id' }),
		});
		expect(error).toBeUndefined();
		expect(apiRequests(x.emu).map(requestLine)).toEqual([`POST /2/dm_conversations/with/${x.people.bob.id}/messages`]);
		expect(json[0].media_id).toBe(media.id);
		expect(messages(x.emu)[0].attachments?.media_keys).toEqual([media.media_key]);
	});
});

describe('bad input', () => {
	const toRecipient = (mode: string, value: string) => (): INodeParameters => sendToBob({ recipient: rl(mode, viaExpression(value)) });
	const toBob = (extra: INodeParameters) => (): INodeParameters => sendToBob(extra);
	const CASES: BadInputCase[] = [
		// Recipient by ID
		['recipient ID empty', toRecipient('id', ''), 'Recipient'],
		['recipient ID blank', toRecipient('id', '   '), 'Recipient'],
		['recipient ID letters', toRecipient('id', 'abc'), 'Recipient'],
		['recipient ID mixed', toRecipient('id', '12a'), 'Recipient'],
		['recipient ID negative', toRecipient('id', '-5'), 'Recipient'],
		['recipient ID decimal', toRecipient('id', '1.5'), 'Recipient'],
		['recipient ID exponent', toRecipient('id', '1e5'), 'Recipient'],
		['recipient ID hex', toRecipient('id', '0x1F'), 'Recipient'],
		['recipient ID with space', toRecipient('id', '12 34'), 'Recipient'],
		['recipient ID 20 digits', toRecipient('id', '12345678901234567890'), 'Recipient'],
		['recipient ID above int64', toRecipient('id', '9223372036854775808'), 'Recipient'],
		['recipient ID full-width digits', toRecipient('id', '１２３'), 'Recipient'],
		['recipient ID unsafe number from expression', toRecipient('id', UNSAFE_NUMBER), 'Recipient'],
		['recipient ID negative number from expression', toRecipient('id', '={{ -1 }}'), 'Recipient'],
		['recipient ID fractional number from expression', toRecipient('id', '={{ 1.5 }}'), 'Recipient'],
		['recipient ID object from expression', toRecipient('id', '={{ { id: 1 } }}'), 'Recipient'],
		['recipient ID boolean from expression', toRecipient('id', '={{ true }}'), 'Recipient'],
		['recipient list mode with nothing chosen', toRecipient('list', ''), 'Recipient'],
		['recipient list mode with a name', toRecipient('list', 'bob'), 'Recipient'],
		// Recipient by username
		['username empty', toRecipient('username', ''), 'Recipient'],
		['username only @', toRecipient('username', '@'), 'Recipient'],
		['username with space', toRecipient('username', 'bob smith'), 'Recipient'],
		['username 16 characters', toRecipient('username', 'abcdefghijklmnop'), 'Recipient'],
		['username with dash', toRecipient('username', 'bad-name'), 'Recipient'],
		['username with accent', toRecipient('username', 'émile'), 'Recipient'],
		['username double @', toRecipient('username', '@@bob'), 'Recipient'],
		['username with !', toRecipient('username', 'bob!'), 'Recipient'],
		['username with dot', toRecipient('username', 'bob.smith'), 'Recipient'],
		['username number from expression', toRecipient('username', '={{ 42 }}'), 'Recipient'],
		// Recipient by URL
		['URL empty', toRecipient('url', ''), 'Recipient'],
		['URL other host', toRecipient('url', 'https://example.com/bob'), 'Recipient'],
		['URL lookalike host', toRecipient('url', 'https://x.com.evil.test/bob'), 'Recipient'],
		['URL without profile', toRecipient('url', 'https://x.com/'), 'Recipient'],
		['URL home page', toRecipient('url', 'https://x.com/home'), 'Recipient'],
		['URL messages page', toRecipient('url', 'https://x.com/messages/1-2'), 'Recipient'],
		['URL settings page', toRecipient('url', 'https://twitter.com/settings'), 'Recipient'],
		['URL user ID not numeric', toRecipient('url', 'https://x.com/i/user/abc'), 'Recipient'],
		['URL username with dash', toRecipient('url', 'https://x.com/bad-name'), 'Recipient'],
		['URL username too long', toRecipient('url', 'https://x.com/abcdefghijklmnop'), 'Recipient'],
		['URL ftp scheme', toRecipient('url', 'ftp://x.com/bob'), 'Recipient'],
		['URL a post instead of a profile', toRecipient('url', 'https://x.com/bob/status/1'), 'Recipient'],
		['recipient unknown mode', toRecipient('email', 'bob@example.com'), 'Recipient'],
		// Text
		['text empty without attachment', toBob({ text: bad('') }), 'Text'],
		['text 10,001 characters', toBob({ text: TOO_LONG_TEXT }), 'Text'],
		['text 10,001 emoji', toBob({ text: bad('😀'.repeat(10001)) }), 'Text'],
		['text object from expression', toBob({ text: '={{ { a: 1 } }}' }), 'Text'],
		['text array from expression', toBob({ text: '={{ [1, 2] }}' }), 'Text'],
		// Media ID attachments
		['media ID empty', toBob(withMediaId('')), 'Media ID'],
		['media ID letters', toBob(withMediaId('media')), 'Media ID'],
		['media ID media key instead', toBob(withMediaId('3_1583157113245011970')), 'Media ID'],
		['media ID 20 digits', toBob(withMediaId('12345678901234567890')), 'Media ID'],
		['media ID unsafe number', toBob(withMediaId(UNSAFE_NUMBER)), 'Media ID'],
		['media ID list of two', toBob(withMediaId('1,2')), 'Media ID'],
		// Binary attachments
		['binary property missing', toBob(withBinary()), 'Input Binary Field'],
		['binary property name empty', toBob(withBinary('')), 'Input Binary Field', fileItem('image/png')],
		['binary property wrong name', toBob(withBinary('image')), 'Input Binary Field', fileItem('image/png')],
		['binary PDF', toBob(withBinary()), 'Input Binary Field', fileItem('application/pdf')],
		['binary plain text', toBob(withBinary()), 'Input Binary Field', fileItem('text/plain')],
		['binary SVG', toBob(withBinary()), 'Input Binary Field', fileItem('image/svg+xml')],
		['binary audio', toBob(withBinary()), 'Input Binary Field', fileItem('audio/mpeg')],
		['binary AVI video', toBob(withBinary()), 'Input Binary Field', fileItem('video/x-msvideo')],
		['binary HEIC photo', toBob(withBinary()), 'Input Binary Field', fileItem('image/heic')],
		['binary without MIME type', toBob(withBinary()), 'Input Binary Field', fileItem('')],
		['binary empty file', toBob(withBinary()), 'Input Binary Field', fileItem('image/png', 0)],
		['binary GIF over 15 MB', toBob(withBinary()), 'Input Binary Field', fileItem('image/gif', 15 * 1024 * 1024 + 1)],
		// Options
		['max rate-limit wait negative', toBob({ options: { maxRateLimitWait: bad(-1) } }), 'Max Rate-Limit Wait'],
		// Inputs that must be refused before they reach X
		['binary PNG of 5 MB + 1 byte', toBob(withBinary()), 'Input Binary Field', fileItem('image/png', 5 * 1024 * 1024 + 1)],
		['binary WEBP of 5 MB + 1 byte', toBob(withBinary()), 'Input Binary Field', fileItem('image/webp', 5 * 1024 * 1024 + 1)],
		['text with a lone high surrogate', toBob({ text: bad('half an emoji: \uD83D!') }), 'Text'],
		['text with a lone low surrogate', toBob({ text: bad('\uDE00 at the start') }), 'Text'],
		['text cut inside an emoji', toBob({ text: bad('ok 😀'.slice(0, 4)) }), 'Text'],
		['timeout above the timer limit', toBob({ options: { timeout: bad(2147484) } }), 'Timeout'],
		['timeout above one hour', toBob({ options: { timeout: bad(3601) } }), 'Timeout'],
		['timeout of a billionth of a second', toBob({ options: { timeout: bad(1e-9) } }), 'Timeout'],
		['timeout below one millisecond', toBob({ options: { timeout: bad(0.0004) } }), 'Timeout'],
		['max rate-limit wait above one day', toBob({ options: { maxRateLimitWait: bad(86401) } }), 'Max Rate-Limit Wait'],
	];
	badInputTests(x, CASES, 76);
});

describe('failures', () => {
	test('connection reset after X stored the DM: error says it may have been sent, exactly one DM exists', async () => {
		x.emu.addFault({ method: 'POST', path: '/2/dm_conversations/with/', reset: 'after' });
		const { error } = await runAction({ setup: x.auth('oAuth2'), parameters: sendToBob() });
		expect(error?.message).toBe('The Direct Message may or may not have been sent: the connection was reset');
		expect(error?.description).toContain('Check the conversation');
		expect(apiRequests(x.emu).filter((request) => request.method === 'POST')).toHaveLength(1);
		expect(messages(x.emu)).toHaveLength(1);
	});

	test('a send that times out is not repeated', async () => {
		x.emu.addFault({ method: 'POST', path: '/2/dm_conversations/with/', latencyMs: 1000 });
		const { error } = await runAction({ setup: x.auth('oAuth2'), parameters: sendToBob({ options: { timeout: 0.2 } }) });
		expect(error?.message).toBe('The Direct Message may or may not have been sent: the request timed out');
		expect(apiRequests(x.emu).filter((request) => request.method === 'POST')).toHaveLength(1);
	});

	test('recipient whose DM settings refuse you', async () => {
		const { emu } = x;
		emu.reset();
		const alice = emu.addUser({ username: 'alice' });
		const closed = emu.addUser({ username: 'closed', dmPolicy: 'none' });
		const { error } = await runAction({
			setup: credentialSetup(emu, alice, 'oAuth2'),
			parameters: { ...sendToBob(), recipient: rl('username', 'closed') },
		});
		expect(error?.message).toBe('The recipient does not accept Direct Messages from you');
		expect(error?.description).toContain('You cannot send messages to this user.');
		expect(emu.events({ conversationId: `${alice.id}-${closed.id}` })).toHaveLength(0);
	});

	test('recipient who blocked you', async () => {
		x.emu.block(x.people.bob.id, x.people.alice.id);
		const { error } = await runAction({ setup: x.auth('oAuth1'), parameters: sendToBob() });
		expect(error?.message).toBe('The recipient does not accept Direct Messages from you');
	});

	test('unknown username: the error names the parameter', async () => {
		const { error } = await runAction({ setup: x.auth('oAuth2'), parameters: { ...sendToBob(), recipient: rl('username', 'nobody_here') } });
		expect(error?.message).toBe('Recipient: X could not find the user "nobody_here"');
		expect(error?.description).toBe('Check the spelling, or enter the user ID instead.');
		expect(String((error as { httpCode?: string } | undefined)?.httpCode)).toBe('404');
		expect(apiRequests(x.emu).map((request) => request.method)).toEqual(['GET']);
	});

	test.each([
		['a user ID', { recipient: rl('id', bad('abc')) }, 'A user ID is a string of 1 to 19 digits'],
		['a media ID', withMediaId('media'), 'A media ID is a string of 1 to 19 digits'],
	])('the description of a malformed ID reads "%s is ..."', async (_what, extra, description) => {
		const { error } = await runAction({ setup: x.auth('oAuth2'), parameters: sendToBob(extra) });
		expect(error?.description).toContain(description);
	});

	test('a lone surrogate is reported with its position and nothing is sent', async () => {
		const { error } = await runAction({ setup: x.auth('oAuth2'), parameters: sendToBob({ text: bad('abc\uD83D') }) });
		expect(error?.message).toBe('Text contains a lone UTF-16 surrogate (U+D83D) at character 4: it is not valid Unicode');
		expect(x.emu.requests()).toEqual([]);
	});

	test('media X refuses to attach to a DM', async () => {
		const { error } = await runAction({
			setup: x.auth('oAuth2'),
			parameters: sendToBob({ attachmentType: 'mediaId', mediaId: '1583157113245011970' }),
		});
		expect(error).toMatchObject({ httpCode: '403' });
		expect(error?.message).toMatch(/media/i);
	});

	test('media uploaded for posts (tweet_image) is refused with an explanation', async () => {
		const media = await uploadDirectly('tweet_image');
		const { error } = await runAction({ setup: x.auth('oAuth2'), parameters: sendToBob({ attachmentType: 'mediaId', mediaId: media.id }) });
		expect(error?.message).toBe('This media cannot be attached to a Direct Message');
		expect(error?.description).toContain('dm_image');
		expect(messages(x.emu)).toHaveLength(0);
	});
});
