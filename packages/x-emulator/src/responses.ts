// Response helpers and the error bodies captured from the real API (x-dm-api.md §3.2), verbatim apart from the
// problem `type` host, which the server rewrites to the configured `problemHost` just before sending.
import * as http from 'node:http';
import type { XInvalidRequestError, XProblem, XResourceNotFound } from './x-types';

export const DEFAULT_PROBLEM_HOST = 'https://api.x.com/2/problems/';
export const JSON_TYPE = 'application/json; charset=utf-8';
export const PROBLEM_TYPE = 'application/problem+json';

/** What a handler answers (or throws): the server serializes it. `body` objects are sent as JSON. */
export interface Reply {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
	contentType?: string;
	/** A streaming answer (GET /2/activity/stream): takes over the response; `headers` are the Date and rate-limit ones. */
	stream?: (res: http.ServerResponse, headers: Record<string, string>) => void;
}

export function problemType(name: string): string {
	return `${DEFAULT_PROBLEM_HOST}${name}`;
}

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
	return { status, body, headers };
}

// about:blank and invalid-request problems arrive as application/json on the real API, the others as problem+json.
export function problem(status: number, body: XProblem, extraHeaders?: Record<string, string>): Reply {
	const plainJson = body.type === 'about:blank' || String(body.type).endsWith('/invalid-request');
	return { status, body, headers: extraHeaders, contentType: plainJson ? JSON_TYPE : PROBLEM_TYPE };
}

export function isResponse(value: unknown): value is Reply {
	return Boolean(value) && typeof value === 'object' && Number.isInteger((value as { status?: unknown }).status) && !(value instanceof Error);
}

function statusText(status: number): string {
	return http.STATUS_CODES[status] || 'Error';
}

export function genericProblem(status: number, detail = statusText(status)): Reply {
	return problem(status, { title: statusText(status), type: 'about:blank', status, detail });
}

export function invalidRequest(errors: XInvalidRequestError[]): Reply {
	return problem(400, {
		errors,
		title: 'Invalid Request',
		detail: 'One or more parameters to your request was invalid.',
		type: problemType('invalid-request'),
	});
}

// X's wording for a path parameter it cannot read (x-dm-api.md §3.2: "The `id` query parameter value [:id] is not valid").
export function malformedParameter(name: string, value: string): Reply {
	return invalidRequest([{ parameters: { [name]: [value] }, message: `The \`${name}\` query parameter value [${value}] is not valid` }]);
}

// Synthetic: X's body for an oversized request is not captured (its edge answers 413); a generic problem like 429's.
export function payloadTooLarge(detail: string): Reply {
	return genericProblem(413, detail);
}

export function contentTypeRequired(): Reply {
	return invalidRequest([{ parameters: {}, message: 'Requests with bodies must have content-type of application/json.' }]);
}

export function unauthorized(): Reply {
	return problem(401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
}

export function forbiddenScope(): Reply {
	return problem(403, { title: 'Forbidden', type: 'about:blank', status: 403, detail: 'Forbidden' });
}

export function forbidden(detail = 'Forbidden'): Reply {
	return problem(403, { title: 'Forbidden', detail, type: 'about:blank', status: 403 });
}

export function unsupportedAuthentication(): Reply {
	return problem(403, {
		title: 'Unsupported Authentication',
		detail:
			'Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].',
		type: problemType('unsupported-authentication'),
		status: 403,
	});
}

export function clientForbidden(): Reply {
	return problem(403, {
		client_id: '101010101',
		required_enrollment: 'Appropriate Level of API Access',
		registration_url: 'https://developer.twitter.com/en/account',
		title: 'Client Forbidden',
		detail:
			'This request must be made using an approved developer account that is enrolled in the requested endpoint. Learn more by visiting our documentation.',
		reason: 'client-not-enrolled',
		type: problemType('client-forbidden'),
	});
}

// Synthetic (the v2 body is not documented): reuses the legacy code-349 text.
export function cannotSendToUser(): Reply {
	return forbidden('You cannot send messages to this user.');
}

export function mediaNotAttachable(): Reply {
	return forbidden('You are not permitted to attach this media to a DM event.');
}

export function tooManyRequests(headers?: Record<string, string>): Reply {
	return problem(429, { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 }, headers);
}

export function usageCapped(period = 'Monthly', scope = 'Product', headers?: Record<string, string>): Reply {
	return problem(
		429,
		{
			title: 'UsageCapExceeded',
			detail: `Usage cap exceeded: ${period} ${scope.toLowerCase()} cap`,
			type: problemType('usage-capped'),
			period,
			scope,
		},
		headers,
	);
}

export interface NotFoundResource {
	resourceType: string;
	parameter: string;
	value: string;
	label?: string;
}

// One entry of a 200 response's `errors[]` (the real users lookup shape).
export function notFoundError({ resourceType, parameter, value, label = resourceType }: NotFoundResource): XResourceNotFound {
	return {
		value,
		detail: `Could not find ${label} with ${parameter}: [${value}].`,
		title: 'Not Found Error',
		resource_type: resourceType,
		parameter,
		resource_id: value,
		type: problemType('resource-not-found'),
	};
}

export function notFound(resource: NotFoundResource): Reply {
	return problem(404, { ...notFoundError(resource), status: 404 });
}

// What X answers for paths it does not route (legacy envelope, still served by api.x.com).
export function unknownRoute(): Reply {
	return json(404, { errors: [{ message: 'Sorry, that page does not exist', code: 34 }] });
}

function isObject(value: unknown): value is Record<string, unknown> {
	return Boolean(value) && typeof value === 'object';
}

// Rewrites problem `type`s (top level and inside errors[]) to another host, e.g. https://api.twitter.com/2/problems/.
export function withProblemHost<T>(body: T, host: string | undefined): T {
	if (!isObject(body) || !host || host === DEFAULT_PROBLEM_HOST) return body;
	const rewrite = (item: unknown): unknown =>
		isObject(item) && typeof item.type === 'string' && item.type.startsWith(DEFAULT_PROBLEM_HOST)
			? { ...item, type: host + item.type.slice(DEFAULT_PROBLEM_HOST.length) }
			: item;
	const rewritten = rewrite(body) as Record<string, unknown>;
	if (Array.isArray(rewritten.errors)) return { ...rewritten, errors: rewritten.errors.map(rewrite) } as T;
	return rewritten as T;
}
