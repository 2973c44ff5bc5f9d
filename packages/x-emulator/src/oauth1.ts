// OAuth 1.0a HMAC-SHA1 signing and verification (RFC 5849 §3.4), no dependencies beyond node:crypto.
import * as crypto from 'node:crypto';

export type OAuthParams = Record<string, string>;
export type Pair = [string, string];

/** RFC 3986 percent-encoding: encodeURIComponent leaves !'()* unescaped, OAuth does not. */
export function percentEncode(value: unknown): string {
	return encodeURIComponent(String(value)).replace(/[!'()*]/g, (char) => '%' + char.charCodeAt(0).toString(16).toUpperCase());
}

/** Parses `OAuth k="v", ...` into an object of decoded values; undefined when not an OAuth header. */
export function parseAuthorizationHeader(header: unknown): OAuthParams | undefined {
	if (typeof header !== 'string' || !/^OAuth\s/i.test(header)) return undefined;
	const params: OAuthParams = {};
	const pairPattern = /([A-Za-z0-9_.~%-]+)\s*=\s*"([^"]*)"/g;
	for (const [, key, value] of header.slice(6).matchAll(pairPattern)) {
		try {
			params[decodeURIComponent(key)] = decodeURIComponent(value);
		} catch {
			return undefined;
		}
	}
	return params;
}

/**
 * Base string URI (RFC 5849 §3.4.1.2): lower-case scheme and host, default port dropped, no query.
 * `host` is the Host header as sent, which is what the client signed when it built the URL itself.
 */
export function baseUrlOf(scheme: string, host: string, path: string): string {
	const lowerScheme = scheme.toLowerCase();
	let lowerHost = String(host).toLowerCase();
	const defaultPort = lowerScheme === 'https' ? ':443' : ':80';
	if (lowerHost.endsWith(defaultPort)) lowerHost = lowerHost.slice(0, -defaultPort.length);
	return `${lowerScheme}://${lowerHost}${path}`;
}

/** pairs: [[name, value], ...] (duplicates allowed). Sorted by encoded name, then encoded value. */
export function normalizeParameters(pairs: readonly Pair[]): string {
	return pairs
		.map(([name, value]): Pair => [percentEncode(name), percentEncode(value)])
		.sort(([nameA, valueA], [nameB, valueB]) => {
			if (nameA !== nameB) return nameA < nameB ? -1 : 1;
			if (valueA === valueB) return 0;
			return valueA < valueB ? -1 : 1;
		})
		.map(([name, value]) => `${name}=${value}`)
		.join('&');
}

export function signatureBaseString(method: string, baseUrl: string, pairs: readonly Pair[]): string {
	return [method.toUpperCase(), percentEncode(baseUrl), percentEncode(normalizeParameters(pairs))].join('&');
}

export function hmacSha1(baseString: string, consumerSecret: string, tokenSecret = ''): string {
	const key = `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`;
	return crypto.createHmac('sha1', key).update(baseString).digest('base64');
}

export interface SignatureInput {
	oauthParams: OAuthParams;
	queryPairs?: readonly Pair[];
	formPairs?: readonly Pair[];
}

/**
 * Request parameters to sign: oauth_* (without signature/realm) + query + form body.
 * An oauth_* parameter repeated with the same value in the query or body counts once: the
 * oauth-1.0a package (n8n-core) copies oauth_* body fields into the header but signs them once.
 */
export function collectParameters({ oauthParams, queryPairs = [], formPairs = [] }: SignatureInput): Pair[] {
	const oauthPairs = Object.entries(oauthParams)
		.filter(([name]) => name !== 'oauth_signature' && name !== 'realm')
		.map(([name, value]): Pair => [name, String(value)]);
	const inHeader = (name: string, value: string) => name.startsWith('oauth_') && oauthParams[name] === value;
	const requestPairs = [...queryPairs, ...formPairs].filter(([name, value]) => !inHeader(name, value));
	return [...oauthPairs, ...requestPairs];
}

export interface SignRequest extends SignatureInput {
	method: string;
	baseUrl: string;
	consumerSecret: string;
	tokenSecret?: string;
}

/** Signature for a request; `oauthParams` must not contain oauth_signature (it is ignored if present). */
export function sign({ method, baseUrl, oauthParams, queryPairs, formPairs, consumerSecret, tokenSecret }: SignRequest): string {
	const pairs = collectParameters({ oauthParams, queryPairs, formPairs });
	return hmacSha1(signatureBaseString(method, baseUrl, pairs), consumerSecret, tokenSecret);
}

/** True when oauthParams.oauth_signature matches the recomputed HMAC-SHA1 signature. */
export function verify(request: SignRequest): boolean {
	const given = request.oauthParams.oauth_signature;
	if (typeof given !== 'string' || request.oauthParams.oauth_signature_method !== 'HMAC-SHA1') {
		return false;
	}
	const expected = Buffer.from(sign(request));
	const actual = Buffer.from(given);
	return expected.length === actual.length && crypto.timingSafeEqual(expected, actual);
}
