'use strict';

// Table of bad inputs: each one must fail with an error that names the parameter, and before the node sends
// anything (the emulator sees no request at all, not even a token refresh). Bad values arrive through expressions,
// as they do at run time from earlier nodes: n8n itself refuses to start a workflow whose literal parameter values
// break a field's validation rules, so the node's own checks are what stands between upstream data and X.
const { startEmulator } = require('../emulator');
const { shutdown, binaryItem } = require('../helpers/n8n-harness');
const { rl, runAction, credentialSetup } = require('../helpers/x-node');

let emu;
let alice;
let bob;

beforeAll(async () => {
	emu = await startEmulator();
	alice = emu.addUser({ username: 'alice' });
	bob = emu.addUser({ username: 'bob' });
});

afterAll(async () => {
	await emu.close();
	shutdown();
});

beforeEach(() => {
	emu.clearRequests();
});

/** A parameter value that reaches the node through an expression. */
const bad = (value) => `={{ ${JSON.stringify(value)} }}`;
const TOO_LONG_TEXT = bad('a'.repeat(10001));
const UNSAFE_NUMBER = '={{ 1152921504606846976 }}';

const sendToUser = (extra) => ({ resource: 'message', operation: 'sendToUser', text: 'hi', ...extra });
const toRecipient = (mode, value) => sendToUser({ recipient: rl(mode, value.startsWith('=') ? value : bad(value)) });
const sendToConversation = (extra) => ({
	resource: 'message',
	operation: 'sendToConversation',
	text: 'hi',
	conversation: rl('id', '1234567890123456789'),
	...extra,
});
const toConversation = (mode, value) => sendToConversation({ conversation: rl(mode, value.startsWith('=') ? value : bad(value)) });
const createGroup = (participants, extra) => ({
	resource: 'conversation',
	operation: 'createGroup',
	participants: participants.startsWith('=') ? participants : bad(participants),
	text: 'hi',
	...extra,
});
const getMany = (extra) => ({ resource: 'event', operation: 'getMany', scope: 'all', returnAll: true, ...extra });
const withMediaId = (mediaId) => ({ attachmentType: 'mediaId', mediaId: mediaId.startsWith('=') ? mediaId : bad(mediaId) });
const withBinary = (binaryPropertyName = 'data') => ({ attachmentType: 'binary', binaryPropertyName: bad(binaryPropertyName) });

const fileItem = (mimeType, bytes = 16) => () => [binaryItem(Buffer.alloc(bytes, 1), { mimeType, fileName: 'file.bin' })];

// [case, parameters, name the error must contain, input items?]
const CASES = [
	// Recipient by ID
	['recipient ID empty', () => toRecipient('id', ''), 'Recipient'],
	['recipient ID blank', () => toRecipient('id', '   '), 'Recipient'],
	['recipient ID letters', () => toRecipient('id', 'abc'), 'Recipient'],
	['recipient ID mixed', () => toRecipient('id', '12a'), 'Recipient'],
	['recipient ID negative', () => toRecipient('id', '-5'), 'Recipient'],
	['recipient ID decimal', () => toRecipient('id', '1.5'), 'Recipient'],
	['recipient ID exponent', () => toRecipient('id', '1e5'), 'Recipient'],
	['recipient ID hex', () => toRecipient('id', '0x1F'), 'Recipient'],
	['recipient ID with space', () => toRecipient('id', '12 34'), 'Recipient'],
	['recipient ID 20 digits', () => toRecipient('id', '12345678901234567890'), 'Recipient'],
	['recipient ID above int64', () => toRecipient('id', '9223372036854775808'), 'Recipient'],
	['recipient ID full-width digits', () => toRecipient('id', '１２３'), 'Recipient'],
	['recipient ID unsafe number from expression', () => toRecipient('id', UNSAFE_NUMBER), 'Recipient'],
	['recipient ID negative number from expression', () => toRecipient('id', '={{ -1 }}'), 'Recipient'],
	['recipient ID fractional number from expression', () => toRecipient('id', '={{ 1.5 }}'), 'Recipient'],
	['recipient ID object from expression', () => toRecipient('id', '={{ { id: 1 } }}'), 'Recipient'],
	['recipient ID boolean from expression', () => toRecipient('id', '={{ true }}'), 'Recipient'],
	['recipient list mode with nothing chosen', () => toRecipient('list', ''), 'Recipient'],
	['recipient list mode with a name', () => toRecipient('list', 'bob'), 'Recipient'],
	// Recipient by username
	['username empty', () => toRecipient('username', ''), 'Recipient'],
	['username only @', () => toRecipient('username', '@'), 'Recipient'],
	['username with space', () => toRecipient('username', 'bob smith'), 'Recipient'],
	['username 16 characters', () => toRecipient('username', 'abcdefghijklmnop'), 'Recipient'],
	['username with dash', () => toRecipient('username', 'bad-name'), 'Recipient'],
	['username with accent', () => toRecipient('username', 'émile'), 'Recipient'],
	['username double @', () => toRecipient('username', '@@bob'), 'Recipient'],
	['username with !', () => toRecipient('username', 'bob!'), 'Recipient'],
	['username with dot', () => toRecipient('username', 'bob.smith'), 'Recipient'],
	['username number from expression', () => toRecipient('username', '={{ 42 }}'), 'Recipient'],
	// Recipient by URL
	['URL empty', () => toRecipient('url', ''), 'Recipient'],
	['URL other host', () => toRecipient('url', 'https://example.com/bob'), 'Recipient'],
	['URL lookalike host', () => toRecipient('url', 'https://x.com.evil.test/bob'), 'Recipient'],
	['URL without profile', () => toRecipient('url', 'https://x.com/'), 'Recipient'],
	['URL home page', () => toRecipient('url', 'https://x.com/home'), 'Recipient'],
	['URL messages page', () => toRecipient('url', 'https://x.com/messages/1-2'), 'Recipient'],
	['URL settings page', () => toRecipient('url', 'https://twitter.com/settings'), 'Recipient'],
	['URL user ID not numeric', () => toRecipient('url', 'https://x.com/i/user/abc'), 'Recipient'],
	['URL username with dash', () => toRecipient('url', 'https://x.com/bad-name'), 'Recipient'],
	['URL username too long', () => toRecipient('url', 'https://x.com/abcdefghijklmnop'), 'Recipient'],
	['URL ftp scheme', () => toRecipient('url', 'ftp://x.com/bob'), 'Recipient'],
	['URL a post instead of a profile', () => toRecipient('url', 'https://x.com/bob/status/1'), 'Recipient'],
	['recipient unknown mode', () => toRecipient('email', 'bob@example.com'), 'Recipient'],
	// Text
	['text empty without attachment', () => sendToUser({ recipient: rl('id', bob.id), text: bad('') }), 'Text'],
	['text 10,001 characters', () => sendToUser({ recipient: rl('id', bob.id), text: TOO_LONG_TEXT }), 'Text'],
	['text 10,001 emoji', () => sendToUser({ recipient: rl('id', bob.id), text: bad('😀'.repeat(10001)) }), 'Text'],
	['text object from expression', () => sendToUser({ recipient: rl('id', bob.id), text: '={{ { a: 1 } }}' }), 'Text'],
	['text array from expression', () => sendToUser({ recipient: rl('id', bob.id), text: '={{ [1, 2] }}' }), 'Text'],
	['text empty in a conversation', () => sendToConversation({ text: bad('') }), 'Text'],
	['text too long in a conversation', () => sendToConversation({ text: TOO_LONG_TEXT }), 'Text'],
	['text empty in a new group', () => createGroup(`${alice.id},${bob.id}`, { text: bad('') }), 'Text'],
	['text too long in a new group', () => createGroup(`${alice.id},${bob.id}`, { text: TOO_LONG_TEXT }), 'Text'],
	// Media ID attachments
	['media ID empty', () => sendToUser({ recipient: rl('id', bob.id), ...withMediaId('') }), 'Media ID'],
	['media ID letters', () => sendToUser({ recipient: rl('id', bob.id), ...withMediaId('media') }), 'Media ID'],
	['media ID media key instead', () => sendToUser({ recipient: rl('id', bob.id), ...withMediaId('3_1583157113245011970') }), 'Media ID'],
	['media ID 20 digits', () => sendToUser({ recipient: rl('id', bob.id), ...withMediaId('12345678901234567890') }), 'Media ID'],
	['media ID unsafe number', () => sendToUser({ recipient: rl('id', bob.id), ...withMediaId(UNSAFE_NUMBER) }), 'Media ID'],
	['media ID list of two', () => sendToUser({ recipient: rl('id', bob.id), ...withMediaId('1,2') }), 'Media ID'],
	['media ID bad in a conversation', () => sendToConversation(withMediaId('x')), 'Media ID'],
	['media ID bad in a new group', () => createGroup(`${alice.id},${bob.id}`, withMediaId('x')), 'Media ID'],
	// Binary attachments
	['binary property missing', () => sendToUser({ recipient: rl('id', bob.id), ...withBinary() }), 'Input Binary Field'],
	['binary property name empty', () => sendToUser({ recipient: rl('id', bob.id), ...withBinary('') }), 'Input Binary Field', fileItem('image/png')],
	['binary property wrong name', () => sendToUser({ recipient: rl('id', bob.id), ...withBinary('image') }), 'Input Binary Field', fileItem('image/png')],
	['binary PDF', () => sendToUser({ recipient: rl('id', bob.id), ...withBinary() }), 'Input Binary Field', fileItem('application/pdf')],
	['binary plain text', () => sendToUser({ recipient: rl('id', bob.id), ...withBinary() }), 'Input Binary Field', fileItem('text/plain')],
	['binary SVG', () => sendToUser({ recipient: rl('id', bob.id), ...withBinary() }), 'Input Binary Field', fileItem('image/svg+xml')],
	['binary audio', () => sendToUser({ recipient: rl('id', bob.id), ...withBinary() }), 'Input Binary Field', fileItem('audio/mpeg')],
	['binary AVI video', () => sendToUser({ recipient: rl('id', bob.id), ...withBinary() }), 'Input Binary Field', fileItem('video/x-msvideo')],
	['binary HEIC photo', () => sendToUser({ recipient: rl('id', bob.id), ...withBinary() }), 'Input Binary Field', fileItem('image/heic')],
	['binary without MIME type', () => sendToUser({ recipient: rl('id', bob.id), ...withBinary() }), 'Input Binary Field', fileItem('')],
	['binary empty file', () => sendToUser({ recipient: rl('id', bob.id), ...withBinary() }), 'Input Binary Field', fileItem('image/png', 0)],
	['binary GIF over 15 MB', () => sendToUser({ recipient: rl('id', bob.id), ...withBinary() }), 'Input Binary Field', fileItem('image/gif', 15 * 1024 * 1024 + 1)],
	['binary unsupported in a conversation', () => sendToConversation(withBinary()), 'Input Binary Field', fileItem('application/zip')],
	['binary unsupported in a new group', () => createGroup(`${alice.id},${bob.id}`, withBinary()), 'Input Binary Field', fileItem('application/zip')],
	// Conversation
	['conversation ID empty', () => toConversation('id', ''), 'Conversation'],
	['conversation ID letters', () => toConversation('id', 'abc'), 'Conversation'],
	['conversation group ID too short', () => toConversation('id', '12345678901234'), 'Conversation'],
	['conversation group ID 20 digits', () => toConversation('id', '12345678901234567890'), 'Conversation'],
	['conversation one-to-one missing half', () => toConversation('id', '123-'), 'Conversation'],
	['conversation one-to-one missing first half', () => toConversation('id', '-123'), 'Conversation'],
	['conversation three parts', () => toConversation('id', '1-2-3'), 'Conversation'],
	['conversation double dash', () => toConversation('id', '1--2'), 'Conversation'],
	['conversation letters with dash', () => toConversation('id', 'a-b'), 'Conversation'],
	['conversation part with 20 digits', () => toConversation('id', '12345678901234567890-1'), 'Conversation'],
	['conversation ID with spaces inside', () => toConversation('id', '1 - 2'), 'Conversation'],
	['conversation object from expression', () => toConversation('id', '={{ { id: 1 } }}'), 'Conversation'],
	['conversation list mode with nothing chosen', () => toConversation('list', ''), 'Conversation'],
	['conversation URL empty', () => toConversation('url', ''), 'Conversation'],
	['conversation URL without ID', () => toConversation('url', 'https://x.com/messages/'), 'Conversation'],
	['conversation URL with letters', () => toConversation('url', 'https://x.com/messages/abc'), 'Conversation'],
	['conversation URL other host', () => toConversation('url', 'https://example.com/messages/1-2'), 'Conversation'],
	['conversation URL is a profile', () => toConversation('url', 'https://x.com/bob'), 'Conversation'],
	['conversation URL with a short group ID', () => toConversation('url', 'https://x.com/messages/123'), 'Conversation'],
	['conversation unknown mode', () => toConversation('name', 'friends'), 'Conversation'],
	// Group participants
	['participants empty', () => createGroup(''), 'Participants'],
	['participants only separators', () => createGroup(' , ; '), 'Participants'],
	['participants one username', () => createGroup('@bob'), 'Participants'],
	['participants one ID', () => createGroup(bob.id), 'Participants'],
	['participants the same username twice', () => createGroup('@bob, @bob'), 'Participants'],
	['participants the same username in other case', () => createGroup('bob, BOB'), 'Participants'],
	['participants the same ID twice', () => createGroup(`${bob.id} ${bob.id}`), 'Participants'],
	['participants 50 users', () => createGroup(Array.from({ length: 50 }, (_v, index) => String(1000 + index)).join(',')), 'Participants'],
	['participants bad username', () => createGroup('@bob, bad-name'), 'Participants'],
	['participants username too long', () => createGroup('@bob, @abcdefghijklmnop'), 'Participants'],
	['participants ID too long', () => createGroup('@bob, 12345678901234567890'), 'Participants'],
	['participants with a URL', () => createGroup('@bob, https://x.com/carol'), 'Participants'],
	['participants array with objects', () => createGroup('={{ [{}, {}] }}'), 'Participants'],
	['participants empty array', () => createGroup('={{ [] }}'), 'Participants'],
	['participants array with an unsafe number', () => createGroup('={{ [1152921504606846976, 5] }}'), 'Participants'],
	['participants boolean', () => createGroup('={{ true }}'), 'Participants'],
	// Get many
	['limit 0', () => getMany({ returnAll: false, limit: bad(0) }), 'Limit'],
	['limit negative', () => getMany({ returnAll: false, limit: bad(-1) }), 'Limit'],
	['limit fractional', () => getMany({ returnAll: false, limit: bad(1.5) }), 'Limit'],
	['limit text from expression', () => getMany({ returnAll: false, limit: '={{ "many" }}' }), 'Limit'],
	['event type unknown', () => getMany({ eventTypes: '={{ ["MessageDelete"] }}' }), 'Event Types'],
	['event type wrong case', () => getMany({ eventTypes: '={{ ["messagecreate"] }}' }), 'Event Types'],
	['event field unknown', () => getMany({ dmEventFields: '={{ ["subject"] }}' }), 'Event Fields'],
	['expansion unknown', () => getMany({ expansions: '={{ "sender" }}' }), 'Expansions'],
	['user field unknown', () => getMany({ userFields: '={{ ["email"] }}' }), 'User Fields'],
	['tweet field unknown', () => getMany({ tweetFields: '={{ ["likes"] }}' }), 'Tweet Fields'],
	['media field unknown', () => getMany({ mediaFields: '={{ ["size"] }}' }), 'Media Fields'],
	['scope participant with bad ID', () => getMany({ scope: 'participant', participant: rl('id', bad('bob')) }), 'User'],
	['scope participant with bad username', () => getMany({ scope: 'participant', participant: rl('username', bad('a b')) }), 'User'],
	['scope conversation with bad ID', () => getMany({ scope: 'conversation', conversation: rl('id', bad('12')) }), 'Conversation'],
	['scope participant with a non-profile URL', () => getMany({ scope: 'participant', participant: rl('url', bad('https://x.com/explore')) }), 'User'],
	// Get and delete
	['get event ID empty', () => ({ resource: 'event', operation: 'get', eventId: bad('') }), 'Event ID'],
	['get event ID letters', () => ({ resource: 'event', operation: 'get', eventId: bad('latest') }), 'Event ID'],
	['get event ID 20 digits', () => ({ resource: 'event', operation: 'get', eventId: bad('12345678901234567890') }), 'Event ID'],
	['get event ID decimal', () => ({ resource: 'event', operation: 'get', eventId: bad('1.0') }), 'Event ID'],
	['get event ID unsafe number', () => ({ resource: 'event', operation: 'get', eventId: UNSAFE_NUMBER }), 'Event ID'],
	['get event field unknown', () => ({ resource: 'event', operation: 'get', eventId: '1', dmEventFields: '={{ ["x"] }}' }), 'Event Fields'],
	['delete event ID empty', () => ({ resource: 'event', operation: 'delete', eventId: bad('') }), 'Event ID'],
	['delete event ID letters', () => ({ resource: 'event', operation: 'delete', eventId: bad('all') }), 'Event ID'],
	['delete event ID conversation ID', () => ({ resource: 'event', operation: 'delete', eventId: bad('1-2') }), 'Event ID'],
	['delete event ID unsafe number', () => ({ resource: 'event', operation: 'delete', eventId: UNSAFE_NUMBER }), 'Event ID'],
	// Options
	['max rate-limit wait negative', () => sendToUser({ recipient: rl('id', bob.id), options: { maxRateLimitWait: bad(-1) } }), 'Max Rate-Limit Wait'],
	['max rate-limit wait text', () => getMany({ options: { maxRateLimitWait: '={{ "soon" }}' } }), 'Max Rate-Limit Wait'],
	['timeout zero', () => getMany({ options: { timeout: bad(0) } }), 'Timeout'],
	['timeout negative', () => sendToConversation({ options: { timeout: bad(-5) } }), 'Timeout'],
];

test('the table has at least 100 cases', () => {
	expect(CASES.length).toBeGreaterThanOrEqual(100);
});

// Every row gets four cells: jest would read a missing fourth argument as a `done` callback.
const ROWS = CASES.map(([name, parameters, parameterName, input]) => [name, parameters, parameterName, input ?? null]);

describe.each(['oAuth2', 'oAuth1'])('%s', (kind) => {
	test.each(ROWS)('%s', async (_name, parameters, parameterName, input) => {
		const setup = credentialSetup(emu, alice, kind);
		const { error, json } = await runAction({ setup, parameters: parameters(), input: input?.() });
		expect(json).toEqual([]);
		expect(error).toBeDefined();
		expect(error.name).toBe('NodeOperationError');
		expect(error.message).toContain(parameterName);
		expect(emu.requests()).toEqual([]);
	});
});

test('with "continue on fail" each bad item becomes an error item paired to its input, good items still run', async () => {
	const setup = credentialSetup(emu, alice, 'oAuth2');
	const input = [{ json: { to: bob.id } }, { json: { to: 'nobody!' } }, { json: { to: bob.id } }];
	const { error, items } = await runAction({
		setup,
		input,
		continueOnFail: true,
		parameters: sendToUser({ recipient: rl('id', '={{ $json.to }}'), text: '={{ "for " + $json.to }}' }),
	});
	expect(error).toBeUndefined();
	expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	expect(items[0].json.dm_event_id).toEqual(expect.any(String));
	expect(items[1].json.error).toContain('Recipient');
	expect(items[2].json.dm_event_id).toEqual(expect.any(String));
	expect(emu.requests().filter((request) => request.method === 'POST')).toHaveLength(2);
});

test('an API Base URL that is not a URL is reported before any request', async () => {
	const setup = credentialSetup(emu, alice, 'oAuth2');
	setup.credentials.xDmOAuth2Api.baseUrl = 'api.x.com without scheme';
	const { error } = await runAction({ setup, parameters: toRecipient('id', bob.id) });
	expect(error.message).toContain('API Base URL');
	expect(emu.requests()).toEqual([]);
});
