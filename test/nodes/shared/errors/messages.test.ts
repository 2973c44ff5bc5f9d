// Every failure kind of the transport → the error users see (message, description, httpCode, attached data), made
// once at the edge by toNodeError. The texts are the ones the nodes have always shown.
import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { toNodeError } from '../../../../nodes/shared/errors';
import type { RequestLine, XFailure } from '../../../../nodes/shared/transport';
import { XApiFailure } from '../../../../nodes/shared/transport';

const NODE: INode = { id: 'n', name: 'X DM', type: 'x', typeVersion: 1, position: [0, 0], parameters: {} };
const SEND: RequestLine = { method: 'POST', path: '/2/dm_conversations/with/42/messages' };
const LIST: RequestLine = { method: 'GET', path: '/2/dm_events' };
const OAUTH2 = 'xDmOAuth2Api';
const OAUTH1 = 'xDmOAuth1Api';

function nodeError(failure: XFailure, request: RequestLine = SEND, itemIndex = 3): NodeApiError {
	const error = toNodeError(NODE, new XApiFailure(failure, request), itemIndex);
	if (!(error instanceof NodeApiError)) throw new Error(`expected a NodeApiError, got ${error.name}`);
	return error;
}

function forbidden(extra: Partial<Extract<XFailure, { kind: 'forbidden' }>>): XFailure {
	return { kind: 'forbidden', status: 403, body: { detail: 'x' }, reason: 'other', detail: '', bare: false, credentialType: OAUTH2, ...extra };
}

describe('answers of X', () => {
	test('rate-limited: the reset on the server clock, the wait and the limit; the reset as data', () => {
		const resetAtMs = Date.UTC(2021, 5, 1, 12, 15, 0);
		const error = nodeError({ kind: 'rate-limited', status: 429, body: { title: 'Too Many Requests' }, resetAtMs, waitMs: 900_000, maxWaitMs: 60_000 });
		expect(error.message).toBe('X rate limit reached: the limit resets at 2021-06-01T12:15:00.000Z (in 900 s; Max Rate-Limit Wait is 60 s)');
		expect(error.description).toContain('Raise "Max Rate-Limit Wait"');
		expect(error.httpCode).toBe('429');
		expect(error.context.rateLimitResetMs).toBe(resetAtMs);
		expect(error.context.itemIndex).toBe(3);
		const unknownReset = nodeError({ kind: 'rate-limited', status: 429, body: {}, maxWaitMs: 0 });
		expect(unknownReset.message).toBe('X rate limit reached: X did not say when the limit resets');
		expect(unknownReset.context.rateLimitResetMs).toBeUndefined();
	});

	test('rate-limited: a reset that is no time at all is never formatted ("Invalid time value")', () => {
		const implausibleReset = { header: 'x-rate-limit-reset', value: '100000000000000' };
		const implausible = nodeError({ kind: 'rate-limited', status: 429, body: {}, maxWaitMs: 60_000, implausibleReset });
		expect(implausible.message).toBe('X rate limit reached: X announced a reset time that cannot be right (x-rate-limit-reset: 100000000000000)');
		// Even a failure made elsewhere with an out-of-range reset and wait is worded, not thrown.
		const outOfRange = nodeError({ kind: 'rate-limited', status: 429, body: {}, resetAtMs: 1e17, waitMs: Infinity, maxWaitMs: 0 });
		expect(outOfRange.message).toBe('X rate limit reached: X did not say when the limit resets');
	});

	test('usage-capped names the cap', () => {
		const error = nodeError({ kind: 'usage-capped', status: 429, body: {}, period: 'Monthly', scope: 'Product' });
		expect(error.message).toBe('X usage cap exceeded (Monthly Product cap): no more requests are accepted until the cap resets');
		expect(error.description).toBe('Waiting a few minutes does not help. Check the usage dashboard of your X developer account.');
		expect(error.httpCode).toBe('429');
		expect(nodeError({ kind: 'usage-capped', status: 429, body: {}, period: 'Daily' }).message).toMatch(/^X usage cap exceeded \(Daily +cap\): /);
		expect(nodeError({ kind: 'usage-capped', status: 429, body: {} }).message).toBe(
			'X usage cap exceeded: no more requests are accepted until the cap resets',
		);
	});

	test('transient: a server error of a read', () => {
		const error = nodeError({ kind: 'transient', status: 503, body: {}, detail: '' }, LIST);
		expect(error.message).toBe('X returned a server error (503) for GET /2/dm_events');
		expect(error.httpCode).toBe('503');
	});

	test('unauthorized: reconnect the credential of the kind in use; a failed refresh says why', () => {
		const oauth1 = nodeError({ kind: 'unauthorized', status: 401, body: {}, credentialType: OAUTH1 });
		expect(oauth1.message).toBe('X rejected the credentials (401 Unauthorized): the access token is invalid, expired or revoked');
		expect(oauth1.description).toContain('Reconnect the X DM OAuth1 credential');
		expect(oauth1.httpCode).toBe('401');
		expect(nodeError({ kind: 'unauthorized', status: 401, body: {}, credentialType: OAUTH2 }).description).toContain(
			'Reconnect the X DM OAuth2 credential',
		);
		const refused = nodeError({ kind: 'unauthorized', credentialType: OAUTH2, refreshFailure: 'unknown' });
		expect(refused.message).toBe('The X access token expired and could not be refreshed: reconnect the credential');
		expect(refused.description).toContain("X's token endpoint did not accept the refresh token");
		expect(refused.httpCode).toBe('401');
		const unreachable = nodeError({ kind: 'unauthorized', credentialType: OAUTH2, refreshFailure: 'timeout' });
		expect(unreachable.description).toBe('The token endpoint could not be reached: the request timed out.');
	});

	test.each<[string, Partial<Extract<XFailure, { kind: 'forbidden' }>>, string, string | undefined]>([
		['missing-scope', { reason: 'missing-scope', bare: true, scopes: { needed: ['dm.write', 'tweet.read', 'users.read'], missing: ['dm.write'] } }, 'The X credential is missing the scope dm.write', 'POST /2/dm_conversations/with/42/messages needs the scopes dm.write, tweet.read, users.read'],
		['missing-scope, several', { reason: 'missing-scope', bare: true, scopes: { needed: ['dm.write', 'users.read'], missing: ['dm.write', 'users.read'] } }, 'The X credential is missing the scopes dm.write, users.read', undefined],
		['missing-scope, not known which', { reason: 'missing-scope', bare: true, scopes: { needed: ['dm.write'], missing: [] } }, 'X refused the request (403 Forbidden) to POST /2/dm_conversations/with/42/messages', 'The token may lack a scope: this request needs dm.write.'],
		['not-participant, said by X', { reason: 'not-participant', detail: 'You are not a participant of this conversation.' }, 'The authenticated user is not a participant of this conversation', 'X says: You are not a participant of this conversation.'],
		['not-participant, inferred', { reason: 'not-participant', bare: true, detail: 'Forbidden' }, 'The authenticated user is not a participant of this conversation, or it does not exist', 'with 403 Forbidden. Check the conversation ID'],
		['recipient-refuses', { reason: 'recipient-refuses', detail: 'You cannot send messages to this user.' }, 'The recipient does not accept Direct Messages from you', 'X says: You cannot send messages to this user.'],
		['media-not-attachable', { reason: 'media-not-attachable', detail: 'You are not permitted to attach this media.' }, 'This media cannot be attached to a Direct Message', 'dm_image'],
		['app-permission, said by X', { reason: 'app-permission', detail: 'Your OAuth1 app permissions do not allow this.' }, 'The X app of this OAuth1 credential lacks the "Read and write and Direct message" permission', 'Change the app permissions'],
		['app-permission, inferred', { reason: 'app-permission', bare: true, credentialType: OAUTH1 }, 'X refused the request (403 Forbidden) to POST /2/dm_conversations/with/42/messages', 'OAuth 1.0a: the X app needs'],
		['not-enrolled', { reason: 'not-enrolled', detail: 'Enroll first.', enrollment: 'Appropriate Level of API Access' }, "Your X developer app's access level does not include this endpoint", 'X says: Enroll first. Required: Appropriate Level of API Access.'],
		['unsupported-authentication', { reason: 'unsupported-authentication', detail: 'Application-Only is forbidden.' }, 'This X endpoint needs user-context authentication (OAuth 2.0 user token or OAuth 1.0a)', 'Application-Only is forbidden.'],
		['resource-unauthorized', { reason: 'resource-unauthorized', resource: { type: 'dm_event', value: '77' } }, 'You are not authorized to see the DM event "77"', undefined],
		['other', { reason: 'other', detail: 'Something else.' }, 'X refused the request: Something else.', undefined],
	])('forbidden (%s)', (_name, extra, message, description) => {
		const error = nodeError(forbidden(extra));
		expect(error.message).toBe(message);
		if (description !== undefined) expect(error.description).toContain(description);
		expect(error.httpCode).toBe('403');
		expect(error.errorResponse).toEqual({ detail: 'x' });
	});

	test('not-found: the resource and its value, and a lookup answered 200 with errors is the 404 it means', () => {
		const event = nodeError({ kind: 'not-found', status: 404, body: {}, resourceType: 'dm_event', value: '1234567890123456789', detail: '', problems: [] });
		expect(event.message).toBe('X could not find the DM event "1234567890123456789"');
		expect(event.httpCode).toBe('404');
		// The spec's enum has no DM type: whatever resource_type X sends, `event_id` names a DM event.
		const inEnum = nodeError({ kind: 'not-found', status: 404, body: {}, resourceType: 'tweet', parameter: 'event_id', value: '1234567890123456789', detail: '', problems: [] });
		expect(inEnum.message).toBe('X could not find the DM event "1234567890123456789"');
		const lookup = nodeError({ kind: 'not-found', status: 200, body: {}, resourceType: 'user', value: 'nobody', detail: 'Could not find user.', problems: [] });
		expect(lookup.message).toBe('X could not find the user "nobody"');
		expect(lookup.description).toBe('Could not find user.');
		expect(lookup.httpCode).toBe('404');
		expect(nodeError({ kind: 'not-found', status: 404, body: {}, detail: '', problems: [] }, LIST).message).toBe(
			'X could not find the requested resource (GET /2/dm_events)',
		);
	});

	test('invalid-request: the reasons X gave', () => {
		const error = nodeError({ kind: 'invalid-request', status: 400, body: {}, reasons: ['a is bad', 'b is bad'], detail: 'One or more parameters are invalid.' });
		expect(error.message).toBe('X rejected the request as invalid: a is bad; b is bad');
		expect(error.description).toBe('One or more parameters are invalid.');
		expect(error.httpCode).toBe('400');
		expect(nodeError({ kind: 'invalid-request', status: 400, body: {}, reasons: [], detail: '' }).message).toBe(
			'X rejected the request as invalid: bad request',
		);
	});

	test('unexpected: the status and the title', () => {
		const error = nodeError({ kind: 'unexpected', status: 409, body: {}, title: 'Conflict', detail: 'Try later.' }, LIST);
		expect(error.message).toBe('X returned an error (409) for GET /2/dm_events: Conflict');
		expect(error.description).toBe('Try later.');
		expect(error.httpCode).toBe('409');
	});
});

describe('no usable answer', () => {
	test('network: what failed, the base URL, whether it was tried twice; the code as data', () => {
		const error = nodeError({ kind: 'network', network: 'reset', code: 'ECONNRESET', baseUrl: 'http://127.0.0.1:1', retried: true }, LIST);
		expect(error.message).toBe('Could not reach X: the connection was reset (GET /2/dm_events)');
		expect(error.description).toBe('API base URL: http://127.0.0.1:1. The request was tried twice.');
		expect(error.context.networkErrorCode).toBe('ECONNRESET');
		expect(error.httpCode).toBeNull();
		expect(nodeError({ kind: 'network', network: 'dns', baseUrl: 'https://api.x.com', retried: false }).description).toBe(
			'API base URL: https://api.x.com',
		);
	});

	test.each<[XFailure, string]>([
		[{ kind: 'unknown-outcome', network: 'timeout', code: 'ECONNABORTED' }, 'the request timed out'],
		[{ kind: 'unknown-outcome', network: 'reset' }, 'the connection was reset'],
		[{ kind: 'unknown-outcome', status: 503 }, 'X answered 503'],
	])('unknown-outcome: a send that may have arrived is never called failed (%o)', (failure, cause) => {
		const error = nodeError(failure);
		expect(error.message).toBe(`The Direct Message may or may not have been sent: ${cause}`);
		expect(error.description).toContain('it was not retried automatically');
	});

	test('invalid-base-url: a setting to fix, reported before any request', () => {
		const error = toNodeError(NODE, new XApiFailure({ kind: 'invalid-base-url', baseUrl: 'api.x.com' }, SEND), 0);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('The credential\'s API Base URL "api.x.com" is not a valid http(s) URL');
		expect(error.description).toBe('Use https://api.x.com unless you go through a proxy or an emulator.');
		expect(error.context.itemIndex).toBe(0);
	});
});

describe('other errors', () => {
	test('n8n errors are kept, with the item index added where it is missing', () => {
		const original = new NodeOperationError(NODE, 'Recipient: bad');
		expect(toNodeError(NODE, original, 2)).toBe(original);
		expect(original.context.itemIndex).toBe(2);
		const named = new NodeOperationError(NODE, 'x', { itemIndex: 1 });
		expect(toNodeError(NODE, named, 2).context.itemIndex).toBe(1);
	});

	test('anything else becomes a NodeOperationError', () => {
		const error = toNodeError(NODE, new Error('boom'), 1);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('boom');
		expect(toNodeError(NODE, 'text').message).toBe('text');
	});
});
