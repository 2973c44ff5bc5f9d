// The credential as the transport reads it (nodes/shared/transport/credentials.ts): the API Base URL must be https,
// except for this machine's loopback addresses (a local emulator), and the secrets to keep out of errors are known.
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { credentialInfo } from '../../../../nodes/shared/transport/credentials';
import type { XApiContext, XFailure } from '../../../../nodes/shared/transport';
import { XApiFailure } from '../../../../nodes/shared/transport';

const REQUEST = { method: 'GET' as const, path: '/2/users/me' };

function contextWith(credentials: ICredentialDataDecryptedObject): XApiContext & { requests: number } {
	const context = {
		requests: 0,
		getCredentials: async () => credentials,
		helpers: {
			httpRequestWithAuthentication: async () => {
				context.requests++;
				return {};
			},
			refreshOAuth2Token: async () => ({}),
		},
	};
	return context;
}

async function read(baseUrl: string, extra: ICredentialDataDecryptedObject = {}) {
	return await credentialInfo({ context: contextWith({ baseUrl, ...extra }), credentialType: 'xDmOAuth2Api' }, REQUEST);
}

async function failureOf(baseUrl: string): Promise<XFailure> {
	try {
		await read(baseUrl);
	} catch (error) {
		if (error instanceof XApiFailure) return error.failure;
		throw error;
	}
	throw new Error(`${baseUrl} was accepted`);
}

test.each([
	['https://api.x.com', 'https://api.x.com'],
	['https://api.x.com/', 'https://api.x.com'],
	['  https://proxy.example.test:8443/x-api/  ', 'https://proxy.example.test:8443/x-api'],
	['HTTPS://API.X.COM', 'HTTPS://API.X.COM'],
	['http://127.0.0.1:8787', 'http://127.0.0.1:8787'],
	['http://127.4.5.6', 'http://127.4.5.6'],
	['http://localhost:8787', 'http://localhost:8787'],
	['http://LOCALHOST:8787/', 'http://LOCALHOST:8787'],
	['http://[::1]:8787', 'http://[::1]:8787'],
	['', 'https://api.x.com'],
])('%j is used as %j', async (configured, used) => {
	expect((await read(configured)).baseUrl).toBe(used);
});

test.each([
	'http://api.x.com',
	'http://api.example.test',
	'http://10.0.0.5:8787',
	'http://192.168.1.10',
	'http://0.0.0.0:8787',
	'http://localhost.example.test',
	'http://127.0.0.1.nip.io',
	'http://[::ffff:127.0.0.1]',
	'http://[::2]',
	'http://user:pass@localhost.example.test',
])('%s (plain http to another machine) is refused', async (baseUrl) => {
	expect(await failureOf(baseUrl)).toEqual({ kind: 'invalid-base-url', baseUrl, reason: 'insecure' });
});

test.each(['api.x.com', 'ftp://api.x.com', 'https://', 'https:// api.x.com', 'javascript:alert(1)'])('%j is not a URL', async (baseUrl) => {
	expect(await failureOf(baseUrl)).toEqual({ kind: 'invalid-base-url', baseUrl, reason: 'not-url' });
});

test('the secret values of both kinds of credential are collected, short ones and token types are not', async () => {
	const oauth2 = await read('https://api.x.com', {
		clientId: 'public-client-id',
		clientSecret: 'the-client-secret',
		oauthTokenData: { access_token: 'an-access-token', refresh_token: 'a-refresh-token', token_type: 'bearer', scope: 'dm.read', expires_in: 7200 },
	});
	expect([...oauth2.secrets].sort()).toEqual(['a-refresh-token', 'an-access-token', 'the-client-secret']);
	const oauth1 = await read('https://api.x.com', {
		consumerKey: 'public-consumer-key',
		consumerSecret: 'the-consumer-secret',
		oauthTokenData: { oauth_token: '12345-the-access-token', oauth_token_secret: 'the-token-secret', user_id: '12345' },
	});
	expect([...oauth1.secrets].sort()).toEqual(['12345-the-access-token', 'the-consumer-secret', 'the-token-secret']);
	expect((await read('https://api.x.com', { clientSecret: 'short' })).secrets).toEqual([]);
});
