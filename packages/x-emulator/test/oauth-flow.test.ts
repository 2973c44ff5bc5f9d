import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Emulator, EmulatorUser } from '../src';
import * as auth from '../src/auth';
import type { AuthInfo, RequestContext } from '../src/context';
import { oauthRoutes } from '../src/oauth-routes';
import { Runtime } from '../src/runtime';
import { addUser } from '../src/store';
import { ALL_SCOPES, call as callServer, startTestEmulator, TEST_CLIENT_ID, type Answer } from './helpers';
import { n8nOAuth1 } from './n8n-oauth1';
import { probeGet, stopN8nTimers } from './n8n-oauth2';

const START_MS = Date.UTC(2026, 0, 15, 12, 0, 0);
const HOST = '127.0.0.1:40777';
const REDIRECT = 'http://localhost:5678/rest/oauth2-credential/callback';
const SCOPES = 'tweet.read users.read dm.read dm.write offline.access';
const INVALID_CODE = 'Value passed for the authorization code was invalid.';
const INVALID_TOKEN = { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' };
const MISSING_AUTH = { error: 'unauthorized_client', error_description: 'Missing valid authorization header' };

function makeEmulator(): Runtime {
	const emulator = new Runtime({ now: START_MS });
	addUser(emulator.state, emulator.clock, { id: '100', username: 'alice' });
	addUser(emulator.state, emulator.clock, { id: '200', username: 'bob' });
	return emulator;
}

interface RouteRequest {
	form?: Record<string, string>;
	headers?: Record<string, string>;
}

// A request context shaped like the server builds it.
function makeCtx(emulator: Runtime, method: string, url: string, { form, headers = {} }: RouteRequest = {}): RequestContext {
	const fullUrl = new URL(`http://${HOST}${url}`);
	const lowerHeaders: IncomingHttpHeaders = { host: HOST };
	for (const [name, value] of Object.entries(headers)) lowerHeaders[name.toLowerCase()] = value;
	const body = form ? new URLSearchParams(form).toString() : '';
	if (form) lowerHeaders['content-type'] = 'application/x-www-form-urlencoded';
	return {
		method,
		url: fullUrl,
		host: HOST,
		path: fullUrl.pathname,
		query: Object.fromEntries(fullUrl.searchParams),
		headers: lowerHeaders,
		rawBody: Buffer.from(body),
		json: undefined,
		form: form ? Object.fromEntries(new URLSearchParams(body)) : undefined,
		params: {},
		emulator,
	};
}

// Calls a route of oauth-routes.ts; the OAuth handlers answer synchronously.
function call(emulator: Runtime, method: string, url: string, request: RouteRequest = {}): Answer {
	const route = oauthRoutes.find((entry) => entry.method === method && url.split('?')[0] === entry.path);
	if (!route) throw new Error(`no OAuth route ${method} ${url}`);
	const reply = route.handler(makeCtx(emulator, method, url, request));
	if (reply instanceof Promise) throw new Error(`${method} ${route.path} answered asynchronously`);
	return reply;
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const challengeOf = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-a-long-enough-verifier';
const locationOf = (response: Answer) => new URL(String(response.headers?.location));

function authorizeQuery(overrides: Record<string, string> = {}): string {
	return new URLSearchParams({
		response_type: 'code',
		client_id: 'public-client',
		redirect_uri: REDIRECT,
		scope: SCOPES,
		state: 'state-123',
		code_challenge: challengeOf(VERIFIER),
		code_challenge_method: 'S256',
		...overrides,
	}).toString();
}

/** Runs the consent screen and returns the code from the redirect. */
function approve(emulator: Runtime, overrides: Record<string, string> = {}, user?: string): string {
	const params = Object.fromEntries(new URLSearchParams(authorizeQuery(overrides)));
	const response = call(emulator, 'POST', '/i/oauth2/authorize', { form: { ...params, ...(user ? { user } : {}), decision: 'allow' } });
	expect(response.status).toBe(302);
	const location = locationOf(response);
	expect(location.searchParams.get('state')).toBe(params.state);
	return String(location.searchParams.get('code'));
}

function bearerAuth(emulator: Runtime, token: string): AuthInfo {
	return auth.authenticate(makeCtx(emulator, 'GET', '/2/users/me', { headers: { authorization: `Bearer ${token}` } }));
}

describe('OAuth 2.0 authorization code + PKCE', () => {
	let emulator: Runtime;
	beforeEach(() => {
		emulator = makeEmulator();
		auth.registerOAuth2Client(emulator.state, { clientId: 'public-client', redirectUris: [REDIRECT] });
		auth.registerOAuth2Client(emulator.state, { clientId: 'conf-client', clientSecret: 's3cret', redirectUris: [REDIRECT] });
	});

	const exchange = (code: string, extra: Record<string, string> = {}, headers: Record<string, string> = {}) =>
		call(emulator, 'POST', '/2/oauth2/token', {
			form: { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: VERIFIER, client_id: 'public-client', ...extra },
			headers,
		});

	test('consent page, redirect with code, S256 exchange, token works', () => {
		const page = call(emulator, 'GET', `/i/oauth2/authorize?${authorizeQuery()}&user=bob`);
		expect(page.status).toBe(200);
		expect(page.contentType).toBe('text/html; charset=utf-8');
		expect(page.body).toContain('Authorize app');
		expect(page.body).toContain('@bob');

		const code = approve(emulator, {}, 'bob');
		const response = exchange(code);
		expect(response.status).toBe(200);
		expect(response.body).toEqual({
			token_type: 'bearer',
			expires_in: 7200,
			access_token: expect.any(String),
			scope: SCOPES,
			refresh_token: expect.any(String),
		});
		expect(bearerAuth(emulator, response.body.access_token)).toMatchObject({ kind: 'oauth2', userId: '200', scopes: SCOPES.split(' ') });
	});

	test('plain PKCE, first user by default, no refresh token without offline.access', () => {
		const code = approve(emulator, { code_challenge: VERIFIER, code_challenge_method: 'plain', scope: 'tweet.read users.read' });
		const response = exchange(code);
		expect(response.status).toBe(200);
		expect(response.body).not.toHaveProperty('refresh_token');
		expect(bearerAuth(emulator, response.body.access_token).userId).toBe('100');
	});

	test('wrong verifier, wrong redirect_uri, expired (30 s) and reused codes are refused', () => {
		const invalid = (response: Answer) => {
			expect(response.status).toBe(400);
			expect(response.body).toMatchObject({ error: 'invalid_request', error_description: INVALID_CODE });
		};
		invalid(exchange(approve(emulator), { code_verifier: `${VERIFIER}x` }));
		invalid(exchange(approve(emulator), { redirect_uri: 'http://localhost/other' }));

		const late = approve(emulator);
		emulator.clock.advance(30_000);
		invalid(exchange(late));

		const code = approve(emulator);
		emulator.clock.advance(29_999);
		const first = exchange(code);
		expect(first.status).toBe(200);
		invalid(exchange(code));
		// The replay also revokes what the code granted.
		expect(() => bearerAuth(emulator, first.body.access_token)).toThrow();
		expect(exchange('no-such-code').status).toBe(400);
		expect(exchange(approve(emulator), { code_verifier: '' }).body.error_description).toBe('Missing required parameter [code_verifier].');
	});

	test('confidential clients need HTTP Basic auth', () => {
		const code = approve(emulator, { client_id: 'conf-client' });
		const withoutHeader = exchange(code, { client_id: 'conf-client' });
		expect(withoutHeader.status).toBe(401);
		expect(withoutHeader.body).toEqual(MISSING_AUTH);
		const wrongSecret = exchange(code, { client_id: '' }, { Authorization: basic('conf-client', 'nope') });
		expect(wrongSecret.body).toEqual(MISSING_AUTH);
		const withHeader = exchange(code, { client_id: '' }, { Authorization: basic('conf-client', 's3cret') });
		expect(withHeader.status).toBe(200);
		// Another client cannot redeem the code.
		expect(exchange(approve(emulator, { client_id: 'conf-client' })).status).toBe(400);
	});

	test('refresh rotates; reusing a spent refresh token revokes the family', () => {
		const first = exchange(approve(emulator)).body;
		const refresh = (token: string) =>
			call(emulator, 'POST', '/2/oauth2/token', { form: { grant_type: 'refresh_token', refresh_token: token, client_id: 'public-client' } });
		const second = refresh(first.refresh_token);
		expect(second.status).toBe(200);
		expect(second.body.refresh_token).not.toBe(first.refresh_token);
		expect(second.body.scope).toBe(SCOPES);
		expect(bearerAuth(emulator, second.body.access_token).userId).toBe('100');

		const replay = refresh(first.refresh_token);
		expect(replay.status).toBe(400);
		expect(replay.body).toEqual(INVALID_TOKEN);
		expect(() => bearerAuth(emulator, second.body.access_token)).toThrow();
		expect(refresh(second.body.refresh_token).body).toEqual(INVALID_TOKEN);
		expect(refresh('unknown').body).toEqual(INVALID_TOKEN);
	});

	test('confidential refresh without Basic auth is refused; with it the new token works', () => {
		const first = exchange(approve(emulator, { client_id: 'conf-client' }), { client_id: '' }, { Authorization: basic('conf-client', 's3cret') }).body;
		const form = { grant_type: 'refresh_token', refresh_token: first.refresh_token };
		expect(call(emulator, 'POST', '/2/oauth2/token', { form: { ...form, client_id: 'conf-client' } }).body).toEqual(MISSING_AUTH);
		const refreshed = call(emulator, 'POST', '/2/oauth2/token', { form, headers: { Authorization: basic('conf-client', 's3cret') } });
		expect(refreshed.status).toBe(200);
	});

	test('access tokens expire after expires_in by the emulator clock', () => {
		const token = exchange(approve(emulator)).body.access_token;
		emulator.clock.advance(7200 * 1000);
		expect(() => bearerAuth(emulator, token)).toThrow(expect.objectContaining({ status: 401 }));
	});

	test('revoke endpoint', () => {
		const tokens = exchange(approve(emulator)).body;
		const revoked = call(emulator, 'POST', '/2/oauth2/revoke', { form: { token: tokens.access_token, client_id: 'public-client' } });
		expect(revoked).toMatchObject({ status: 200, body: { revoked: true } });
		expect(() => bearerAuth(emulator, tokens.access_token)).toThrow();
	});

	test('consent screen rejects bad requests; Cancel redirects with access_denied', () => {
		const bad = (overrides: Record<string, string>) => call(emulator, 'GET', `/i/oauth2/authorize?${authorizeQuery(overrides)}`).status;
		expect(bad({ client_id: 'nope' })).toBe(400);
		expect(bad({ redirect_uri: 'http://evil/cb' })).toBe(400);
		expect(bad({ code_challenge: '' })).toBe(400);
		expect(bad({ code_challenge_method: 'md5' })).toBe(400);
		expect(bad({ scope: 'dm.read not.a.scope' })).toBe(400);
		expect(bad({ response_type: 'token' })).toBe(400);
		const params = Object.fromEntries(new URLSearchParams(authorizeQuery()));
		const denied = call(emulator, 'POST', '/i/oauth2/authorize', { form: { ...params, decision: 'deny' } });
		expect(denied.status).toBe(302);
		expect(denied.headers?.location).toBe(`${REDIRECT}?error=access_denied&state=state-123`);
	});
});

describe('OAuth 1.0a three-legged flow', () => {
	const consumer = { key: 'ck-flow', secret: 'cs-flow' };
	let emulator: Runtime;
	beforeEach(() => {
		emulator = makeEmulator();
		auth.registerOAuth1App(emulator.state, { consumerKey: consumer.key, consumerSecret: consumer.secret });
	});

	// Signs like n8n-core (oauth-1.0a, HMAC-SHA1); oauth_* data ends up in the header.
	function signed(method: string, pathname: string, data: Record<string, string>, token?: { key: string; secret: string }): Record<string, string> {
		const oauth = n8nOAuth1(consumer, () => emulator.clock.now());
		return { ...oauth.toHeader(oauth.authorize({ method, url: `http://${HOST}${pathname}`, data }, token)) };
	}

	function requestToken(callback: string): Record<string, string> {
		const response = call(emulator, 'POST', '/oauth/request_token', {
			headers: signed('POST', '/oauth/request_token', { oauth_callback: callback }),
		});
		expect(response.status).toBe(200);
		return Object.fromEntries(new URLSearchParams(response.body));
	}

	test('request token -> authorize -> access token -> signed API call', () => {
		const requested = requestToken('http://localhost:5678/rest/oauth1-credential/callback');
		expect(requested.oauth_callback_confirmed).toBe('true');
		const page = call(emulator, 'GET', `/oauth/authorize?oauth_token=${requested.oauth_token}`);
		expect(page.body).toContain('Authorize app');
		const approved = call(emulator, 'POST', '/oauth/authorize', { form: { oauth_token: requested.oauth_token, user: 'bob', decision: 'allow' } });
		const location = locationOf(approved);
		expect(location.searchParams.get('oauth_token')).toBe(requested.oauth_token);
		const verifier = String(location.searchParams.get('oauth_verifier'));

		const requestTokenPair = { key: requested.oauth_token, secret: requested.oauth_token_secret };
		const wrong = call(emulator, 'POST', '/oauth/access_token', {
			headers: signed('POST', '/oauth/access_token', { oauth_verifier: 'wrong' }, requestTokenPair),
		});
		expect(wrong.status).toBe(401);
		const exchanged = call(emulator, 'POST', '/oauth/access_token', {
			headers: signed('POST', '/oauth/access_token', { oauth_verifier: verifier }, requestTokenPair),
		});
		expect(exchanged.status).toBe(200);
		const access = Object.fromEntries(new URLSearchParams(exchanged.body));
		expect(access).toEqual({ oauth_token: expect.stringMatching(/^200-/), oauth_token_secret: expect.any(String), user_id: '200', screen_name: 'bob' });

		const headers = signed('GET', '/2/users/me', {}, { key: access.oauth_token, secret: access.oauth_token_secret });
		const ctx = makeCtx(emulator, 'GET', '/2/users/me', { headers: { authorization: headers.Authorization } });
		expect(auth.authenticate(ctx)).toMatchObject({ kind: 'oauth1', userId: '200' });
		// The request token is spent.
		const again = call(emulator, 'POST', '/oauth/access_token', {
			headers: signed('POST', '/oauth/access_token', { oauth_verifier: verifier }, requestTokenPair),
		});
		expect(again.status).toBe(401);
	});

	test('oob callback shows a PIN; bad signatures get code 32', () => {
		const requested = requestToken('oob');
		const approved = call(emulator, 'POST', '/oauth/authorize', { form: { oauth_token: requested.oauth_token, decision: 'allow' } });
		expect(approved.status).toBe(200);
		expect(approved.body).toMatch(/PIN: <code id="oauth_pin">[0-9]{7}<\/code>/);

		const headers = signed('POST', '/oauth/request_token', { oauth_callback: 'oob' });
		headers.Authorization = headers.Authorization.replace(/oauth_signature="[^"]+"/, 'oauth_signature="AAAA"');
		const refused = call(emulator, 'POST', '/oauth/request_token', { headers });
		expect(refused).toMatchObject({ status: 401, body: { errors: [{ code: 32, message: 'Could not authenticate you.' }] } });
	});
});

describe('through the HTTP server', () => {
	let emu: Emulator;
	let alice: EmulatorUser;
	beforeAll(async () => {
		emu = await startTestEmulator();
		alice = emu.addUser({ username: 'alice' });
	});
	afterAll(() => emu.close());

	const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

	test('consent form, redirect, token exchange with Basic auth, then an API call', async () => {
		const query = authorizeQuery({ client_id: TEST_CLIENT_ID, redirect_uri: 'http://localhost/callback' });
		const page = await callServer(emu, 'GET', `/i/oauth2/authorize?${query}`);
		expect(page.status).toBe(200);
		expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
		const hiddenFields: string[][] = [...String(page.body).matchAll(/name="([^"]+)" value="([^"]*)"/g)];
		const hidden: Record<string, string> = Object.fromEntries(hiddenFields.map(([, name, value]) => [name, value.replace(/&#38;/g, '&')]));
		expect(hidden.user).toBe(alice.id);

		const approved = await callServer(emu, 'POST', '/i/oauth2/authorize', {
			headers: FORM,
			body: new URLSearchParams({ ...hidden, decision: 'allow' }).toString(),
		});
		expect(approved.status).toBe(302);
		const location = new URL(String(approved.headers.location));
		expect(location.origin + location.pathname).toBe('http://localhost/callback');

		const tokens = await callServer(emu, 'POST', '/2/oauth2/token', {
			headers: { ...FORM, authorization: basic(TEST_CLIENT_ID, 'test-secret') },
			body: new URLSearchParams({
				grant_type: 'authorization_code',
				code: String(location.searchParams.get('code')),
				redirect_uri: 'http://localhost/callback',
				code_verifier: VERIFIER,
			}).toString(),
		});
		expect(tokens.status).toBe(200);
		expect(tokens.headers['x-rate-limit-limit']).toBeUndefined();
		const me = await callServer(emu, 'GET', '/2/users/me', { token: tokens.body.access_token });
		expect(me.body.data.id).toBe(alice.id);
	});

	test('n8n-core httpRequestWithAuthentication refreshes an expired token through /2/oauth2/token and retries', async () => {
		try {
			const clientId = 'n8n-test-client';
			const clientSecret = 'n8n-test-secret';
			const scopes = ALL_SCOPES;
			emu.registerOAuth2Client({ clientId, clientSecret, redirectUris: [REDIRECT], confidential: true });
			// Already expired: the first request gets a 401 and n8n-core refreshes.
			const staleTokens = emu.issueOAuth2Token({ userId: alice.id, clientId, scopes, expiresIn: 0 });
			emu.clearRequests();

			const { error, body, tokenUpdates } = await probeGet(`${emu.url}/2/users/me`, {
				grantType: 'pkce',
				authUrl: `${emu.url}/i/oauth2/authorize`,
				accessTokenUrl: `${emu.url}/2/oauth2/token`,
				clientId,
				clientSecret,
				scope: scopes.join(' '),
				authQueryParameters: '',
				authentication: 'header',
				oauthTokenData: { ...staleTokens },
			});
			expect(error).toBeUndefined();
			expect(body?.data).toMatchObject({ id: alice.id });
			expect(emu.requests().map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toEqual([
				'GET /2/users/me 401',
				'POST /2/oauth2/token 200',
				'GET /2/users/me 200',
			]);
			expect(emu.requests()[1].headers.authorization).toBe('Basic');
			const [update] = tokenUpdates;
			expect(update.oauthTokenData.access_token).not.toBe(staleTokens.access_token);
			expect(update.oauthTokenData.refresh_token).not.toBe(staleTokens.refresh_token);
			// The old refresh token is spent: presenting it again kills the new family too.
			const replay = await callServer(emu, 'POST', '/2/oauth2/token', {
				headers: { ...FORM, authorization: basic(clientId, clientSecret) },
				body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: String(staleTokens.refresh_token) }).toString(),
			});
			expect(replay.body).toEqual(INVALID_TOKEN);
			expect((await callServer(emu, 'GET', '/2/users/me', { token: String(update.oauthTokenData.access_token) })).status).toBe(401);
		} finally {
			stopN8nTimers();
		}
	});
});
