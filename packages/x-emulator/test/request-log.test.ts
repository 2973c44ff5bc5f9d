// The request log keeps secrets out: Authorization keeps only its scheme, and secret-bearing form, JSON and query
// fields of the OAuth endpoints read "[redacted]" while the handlers still see the real values.
import { createHash } from 'node:crypto';
import type { Emulator, EmulatorUser } from '../src';
import { call, closeAndExpectCleanRun, startTestEmulator, TEST_CLIENT_ID } from './helpers';

const REDIRECT = 'http://localhost/callback';
const VERIFIER = 'request-log-test-verifier-that-is-long-enough-for-pkce-0123456789';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('request log redaction', () => {
	let emu: Emulator;
	let alice: EmulatorUser;

	beforeEach(async () => {
		emu = await startTestEmulator();
		alice = emu.addUser({ username: 'alice' });
	});

	afterEach(() => closeAndExpectCleanRun(emu));

	const postForm = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
		call(emu, 'POST', path, { headers: { ...FORM, ...headers }, body: new URLSearchParams(fields).toString() });
	const logged = (path: string) => emu.requests().filter((entry) => entry.path === path);

	async function authorizationCode(): Promise<string> {
		const approved = await postForm('/i/oauth2/authorize', {
			response_type: 'code',
			client_id: TEST_CLIENT_ID,
			redirect_uri: REDIRECT,
			scope: 'tweet.read users.read dm.read offline.access',
			state: 'st',
			code_challenge: createHash('sha256').update(VERIFIER).digest('base64url'),
			code_challenge_method: 'S256',
			user: alice.id,
			decision: 'allow',
		});
		expect(approved.status).toBe(302);
		const code = new URL(String(approved.headers.location)).searchParams.get('code');
		if (code === null) throw new Error('the redirect carries no code');
		return code;
	}

	test('token exchange, refresh and revoke: codes, verifiers, tokens and client secrets are redacted', async () => {
		const code = await authorizationCode();
		const clientAuth = { authorization: basic(TEST_CLIENT_ID, 'test-secret') };
		const exchanged = await postForm('/2/oauth2/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: VERIFIER }, clientAuth);
		// The handler saw the real values.
		expect(exchanged.status).toBe(200);
		const { access_token: accessToken, refresh_token: refreshToken } = exchanged.body;
		const refreshed = await postForm('/2/oauth2/token', { grant_type: 'refresh_token', refresh_token: refreshToken }, clientAuth);
		expect(refreshed.status).toBe(200);
		expect((await postForm('/2/oauth2/revoke', { token: refreshed.body.refresh_token }, clientAuth)).status).toBe(200);
		// Credentials in the body instead of Basic auth (refused here: the client is confidential), and JSON.
		await postForm('/2/oauth2/token', { grant_type: 'refresh_token', refresh_token: 'rt-in-body', client_id: TEST_CLIENT_ID, client_secret: 'test-secret' });
		await call(emu, 'POST', '/2/oauth2/revoke', { json: { token: 'json-token', access_token: accessToken } });

		const [exchange, refresh, bodyCredentials, jsonRevoke] = logged('/2/oauth2/token').concat(logged('/2/oauth2/revoke').slice(1));
		expect(exchange.body).toEqual({ grant_type: 'authorization_code', code: '[redacted]', redirect_uri: REDIRECT, code_verifier: '[redacted]' });
		expect(exchange.headers.authorization).toBe('Basic');
		expect(refresh.body).toEqual({ grant_type: 'refresh_token', refresh_token: '[redacted]' });
		expect(logged('/2/oauth2/revoke')[0].body).toEqual({ token: '[redacted]' });
		expect(bodyCredentials.body).toEqual({ grant_type: 'refresh_token', refresh_token: '[redacted]', client_id: TEST_CLIENT_ID, client_secret: '[redacted]' });
		expect(jsonRevoke.body).toEqual({ token: '[redacted]', access_token: '[redacted]' });

		const everything = JSON.stringify(emu.requests());
		for (const secret of [code, VERIFIER, refreshToken, refreshed.body.refresh_token, accessToken, 'test-secret', 'rt-in-body', 'json-token']) {
			expect(everything).not.toContain(secret);
		}
	});

	test('OAuth 1.0a: oauth_verifier is redacted in the query and in the body', async () => {
		await call(emu, 'POST', '/oauth/access_token?oauth_verifier=1234567&oauth_token=request-token', { headers: { authorization: 'OAuth oauth_consumer_key="k"' } });
		await postForm('/oauth/access_token', { oauth_verifier: '7654321', oauth_token: 'request-token' });
		const [inQuery, inBody] = logged('/oauth/access_token');
		expect(inQuery.query).toEqual({ oauth_verifier: '[redacted]', oauth_token: 'request-token' });
		expect(inQuery.headers.authorization).toBe('OAuth');
		expect(inBody.body).toEqual({ oauth_verifier: '[redacted]', oauth_token: 'request-token' });
	});

	test('API request bodies and queries are logged as sent', async () => {
		const bob = emu.addUser({ username: 'bob' });
		const token = emu.issueOAuth2Token({ userId: alice.id, clientId: TEST_CLIENT_ID, scopes: ['tweet.read', 'users.read', 'dm.read', 'dm.write'] }).access_token;
		await call(emu, 'POST', `/2/dm_conversations/with/${bob.id}/messages?x=1`, { token, json: { text: 'the code is 42' } });
		const [entry] = emu.requests();
		expect(entry.body).toEqual({ text: 'the code is 42' });
		expect(entry.query).toEqual({ x: '1' });
	});
});
