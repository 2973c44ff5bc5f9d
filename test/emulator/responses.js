'use strict';

// Response helpers and the error bodies captured from the real API (x-dm-api.md §3.2), verbatim apart from the
// problem `type` host, which the server rewrites to the configured `problemHost` just before sending.
const http = require('http');

const DEFAULT_PROBLEM_HOST = 'https://api.x.com/2/problems/';
const JSON_TYPE = 'application/json; charset=utf-8';
const PROBLEM_TYPE = 'application/problem+json';

function problemType(name) {
	return `${DEFAULT_PROBLEM_HOST}${name}`;
}

function json(status, body, headers) {
	return { status, body, headers };
}

// about:blank and invalid-request problems arrive as application/json on the real API, the others as problem+json.
function problem(status, body, extraHeaders) {
	const plainJson = body.type === 'about:blank' || String(body.type).endsWith('/invalid-request');
	return { status, body, headers: extraHeaders, contentType: plainJson ? JSON_TYPE : PROBLEM_TYPE };
}

function isResponse(value) {
	return Boolean(value) && typeof value === 'object' && Number.isInteger(value.status) && !(value instanceof Error);
}

function genericProblem(status, detail = http.STATUS_CODES[status] || 'Error') {
	return problem(status, { title: http.STATUS_CODES[status] || 'Error', type: 'about:blank', status, detail });
}

// errors: [{ message, parameters?: { name: [values] } }]
function invalidRequest(errors) {
	return problem(400, {
		errors,
		title: 'Invalid Request',
		detail: 'One or more parameters to your request was invalid.',
		type: problemType('invalid-request'),
	});
}

function contentTypeRequired() {
	return invalidRequest([{ parameters: {}, message: 'Requests with bodies must have content-type of application/json.' }]);
}

function unauthorized() {
	return problem(401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
}

function forbiddenScope() {
	return problem(403, { title: 'Forbidden', type: 'about:blank', status: 403, detail: 'Forbidden' });
}

function forbidden(detail = 'Forbidden') {
	return problem(403, { title: 'Forbidden', detail, type: 'about:blank', status: 403 });
}

function unsupportedAuthentication() {
	return problem(403, {
		title: 'Unsupported Authentication',
		detail:
			'Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].',
		type: problemType('unsupported-authentication'),
		status: 403,
	});
}

function clientForbidden() {
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
function cannotSendToUser() {
	return forbidden('You cannot send messages to this user.');
}

function mediaNotAttachable() {
	return forbidden('You are not permitted to attach this media to a DM event.');
}

function tooManyRequests(headers) {
	return problem(429, { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 }, headers);
}

function usageCapped(period = 'Monthly', scope = 'Product', headers) {
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

// One entry of a 200 response's `errors[]` (the real users lookup shape).
function notFoundError({ resourceType, parameter, value, label = resourceType }) {
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

function notFound(resource) {
	return problem(404, { ...notFoundError(resource), status: 404 });
}

// What X answers for paths it does not route (legacy envelope, still served by api.x.com).
function unknownRoute() {
	return json(404, { errors: [{ message: 'Sorry, that page does not exist', code: 34 }] });
}

// Rewrites problem `type`s (top level and inside errors[]) to another host, e.g. https://api.twitter.com/2/problems/.
function withProblemHost(body, host) {
	if (!body || typeof body !== 'object' || !host || host === DEFAULT_PROBLEM_HOST) return body;
	const rewrite = (item) =>
		item && typeof item.type === 'string' && item.type.startsWith(DEFAULT_PROBLEM_HOST)
			? { ...item, type: host + item.type.slice(DEFAULT_PROBLEM_HOST.length) }
			: item;
	const rewritten = rewrite(body);
	if (Array.isArray(rewritten.errors)) return { ...rewritten, errors: rewritten.errors.map(rewrite) };
	return rewritten;
}

module.exports = {
	DEFAULT_PROBLEM_HOST,
	JSON_TYPE,
	PROBLEM_TYPE,
	problemType,
	json,
	problem,
	isResponse,
	genericProblem,
	invalidRequest,
	contentTypeRequired,
	unauthorized,
	forbiddenScope,
	forbidden,
	unsupportedAuthentication,
	clientForbidden,
	cannotSendToUser,
	mediaNotAttachable,
	tooManyRequests,
	usageCapped,
	notFoundError,
	notFound,
	unknownRoute,
	withProblemHost,
};
