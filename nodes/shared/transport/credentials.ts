import { isRecord } from '../models/json';
import { XApiFailure } from './failure';
import type { XApiConnection, XApiRequest } from './types';

export const DEFAULT_BASE_URL = 'https://api.x.com';

export interface CredentialInfo {
	baseUrl: string;
	/** Scopes granted to the OAuth2 token, when the token response said so. */
	grantedScopes?: string[];
}

// Credentials are decrypted once per execution context, not once per request.
const credentialInfoCache = new WeakMap<object, Map<string, CredentialInfo>>();

/** The base URL and granted scopes of the connection's credential (read once per n8n context and type). */
export async function credentialInfo(connection: XApiConnection, request: XApiRequest): Promise<CredentialInfo> {
	const { context, credentialType, itemIndex } = connection;
	let perType = credentialInfoCache.get(context);
	const cached = perType?.get(credentialType);
	if (cached) return cached;
	const credentials = await context.getCredentials(credentialType, itemIndex);
	const configured = String(credentials.baseUrl ?? '').trim() || DEFAULT_BASE_URL;
	if (!/^https?:\/\/[^\s/]+/i.test(configured)) {
		throw new XApiFailure({ kind: 'invalid-base-url', baseUrl: configured }, request);
	}
	const tokenData = isRecord(credentials.oauthTokenData) ? credentials.oauthTokenData : undefined;
	const info: CredentialInfo = {
		baseUrl: configured.replace(/\/+$/, ''),
		grantedScopes:
			typeof tokenData?.scope === 'string' ? tokenData.scope.split(/[\s,]+/).filter(Boolean) : undefined,
	};
	if (!perType) {
		perType = new Map();
		credentialInfoCache.set(context, perType);
	}
	perType.set(credentialType, info);
	return info;
}
