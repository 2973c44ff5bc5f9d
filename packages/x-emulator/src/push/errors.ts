// Error bodies of the push endpoints. X documents the reason names (UrlValidationFailed, DuplicateUrlFailed,
// WebhookLimitExceeded, CrcValidationFailed, WebhookIdInvalid, QueryParamInvalid, ReplayConflictError) but not the
// bodies: documented guesses (README "Push delivery"), each a body the vendored 2.167 document accepts, whose
// `detail` and `errors[0].message` start with the reason name.
import * as responses from '../responses';

export type PushReason =
	| 'UrlValidationFailed'
	| 'DuplicateUrlFailed'
	| 'WebhookLimitExceeded'
	| 'CrcValidationFailed'
	| 'WebhookIdInvalid'
	| 'QueryParamInvalid'
	| 'SubscriptionLimitExceeded';

/** 400 invalid-request problem naming X's reason. */
export function refusal(reason: PushReason, text: string, parameter?: string, value?: string): responses.Reply {
	const message = `${reason}: ${text}`;
	const parameters: Record<string, string[]> = parameter === undefined ? {} : { [parameter]: [value ?? ''] };
	return responses.problem(400, {
		title: 'Invalid Request',
		detail: message,
		type: responses.problemType('invalid-request'),
		errors: [{ parameters, message }],
	});
}

/** 409 conflict problem (DuplicateSubscription, ReplayConflictError). */
export function conflict(reason: 'DuplicateSubscription' | 'ReplayConflictError', text: string): responses.Reply {
	return responses.problem(409, { title: 'Conflict', detail: `${reason}: ${text}`, type: responses.problemType('conflict'), status: 409 });
}

/** 403 for a private-event subscription made with an app-only token or OAuth 1.0a. */
export function privateEventNeedsUserContext(eventType: string, kind: 'app' | 'oauth1'): responses.Reply {
	const used = kind === 'app' ? 'OAuth 2.0 Application-Only' : 'OAuth 1.0a User Context';
	return responses.problem(403, {
		title: 'Unsupported Authentication',
		detail: `Authenticating with ${used} is forbidden for ${eventType} subscriptions.  Supported authentication types are [OAuth 2.0 User Context].`,
		type: responses.problemType('unsupported-authentication'),
		status: 403,
	});
}

/** 403 for a private-event subscription of another user, or without the dm.read scope. */
export function notAuthorizedForUser(eventType: string, userId: string, why: string): responses.Reply {
	return responses.problem(403, {
		title: 'Not Authorized',
		detail: `You are not authorized to subscribe to ${eventType} events of user [${userId}]: ${why}.`,
		type: responses.problemType('not-authorized-for-resource'),
		resource_type: 'user',
		parameter: 'filter.user_id',
		resource_id: userId,
		value: userId,
		status: 403,
	});
}

export function subscriptionNotFound(subscriptionId: string): responses.Reply {
	return responses.notFound({ resourceType: 'subscription', parameter: 'subscription_id', value: subscriptionId });
}
