import type { IDataObject, JsonObject, JsonValue } from 'n8n-workflow';

import type { XProblem } from '../models';
import { decodeProblem, decodeProblems, hasProblems, isRecord, problemType } from '../models';
import type { ForbiddenReason, XFailure } from './failure';
import { announcedReset } from './rate-limits';
import type { XApiRequest, XApiResponse, XCredentialType } from './types';
import { OAUTH1_CREDENTIAL_TYPE } from './types';

export interface ClassifyContext {
	request: XApiRequest;
	credentialType: XCredentialType;
	grantedScopes?: string[];
	maxRateLimitWaitMs: number;
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

function toJson(value: unknown): JsonValue | undefined {
	if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
	if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
	if (Array.isArray(value)) return value.map((entry) => toJson(entry) ?? null);
	if (!isRecord(value)) return undefined;
	const copy: JsonObject = {};
	for (const [key, entry] of Object.entries(value)) {
		const json = toJson(entry);
		if (json !== undefined) copy[key] = json;
	}
	return copy;
}

/** X's error body as JSON, without anything credential-like, to attach to an error. */
export function sanitizeBody(body: IDataObject): JsonObject {
	const copy: JsonObject = {};
	for (const [key, value] of Object.entries(body)) {
		if (/token|secret|authorization|password/i.test(key)) continue;
		const json = toJson(value);
		if (json !== undefined) copy[key] = json;
	}
	return copy;
}

/** X reports lookups that found nothing as 200 with only `errors`. */
export function isFailedLookup(answer: XApiResponse): boolean {
	const { body } = answer;
	return body.data === undefined && hasProblems(body) && !body.meta;
}

/**
 * X words its DM refusals only in a 403's `detail` text; the problem type is a generic one. Reading that text here,
 * once, is the only place where the nodes learn something from a message: everything downstream reads the reason.
 */
function refusalReason(lowerDetail: string): ForbiddenReason | undefined {
	if (lowerDetail.includes('not permitted to attach this media')) return 'media-not-attachable';
	if (['cannot send messages', 'not following you', 'does not accept', 'blocked'].some((text) => lowerDetail.includes(text))) {
		return 'recipient-refuses';
	}
	if (lowerDetail.includes('oauth1 app permissions')) return 'app-permission';
	if (lowerDetail.includes('participant')) return 'not-participant';
	return undefined;
}

interface Reading {
	status: number;
	body: JsonObject;
	problem: XProblem;
	/** The body read as one problem (X's single-problem answers). */
	top: XProblem;
	problems: XProblem[];
	type: string;
	detail: string;
	context: ClassifyContext;
}

/** A 403 without any reason: inferred from the granted scopes, the request and the kind of credential. */
function bareForbidden(reading: Reading): XFailure {
	const { request, credentialType, grantedScopes } = reading.context;
	const isOAuth1 = credentialType === OAUTH1_CREDENTIAL_TYPE;
	const needed = requiredScopes(request.method, request.path);
	const missing = !isOAuth1 && grantedScopes ? needed.filter((scope) => !grantedScopes.includes(scope)) : [];
	let reason: ForbiddenReason = 'missing-scope';
	if (!missing.length && isConversationPath(request.path)) reason = 'not-participant';
	else if (!missing.length && isOAuth1) reason = 'app-permission';
	return forbidden(reading, reason, { bare: true, scopes: { needed, missing } });
}

function forbidden(reading: Reading, reason: ForbiddenReason, extra: Partial<Extract<XFailure, { kind: 'forbidden' }>> = {}): XFailure {
	const { status, body, detail } = reading;
	return { kind: 'forbidden', status, body, reason, detail, bare: false, credentialType: reading.context.credentialType, ...extra };
}

/** Failures named by the problem type X sent, whatever the status. */
function byProblemType(reading: Reading): XFailure | undefined {
	const { status, body, problem, type } = reading;
	if (type === 'usage-capped') return { kind: 'usage-capped', status, body, period: problem.period, scope: problem.scope };
	if (type === 'client-forbidden' || problem.reason === 'client-not-enrolled' || problem.required_enrollment) {
		return forbidden(reading, 'not-enrolled', { enrollment: problem.required_enrollment });
	}
	if (type === 'unsupported-authentication') return forbidden(reading, 'unsupported-authentication');
	return undefined;
}

function byStatus(reading: Reading): XFailure {
	const { status, body, problem, problems, type, detail } = reading;
	if (type === 'resource-not-found' || status === 404) {
		const value = problem.value ?? problem.resource_id;
		return { kind: 'not-found', status, body, resourceType: problem.resource_type, parameter: problem.parameter, value, detail, problems };
	}
	if (type === 'not-authorized-for-resource') {
		const resource = { type: problem.resource_type, value: problem.value ?? problem.resource_id };
		return forbidden(reading, 'resource-unauthorized', { resource });
	}
	if (type === 'invalid-request' || status === 400) {
		const reasons = problems.map((entry) => entry.message ?? entry.detail ?? '').filter(Boolean);
		return { kind: 'invalid-request', status, body, reasons, detail };
	}
	if (status >= 500) return { kind: 'transient', status, body, detail };
	if (status === 403) return forbidden(reading, 'other');
	return { kind: 'unexpected', status, body, title: (problem.title ?? reading.top.title ?? '').trim(), detail };
}

function read(answer: XApiResponse, context: ClassifyContext): Reading {
	const { body } = answer;
	const problems = decodeProblems(body);
	const top = decodeProblem(body);
	const problem = problems.length && !body.title ? problems[0] : top;
	const detail = (problem.detail ?? problem.message ?? top.detail ?? '').trim();
	return { status: answer.statusCode, body: sanitizeBody(body), problem, top, problems, type: problemType(problem), detail, context };
}

function rateLimited(answer: XApiResponse, reading: Reading): XFailure {
	const { resetAtMs, waitMs, implausible } = announcedReset(answer.headers);
	const { status, body } = reading;
	const failure: XFailure = { kind: 'rate-limited', status, body, resetAtMs, waitMs, maxWaitMs: reading.context.maxRateLimitWaitMs };
	return implausible ? { ...failure, implausibleReset: implausible } : failure;
}

/** Classifies an answer that is an error (or a 200 holding only errors) into one failure kind. */
export function classifyAnswer(answer: XApiResponse, context: ClassifyContext): XFailure {
	const reading = read(answer, context);
	const { status, body, type, detail } = reading;
	if (status === 401) return { kind: 'unauthorized', status, body, credentialType: context.credentialType };
	// X's streaming problem names the connection limit in a field of its own (x-activity-api.md §7).
	if (status === 429 && answer.body.connection_issue === 'TooManyConnections') return { kind: 'stream-connections-full', status, body, detail };
	if (status === 429 && type !== 'usage-capped') return rateLimited(answer, reading);
	const named = byProblemType(reading);
	if (named) return named;
	if (status === 403) {
		const reason = refusalReason(detail.toLowerCase());
		if (reason) return forbidden(reading, reason);
		if (detail === 'Forbidden' || detail === '') return bareForbidden(reading);
	}
	return byStatus(reading);
}
