import type { IDataObject } from 'n8n-workflow';

import { isRecord } from '../models/json';

/**
 * Keeps the credential's secrets out of everything a failure carries. X never echoes a credential, but a proxy or a
 * misconfigured gateway in front of it may copy the request's Authorization header into `detail` or `message`, and
 * those texts become the node's error message, description and attached body. So every string of a failed answer
 * is cleaned of the credential's known secret values, and of anything shaped like an Authorization header.
 */

export const REDACTED = '[redacted]';

/** Secret values shorter than this are not looked for: a short value would garble ordinary words. */
export const MIN_SECRET_LENGTH = 8;

// Credential fields that hold secrets: client and consumer secrets, access, refresh and id tokens, token secrets.
const SECRET_KEY = /secret|password|^access_token$|^refresh_token$|^id_token$|^oauth_token$/i;

/** The secret values of a credential's data and of its OAuth token data. */
export function credentialSecrets(credentials: IDataObject): string[] {
	const secrets = new Set<string>();
	const collect = (record: IDataObject): void => {
		for (const [key, value] of Object.entries(record)) {
			if (typeof value === 'string' && SECRET_KEY.test(key) && value.length >= MIN_SECRET_LENGTH) secrets.add(value);
		}
	};
	collect(credentials);
	if (isRecord(credentials.oauthTokenData)) collect(credentials.oauthTokenData);
	return [...secrets];
}

/** Secret lists joined without repeats, longest first: a secret that contains another one is replaced whole. */
export function mergeSecrets(...lists: Array<readonly string[]>): string[] {
	return [...new Set(lists.flat())].sort((a, b) => b.length - a.length);
}

// Authorization header values of either credential, whoever's they are.
const HEADER_VALUES: Array<[RegExp, string]> = [
	[/\bBearer\s+[A-Za-z0-9._~+/-]{16,}=*/g, `Bearer ${REDACTED}`],
	[/\bOAuth\s+[A-Za-z_]+="[^"]*"(?:\s*,\s*[A-Za-z_]+="[^"]*")*/g, `OAuth ${REDACTED}`],
	[/\boauth_(?:signature|token|token_secret|nonce)=(?:"[^"]*"|[^\s&,"]*)/g, REDACTED],
];

/** Replaces the secrets (as they are and percent-encoded, as in an OAuth 1.0a header) and header values in a text. */
export function redactText(text: string, secrets: readonly string[]): string {
	let result = text;
	for (const secret of secrets) {
		for (const form of new Set([secret, encodeURIComponent(secret)])) result = result.split(form).join(REDACTED);
	}
	for (const [pattern, replacement] of HEADER_VALUES) result = result.replace(pattern, replacement);
	return result;
}

function redactValue(value: unknown, secrets: readonly string[]): unknown {
	if (typeof value === 'string') return redactText(value, secrets);
	if (Array.isArray(value)) return value.map((entry) => redactValue(entry, secrets));
	if (!isRecord(value)) return value;
	const copy: IDataObject = {};
	for (const [key, entry] of Object.entries(value)) copy[redactText(key, secrets)] = redactValue(entry, secrets) as IDataObject[string];
	return copy;
}

/** A copy of an answer's body with every string (keys included) redacted. */
export function redactBody(body: IDataObject, secrets: readonly string[]): IDataObject {
	return redactValue(body, secrets) as IDataObject;
}
