import type { IDataObject, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { XApiContext, XApiRequestOptions } from './types';
import { OAUTH1_CREDENTIAL_TYPE } from './types';

export interface XProblem extends IDataObject {
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

export function problemKind(problem: XProblem): string {
	const type = typeof problem.type === 'string' ? problem.type : '';
	// The problem host changed over time (api.twitter.com vs api.x.com): only the suffix is stable.
	const match = /\/problems\/([a-z-]+)$/i.exec(type);
	return match ? match[1].toLowerCase() : type;
}

export function problemList(body: IDataObject): XProblem[] {
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

/** Strips anything credential-like from an error body before it is attached to an error. */
export function sanitizeBody(body: unknown): JsonObject {
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

export function describeRequest(method: string, path: string): string {
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

export function unknownOutcomeError(ctx: XApiContext, options: XApiRequestOptions, cause: string, code?: string): NodeApiError {
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
