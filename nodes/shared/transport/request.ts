import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import type { XProblem } from './errors';
import { buildApiError, describeRequest, problemKind, problemList, sanitizeBody, unknownOutcomeError } from './errors';
import { classifyNetworkError, MAYBE_SENT_KINDS, NEVER_SENT_KINDS, networkFailureText } from './network';
import { rateLimitResetMs, serverNowMs } from './rate-limits';
import type { XApiContext, XApiRequestOptions, XApiResponse } from './types';
import { OAUTH1_CREDENTIAL_TYPE, OAUTH2_CREDENTIAL_TYPE } from './types';

export const DEFAULT_BASE_URL = 'https://api.x.com';
export const DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS = 60;
export const DEFAULT_TIMEOUT_SECONDS = 60;

// A few rounds of waiting are enough: each one waits for a full window reset.
const MAX_RATE_LIMIT_RETRIES = 3;
// The reset header has one-second resolution; waking up a little late avoids a second 429.
const RATE_LIMIT_WAKE_MARGIN_MS = 1000;

function isExecuteContext(ctx: XApiContext): ctx is IExecuteFunctions {
	return typeof (ctx as IExecuteFunctions).getInputData === 'function';
}

function isLoadOptionsContext(ctx: XApiContext): ctx is ILoadOptionsFunctions {
	return typeof (ctx as ILoadOptionsFunctions).getCurrentNodeParameter === 'function';
}

/** Reads a node parameter in any of the three context kinds, with a fallback. */
export function readParameter(
	ctx: XApiContext,
	name: string,
	itemIndex: number | undefined,
	fallback: unknown,
): unknown {
	try {
		if (isExecuteContext(ctx)) return ctx.getNodeParameter(name, itemIndex ?? 0, fallback);
		return (ctx as IPollFunctions | ILoadOptionsFunctions).getNodeParameter(name, fallback);
	} catch {
		return fallback;
	}
}

export function getCredentialType(ctx: XApiContext, itemIndex?: number): string {
	const authentication = readParameter(ctx, 'authentication', itemIndex, 'oAuth2');
	return authentication === 'oAuth1' ? OAUTH1_CREDENTIAL_TYPE : OAUTH2_CREDENTIAL_TYPE;
}

interface CredentialInfo {
	baseUrl: string;
	/** Scopes granted to the OAuth2 token, when the token response said so. */
	grantedScopes?: string[];
}

// Credentials are decrypted once per execution context, not once per request.
const credentialInfoCache = new WeakMap<object, Map<string, CredentialInfo>>();

async function getCredentialInfo(ctx: XApiContext, credentialType: string, itemIndex?: number): Promise<CredentialInfo> {
	let perType = credentialInfoCache.get(ctx);
	const cached = perType?.get(credentialType);
	if (cached) return cached;
	const credentials = await ctx.getCredentials(credentialType, itemIndex);
	const configured = String(credentials.baseUrl ?? '').trim() || DEFAULT_BASE_URL;
	if (!/^https?:\/\/[^\s/]+/i.test(configured)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The credential's API Base URL "${configured}" is not a valid http(s) URL`,
			{ itemIndex, description: 'Use https://api.x.com unless you go through a proxy or an emulator.' },
		);
	}
	const tokenData = credentials.oauthTokenData as IDataObject | undefined;
	const info: CredentialInfo = {
		baseUrl: configured.replace(/\/+$/, ''),
		grantedScopes:
			typeof tokenData?.scope === 'string' ? tokenData.scope.split(/[\s,]+/).filter(Boolean) : undefined,
	};
	if (!perType) {
		perType = new Map();
		credentialInfoCache.set(ctx, perType);
	}
	perType.set(credentialType, info);
	return info;
}

/** Encodes query parameters the way X expects: lists comma-joined without spaces, empty values omitted. */
export function encodeQuery(qs: IDataObject | undefined): IDataObject {
	const encoded: IDataObject = {};
	if (!qs) return encoded;
	for (const [key, value] of Object.entries(qs)) {
		if (value === undefined || value === null || value === '') continue;
		if (Array.isArray(value)) {
			if (value.length === 0) continue;
			encoded[key] = value.map((entry) => String(entry).trim()).join(',');
		} else {
			encoded[key] = String(value);
		}
	}
	return encoded;
}

function resolveMaxWaitSeconds(ctx: XApiContext, options: XApiRequestOptions): number {
	// Nobody watches a list in the editor for minutes: fail fast there.
	const configured =
		options.maxRateLimitWaitSeconds ??
		(isLoadOptionsContext(ctx)
			? 0
			: readParameter(
					ctx,
					'options.maxRateLimitWait',
					options.itemIndex,
					DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS,
				));
	const seconds = typeof configured === 'string' && configured.trim() !== '' ? Number(configured) : configured;
	if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Max Rate-Limit Wait must be a number of seconds >= 0, got "${String(configured)}"`,
			{ itemIndex: options.itemIndex, description: '0 means: never wait, fail at once.' },
		);
	}
	return seconds;
}

function resolveTimeoutMs(ctx: XApiContext, options: XApiRequestOptions): number {
	if (options.timeoutMs !== undefined) return options.timeoutMs;
	const configured = isLoadOptionsContext(ctx)
		? DEFAULT_TIMEOUT_SECONDS
		: readParameter(ctx, 'options.timeout', options.itemIndex, DEFAULT_TIMEOUT_SECONDS);
	const seconds = typeof configured === 'string' && configured.trim() !== '' ? Number(configured) : configured;
	if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Timeout must be a number of seconds > 0, got "${String(configured)}"`,
			{ itemIndex: options.itemIndex },
		);
	}
	return Math.round(seconds * 1000);
}

/**
 * Calls the X API with the credential selected by the node's `authentication` parameter.
 * Handles OAuth2 refresh on 401, rate limits (waiting within the node's limit) and X's error formats.
 */
export async function xApiRequest(this: XApiContext, options: XApiRequestOptions): Promise<XApiResponse> {
	const credentialType = getCredentialType(this, options.itemIndex);
	const maxWaitSeconds = resolveMaxWaitSeconds(this, options);
	const timeout = resolveTimeoutMs(this, options);
	const { baseUrl, grantedScopes } = await getCredentialInfo(this, credentialType, options.itemIndex);
	const method = options.method;
	const isGet = method === 'GET';
	let refreshed = false;
	let transientRetryUsed = false;
	let rateLimitRetries = 0;

	for (;;) {
		const request: IHttpRequestOptions = {
			method,
			url: `${baseUrl}${options.path}`,
			qs: encodeQuery(options.qs),
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout,
		};
		if (options.body !== undefined) request.body = options.body;

		let statusCode: number;
		let body: IDataObject;
		let headers: IDataObject;
		try {
			const response = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				credentialType,
				request,
			)) as { body: unknown; headers: IDataObject; statusCode: number };
			statusCode = response.statusCode;
			headers = response.headers ?? {};
			body =
				response.body && typeof response.body === 'object' && !Array.isArray(response.body)
					? (response.body as IDataObject)
					: response.body === undefined || response.body === ''
						? {}
						: { message: String(response.body) };
		} catch (error) {
			const { kind, code } = classifyNetworkError(error);
			const retryable = NEVER_SENT_KINDS.has(kind) || (isGet && MAYBE_SENT_KINDS.has(kind));
			if (retryable && !transientRetryUsed) {
				transientRetryUsed = true;
				continue;
			}
			const cause = networkFailureText(kind);
			if (options.isSend && !NEVER_SENT_KINDS.has(kind)) throw unknownOutcomeError(this, options, cause, code);
			// The original error carries the signed request headers: report only what is safe.
			const failure = new NodeApiError(
				this.getNode(),
				{ reason: cause },
				{
					message: `Could not reach X: ${cause} (${describeRequest(method, options.path)})`,
					description: `API base URL: ${baseUrl}${transientRetryUsed ? '. The request was tried twice.' : ''}`,
					itemIndex: options.itemIndex,
				},
			);
			if (code) failure.context.networkErrorCode = code;
			throw failure;
		}

		if (statusCode >= 200 && statusCode < 300) {
			// X reports lookups that found nothing as 200 with only `errors`.
			if (body.data === undefined && problemList(body).length > 0 && !body.meta) {
				throw buildApiError({ ctx: this, options, credentialType, statusCode, body, grantedScopes });
			}
			return { body, headers, statusCode };
		}

		if (statusCode === 401 && credentialType === OAUTH2_CREDENTIAL_TYPE && !refreshed) {
			// A 401 means the request was rejected before it was handled, so repeating it is safe.
			refreshed = true;
			try {
				await this.helpers.refreshOAuth2Token.call(this, credentialType);
			} catch (error) {
				const { kind } = classifyNetworkError(error);
				throw new NodeApiError(
					this.getNode(),
					{ reason: 'token refresh failed' },
					{
						message: 'The X access token expired and could not be refreshed: reconnect the credential',
						description:
							kind === 'unknown'
								? "X's token endpoint did not accept the refresh token (it may have been used already or revoked)."
								: `The token endpoint could not be reached: ${networkFailureText(kind)}.`,
						httpCode: '401',
						itemIndex: options.itemIndex,
					},
				);
			}
			continue;
		}

		if (statusCode === 429) {
			const problem = body as XProblem;
			if (problemKind(problem) === 'usage-capped') {
				throw buildApiError({ ctx: this, options, credentialType, statusCode, body, grantedScopes });
			}
			const resetMs = rateLimitResetMs(headers);
			const waitMs = resetMs === undefined ? undefined : Math.max(0, resetMs - serverNowMs(headers));
			if (
				waitMs !== undefined &&
				maxWaitSeconds > 0 &&
				waitMs <= maxWaitSeconds * 1000 &&
				rateLimitRetries < MAX_RATE_LIMIT_RETRIES
			) {
				// X rejected the request without handling it, so even a POST can be repeated.
				rateLimitRetries++;
				await sleep(waitMs + RATE_LIMIT_WAKE_MARGIN_MS);
				continue;
			}
			const resetText =
				resetMs === undefined ? 'X did not say when the limit resets' : `the limit resets at ${new Date(resetMs).toISOString()}`;
			const waitText =
				waitMs === undefined
					? ''
					: ` (in ${Math.ceil(waitMs / 1000)} s; Max Rate-Limit Wait is ${maxWaitSeconds} s)`;
			const rateLimited = new NodeApiError(this.getNode(), sanitizeBody(body), {
				message: `X rate limit reached: ${resetText}${waitText}`,
				description:
					'Raise "Max Rate-Limit Wait" in the node options to wait for the reset automatically, or run the workflow less often.',
				httpCode: '429',
				itemIndex: options.itemIndex,
			});
			// For callers that schedule around the reset (the trigger); the message says the same for people.
			if (resetMs !== undefined) rateLimited.context.rateLimitResetMs = resetMs;
			throw rateLimited;
		}

		if (statusCode >= 500) {
			if (isGet && !transientRetryUsed) {
				transientRetryUsed = true;
				continue;
			}
			if (options.isSend) throw unknownOutcomeError(this, options, `X answered ${statusCode}`);
		}

		throw buildApiError({ ctx: this, options, credentialType, statusCode, body, grantedScopes });
	}
}

/** GET /2/users/me, cached per execution context. */
const authenticatedUserCache = new WeakMap<object, IDataObject>();

export async function getAuthenticatedUser(this: XApiContext, itemIndex?: number): Promise<IDataObject> {
	const cached = authenticatedUserCache.get(this);
	if (cached) return cached;
	const { body } = await xApiRequest.call(this, {
		method: 'GET',
		path: '/2/users/me',
		qs: { 'user.fields': ['id', 'name', 'username'] },
		itemIndex,
	});
	const user = body.data as IDataObject | undefined;
	if (!user || typeof user.id !== 'string') {
		throw new NodeOperationError(this.getNode(), 'X did not return the authenticated user', { itemIndex });
	}
	authenticatedUserCache.set(this, user);
	return user;
}
