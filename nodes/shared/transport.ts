import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

export type XApiContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

export const OAUTH2_CREDENTIAL_TYPE = 'xDmOAuth2Api';
export const OAUTH1_CREDENTIAL_TYPE = 'xDmOAuth1Api';
export const DEFAULT_BASE_URL = 'https://api.x.com';
export const DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS = 60;
export const DEFAULT_TIMEOUT_SECONDS = 60;
export const MAX_PAGE_SIZE = 100;

// A few rounds of waiting are enough: each one waits for a full window reset.
const MAX_RATE_LIMIT_RETRIES = 3;
// The reset header has one-second resolution; waking up a little late avoids a second 429.
const RATE_LIMIT_WAKE_MARGIN_MS = 1000;

export interface XApiRequestOptions {
	method: IHttpRequestMethods;
	/** Path below the base URL, starting with `/2/`. */
	path: string;
	/** Query parameters; arrays are sent comma-joined, empty values are dropped. */
	qs?: IDataObject;
	/** JSON body. */
	body?: IDataObject;
	itemIndex?: number;
	/** The request creates a DM: an unknown outcome is reported as "may or may not have been sent". */
	isSend?: boolean;
	/** Overrides the node's "Max Rate-Limit Wait" option (seconds, 0 = never wait). */
	maxRateLimitWaitSeconds?: number;
	/** Overrides the node's "Timeout" option. */
	timeoutMs?: number;
}

export interface XApiResponse {
	body: IDataObject;
	headers: IDataObject;
	statusCode: number;
}

interface XProblem extends IDataObject {
	type?: string;
	title?: string;
	detail?: string;
	status?: number;
	message?: string;
	parameter?: string;
	value?: string;
	resource_type?: string;
	resource_id?: string;
	reason?: string;
	required_enrollment?: string;
	period?: string;
	scope?: string;
	errors?: IDataObject[];
}

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

function headerValue(headers: IDataObject, name: string): string | undefined {
	const value = headers[name] ?? headers[name.toLowerCase()];
	if (value === undefined || value === null) return undefined;
	return Array.isArray(value) ? String(value[0]) : String(value);
}

function problemKind(problem: XProblem): string {
	const type = typeof problem.type === 'string' ? problem.type : '';
	// The problem host changed over time (api.twitter.com vs api.x.com): only the suffix is stable.
	const match = /\/problems\/([a-z-]+)$/i.exec(type);
	return match ? match[1].toLowerCase() : type;
}

function problemList(body: IDataObject): XProblem[] {
	const errors = Array.isArray(body.errors) ? (body.errors as XProblem[]) : [];
	return errors.filter((entry) => entry && typeof entry === 'object');
}

function resourceLabel(resourceType: string): string {
	if (resourceType === 'dm_event') return 'DM event';
	if (resourceType === 'dm_conversation') return 'conversation';
	return resourceType.replace(/_/g, ' ');
}

/** The OAuth2 scopes X requires for a request (x-dm-api.md §2). */
export function requiredScopes(method: string, path: string): string[] {
	if (path.startsWith('/2/media/')) return ['media.write'];
	if (path.startsWith('/2/users')) return ['tweet.read', 'users.read'];
	if (method === 'DELETE') return ['dm.read', 'dm.write'];
	if (method === 'POST') return ['dm.write', 'tweet.read', 'users.read'];
	return ['dm.read', 'tweet.read', 'users.read'];
}

// Requests addressed to one conversation by its ID: a bare 403 there usually means "not a participant".
function isConversationPath(path: string): boolean {
	return /^\/2\/dm_conversations\/(?!with\/)[^/]+\/(messages|dm_events)$/.test(path);
}

/** Parses the reset time the server announced, as epoch milliseconds (the latest of all windows that are exhausted). */
export function rateLimitResetMs(headers: IDataObject): number | undefined {
	const candidates: number[] = [];
	const windows: Array<[string, string]> = [
		['x-rate-limit-remaining', 'x-rate-limit-reset'],
		['x-user-limit-24hour-remaining', 'x-user-limit-24hour-reset'],
		['x-app-limit-24hour-remaining', 'x-app-limit-24hour-reset'],
	];
	for (const [remainingName, resetName] of windows) {
		const reset = Number(headerValue(headers, resetName));
		if (!Number.isFinite(reset) || reset <= 0) continue;
		const remainingRaw = headerValue(headers, remainingName);
		const remaining = remainingRaw === undefined ? 0 : Number(remainingRaw);
		// A window with requests left is not the one that caused the 429.
		if (Number.isFinite(remaining) && remaining > 0) continue;
		candidates.push(reset * 1000);
	}
	if (candidates.length === 0) {
		// No exhausted window announced: fall back to the 15-minute window's reset.
		const reset = Number(headerValue(headers, 'x-rate-limit-reset'));
		if (Number.isFinite(reset) && reset > 0) candidates.push(reset * 1000);
	}
	return candidates.length ? Math.max(...candidates) : undefined;
}

/** "Now" as the server sees it (Date header), so that clock skew does not distort the wait. */
function serverNowMs(headers: IDataObject): number {
	const date = Date.parse(headerValue(headers, 'date') ?? '');
	return Number.isFinite(date) ? date : Date.now();
}

/** Strips anything credential-like from an error body before it is attached to an error. */
function sanitizeBody(body: unknown): JsonObject {
	if (!body || typeof body !== 'object' || Array.isArray(body)) {
		return typeof body === 'string' ? { message: body.slice(0, 2000) } : {};
	}
	const copy: JsonObject = {};
	for (const [key, value] of Object.entries(body as IDataObject)) {
		if (/token|secret|authorization|password/i.test(key)) continue;
		copy[key] = value as JsonObject[string];
	}
	return copy;
}

function describeRequest(method: string, path: string): string {
	return `${method} ${path}`;
}

interface FailureInput {
	ctx: XApiContext;
	options: XApiRequestOptions;
	credentialType: string;
	statusCode: number;
	body: IDataObject;
	grantedScopes?: string[];
}

/** Turns an X error response into a NodeApiError with a message a workflow author can act on. */
export function buildApiError({ ctx, options, credentialType, statusCode, body, grantedScopes }: FailureInput): NodeApiError {
	const problems = problemList(body);
	const problem: XProblem = (problems.length && !body.title ? problems[0] : (body as XProblem)) ?? {};
	const kind = problemKind(problem);
	const detail = String(problem.detail ?? problem.message ?? body.detail ?? '').trim();
	const lowerDetail = detail.toLowerCase();
	const request = describeRequest(options.method, options.path);
	const isOAuth1 = credentialType === OAUTH1_CREDENTIAL_TYPE;
	// X words its DM refusals only in `detail`; matching on it is limited to 403s so 400 texts are not misread.
	const refusal = statusCode === 403 ? lowerDetail : '';
	let message: string;
	let description: string | undefined;

	if (statusCode === 401) {
		message = 'X rejected the credentials (401 Unauthorized): the access token is invalid, expired or revoked';
		description = isOAuth1
			? 'Reconnect the X DM OAuth1 credential. If the app permissions were changed, the old tokens are no longer valid.'
			: 'Reconnect the X DM OAuth2 credential (its refresh token may have been used up or revoked).';
	} else if (kind === 'usage-capped') {
		const period = problem.period ? ` (${problem.period} ${problem.scope ?? ''} cap)`.replace(' )', ')') : '';
		message = `X usage cap exceeded${period}: no more requests are accepted until the cap resets`;
		description = 'Waiting a few minutes does not help. Check the usage dashboard of your X developer account.';
	} else if (kind === 'client-forbidden' || problem.reason === 'client-not-enrolled' || problem.required_enrollment) {
		message = "Your X developer app's access level does not include this endpoint";
		description = `X says: ${detail || 'client not enrolled'}${
			problem.required_enrollment ? ` Required: ${problem.required_enrollment}.` : ''
		} Direct Message endpoints need a paid access tier; attach the app to a project with DM access.`;
	} else if (kind === 'unsupported-authentication') {
		message = 'This X endpoint needs user-context authentication (OAuth 2.0 user token or OAuth 1.0a)';
		description = detail;
	} else if (refusal.includes('not permitted to attach this media')) {
		message = 'This media cannot be attached to a Direct Message';
		description =
			'X only accepts media uploaded by the same user with a DM media category (dm_image, dm_gif, dm_video) within the last 24 hours, and a media ID can be used once unless it was uploaded as shared. Upload the file through this node\'s "Binary File" attachment instead.';
	} else if (
		refusal.includes('cannot send messages') ||
		refusal.includes('not following you') ||
		refusal.includes('does not accept') ||
		refusal.includes('blocked')
	) {
		message = 'The recipient does not accept Direct Messages from you';
		description = `X says: ${detail} Their DM settings may only allow messages from accounts they follow, or they may have blocked you.`;
	} else if (refusal.includes('oauth1 app permissions')) {
		message = 'The X app of this OAuth1 credential lacks the "Read and write and Direct message" permission';
		description = `X says: ${detail} Change the app permissions in the X developer portal, then reconnect the credential.`;
	} else if (refusal.includes('participant')) {
		message = 'The authenticated user is not a participant of this conversation';
		description = `X says: ${detail}`;
	} else if (statusCode === 403 && (detail === 'Forbidden' || detail === '')) {
		const needed = requiredScopes(options.method, options.path);
		const missing = !isOAuth1 && grantedScopes ? needed.filter((scope) => !grantedScopes.includes(scope)) : [];
		if (missing.length) {
			message = `The X credential is missing the scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`;
			description = `${request} needs the scopes ${needed.join(', ')}. Reconnect the credential so that all of them are granted.`;
		} else if (isConversationPath(options.path)) {
			message = 'The authenticated user is not a participant of this conversation, or it does not exist';
			description = `X refused ${request} with 403 Forbidden. Check the conversation ID; you cannot post into or read a group you left.`;
		} else if (isOAuth1) {
			message = `X refused the request (403 Forbidden) to ${request}`;
			description =
				'OAuth 1.0a: the X app needs the "Read and write and Direct message" permission. After changing it, reconnect the credential.';
		} else {
			message = `X refused the request (403 Forbidden) to ${request}`;
			description = `The token may lack a scope: this request needs ${needed.join(', ')}. Reconnect the credential so that all of them are granted.`;
		}
	} else if (kind === 'resource-not-found' || statusCode === 404) {
		const what = problem.resource_type ? `${resourceLabel(problem.resource_type)} ` : '';
		const value = problem.value ?? problem.resource_id;
		message = value
			? `X could not find the ${what}"${String(value)}"`
			: `X could not find the requested ${what || 'resource'} (${request})`;
		description = detail || undefined;
	} else if (kind === 'not-authorized-for-resource') {
		const value = problem.value ?? problem.resource_id;
		message = `You are not authorized to see the ${resourceLabel(problem.resource_type ?? 'resource')} "${String(value ?? '')}"`;
		description = detail || undefined;
	} else if (kind === 'invalid-request' || statusCode === 400) {
		const reasons = problems.map((entry) => String(entry.message ?? entry.detail ?? '')).filter(Boolean);
		message = `X rejected the request as invalid: ${reasons.join('; ') || detail || 'bad request'}`;
		description = detail && reasons.length ? detail : undefined;
	} else if (statusCode === 429) {
		message = 'X rate limit reached';
		description = detail || undefined;
	} else if (statusCode >= 500) {
		message = `X returned a server error (${statusCode}) for ${request}`;
		description = detail || undefined;
	} else if (statusCode === 403) {
		message = `X refused the request: ${detail || 'Forbidden'}`;
	} else {
		const title = String(problem.title ?? body.title ?? '').trim();
		message = `X returned an error (${statusCode}) for ${request}${title ? `: ${title}` : ''}`;
		description = detail || undefined;
	}

	// A lookup that found nothing arrives as 200 with errors[]: report it as the 404 it means.
	const httpCode = statusCode < 300 && kind === 'resource-not-found' ? '404' : String(statusCode);
	return new NodeApiError(ctx.getNode(), sanitizeBody(body), {
		message,
		description,
		httpCode,
		itemIndex: options.itemIndex,
	});
}

/** What went wrong when no HTTP answer arrived. */
export type NetworkFailureKind = 'timeout' | 'reset' | 'refused' | 'dns' | 'unreachable' | 'cancelled' | 'unknown';

// Node and axios error codes. axios reports its own timeout as ECONNABORTED, and a response body cut off by a
// dropped connection as ERR_BAD_RESPONSE "stream has been aborted" (matched below by its text).
const CODE_KINDS: Record<string, NetworkFailureKind> = {
	ETIMEDOUT: 'timeout',
	ESOCKETTIMEDOUT: 'timeout',
	ECONNABORTED: 'timeout',
	ECONNRESET: 'reset',
	EPIPE: 'reset',
	ECONNREFUSED: 'refused',
	ENOTFOUND: 'dns',
	EAI_AGAIN: 'dns',
	EHOSTUNREACH: 'unreachable',
	ENETUNREACH: 'unreachable',
	ERR_CANCELED: 'cancelled',
};

// Used only when no code above survived: n8n replaces the message with its own description and keeps the
// original in `messages`.
const TEXT_KINDS: Array<[RegExp, NetworkFailureKind]> = [
	[/timeout of \d+ms exceeded|ETIMEDOUT|ESOCKETTIMEDOUT|timed out/i, 'timeout'],
	[/socket hang up|ECONNRESET|EPIPE|closed unexpectedly|stream has been aborted|^aborted$/i, 'reset'],
	[/ECONNREFUSED|refused the connection/i, 'refused'],
	[/ENOTFOUND|EAI_AGAIN|getaddrinfo|incorrect host/i, 'dns'],
	[/EHOSTUNREACH|ENETUNREACH|host is unreachable/i, 'unreachable'],
	[/ECONNABORTED|connection was aborted/i, 'timeout'],
	[/^canceled$|ERR_CANCELED/i, 'cancelled'],
];

interface ErrorFields {
	code?: unknown;
	httpCode?: unknown;
	message?: unknown;
	messages?: unknown;
	cause?: unknown;
	errorResponse?: unknown;
	reason?: unknown;
	context?: unknown;
}

/**
 * Classifies a request that failed without an HTTP answer. n8n's NodeApiError drops `.cause`, but the original
 * code survives in other places: NodeApiError copies an axios error's `code` into `httpCode`, and errors built from
 * plain objects keep them in `errorResponse`. Codes are trusted first, message texts only as a fallback.
 */
export function classifyNetworkError(error: unknown): { kind: NetworkFailureKind; code?: string } {
	const codes: string[] = [];
	const texts: string[] = [];
	const seen = new Set<unknown>();
	const pending: unknown[] = [error];
	while (pending.length && seen.size < 20) {
		const current = pending.shift();
		if (!current || typeof current !== 'object' || seen.has(current)) continue;
		seen.add(current);
		const fields = current as ErrorFields;
		for (const value of [fields.code, fields.httpCode]) {
			if (typeof value === 'string' && /^E[A-Z_]+$|^ERR_[A-Z_]+$/.test(value)) codes.push(value);
		}
		if (Array.isArray(fields.messages)) texts.push(...fields.messages.map(String));
		if (typeof fields.message === 'string') texts.push(fields.message);
		pending.push(fields.cause, fields.errorResponse, fields.reason, fields.context);
	}
	const known = codes.find((code) => CODE_KINDS[code] !== undefined);
	if (known) return { kind: CODE_KINDS[known], code: known };
	for (const text of texts) {
		for (const [pattern, kind] of TEXT_KINDS) if (pattern.test(text)) return { kind, code: codes[0] };
	}
	return { kind: 'unknown', code: codes[0] };
}

function networkFailureText(kind: NetworkFailureKind): string {
	switch (kind) {
		case 'timeout':
			return 'the request timed out';
		case 'reset':
			return 'the connection was reset';
		case 'refused':
			return 'the connection was refused';
		case 'dns':
			return 'the host name could not be resolved';
		case 'unreachable':
			return 'the host is unreachable';
		case 'cancelled':
			return 'the request was cancelled';
		default:
			return 'the request failed before a response arrived';
	}
}

// The connection was never made, so X cannot have seen the request: safe to repeat even for POSTs.
const NEVER_SENT_KINDS = new Set<NetworkFailureKind>(['refused', 'dns', 'unreachable']);
// X may have handled the request: only a GET may be repeated.
const MAYBE_SENT_KINDS = new Set<NetworkFailureKind>(['timeout', 'reset']);

function unknownOutcomeError(ctx: XApiContext, options: XApiRequestOptions, cause: string, code?: string): NodeApiError {
	const failure = new NodeApiError(
		ctx.getNode(),
		{ reason: cause },
		{
			message: `The Direct Message may or may not have been sent: ${cause}`,
			description:
				'The outcome of this send is unknown, so it was not retried automatically (a retry could send the message twice). Check the conversation in X, or list its events with this node, before re-running the workflow.',
			itemIndex: options.itemIndex,
		},
	);
	if (code) failure.context.networkErrorCode = code;
	return failure;
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

export interface PaginateOptions {
	path: string;
	qs?: IDataObject;
	/** Maximum number of events; undefined = all. */
	limit?: number;
	/** Paging stops at the first event for which this returns true; that event is not included. */
	stopWhen?: (event: IDataObject) => boolean;
	/** Stop fetching further pages once this many milliseconds have passed. */
	budgetMs?: number;
	itemIndex?: number;
	maxRateLimitWaitSeconds?: number;
}

export interface PaginateResult {
	events: IDataObject[];
	includes: IDataObject;
	requests: number;
	/** True when paging ended because the list ended or `stopWhen` matched (not because of the limit or the budget). */
	complete: boolean;
}

const INCLUDE_KEYS: Record<string, string> = {
	users: 'id',
	media: 'media_key',
	tweets: 'id',
	posts: 'id',
	places: 'id',
	polls: 'id',
	topics: 'id',
};

/** Merges `includes` of several pages, de-duplicated by each object's key. */
export function mergeIncludes(target: IDataObject, source: IDataObject | undefined): IDataObject {
	if (!source || typeof source !== 'object') return target;
	for (const [collection, entries] of Object.entries(source)) {
		if (!Array.isArray(entries)) continue;
		const keyName = INCLUDE_KEYS[collection] ?? 'id';
		const existing = (target[collection] as IDataObject[] | undefined) ?? [];
		const seen = new Set(existing.map((entry) => String(entry[keyName])));
		for (const entry of entries as IDataObject[]) {
			const key = String(entry?.[keyName]);
			if (seen.has(key)) continue;
			seen.add(key);
			existing.push(entry);
		}
		target[collection] = existing;
	}
	return target;
}

/** Pages through a DM event list (newest first) with pagination_token. */
export async function paginateDmEvents(this: XApiContext, options: PaginateOptions): Promise<PaginateResult> {
	const events: IDataObject[] = [];
	const seenIds = new Set<string>();
	const includes: IDataObject = {};
	const startedAt = Date.now();
	let requests = 0;
	let paginationToken: string | undefined;

	for (;;) {
		const remaining = options.limit === undefined ? MAX_PAGE_SIZE : options.limit - events.length;
		if (remaining <= 0) return { events, includes, requests, complete: false };
		if (options.budgetMs !== undefined && requests > 0 && Date.now() - startedAt >= options.budgetMs) {
			return { events, includes, requests, complete: false };
		}
		const qs: IDataObject = { ...options.qs, max_results: Math.min(MAX_PAGE_SIZE, remaining) };
		if (paginationToken) qs.pagination_token = paginationToken;
		const { body } = await xApiRequest.call(this, {
			method: 'GET',
			path: options.path,
			qs,
			itemIndex: options.itemIndex,
			maxRateLimitWaitSeconds: options.maxRateLimitWaitSeconds,
		});
		requests++;
		const page = Array.isArray(body.data) ? (body.data as IDataObject[]) : [];
		mergeIncludes(includes, body.includes as IDataObject | undefined);
		for (const event of page) {
			if (options.stopWhen?.(event)) return { events, includes, requests, complete: true };
			const id = String(event.id);
			// Events that arrive while paging shift the pages: the same event can show up twice.
			if (seenIds.has(id)) continue;
			seenIds.add(id);
			events.push(event);
			if (options.limit !== undefined && events.length >= options.limit) {
				return { events, includes, requests, complete: false };
			}
		}
		const meta = (body.meta as IDataObject | undefined) ?? {};
		const nextToken = typeof meta.next_token === 'string' ? meta.next_token : undefined;
		if (page.length === 0 || !nextToken) return { events, includes, requests, complete: true };
		paginationToken = nextToken;
	}
}
