import type { Emulator } from '../src';
import { runtimeOf } from '../src/emulator';
import { checkResponse, findOperation, loadApi } from '../src/validation';
import { call, closeAndExpectCleanRun, createUserWithToken, startTestEmulator, TEST_CONSUMER_KEY, type UserWithToken } from './helpers';
import { n8nOAuth1 } from './n8n-oauth1';

describe('request pipeline and OpenAPI validation', () => {
	let emu: Emulator;
	let alice: UserWithToken;

	beforeEach(async () => {
		emu = await startTestEmulator();
		alice = createUserWithToken(emu, { username: 'alice' });
	});

	afterEach(() => closeAndExpectCleanRun(emu));

	test('unknown query parameters are rejected with the allowed list (captured message shape)', async () => {
		const response = await call(emu, 'GET', '/2/dm_events?previous_token=abc', { token: alice.token });
		expect(response.status).toBe(400);
		expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
		expect(response.body).toEqual({
			errors: [
				{
					parameters: { previous_token: ['abc'] },
					message: 'The query parameter [previous_token] is not one of [max_results,pagination_token,event_types,dm_event.fields,expansions,media.fields,user.fields,tweet.fields]',
				},
			],
			title: 'Invalid Request',
			detail: 'One or more parameters to your request was invalid.',
			type: 'https://api.x.com/2/problems/invalid-request',
		});
	});

	test('enum violations name the offending value; post.fields errors keep the post name', async () => {
		const response = await call(emu, 'GET', '/2/users/me?user.fields=wrong_field', { token: alice.token });
		expect(response.body.errors).toEqual([
			{ parameters: { 'user.fields': ['wrong_field'] }, message: expect.stringMatching(/^The `user\.fields` query parameter value \[wrong_field\] is not one of \[affiliation,/) },
		]);
		const posts = await call(emu, 'GET', '/2/dm_events?post.fields=nope', { token: alice.token });
		expect(posts.body.errors[0].parameters).toEqual({ 'post.fields': ['nope'] });
		expect(posts.body.errors[0].message).toMatch(/^The `post\.fields` query parameter value \[nope\] is not one of/);
	});

	test('validation happens after authentication, scope check and rate limiting', async () => {
		const unauthorized = await call(emu, 'GET', '/2/dm_events?max_results=0', { token: 'nope' });
		expect(unauthorized).toMatchObject({ status: 401, body: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' } });
		expect(unauthorized.headers['x-rate-limit-limit']).toBeUndefined();

		const { token: noDm } = createUserWithToken(emu, { username: 'nodm', scopes: ['tweet.read', 'users.read'] });
		expect(await call(emu, 'GET', '/2/dm_events?max_results=0', { token: noDm })).toMatchObject({ status: 403, body: { detail: 'Forbidden' } });

		const invalid = await call(emu, 'GET', '/2/dm_events?max_results=0', { token: alice.token });
		expect(invalid.status).toBe(400);
		expect(invalid.headers['x-rate-limit-remaining']).toEqual(expect.any(String));
	});

	test('problemHost switches the problem type host (e.g. to api.twitter.com)', async () => {
		emu.setOption('problemHost', 'https://api.twitter.com/2/problems/');
		const response = await call(emu, 'GET', '/2/dm_events?max_results=0', { token: alice.token });
		expect(response.body.type).toBe('https://api.twitter.com/2/problems/invalid-request');
		const lookup = await call(emu, 'GET', '/2/users/by/username/ghost', { token: alice.token });
		expect(lookup.body.errors[0].type).toBe('https://api.twitter.com/2/problems/resource-not-found');
	});

	test('unknown paths get the legacy 404 body; any Host header is accepted; the spec is served', async () => {
		expect(await call(emu, 'GET', '/2/nothing/here', { token: alice.token })).toMatchObject({
			status: 404,
			body: { errors: [{ message: 'Sorry, that page does not exist', code: 34 }] },
		});
		const viaOtherHost = await call(emu, 'GET', '/2/users/me', { token: alice.token, headers: { host: 'api.x.com' } });
		expect(viaOtherHost.status).toBe(200);
		const spec = await call(emu, 'GET', '/2/openapi.json');
		expect(spec.body.info.version).toBe('2.166');
	});

	test('OAuth 1.0a requests are signed over the Host the client used', async () => {
		// The signer stamps wall-clock time; the emulator checks the skew against its own clock.
		emu.clock.set(Date.now());
		const { oauth_token: key, oauth_token_secret: secret } = emu.issueOAuth1Token({ consumerKey: TEST_CONSUMER_KEY, userId: alice.user.id });
		const oauth = n8nOAuth1({ key: TEST_CONSUMER_KEY, secret: 'test-consumer-secret' }, () => Date.now());
		const url = `${emu.url}/2/users/me?user.fields=created_at`;
		const header = { ...oauth.toHeader(oauth.authorize({ url, method: 'GET' }, { key, secret })) };
		const response = await call(emu, 'GET', '/2/users/me?user.fields=created_at', { headers: header });
		expect(response.status).toBe(200);
		expect(response.body.data.id).toBe(alice.user.id);
		expect(emu.requests().at(-1)?.headers.authorization).toBe('OAuth');

		const signedForOtherHost = oauth.toHeader(oauth.authorize({ url: 'http://api.x.com/2/users/me', method: 'GET' }, { key, secret }));
		expect((await call(emu, 'GET', '/2/users/me', { headers: { ...signedForOtherHost, host: 'api.x.com' } })).status).toBe(200);
		const wrongHost = { ...oauth.toHeader(oauth.authorize({ url: 'http://api.x.com/2/users/me', method: 'GET' }, { key, secret })) };
		expect((await call(emu, 'GET', '/2/users/me', { headers: wrongHost })).status).toBe(401);
	});

	test('validateResponses records responses that break the spec', async () => {
		const stored = runtimeOf(emu).state.users.get(alice.user.id);
		if (!stored) throw new Error('alice is not stored');
		// updateUser keeps usernames as they are: only the stored record can break the pattern.
		stored.username = 'not a valid name';
		await call(emu, 'GET', '/2/users/me', { token: alice.token });
		expect(emu.responseViolations).toEqual([
			expect.objectContaining({ operationId: 'getUsersMe', status: 200, errors: [expect.stringContaining('/data/username must match pattern')] }),
		]);
		emu.responseViolations.length = 0;
	});

	test('checkResponse validates error bodies by problem type', async () => {
		const api = await loadApi();
		const operation = findOperation(api, 'getDirectMessagesEvents');
		if (!operation) throw new Error('no operation getDirectMessagesEvents');
		expect(checkResponse(api, operation, { status: 200, body: { meta: { result_count: 0 } } })).toEqual([]);
		expect(checkResponse(api, operation, { status: 200, body: { data: [], meta: { result_count: 0 } } })).not.toEqual([]);
		expect(checkResponse(api, operation, { status: 200, body: { data: [{ id: 1, event_type: 'MessageCreate' }] } })).not.toEqual([]);
		const capped = { title: 'UsageCapExceeded', type: 'https://api.x.com/2/problems/usage-capped', period: 'Yearly' };
		expect(checkResponse(api, operation, { status: 429, body: capped })).toEqual([expect.stringContaining('/period')]);
		expect(checkResponse(api, operation, { status: 400, body: { title: 'Invalid Request', type: 'https://api.x.com/2/problems/invalid-request', errors: [{ message: 'x' }] } })).toEqual([]);
		expect(checkResponse(api, operation, { status: 404, body: { detail: 'no type' } })).not.toEqual([]);
	});
});
