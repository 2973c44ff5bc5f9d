import type { IDataObject, JsonObject } from 'n8n-workflow';

import type { NetworkFailureKind, XApiFailure, XFailure } from '../transport';
import { OAUTH1_CREDENTIAL_TYPE } from '../transport';

/** What a user sees of a failure: the words of NodeApiError and the data attached to it. */
export interface Presentation {
	message: string;
	description?: string;
	httpCode?: string;
	/** NodeApiError's `errorResponse`: X's answer without credentials, or the cause of a failure without one. */
	errorResponse: JsonObject;
	/** Added to the error's `context` for callers and logs (never secrets). */
	context?: IDataObject;
}

type Words = Pick<Presentation, 'message' | 'description'>;
type Of<K extends XFailure['kind']> = Extract<XFailure, { kind: K }>;

export function networkFailureText(kind: NetworkFailureKind): string {
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

// The spec's resource_type enum has no DM type: a DM event is recognised by its parameter (`event_id`) too.
function resourceLabel(resourceType: string, parameter?: string): string {
	if (resourceType === 'dm_event' || parameter === 'event_id') return 'DM event';
	if (resourceType === 'dm_conversation') return 'conversation';
	return resourceType.replace(/_/g, ' ');
}

function bareForbiddenWords(failure: Of<'forbidden'>, request: string): Words {
	const { needed, missing } = failure.scopes ?? { needed: [], missing: [] };
	if (failure.reason === 'not-participant') {
		return {
			message: 'The authenticated user is not a participant of this conversation, or it does not exist',
			description: `X refused ${request} with 403 Forbidden. Check the conversation ID; you cannot post into or read a group you left.`,
		};
	}
	if (failure.reason === 'app-permission') {
		return {
			message: `X refused the request (403 Forbidden) to ${request}`,
			description:
				'OAuth 1.0a: the X app needs the "Read and write and Direct message" permission. After changing it, reconnect the credential.',
		};
	}
	if (missing.length) {
		return {
			message: `The X credential is missing the scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
			description: `${request} needs the scopes ${needed.join(', ')}. Reconnect the credential so that all of them are granted.`,
		};
	}
	return {
		message: `X refused the request (403 Forbidden) to ${request}`,
		description: `The token may lack a scope: this request needs ${needed.join(', ')}. Reconnect the credential so that all of them are granted.`,
	};
}

function forbiddenWords(failure: Of<'forbidden'>, request: string): Words {
	const { detail } = failure;
	if (failure.bare) return bareForbiddenWords(failure, request);
	switch (failure.reason) {
		case 'not-enrolled':
			return {
				message: "Your X developer app's access level does not include this endpoint",
				description: `X says: ${detail || 'client not enrolled'}${
					failure.enrollment ? ` Required: ${failure.enrollment}.` : ''
				} Direct Message endpoints need a paid access tier; attach the app to a project with DM access.`,
			};
		case 'unsupported-authentication':
			return { message: 'This X endpoint needs user-context authentication (OAuth 2.0 user token or OAuth 1.0a)', description: detail };
		case 'media-not-attachable':
			return {
				message: 'This media cannot be attached to a Direct Message',
				description:
					'X only accepts media uploaded by the same user with a DM media category (dm_image, dm_gif, dm_video) within the last 24 hours, and a media ID can be used once unless it was uploaded as shared. Upload the file through this node\'s "Binary File" attachment instead.',
			};
		case 'recipient-refuses':
			return {
				message: 'The recipient does not accept Direct Messages from you',
				description: `X says: ${detail} Their DM settings may only allow messages from accounts they follow, or they may have blocked you.`,
			};
		case 'app-permission':
			return {
				message: 'The X app of this OAuth1 credential lacks the "Read and write and Direct message" permission',
				description: `X says: ${detail} Change the app permissions in the X developer portal, then reconnect the credential.`,
			};
		case 'not-participant':
			return { message: 'The authenticated user is not a participant of this conversation', description: `X says: ${detail}` };
		case 'resource-unauthorized': {
			const { type, value } = failure.resource ?? {};
			return {
				message: `You are not authorized to see the ${resourceLabel(type ?? 'resource')} "${value ?? ''}"`,
				description: detail || undefined,
			};
		}
		default:
			return { message: `X refused the request: ${detail || 'Forbidden'}` };
	}
}

function unauthorizedWords(failure: Of<'unauthorized'>): Words {
	if ('refreshFailure' in failure) {
		return {
			message: 'The X access token expired and could not be refreshed: reconnect the credential',
			description:
				failure.refreshFailure === 'unknown'
					? "X's token endpoint did not accept the refresh token (it may have been used already or revoked)."
					: `The token endpoint could not be reached: ${networkFailureText(failure.refreshFailure)}.`,
		};
	}
	return {
		message: 'X rejected the credentials (401 Unauthorized): the access token is invalid, expired or revoked',
		description:
			failure.credentialType === OAUTH1_CREDENTIAL_TYPE
				? 'Reconnect the X DM OAuth1 credential. If the app permissions were changed, the old tokens are no longer valid.'
				: 'Reconnect the X DM OAuth2 credential (its refresh token may have been used up or revoked).',
	};
}

/** When the limit resets, in words; a reset that is not a valid time is never formatted (no "Invalid time value"). */
function resetWords({ resetAtMs, implausibleReset }: Of<'rate-limited'>): string {
	const reset = resetAtMs === undefined ? undefined : new Date(resetAtMs);
	if (reset && Number.isFinite(reset.getTime())) return `the limit resets at ${reset.toISOString()}`;
	if (implausibleReset) return `X announced a reset time that cannot be right (${implausibleReset.header}: ${implausibleReset.value})`;
	return 'X did not say when the limit resets';
}

function rateLimitedWords(failure: Of<'rate-limited'>): Words {
	const { waitMs } = failure;
	const resetText = resetWords(failure);
	const waitText =
		waitMs === undefined || !Number.isFinite(waitMs)
			? ''
			: ` (in ${Math.ceil(waitMs / 1000)} s; Max Rate-Limit Wait is ${failure.maxWaitMs / 1000} s)`;
	return {
		message: `X rate limit reached: ${resetText}${waitText}`,
		description:
			'Raise "Max Rate-Limit Wait" in the node options to wait for the reset automatically, or run the workflow less often.',
	};
}

type AnswerFailure = Of<'usage-capped' | 'not-found' | 'invalid-request' | 'transient' | 'unexpected'>;

/** The words of the other failures X answered. */
function answerWords(failure: AnswerFailure, request: string): Words {
	switch (failure.kind) {
		case 'usage-capped': {
			const period = failure.period ? ` (${failure.period} ${failure.scope ?? ''} cap)`.replace(' )', ')') : '';
			return {
				message: `X usage cap exceeded${period}: no more requests are accepted until the cap resets`,
				description: 'Waiting a few minutes does not help. Check the usage dashboard of your X developer account.',
			};
		}
		case 'not-found': {
			const what = failure.resourceType ? `${resourceLabel(failure.resourceType, failure.parameter)} ` : '';
			return {
				message: failure.value
					? `X could not find the ${what}"${failure.value}"`
					: `X could not find the requested ${what || 'resource'} (${request})`,
				description: failure.detail || undefined,
			};
		}
		case 'invalid-request': {
			const { reasons, detail } = failure;
			return {
				message: `X rejected the request as invalid: ${reasons.join('; ') || detail || 'bad request'}`,
				description: detail && reasons.length ? detail : undefined,
			};
		}
		case 'transient':
			return { message: `X returned a server error (${failure.status}) for ${request}`, description: failure.detail || undefined };
		case 'unexpected': {
			const { status, title, detail } = failure;
			return { message: `X returned an error (${status}) for ${request}${title ? `: ${title}` : ''}`, description: detail || undefined };
		}
	}
}

function unknownOutcome(failure: Of<'unknown-outcome'>): Presentation {
	const cause = failure.network !== undefined ? networkFailureText(failure.network) : `X answered ${failure.status}`;
	return {
		message: `The Direct Message may or may not have been sent: ${cause}`,
		description:
			'The outcome of this send is unknown, so it was not retried automatically (a retry could send the message twice). Check the conversation in X, or list its events with this node, before re-running the workflow.',
		errorResponse: { reason: cause },
		context: failure.code ? { networkErrorCode: failure.code } : undefined,
	};
}

const KEY_FIELD_NAMES = { apiKey: 'API Key', apiKeySecret: 'API Key Secret' } as const;
const WHERE_KEYS_ARE =
	'X developer portal → your app → Keys and tokens → "Consumer Keys" (API Key and Secret), of the same app as the credential\'s OAuth 2.0 Client ID';

/** The instant trigger's app-only token: keys missing from the credential, or refused by X. */
function appKeysPresentation(failure: Of<'app-keys-missing' | 'app-keys-refused'>): Presentation {
	if (failure.kind === 'app-keys-missing') {
		const fields = failure.missing.map((field) => `"${KEY_FIELD_NAMES[field]}"`).join(' and ');
		return {
			message: `The X credential has no ${fields}: the instant trigger needs the app's API Key and API Key Secret`,
			description: `Fill in ${fields} in the credential (X DM OAuth2 API). You find them in the ${WHERE_KEYS_ARE}. Nothing was sent to X.`,
			errorResponse: {},
		};
	}
	return {
		message: `X did not accept the credential's API Key and API Key Secret (${failure.status})`,
		description: `Copy both again from the ${WHERE_KEYS_ARE}. If you regenerated them, the old ones no longer work.`,
		httpCode: String(failure.status),
		errorResponse: failure.body,
	};
}

/** The user-facing words and data of a transport failure (the same texts the nodes have always shown). */
export function present(error: XApiFailure): Presentation {
	const { failure } = error;
	const request = `${error.request.method} ${error.request.path}`;
	switch (failure.kind) {
		case 'network': {
			// The original error carries the signed request headers: report only what is safe.
			const cause = networkFailureText(failure.network);
			return {
				message: `Could not reach X: ${cause} (${request})`,
				description: `API base URL: ${failure.baseUrl}${failure.retried ? '. The request was tried twice.' : ''}`,
				errorResponse: { reason: cause },
				context: failure.code ? { networkErrorCode: failure.code } : undefined,
			};
		}
		case 'unknown-outcome':
			return unknownOutcome(failure);
		case 'invalid-base-url':
			if (failure.reason === 'insecure') {
				return {
					message: `The credential's API Base URL "${failure.baseUrl}" uses plain http: the X credentials would travel unencrypted`,
					description:
						'Use an https:// URL (https://api.x.com unless you go through a proxy). Plain http:// is accepted only for this machine: localhost, 127.0.0.0/8 and [::1], e.g. a local emulator.',
					errorResponse: {},
				};
			}
			return {
				message: `The credential's API Base URL "${failure.baseUrl}" is not a valid http(s) URL`,
				description: 'Use https://api.x.com unless you go through a proxy or an emulator.',
				errorResponse: {},
			};
		case 'unauthorized':
			if ('refreshFailure' in failure) return { ...unauthorizedWords(failure), httpCode: '401', errorResponse: { reason: 'token refresh failed' } };
			return { ...unauthorizedWords(failure), httpCode: '401', errorResponse: failure.body };
		case 'rate-limited':
			return {
				...rateLimitedWords(failure),
				httpCode: '429',
				errorResponse: failure.body,
				// For callers that schedule around the reset; the message says the same for people.
				context: failure.resetAtMs === undefined ? undefined : { rateLimitResetMs: failure.resetAtMs },
			};
		case 'forbidden':
			return { ...forbiddenWords(failure, request), httpCode: String(failure.status), errorResponse: failure.body };
		case 'app-keys-missing':
		case 'app-keys-refused':
			return appKeysPresentation(failure);
		case 'stream-connections-full':
			return {
				message: `X refused the stream connection: the app's Activity stream connections are all in use (TooManyConnections)`,
				description:
					'X allows 2 open connections to GET /2/activity/stream per app. Each active workflow with the Stream Trigger holds one, and so does a test run in the editor ("Listen for test event"). Deactivate another workflow that uses this X app, stop listening for test events, or use the Instant Trigger (webhook) or the polling trigger for this workflow.',
				httpCode: '429',
				errorResponse: failure.body,
			};
		default: {
			// A lookup that found nothing arrives as 200 with errors[]: report it as the 404 it means.
			const httpCode = failure.status < 300 && failure.kind === 'not-found' ? '404' : String(failure.status);
			return { ...answerWords(failure, request), httpCode, errorResponse: failure.body };
		}
	}
}
