import { isRecord } from '../models/json';
import type { BaseUrlProblem } from './failure';
import { XApiFailure } from './failure';
import { credentialSecrets, mergeSecrets } from './redact';
import type { XApiConnection, XApiRequest } from './types';

export const DEFAULT_BASE_URL = 'https://api.x.com';

export interface CredentialInfo {
	baseUrl: string;
	/** Scopes granted to the OAuth2 token, when the token response said so. */
	grantedScopes?: string[];
	/** The credential's secret values, redacted from every failure (see redact.ts). */
	secrets: string[];
}

/** Hosts of this machine, where plain http does not leave it: localhost, 127.0.0.0/8 and [::1]. */
function isLoopback(hostname: string): boolean {
	// WHATWG URL lowercases names and writes every IPv4 form (127.1, 2130706433) as a dotted quad.
	return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** What is wrong with a configured API Base URL, if anything. */
export function baseUrlProblem(configured: string): BaseUrlProblem | undefined {
	let url: URL;
	try {
		url = new URL(configured);
	} catch {
		return 'not-url';
	}
	if (!/^https?:\/\/[^\s/]+/i.test(configured) || (url.protocol !== 'https:' && url.protocol !== 'http:') || !url.hostname) {
		return 'not-url';
	}
	// A bearer token over plain http can be read and replayed by anyone on the way.
	if (url.protocol === 'http:' && !isLoopback(url.hostname)) return 'insecure';
	return undefined;
}

// Credentials are decrypted once per execution context, not once per request.
const credentialInfoCache = new WeakMap<object, Map<string, CredentialInfo>>();

/**
 * The base URL, granted scopes and secrets of the connection's credential (read once per n8n context and type;
 * `reload` reads it again, e.g. after an OAuth2 refresh changed the tokens). Fails before any request when the base
 * URL is not an https URL (http only for this machine's loopback hosts).
 */
export async function credentialInfo(connection: XApiConnection, request: XApiRequest, reload = false): Promise<CredentialInfo> {
	const { context, credentialType, itemIndex } = connection;
	let perType = credentialInfoCache.get(context);
	const cached = perType?.get(credentialType);
	if (cached && !reload) return cached;
	const credentials = await context.getCredentials(credentialType, itemIndex);
	const configured = String(credentials.baseUrl ?? '').trim() || DEFAULT_BASE_URL;
	const reason = baseUrlProblem(configured);
	if (reason) throw new XApiFailure({ kind: 'invalid-base-url', baseUrl: configured, reason }, request);
	const tokenData = isRecord(credentials.oauthTokenData) ? credentials.oauthTokenData : undefined;
	const info: CredentialInfo = {
		baseUrl: configured.replace(/\/+$/, ''),
		grantedScopes:
			typeof tokenData?.scope === 'string' ? tokenData.scope.split(/[\s,]+/).filter(Boolean) : undefined,
		// After a refresh the old tokens stay secrets too: a late answer may still echo them.
		secrets: mergeSecrets(credentialSecrets(credentials), cached?.secrets ?? []),
	};
	if (!perType) {
		perType = new Map();
		credentialInfoCache.set(context, perType);
	}
	perType.set(credentialType, info);
	return info;
}
