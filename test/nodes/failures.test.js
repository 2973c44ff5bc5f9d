'use strict';

// How the node behaves when X says no, limits it, or the connection breaks: plain-language errors, rate-limit waits,
// and never a second send when the outcome of the first one is unknown.
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

const sendToBob = (extra = {}) => ({
	resource: 'message',
	operation: 'sendToUser',
	recipient: rl('id', people.bob.id),
	text: 'hello',
	...extra,
});

function messages() {
	return emu.events().filter((event) => event.event_type === 'MessageCreate');
}

function rateLimitHeaders(resetInSeconds, extra = {}) {
	return {
		'x-rate-limit-limit': '200',
		'x-rate-limit-remaining': '0',
		'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000) + resetInSeconds),
		...extra,
	};
}

const TOO_MANY = { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 };

describe('rate limits', () => {
	test('a 429 whose reset is within "Max Rate-Limit Wait" is waited out, then the send is repeated once', async () => {
		emu.addFault({ method: 'POST', path: '/2/dm_conversations/with/', status: 429, body: TOO_MANY, headers: rateLimitHeaders(1) });
		const setup = credentialSetup(emu, people.alice, 'oAuth2');
		const { error, json } = await runAction({ setup, parameters: sendToBob() });
		expect(error).toBeUndefined();
		expect(apiRequests(emu).map((request) => request.status)).toEqual([429, 201]);
		expect(messages()).toHaveLength(1);
		expect(json[0].dm_event_id).toBe(messages()[0].id);
	});

	test('a 429 whose reset is later than "Max Rate-Limit Wait" fails at once, naming the reset time', async () => {
		emu.setRateLimitProfile({ base: 'launch', dmPost: { user15: 1, user24: 1000, app24: 15000, dayHeaders: true } });
		const setup = credentialSetup(emu, people.alice, 'oAuth1');
		const first = await runAction({ setup, parameters: sendToBob({ text: 'one' }) });
		expect(first.error).toBeUndefined();
		const second = await runAction({ setup, parameters: sendToBob({ text: 'two' }) });
		const rejected = apiRequests(emu)[1];
		expect(rejected.status).toBe(429);
		expect(second.error.message).toMatch(/^X rate limit reached: the limit resets at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z \(in \d+ s; Max Rate-Limit Wait is 60 s\)$/);
		expect(second.error.description).toContain('Max Rate-Limit Wait');
		// The 15-minute window that the first send opened.
		const resetAt = Date.parse(/resets at (\S+)/.exec(second.error.message)[1]);
		expect(resetAt - emu.clock.now()).toBeGreaterThan(14 * 60 * 1000);
		expect(resetAt - emu.clock.now()).toBeLessThanOrEqual(15 * 60 * 1000 + 1000);
		expect(apiRequests(emu)).toHaveLength(2);
		expect(messages().map((event) => event.text)).toEqual(['one']);
		emu.setRateLimitProfile('launch');
	});

	test('the reset time in the error is the one X announced (24-hour user window)', async () => {
		const userReset = Math.ceil(Date.now() / 1000) + 6 * 3600;
		emu.addFault({
			method: 'POST',
			path: '/2/dm_conversations/with/',
			status: 429,
			body: TOO_MANY,
			headers: {
				'x-rate-limit-limit': '200',
				'x-rate-limit-remaining': '150',
				'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000) + 600),
				'x-user-limit-24hour-limit': '1000',
				'x-user-limit-24hour-remaining': '0',
				'x-user-limit-24hour-reset': String(userReset),
			},
		});
		const setup = credentialSetup(emu, people.alice, 'oAuth2');
		const { error } = await runAction({ setup, parameters: sendToBob() });
		expect(error.message).toContain(`the limit resets at ${new Date(userReset * 1000).toISOString()}`);
		expect(apiRequests(emu)).toHaveLength(1);
		expect(messages()).toHaveLength(0);
	});

	test('"Max Rate-Limit Wait" 0 never waits', async () => {
		emu.addFault({ method: 'GET', path: '/2/dm_events', status: 429, body: TOO_MANY, headers: rateLimitHeaders(1) });
		const setup = credentialSetup(emu, people.alice, 'oAuth2');
		const { error } = await runAction({
			setup,
			parameters: { resource: 'event', operation: 'getMany', scope: 'all', returnAll: true, options: { maxRateLimitWait: 0 } },
		});
		expect(error.message).toMatch(/^X rate limit reached: the limit resets at .* Max Rate-Limit Wait is 0 s\)$/);
		expect(apiRequests(emu)).toHaveLength(1);
	});

	test('a usage-capped 429 is never waited on, even when a reset is announced soon', async () => {
		emu.addFault({
			method: 'POST',
			path: '/2/dm_conversations/with/',
			status: 429,
			body: {
				title: 'UsageCapExceeded',
				detail: 'Usage cap exceeded: Monthly product cap',
				type: 'https://api.x.com/2/problems/usage-capped',
				period: 'Monthly',
				scope: 'Product',
			},
			headers: rateLimitHeaders(1),
		});
		const setup = credentialSetup(emu, people.alice, 'oAuth2');
		const { error } = await runAction({ setup, parameters: sendToBob() });
		expect(error.message).toBe('X usage cap exceeded (Monthly Product cap): no more requests are accepted until the cap resets');
		expect(apiRequests(emu)).toHaveLength(1);
		expect(messages()).toHaveLength(0);
	});

	test("the emulator's own usage cap gives the same error", async () => {
		emu.setUsageCap({ period: 'Daily', scope: 'Account' });
		const setup = credentialSetup(emu, people.alice, 'oAuth1');
		const { error } = await runAction({ setup, parameters: sendToBob() });
		expect(error.message).toContain('X usage cap exceeded (Daily Account cap)');
		emu.setUsageCap(undefined);
	});
});

describe('unknown outcome: a send is never repeated', () => {
	test('connection reset after X stored the DM: error says it may have been sent, exactly one DM exists', async () => {
		emu.addFault({ method: 'POST', path: '/2/dm_conversations/with/', reset: 'after' });
		const setup = credentialSetup(emu, people.alice, 'oAuth2');
		const { error } = await runAction({ setup, parameters: sendToBob() });
		expect(error.message).toBe('The Direct Message may or may not have been sent: the connection was reset');
		expect(error.description).toContain('Check the conversation');
		expect(apiRequests(emu).filter((request) => request.method === 'POST')).toHaveLength(1);
		expect(messages()).toHaveLength(1);
	});

	test('connection reset before X handled it: still not repeated (the client cannot tell)', async () => {
		emu.addFault({ method: 'POST', path: '/2/dm_conversations', reset: 'before' });
		const setup = credentialSetup(emu, people.alice, 'oAuth1');
		const { error } = await runAction({
			setup,
			parameters: { resource: 'conversation', operation: 'createGroup', participants: `${people.bob.id},${people.carol.id}`, text: 'g' },
		});
		expect(error.message).toBe('The Direct Message may or may not have been sent: the connection was reset');
		expect(apiRequests(emu)).toHaveLength(1);
		expect(messages()).toHaveLength(0);
	});

	test.each([500, 502, 503])('a %i answer to a send is not repeated', async (status) => {
		const { conversationId } = emu.createGroupAs(people.bob.id, [people.alice.id, people.carol.id], 'hi');
		emu.addFault({ method: 'POST', path: `/2/dm_conversations/${conversationId}/messages`, status });
		const setup = credentialSetup(emu, people.alice, 'oAuth2');
		const { error } = await runAction({
			setup,
			parameters: { resource: 'message', operation: 'sendToConversation', conversation: rl('id', conversationId), text: 'x' },
		});
		expect(error.message).toBe(`The Direct Message may or may not have been sent: X answered ${status}`);
		expect(apiRequests(emu)).toHaveLength(1);
	});

	test('a send that times out is not repeated', async () => {
		emu.addFault({ method: 'POST', path: '/2/dm_conversations/with/', latencyMs: 1000 });
		const setup = credentialSetup(emu, people.alice, 'oAuth2');
		const { error } = await runAction({ setup, parameters: sendToBob({ options: { timeout: 0.2 } }) });
		expect(error.message).toBe('The Direct Message may or may not have been sent: the request timed out');
		expect(apiRequests(emu).filter((request) => request.method === 'POST')).toHaveLength(1);
	});

	test('a GET whose connection is reset is repeated once', async () => {
		const sent = emu.sendAs(people.bob.id, { to: people.alice.id, text: 'hi' });
		emu.addFault({ method: 'GET', path: `/2/dm_events/${sent.id}`, reset: 'before' });
		const setup = credentialSetup(emu, people.alice, 'oAuth2');
		const { error, json } = await runAction({ setup, parameters: { resource: 'event', operation: 'get', eventId: sent.id } });
		expect(error).toBeUndefined();
		expect(json[0].id).toBe(sent.id);
		expect(apiRequests(emu)).toHaveLength(2);
	});

	test('a GET fails after its one repeat', async () => {
		emu.addFault({ method: 'GET', path: '/2/dm_events', status: 503, times: 2 });
		const setup = credentialSetup(emu, people.alice, 'oAuth2');
		const { error } = await runAction({ setup, parameters: { resource: 'event', operation: 'getMany', scope: 'all', returnAll: true } });
		expect(error.message).toBe('X returned a server error (503) for GET /2/dm_events');
		expect(apiRequests(emu)).toHaveLength(2);
	});
});

describe('plain-language errors', () => {
	test('recipient whose DM settings refuse you', async () => {
		emu.reset();
		const alice = emu.addUser({ username: 'alice' });
		const closed = emu.addUser({ username: 'closed', dmPolicy: 'none' });
		const setup = credentialSetup(emu, alice, 'oAuth2');
		const { error } = await runAction({ setup, parameters: { ...sendToBob(), recipient: rl('username', 'closed') } });
		expect(error.message).toBe('The recipient does not accept Direct Messages from you');
		expect(error.description).toContain('You cannot send messages to this user.');
		expect(emu.events({ conversationId: `${alice.id}-${closed.id}` })).toHaveLength(0);
	});

	test('recipient who blocked you', async () => {
		emu.block(people.bob.id, people.alice.id);
		const setup = credentialSetup(emu, people.alice, 'oAuth1');
		const { error } = await runAction({ setup, parameters: sendToBob() });
		expect(error.message).toBe('The recipient does not accept Direct Messages from you');
	});

	test('unknown username', async () => {
		const setup = credentialSetup(emu, people.alice, 'oAuth2');
		const { error } = await runAction({ setup, parameters: { ...sendToBob(), recipient: rl('username', 'nobody_here') } });
		expect(error.message).toBe('X could not find the user "nobody_here"');
		expect(apiRequests(emu).map((request) => request.method)).toEqual(['GET']);
	});

	test.each([
		['one of several usernames', '@bob, @nobody_here, @carol', 'X could not find the user "nobody_here"'],
		['the only username, beside an ID', () => `${people.bob.id}, @nobody_here`, 'X could not find the user "nobody_here"'],
		['several usernames', '@bob, @nobody_a, @carol, @Nobody_B', 'X could not find the users "nobody_a", "Nobody_B"'],
		['every username', '@nobody_a, @nobody_b', 'X could not find the users "nobody_a", "nobody_b"'],
	])('unknown participants (%s): one lookup, an error naming each, no group', async (_case, participants, message) => {
		const setup = credentialSetup(emu, people.alice, 'oAuth2');
		const { error } = await runAction({
			setup,
			parameters: {
				resource: 'conversation',
				operation: 'createGroup',
				participants: typeof participants === 'function' ? participants() : participants,
				text: 'g',
			},
		});
		expect(error.message).toBe(message);
		expect(String(error.httpCode)).toBe('404');
		expect(apiRequests(emu).map((request) => `${request.method} ${request.path}`)).toEqual(['GET /2/users/by']);
		expect([...emu.state.conversations.values()].filter((conversation) => conversation.type === 'group')).toHaveLength(0);
	});

	test('OAuth2 token without dm.write: names the missing scope', async () => {
		const setup = credentialSetup(emu, people.alice, 'oAuth2', { scopes: ['tweet.read', 'users.read', 'dm.read'] });
		const { error } = await runAction({ setup, parameters: sendToBob() });
		expect(error.message).toBe('The X credential is missing the scope dm.write');
		expect(error.description).toContain('Reconnect the credential');
	});

	test('OAuth1 app without the DM permission', async () => {
		const setup = credentialSetup(emu, people.alice, 'oAuth1', { consumerKey: 'read-write-app', permission: 'read-write' });
		const { error } = await runAction({ setup, parameters: sendToBob() });
		expect(error.message).toBe('The X app of this OAuth1 credential lacks the "Read and write and Direct message" permission');
	});

	test.each(['oAuth2', 'oAuth1'])('%s: sending into a group you are not part of', async (kind) => {
		const { conversationId } = emu.createGroupAs(people.bob.id, [people.carol.id, people.dave.id], 'private');
		const setup = credentialSetup(emu, people.alice, kind);
		const { error } = await runAction({
			setup,
			parameters: { resource: 'message', operation: 'sendToConversation', conversation: rl('id', conversationId), text: 'let me in' },
		});
		expect(error.message).toBe('The authenticated user is not a participant of this conversation, or it does not exist');
		expect(emu.events({ conversationId }).filter((event) => event.event_type === 'MessageCreate').map((event) => event.text)).toEqual([
			'private',
		]);
	});

	test('access tier not enrolled (client-forbidden)', async () => {
		emu.addFault({
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
		const setup = credentialSetup(emu, people.alice, 'oAuth2');
		const { error } = await runAction({ setup, parameters: { resource: 'event', operation: 'getMany', scope: 'all', returnAll: true } });
		expect(error.message).toBe("Your X developer app's access level does not include this endpoint");
		expect(error.description).toContain('Appropriate Level of API Access');
	});

	test('media X refuses to attach to a DM', async () => {
		const setup = credentialSetup(emu, people.alice, 'oAuth2');
		const { error } = await runAction({
			setup,
			parameters: sendToBob({ attachmentType: 'mediaId', mediaId: '1583157113245011970' }),
		});
		expect(error.httpCode).toBe('403');
		expect(error.message).toMatch(/media/i);
	});

	test('an OAuth1 token X does not know: reconnect', async () => {
		const setup = credentialSetup(emu, people.alice, 'oAuth1');
		setup.credentials.xDmOAuth1Api.oauthTokenData.oauth_token = `${people.alice.id}-unknowntoken`;
		const { error } = await runAction({ setup, parameters: sendToBob() });
		expect(error.message).toBe('X rejected the credentials (401 Unauthorized): the access token is invalid, expired or revoked');
		expect(error.description).toContain('Reconnect the X DM OAuth1 credential');
		expect(messages()).toHaveLength(0);
	});

	test('deleting an event that does not exist', async () => {
		const setup = credentialSetup(emu, people.alice, 'oAuth2');
		const { error } = await runAction({ setup, parameters: { resource: 'event', operation: 'delete', eventId: '1234567890123456789' } });
		expect(error.message).toBe('X could not find the DM event "1234567890123456789"');
	});
});

describe('secrets stay out of errors and output', () => {
	test.each([
		[
			'401 (also after an OAuth2 refresh)',
			(emulator) =>
				emulator.addFault({
					method: 'POST',
					path: '/2/dm_conversations',
					status: 401,
					body: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' },
					times: 2,
				}),
		],
		['reset', (emulator) => emulator.addFault({ method: 'POST', path: '/2/dm_conversations', reset: 'after' })],
		['403', (emulator) => emulator.block(people.bob.id, people.alice.id)],
	])('%s', async (_name, inject) => {
		for (const kind of ['oAuth2', 'oAuth1']) {
			emu.clearFaults();
			const setup = credentialSetup(emu, people.alice, kind);
			inject(emu);
			const { error, run } = await runAction({ setup, parameters: sendToBob(), continueOnFail: false });
			expect(error).toBeDefined();
			const serialized = JSON.stringify(run);
			const data = setup.credentials[setup.type];
			const secrets = [
				data.oauthTokenData.access_token,
				data.oauthTokenData.refresh_token,
				data.oauthTokenData.oauth_token_secret,
				data.clientSecret,
				data.consumerSecret,
			].filter(Boolean);
			for (const secret of secrets) expect(serialized).not.toContain(secret);
			expect(serialized).not.toMatch(/Bearer [A-Za-z0-9_-]{10,}/);
			expect(serialized).not.toContain('oauth_signature');
		}
	});
});

describe('continue on fail', () => {
	test('API errors become error items paired to their input; the other items are sent', async () => {
		emu.block(people.carol.id, people.alice.id);
		const setup = credentialSetup(emu, people.alice, 'oAuth2');
		const input = [people.bob, people.carol, people.dave].map((user) => ({ json: { to: user.id } }));
		const { error, items } = await runAction({
			setup,
			input,
			continueOnFail: true,
			parameters: sendToBob({ recipient: rl('id', '={{ $json.to }}') }),
		});
		expect(error).toBeUndefined();
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[1].json).toEqual({
			error: 'The recipient does not accept Direct Messages from you',
			description: expect.stringContaining('You cannot send messages to this user.'),
			httpCode: '403',
		});
		expect(items[0].json.recipient_id).toBe(people.bob.id);
		expect(items[2].json.recipient_id).toBe(people.dave.id);
		expect(messages()).toHaveLength(2);
	});

	test('without it the first failing item stops the node and the error names the item', async () => {
		emu.block(people.carol.id, people.alice.id);
		const setup = credentialSetup(emu, people.alice, 'oAuth2');
		const input = [people.bob, people.carol, people.dave].map((user) => ({ json: { to: user.id } }));
		const { error } = await runAction({ setup, input, parameters: sendToBob({ recipient: rl('id', '={{ $json.to }}') }) });
		expect(error.message).toBe('The recipient does not accept Direct Messages from you');
		expect(error.context.itemIndex).toBe(1);
		expect(messages()).toHaveLength(1);
	});
});
