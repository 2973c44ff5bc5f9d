import * as oauth1 from '../src/oauth1';
import { n8nOAuth1 } from './n8n-oauth1';

// Test vector of X's "Creating a signature" page (x-dm-api.md §5.2).
const DOCS = {
	consumerKey: 'xvz1evFS4wEEPTGEFPHBog',
	consumerSecret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
	token: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',
	tokenSecret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
	nonce: 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg',
	timestamp: '1318622958',
};

function docsRequest(host: string): oauth1.SignRequest {
	return {
		method: 'POST',
		baseUrl: oauth1.baseUrlOf('https', host, '/1.1/statuses/update.json'),
		oauthParams: {
			oauth_consumer_key: DOCS.consumerKey,
			oauth_nonce: DOCS.nonce,
			oauth_signature_method: 'HMAC-SHA1',
			oauth_timestamp: DOCS.timestamp,
			oauth_token: DOCS.token,
			oauth_version: '1.0',
		},
		queryPairs: [['include_entities', 'true']],
		formPairs: [['status', 'Hello Ladies + Gentlemen, a signed OAuth request!']],
		consumerSecret: DOCS.consumerSecret,
		tokenSecret: DOCS.tokenSecret,
	};
}

describe('X docs signature example', () => {
	test('api.x.com gives the documented signature', () => {
		expect(oauth1.sign(docsRequest('api.x.com'))).toBe('Ls93hJiZbQ3akF3HF3x1Bz8/zU4=');
	});

	test('api.twitter.com gives a different signature (the host is signed)', () => {
		expect(oauth1.sign(docsRequest('api.twitter.com'))).toBe('hCtSmYh+iHYCEqBWrE7C7hYmtUk=');
	});

	test('the documented parameter string and base string prefix', () => {
		const request = docsRequest('api.x.com');
		const parameterString = oauth1.normalizeParameters(oauth1.collectParameters(request));
		expect(parameterString).toBe(
			'include_entities=true&oauth_consumer_key=xvz1evFS4wEEPTGEFPHBog' +
				'&oauth_nonce=kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg&oauth_signature_method=HMAC-SHA1' +
				'&oauth_timestamp=1318622958&oauth_token=370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb' +
				'&oauth_version=1.0&status=Hello%20Ladies%20%2B%20Gentlemen%2C%20a%20signed%20OAuth%20request%21',
		);
		expect(oauth1.signatureBaseString('post', request.baseUrl, [])).toBe('POST&https%3A%2F%2Fapi.x.com%2F1.1%2Fstatuses%2Fupdate.json&');
	});

	test('verify accepts the documented signature and rejects others', () => {
		const request = docsRequest('api.x.com');
		const signed = { ...request.oauthParams, oauth_signature: 'Ls93hJiZbQ3akF3HF3x1Bz8/zU4=' };
		expect(oauth1.verify({ ...request, oauthParams: signed })).toBe(true);
		const twitterSigned = { ...signed, oauth_signature: 'hCtSmYh+iHYCEqBWrE7C7hYmtUk=' };
		expect(oauth1.verify({ ...request, oauthParams: twitterSigned })).toBe(false);
		expect(oauth1.verify({ ...request, oauthParams: { ...signed, oauth_signature_method: 'PLAINTEXT' } })).toBe(false);
	});
});

describe('helpers', () => {
	test('percentEncode follows RFC 3986', () => {
		expect(oauth1.percentEncode("a b!*'()~._-")).toBe('a%20b%21%2A%27%28%29~._-');
		expect(oauth1.percentEncode('☃')).toBe('%E2%98%83');
	});

	test('baseUrlOf lower-cases and drops default ports only', () => {
		expect(oauth1.baseUrlOf('HTTP', 'Example.COM:80', '/a')).toBe('http://example.com/a');
		expect(oauth1.baseUrlOf('https', 'example.com:443', '/a')).toBe('https://example.com/a');
		expect(oauth1.baseUrlOf('http', '127.0.0.1:8080', '/a')).toBe('http://127.0.0.1:8080/a');
	});

	test('parseAuthorizationHeader decodes values and rejects other schemes', () => {
		expect(oauth1.parseAuthorizationHeader('OAuth oauth_nonce="a%2Bb", oauth_token="t"')).toEqual({
			oauth_nonce: 'a+b',
			oauth_token: 't',
		});
		expect(oauth1.parseAuthorizationHeader('Bearer abc')).toBeUndefined();
		expect(oauth1.parseAuthorizationHeader(undefined)).toBeUndefined();
	});
});

describe('signatures made the way n8n-core requestOAuth1 makes them', () => {
	const consumer = { key: 'ck-n8n', secret: 'cs-n8n secret/+' };
	const token = { key: '42-tokenkey', secret: 'ts-n8n&secret' };

	interface SignedRequest {
		method: string;
		host: string;
		pathname: string;
		query?: Record<string, string>;
		form?: Record<string, string>;
	}

	// Same options and data assembly as n8n-core's requestOAuth1 (HMAC-SHA1 credential); the signer stamps wall time.
	function n8nSign(requestOptions: { method: string; url: string; qs?: Record<string, string>; form?: Record<string, string> }): string {
		const oauth = n8nOAuth1(consumer, () => Date.now());
		const withData = { ...requestOptions, data: { ...requestOptions.qs, ...requestOptions.form } };
		return oauth.toHeader(oauth.authorize(withData, token)).Authorization;
	}

	function oauthParamsOf(header: string): oauth1.OAuthParams {
		const params = oauth1.parseAuthorizationHeader(header);
		if (!params) throw new Error(`not an OAuth header: ${header}`);
		return params;
	}

	// What the emulator sees: method, Host, path, query string and form body.
	function serverSideVerify({ method, host, pathname, query = {}, form = {} }: SignedRequest, header: string): boolean {
		return oauth1.verify({
			method,
			baseUrl: oauth1.baseUrlOf('http', host, pathname),
			oauthParams: oauthParamsOf(header),
			queryPairs: [...new URLSearchParams(query)],
			formPairs: [...new URLSearchParams(form)],
			consumerSecret: consumer.secret,
			tokenSecret: token.secret,
		});
	}

	const get: SignedRequest = {
		method: 'GET',
		host: '127.0.0.1:40123',
		pathname: '/2/dm_events',
		query: { max_results: '50', 'dm_event.fields': 'id,text,sender_id', expansions: 'sender_id' },
	};
	const post: SignedRequest = {
		method: 'POST',
		host: '127.0.0.1:40123',
		pathname: '/oauth/access_token',
		query: { x: 'a b' },
		form: { oauth_verifier: 'v3r!f*', note: "it's (100%)" },
	};
	const signRequest = (request: SignedRequest) =>
		n8nSign({
			method: request.method,
			url: `http://${request.host}${request.pathname}`,
			qs: request.query,
			form: request.form,
		});

	test('a GET with query parameters verifies', () => {
		expect(serverSideVerify(get, signRequest(get))).toBe(true);
	});

	test('a POST with query and form parameters verifies', () => {
		expect(serverSideVerify(post, signRequest(post))).toBe(true);
	});

	test('tampering with query, form, host, path, method or secrets fails', () => {
		const getHeader = signRequest(get);
		const postHeader = signRequest(post);
		expect(serverSideVerify({ ...get, query: { ...get.query, max_results: '51' } }, getHeader)).toBe(false);
		expect(serverSideVerify({ ...get, query: { ...get.query, extra: '1' } }, getHeader)).toBe(false);
		expect(serverSideVerify({ ...post, form: { ...post.form, note: 'changed' } }, postHeader)).toBe(false);
		expect(serverSideVerify({ ...get, host: 'localhost:40123' }, getHeader)).toBe(false);
		expect(serverSideVerify({ ...get, host: '127.0.0.1:40124' }, getHeader)).toBe(false);
		expect(serverSideVerify({ ...get, pathname: '/2/dm_events/1' }, getHeader)).toBe(false);
		expect(serverSideVerify({ ...get, method: 'POST' }, getHeader)).toBe(false);
		const wrongSecret = oauth1.verify({
			method: 'GET',
			baseUrl: oauth1.baseUrlOf('http', get.host, get.pathname),
			oauthParams: oauthParamsOf(getHeader),
			queryPairs: [...new URLSearchParams(get.query)],
			consumerSecret: consumer.secret,
			tokenSecret: 'other',
		});
		expect(wrongSecret).toBe(false);
	});
});
