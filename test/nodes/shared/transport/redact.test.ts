// What the transport removes from the strings of a failure (nodes/shared/transport/redact.ts): the credential's known
// secret values, as they are and percent-encoded, and anything shaped like an Authorization header value.
import { credentialSecrets, mergeSecrets, redactBody, redactText } from '../../../../nodes/shared/transport/redact';

const SECRETS = mergeSecrets(['abc123/secret+value', 'token-0123456789']);

test.each([
	['a secret as it is', 'upstream saw token-0123456789 twice: token-0123456789', 'upstream saw [redacted] twice: [redacted]'],
	['a secret percent-encoded', 'oauth_token_secret: abc123%2Fsecret%2Bvalue', 'oauth_token_secret: [redacted]'],
	['a bearer header of another token', 'Authorization: Bearer QWxhZGRpbjpvcGVuIHNlc2FtZQ==', 'Authorization: Bearer [redacted]'],
	[
		'an OAuth 1.0a header',
		'got OAuth oauth_consumer_key="key", oauth_nonce="n0nce", oauth_signature="c2ln%3D", oauth_token="1-tok" and stopped',
		'got OAuth [redacted] and stopped',
	],
	['a lone signature parameter', 'url?oauth_signature=c2ln%3D&x=1', 'url?[redacted]&x=1'],
])('%s', (_case, text, expected) => {
	expect(redactText(text, SECRETS)).toBe(expected);
});

test.each([
	'You cannot send messages to this user.',
	'Bearer tokens are not accepted here',
	'OAuth 1.0a User Context and OAuth 2.0 User Context are supported',
	'Unsupported Authentication: Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.',
	'oauth_token is required',
])('ordinary text stays as it is: %s', (text) => {
	expect(redactText(text, SECRETS)).toBe(text);
});

test('a body is copied with every string redacted, keys and nested values included', () => {
	const body = { detail: 'x token-0123456789', errors: [{ value: 'token-0123456789', parameters: { 'token-0123456789': ['abc123/secret+value'] } }], status: 403 };
	expect(redactBody(body, SECRETS)).toEqual({
		detail: 'x [redacted]',
		errors: [{ value: '[redacted]', parameters: { '[redacted]': ['[redacted]'] } }],
		status: 403,
	});
	expect(body.detail).toBe('x token-0123456789');
});

test('a secret that contains another one is replaced whole', () => {
	const secrets = mergeSecrets(['12345678'], ['12345678-longer-token']);
	expect(secrets).toEqual(['12345678-longer-token', '12345678']);
	expect(redactText('a 12345678-longer-token b 12345678', secrets)).toBe('a [redacted] b [redacted]');
});

test('credentialSecrets reads secrets from the credential and its token data, not ids, scopes or token types', () => {
	expect(
		credentialSecrets({
			clientId: 'public-client-id',
			clientSecret: 'client-secret-value',
			baseUrl: 'https://api.x.com',
			oauthTokenData: { access_token: 'access-token-value', token_type: 'bearer', scope: 'dm.read dm.write', user_id: '123456789' },
		}).sort(),
	).toEqual(['access-token-value', 'client-secret-value']);
});
