import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { isRecord } from '../models/json';
import { sanitizeBody } from './classify';
import { credentialInfo } from './credentials';
import { XApiFailure } from './failure';
import type { AppKeyField } from './failure';
import { classifyNetworkError } from './network';
import { redactBody } from './redact';
import type { XApiConnection, XApiRequest } from './types';

/**
 * X's app-only bearer token (OAuth 2.0 client credentials): POST {baseUrl}/oauth2/token with the app's API Key and
 * API Key Secret (X's "consumer key/secret") as HTTP Basic credentials. The instant trigger needs it for /2/webhooks,
 * subscription management and replay; the credential's user token stays in charge of everything else.
 */

const TOKEN_PATH = '/oauth2/token';
const TOKEN_REQUEST: XApiRequest = { method: 'POST', path: TOKEN_PATH };

/** The app's keys as the credential holds them; '' when a field is empty. */
export interface AppKeys {
	apiKey: string;
	apiKeySecret: string;
}

/** The credential's API Key and API Key Secret; fails before any request when either is empty. */
export function appKeysOf(credentials: IDataObject): AppKeys {
	const apiKey = typeof credentials.apiKey === 'string' ? credentials.apiKey.trim() : '';
	const apiKeySecret = typeof credentials.apiKeySecret === 'string' ? credentials.apiKeySecret.trim() : '';
	const missing: AppKeyField[] = [];
	if (!apiKey) missing.push('apiKey');
	if (!apiKeySecret) missing.push('apiKeySecret');
	if (missing.length) throw new XApiFailure({ kind: 'app-keys-missing', missing }, TOKEN_REQUEST);
	return { apiKey, apiKeySecret };
}

function basicAuth({ apiKey, apiKeySecret }: AppKeys): string {
	return `Basic ${Buffer.from(`${encodeURIComponent(apiKey)}:${encodeURIComponent(apiKeySecret)}`).toString('base64')}`;
}

function jsonBody(body: unknown): IDataObject {
	if (isRecord(body)) return body;
	const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : '';
	try {
		const parsed: unknown = JSON.parse(text);
		return isRecord(parsed) ? parsed : {};
	} catch {
		return text ? { message: text } : {};
	}
}

// X hands out the same token for an app until it is invalidated: one request per n8n context and key is enough.
const tokenCache = new WeakMap<object, Map<string, string>>();

/**
 * The app-only bearer token for the credential's API Key and Secret (cached per n8n context). Throws XApiFailure:
 * `app-keys-missing` before any request, `app-keys-refused` when X does not accept the keys, `network`, `transient`.
 */
export async function appToken(connection: XApiConnection, timeoutMs: number): Promise<string> {
	const { context, credentialType } = connection;
	const info = await credentialInfo(connection, TOKEN_REQUEST);
	const keys = appKeysOf(await context.getCredentials(credentialType, connection.itemIndex));
	const cacheKey = `${info.baseUrl}\n${keys.apiKey}`;
	const cached = tokenCache.get(context)?.get(cacheKey);
	if (cached) return cached;
	const { httpRequest } = context.helpers;
	if (!httpRequest) throw new Error('This n8n context cannot request an app-only token');
	const options: IHttpRequestOptions = {
		method: 'POST',
		url: `${info.baseUrl}${TOKEN_PATH}`,
		body: 'grant_type=client_credentials',
		headers: { Authorization: basicAuth(keys), 'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8' },
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: timeoutMs,
	};
	const attempt = await httpRequest.call(context, options).then(
		(raw: unknown) => ({ raw }),
		(error: unknown) => ({ error }),
	);
	if ('error' in attempt) {
		const { kind, code } = classifyNetworkError(attempt.error);
		throw new XApiFailure({ kind: 'network', network: kind, code, baseUrl: info.baseUrl, retried: false }, TOKEN_REQUEST);
	}
	const full = isRecord(attempt.raw) ? attempt.raw : {};
	const status = typeof full.statusCode === 'number' ? full.statusCode : 0;
	const body = jsonBody(full.body);
	const token = body.access_token;
	if (status >= 200 && status < 300 && typeof token === 'string' && token !== '') {
		let perContext = tokenCache.get(context);
		if (!perContext) tokenCache.set(context, (perContext = new Map()));
		perContext.set(cacheKey, token);
		return token;
	}
	const answer = { status, body: sanitizeBody(redactBody(body, [...info.secrets, keys.apiKeySecret])) };
	if (status >= 500) throw new XApiFailure({ kind: 'transient', detail: `HTTP ${status}`, ...answer }, TOKEN_REQUEST);
	throw new XApiFailure({ kind: 'app-keys-refused', ...answer }, TOKEN_REQUEST);
}

/** The same connection with the app-only bearer token: for /2/webhooks, subscription management and replay. */
export async function appOnlyConnection(connection: XApiConnection, timeoutMs: number): Promise<XApiConnection> {
	return { ...connection, appToken: await appToken(connection, timeoutMs) };
}
