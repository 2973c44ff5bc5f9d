import type { IncomingHttpHeaders } from 'node:http';
import * as auth from '../src/auth';
import type { AuthInfo, RequestContext } from '../src/context';
import { loadApi, type Api, type Operation } from '../src/openapi-loader';
import { Runtime } from '../src/runtime';
import { findOperation } from '../src/validation';
import type { XOAuth1TokenResponse, XOAuth2TokenResponse } from '../src/x-types';
import { call, startTestEmulator, thrownReply, tokenFor, TEST_CLIENT_ID, TEST_CONSUMER_KEY } from './helpers';
import { n8nOAuth1 } from './n8n-oauth1';
import type { Emulator, EmulatorUser } from '../src';

const START_MS = Date.UTC(2026, 0, 15, 12, 0, 0);
const HOST = '127.0.0.1:40555';

let api: Api;
beforeAll(async () => {
	api = await loadApi();
});

function operation(operationId: string): Operation {
	const found = findOperation(api, operationId);
	if (!found) throw new Error(`no operation ${operationId}`);
	return found;
}

function makeEmulator(): Runtime {
	return new Runtime({ now: START_MS });
}

interface CtxInput {
	method?: string;
	url: string;
	headers?: Record<string, string>;
	body?: string;
	operationId?: string;
	host?: string;
}

// The request context the server builds.
function makeCtx(emulator: Runtime, { method = 'GET', url, headers = {}, body, operationId, host = HOST }: CtxInput): RequestContext {
	const fullUrl = new URL(`http://${host}${url}`);
	const lowerHeaders: IncomingHttpHeaders = { host };
	for (const [name, value] of Object.entries(headers)) lowerHeaders[name.toLowerCase()] = value;
	return {
		method,
		url: fullUrl,
		host,
		path: fullUrl.pathname,
		query: Object.fromEntries(fullUrl.searchParams),
		headers: lowerHeaders,
		rawBody: Buffer.from(body || ''),
		json: undefined,
		params: {},
		operation: operationId ? operation(operationId) : undefined,
		emulator,
	};
}

function oauth1Caller(info: AuthInfo) {
	if (info.kind !== 'oauth1') throw new Error(`expected OAuth 1.0a, got ${info.kind}`);
	return info;
}

const UNAUTHORIZED = { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' };
const FORBIDDEN = { title: 'Forbidden', type: 'about:blank', status: 403, detail: 'Forbidden' };
const DM_SCOPES = ['tweet.read', 'users.read', 'dm.read', 'dm.write', 'offline.access'];

describe('OAuth 2.0 bearer tokens', () => {
	let emulator: Runtime;
	let token: XOAuth2TokenResponse;
	beforeEach(() => {
		emulator = makeEmulator();
		auth.registerOAuth2Client(emulator.state, { clientId: 'client-1', redirectUris: ['http://localhost/cb'] });
		token = auth.issueOAuth2Token(emulator.state, emulator.clock, { userId: '100', clientId: 'client-1', scopes: DM_SCOPES });
	});
	const bearerCtx = (value: string | undefined, operationId = 'getDirectMessagesEvents') =>
		makeCtx(emulator, { url: '/2/dm_events', headers: { Authorization: `Bearer ${value}` }, operationId });

	test('token response has X shape; refresh token only with offline.access', () => {
		expect(token).toEqual({
			token_type: 'bearer',
			expires_in: 7200,
			access_token: expect.any(String),
			scope: DM_SCOPES.join(' '),
			refresh_token: expect.any(String),
		});
		const noRefresh = auth.issueOAuth2Token(emulator.state, emulator.clock, {
			userId: '100',
			clientId: 'client-1',
			scopes: 'tweet.read users.read',
		});
		expect(noRefresh).not.toHaveProperty('refresh_token');
		expect(noRefresh.scope).toBe('tweet.read users.read');
	});

	test('fixed token values are issued as given and authenticate', () => {
		const [pinnedAccess, pinnedRefresh] = ['pinned-value-0001', 'pinned-value-0002'];
		const fixed = auth.issueOAuth2Token(emulator.state, emulator.clock, {
			userId: '100',
			clientId: 'client-1',
			scopes: DM_SCOPES,
			accessToken: pinnedAccess,
			refreshToken: pinnedRefresh,
		});
		expect(fixed.access_token).toBe(pinnedAccess);
		expect(fixed.refresh_token).toBe(pinnedRefresh);
		expect(auth.authenticate(bearerCtx(pinnedAccess))).toMatchObject({ kind: 'oauth2', userId: '100' });
		expect(emulator.state.oauth2Tokens.get(pinnedRefresh)).toMatchObject({ kind: 'refresh', userId: '100' });
	});

	test('a valid user token authenticates', () => {
		expect(auth.authenticate(bearerCtx(token.access_token))).toEqual({
			kind: 'oauth2',
			userId: '100',
			appId: 'client-1',
			scopes: DM_SCOPES,
			clientId: 'client-1',
		});
	});

	test('missing, unknown, refresh-token-as-bearer and revoked tokens get the captured 401', () => {
		const noHeader = thrownReply(() => auth.authenticate(makeCtx(emulator, { url: '/2/dm_events' })));
		expect(noHeader).toMatchObject({ status: 401, body: UNAUTHORIZED });
		expect(noHeader.headers).toBeUndefined();
		expect(thrownReply(() => auth.authenticate(bearerCtx('nope'))).body).toEqual(UNAUTHORIZED);
		expect(thrownReply(() => auth.authenticate(bearerCtx(token.refresh_token))).status).toBe(401);
		auth.revokeOAuth2Token(emulator.state, token.access_token);
		expect(thrownReply(() => auth.authenticate(bearerCtx(token.access_token))).status).toBe(401);
	});

	test('tokens expire by the emulator clock', () => {
		emulator.clock.advance(7199 * 1000);
		expect(auth.authenticate(bearerCtx(token.access_token)).userId).toBe('100');
		emulator.clock.advance(1000);
		const expired = thrownReply(() => auth.authenticate(bearerCtx(token.access_token)));
		expect(expired).toMatchObject({ status: 401, body: UNAUTHORIZED });
		expect(expired.headers).toBeUndefined();
	});

	test('an expiresIn of 0 or less issues a token that is already expired', () => {
		for (const expiresIn of [0, -60]) {
			const issued = auth.issueOAuth2Token(emulator.state, emulator.clock, { userId: '100', clientId: 'client-1', scopes: DM_SCOPES, expiresIn });
			expect(issued.expires_in).toBe(expiresIn);
			expect(thrownReply(() => auth.authenticate(bearerCtx(issued.access_token)))).toMatchObject({ status: 401, body: UNAUTHORIZED });
		}
		const oneSecond = auth.issueOAuth2Token(emulator.state, emulator.clock, { userId: '100', clientId: 'client-1', scopes: DM_SCOPES, expiresIn: 1 });
		expect(auth.authenticate(bearerCtx(oneSecond.access_token)).userId).toBe('100');
	});

	test("revokeUserTokens invalidates the user's access and refresh tokens, nobody else's", () => {
		const other = auth.issueOAuth2Token(emulator.state, emulator.clock, { userId: '200', clientId: 'client-1', scopes: DM_SCOPES });
		auth.revokeUserTokens(emulator.state, '100');
		expect(thrownReply(() => auth.authenticate(bearerCtx(token.access_token))).status).toBe(401);
		expect(emulator.state.oauth2Tokens.get(token.refresh_token ?? '')).toMatchObject({ kind: 'refresh', revoked: true });
		expect(auth.authenticate(bearerCtx(other.access_token)).userId).toBe('200');
	});

	test('app-only bearer: 403 unsupported-authentication on DM endpoints (from the scope check, after the rate limiter), accepted on users lookup', () => {
		const appToken = auth.issueAppToken(emulator.state, { appId: 'app-9' });
		const dmCtx = bearerCtx(appToken);
		dmCtx.auth = auth.authenticate(dmCtx);
		const refused = thrownReply(() => auth.checkScopes(dmCtx));
		expect(refused.status).toBe(403);
		expect(refused.contentType).toBe('application/problem+json');
		expect(refused.body).toEqual({
			title: 'Unsupported Authentication',
			detail:
				'Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].',
			type: 'https://api.x.com/2/problems/unsupported-authentication',
			status: 403,
		});
		const ctx = bearerCtx(appToken, 'getUsersByUsername');
		ctx.auth = auth.authenticate(ctx);
		expect(ctx.auth).toEqual({ kind: 'app', userId: undefined, appId: 'app-9', scopes: [] });
		expect(() => auth.checkScopes(ctx)).not.toThrow();
	});

	test('checkScopes: 403 Forbidden (about:blank) when no acceptable scope set is granted', () => {
		const readOnly = auth.issueOAuth2Token(emulator.state, emulator.clock, {
			userId: '100',
			clientId: 'client-1',
			scopes: ['tweet.read', 'users.read', 'dm.read'],
		});
		const send = makeCtx(emulator, {
			method: 'POST',
			url: '/2/dm_conversations/with/200/messages',
			headers: { Authorization: `Bearer ${readOnly.access_token}` },
			operationId: 'createDirectMessagesByParticipantId',
		});
		send.auth = auth.authenticate(send);
		const refused = thrownReply(() => auth.checkScopes(send));
		expect(refused).toMatchObject({ status: 403, body: FORBIDDEN, contentType: 'application/json; charset=utf-8' });

		const list = bearerCtx(readOnly.access_token);
		list.auth = auth.authenticate(list);
		expect(() => auth.checkScopes(list)).not.toThrow();
		// DELETE needs dm.read + dm.write; media needs media.write.
		expect(thrownReply(() => auth.checkScopes(list, operation('deleteDirectMessagesEvents'))).status).toBe(403);
		expect(thrownReply(() => auth.checkScopes(list, operation('mediaUpload'))).status).toBe(403);

		const full = bearerCtx(token.access_token);
		full.auth = auth.authenticate(full);
		expect(() => auth.checkScopes(full, operation('deleteDirectMessagesEvents'))).not.toThrow();
		expect(() => auth.checkScopes(full, operation('createDirectMessagesConversation'))).not.toThrow();
	});
});

describe('OAuth 1.0a user context', () => {
	const consumer = { key: 'consumer-key-1', secret: 'consumer secret 1' };
	let emulator: Runtime;
	let userToken: XOAuth1TokenResponse;
	beforeEach(() => {
		emulator = makeEmulator();
		auth.registerOAuth1App(emulator.state, { consumerKey: consumer.key, consumerSecret: consumer.secret });
		userToken = auth.issueOAuth1Token(emulator.state, { consumerKey: consumer.key, userId: '100' });
	});

	interface SignedInput {
		method?: string;
		pathname: string;
		qs?: Record<string, string>;
		form?: Record<string, string>;
		json?: unknown;
		operationId?: string;
		timestampMs?: number;
		host?: string;
		consumerKey?: { key: string; secret: string };
	}

	// Signs like n8n-core's requestOAuth1 (HMAC-SHA1, data = {...qs, ...form}); timestamps follow the emu clock.
	function n8nSignedCtx({ method = 'GET', pathname, qs = {}, form, json, operationId, timestampMs, host = HOST, consumerKey = consumer }: SignedInput): RequestContext {
		const oauth = n8nOAuth1(consumerKey, () => timestampMs ?? emulator.clock.now());
		const requestOptions = { method, url: `http://${host}${pathname}`, qs, form, data: { ...qs, ...form } };
		const header = oauth.toHeader(oauth.authorize(requestOptions, { key: userToken.oauth_token, secret: userToken.oauth_token_secret }));
		const query = new URLSearchParams(qs).toString();
		const headers: Record<string, string> = { ...header };
		let body: string | undefined;
		if (form) {
			headers['content-type'] = 'application/x-www-form-urlencoded';
			body = new URLSearchParams(form).toString();
		} else if (json) {
			headers['content-type'] = 'application/json';
			body = JSON.stringify(json);
		}
		return makeCtx(emulator, { method, url: `${pathname}${query ? `?${query}` : ''}`, headers, body, operationId, host });
	}

	const listRequest = {
		pathname: '/2/dm_events',
		qs: { max_results: '10', 'dm_event.fields': 'id,text,sender_id' },
		operationId: 'getDirectMessagesEvents',
	};

	test('a request signed like n8n-core authenticates as the token owner', () => {
		const ctx = n8nSignedCtx(listRequest);
		ctx.auth = auth.authenticate(ctx);
		expect(ctx.auth).toEqual({ kind: 'oauth1', userId: '100', appId: consumer.key, scopes: [], permission: 'read-write-dm' });
		expect(() => auth.checkScopes(ctx)).not.toThrow();
	});

	test('tampered query, host or method and unknown keys give 401', () => {
		const tamperedQuery = n8nSignedCtx(listRequest);
		tamperedQuery.url.searchParams.set('max_results', '11');
		expect(thrownReply(() => auth.authenticate(tamperedQuery))).toMatchObject({ status: 401, body: UNAUTHORIZED });

		const otherHost = n8nSignedCtx(listRequest);
		otherHost.host = 'localhost:40555';
		expect(thrownReply(() => auth.authenticate(otherHost)).status).toBe(401);

		const otherMethod = n8nSignedCtx(listRequest);
		otherMethod.method = 'DELETE';
		expect(thrownReply(() => auth.authenticate(otherMethod)).status).toBe(401);

		const unknownConsumer = n8nSignedCtx({ ...listRequest, consumerKey: { key: 'other', secret: 'x' } });
		expect(thrownReply(() => auth.authenticate(unknownConsumer)).status).toBe(401);
	});

	test('form bodies are signed, JSON bodies are not', () => {
		const formCtx = n8nSignedCtx({ method: 'POST', pathname: '/2/users/100/dm/block', form: { a: '1', b: 'x y' }, operationId: 'blockUsersDms' });
		formCtx.rawBody = Buffer.from('a=1&b=x+z');
		expect(thrownReply(() => auth.authenticate(formCtx)).status).toBe(401);

		const jsonCtx = n8nSignedCtx({
			method: 'POST',
			pathname: '/2/dm_conversations/with/200/messages',
			json: { text: 'hi' },
			operationId: 'createDirectMessagesByParticipantId',
		});
		jsonCtx.rawBody = Buffer.from(JSON.stringify({ text: 'changed' }));
		expect(auth.authenticate(jsonCtx).userId).toBe('100');
	});

	test('a replayed nonce is refused', () => {
		const ctx = n8nSignedCtx(listRequest);
		expect(auth.authenticate(ctx).userId).toBe('100');
		expect(thrownReply(() => auth.authenticate(ctx)).status).toBe(401);
	});

	test('timestamps more than 5 minutes off the emulator clock are refused', () => {
		const now = emulator.clock.now();
		expect(thrownReply(() => auth.authenticate(n8nSignedCtx({ ...listRequest, timestampMs: now - 301_000 }))).status).toBe(401);
		expect(thrownReply(() => auth.authenticate(n8nSignedCtx({ ...listRequest, timestampMs: now + 301_000 }))).status).toBe(401);
		expect(auth.authenticate(n8nSignedCtx({ ...listRequest, timestampMs: now - 299_000 })).userId).toBe('100');
		// A request signed now goes stale once the emulator clock moves on.
		const signedNow = n8nSignedCtx(listRequest);
		emulator.clock.advance(10 * 60 * 1000);
		expect(thrownReply(() => auth.authenticate(signedNow)).status).toBe(401);
	});

	test('app permission below read-write-dm gets the captured oauth1-permissions 403 on DM endpoints', () => {
		auth.registerOAuth1App(emulator.state, { consumerKey: consumer.key, consumerSecret: consumer.secret, permission: 'read-write' });
		const ctx = n8nSignedCtx(listRequest);
		const caller = oauth1Caller(auth.authenticate(ctx));
		ctx.auth = caller;
		const refused = thrownReply(() => auth.checkScopes(ctx));
		expect(refused.status).toBe(403);
		expect(refused.body).toEqual({
			title: 'Forbidden',
			status: 403,
			detail: 'Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.',
			type: 'https://api.x.com/2/problems/oauth1-permissions',
		});
		expect(() => auth.checkScopes(ctx, operation('mediaUpload'))).not.toThrow();
		caller.permission = 'read';
		expect(() => auth.checkScopes(ctx, operation('getUsersMe'))).not.toThrow();
		ctx.method = 'POST';
		expect(thrownReply(() => auth.checkScopes(ctx, operation('mediaUpload'))).status).toBe(403);
	});

	test('OAuth 1.0a on the OAuth 2.0-only media download endpoint is unsupported', () => {
		const ctx = n8nSignedCtx(listRequest);
		ctx.auth = auth.authenticate(ctx);
		const refused = thrownReply(() => auth.checkScopes(ctx, operation('dmConversationsMediaDownload')));
		expect(refused.status).toBe(403);
		expect((refused.body as { type: string }).type).toBe('https://api.x.com/2/problems/unsupported-authentication');
	});
});

describe('through the HTTP server', () => {
	let emu: Emulator;
	let alice: EmulatorUser;
	let bob: EmulatorUser;
	beforeAll(async () => {
		emu = await startTestEmulator();
		alice = emu.addUser({ username: 'alice' });
		bob = emu.addUser({ username: 'bob' });
	});
	afterAll(() => emu.close());

	test('401 for unknown and expired tokens, without rate-limit headers', async () => {
		const unknown = await call(emu, 'GET', '/2/dm_events', { token: 'nope' });
		expect(unknown.status).toBe(401);
		expect(unknown.body).toEqual(UNAUTHORIZED);
		expect(unknown.headers['content-type']).toBe('application/json; charset=utf-8');
		expect(Object.keys(unknown.headers).filter((name) => name.startsWith('x-rate-limit'))).toEqual([]);

		const shortLived = emu.issueOAuth2Token({ userId: alice.id, clientId: TEST_CLIENT_ID, scopes: DM_SCOPES, expiresIn: 60 });
		expect((await call(emu, 'GET', '/2/dm_events', { token: shortLived.access_token })).status).toBe(200);
		emu.clock.advance(60_000);
		const expired = await call(emu, 'GET', '/2/dm_events', { token: shortLived.access_token });
		expect(expired.status).toBe(401);
		expect(expired.headers['x-rate-limit-remaining']).toBeUndefined();
	});

	test('expiresIn 0 gives a token that is refused at once; revokeUserTokens refuses the rest', async () => {
		const expired = emu.issueOAuth2Token({ userId: bob.id, clientId: TEST_CLIENT_ID, scopes: DM_SCOPES, expiresIn: 0 });
		expect((await call(emu, 'GET', '/2/dm_events', { token: expired.access_token })).status).toBe(401);
		const valid = tokenFor(emu, bob.id);
		expect((await call(emu, 'GET', '/2/dm_events', { token: valid })).status).toBe(200);
		emu.revokeUserTokens(bob.id);
		expect((await call(emu, 'GET', '/2/dm_events', { token: valid })).status).toBe(401);
		expect(emu.hasOAuth2Client(TEST_CLIENT_ID)).toBe(true);
		expect(emu.hasOAuth2Client('nobody')).toBe(false);
		expect(emu.getOAuth1AppPermission(TEST_CONSUMER_KEY)).toBe('read-write-dm');
		expect(emu.getOAuth1AppPermission('nobody')).toBeUndefined();
	});

	test('app-only bearer: problem+json 403 on DM endpoints, 200 on users lookup', async () => {
		const appToken = emu.issueAppToken({ appId: 'app-only' });
		const refused = await call(emu, 'GET', '/2/dm_events', { token: appToken });
		expect(refused.status).toBe(403);
		expect(refused.headers['content-type']).toBe('application/problem+json');
		expect(refused.body.detail).toBe(
			'Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].',
		);
		const lookup = await call(emu, 'GET', '/2/users/by/username/bob', { token: appToken });
		expect(lookup.status).toBe(200);
		expect(lookup.body.data.id).toBe(bob.id);
	});

	test('missing scope: 403 Forbidden', async () => {
		const readOnly = tokenFor(emu, alice.id, ['tweet.read', 'users.read', 'dm.read']);
		const refused = await call(emu, 'POST', `/2/dm_conversations/with/${bob.id}/messages`, { token: readOnly, json: { text: 'hi' } });
		expect(refused.status).toBe(403);
		expect(refused.body).toEqual(FORBIDDEN);
	});

	test('OAuth 1.0a signed like n8n-core: GET with query and POST with JSON body; replay refused', async () => {
		const userToken = emu.issueOAuth1Token({ consumerKey: TEST_CONSUMER_KEY, userId: alice.id });
		const oauth = n8nOAuth1({ key: TEST_CONSUMER_KEY, secret: 'test-consumer-secret' }, () => emu.clock.now());
		const sign = (method: string, url: string, qs: Record<string, string> = {}): Record<string, string> => ({
			...oauth.toHeader(oauth.authorize({ method, url, data: { ...qs } }, { key: userToken.oauth_token, secret: userToken.oauth_token_secret })),
		});

		const qs = { 'user.fields': 'id,username' };
		const getHeaders = sign('GET', `${emu.url}/2/users/me`, qs);
		const me = await call(emu, 'GET', '/2/users/me?user.fields=id%2Cusername', { headers: getHeaders });
		expect(me.status).toBe(200);
		expect(me.body.data).toMatchObject({ id: alice.id, username: 'alice' });
		expect((await call(emu, 'GET', '/2/users/me?user.fields=id%2Cusername', { headers: getHeaders })).status).toBe(401);

		const sendUrl = `${emu.url}/2/dm_conversations/with/${bob.id}/messages`;
		const sent = await call(emu, 'POST', `/2/dm_conversations/with/${bob.id}/messages`, { headers: sign('POST', sendUrl), json: { text: 'signed' } });
		expect(sent.status).toBe(201);
		const tampered = await call(emu, 'GET', '/2/users/me?user.fields=id', { headers: sign('GET', `${emu.url}/2/users/me`, qs) });
		expect(tampered.status).toBe(401);
	});
});
