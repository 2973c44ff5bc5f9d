// The transport classifies each failed answer once into a kind (and, for refusals, a reason), then decides from the
// kind and the caller's policy whether to repeat, wait, refresh or fail.
import type { IDataObject } from 'n8n-workflow';

import type { ClassifyContext } from '../../../../nodes/shared/transport/classify';
import { classifyAnswer, isFailedLookup, sanitizeBody } from '../../../../nodes/shared/transport/classify';
import type { AttemptBudget } from '../../../../nodes/shared/transport/decide';
import { decideAfterFailure, decideAfterNetworkError } from '../../../../nodes/shared/transport/decide';
import type { RequestPolicy, XFailure } from '../../../../nodes/shared/transport';

const SEND = { method: 'POST' as const, path: '/2/dm_conversations/with/42/messages' };
const GROUP_SEND = { method: 'POST' as const, path: '/2/dm_conversations/1582103724607971328/messages' };
const OAUTH2: ClassifyContext = { request: SEND, credentialType: 'xDmOAuth2Api', maxRateLimitWaitMs: 60_000 };
const OAUTH1: ClassifyContext = { ...OAUTH2, credentialType: 'xDmOAuth1Api' };

const answer = (statusCode: number, body: IDataObject, headers: IDataObject = {}) => ({ statusCode, body, headers });
const refusal = (detail: string) => answer(403, { title: 'Forbidden', detail, type: 'about:blank', status: 403 });

describe('classifyAnswer', () => {
	test('401 is unauthorized, whatever the body', () => {
		expect(classifyAnswer(answer(401, { title: 'Unauthorized' }), OAUTH1)).toMatchObject({ kind: 'unauthorized', credentialType: 'xDmOAuth1Api' });
	});

	test('429: rate-limited with the reset and the wait on the server clock; usage-capped never', () => {
		const now = Date.UTC(2021, 5, 1, 12, 0, 0);
		const headers = { date: new Date(now).toUTCString(), 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(now / 1000 + 900) };
		expect(classifyAnswer(answer(429, { title: 'Too Many Requests' }, headers), OAUTH2)).toMatchObject({
			kind: 'rate-limited',
			resetAtMs: now + 900_000,
			waitMs: 900_000,
			maxWaitMs: 60_000,
		});
		const capped = answer(429, { title: 'UsageCapExceeded', type: 'https://api.x.com/2/problems/usage-capped', period: 'Monthly', scope: 'Product' }, headers);
		expect(classifyAnswer(capped, OAUTH2)).toMatchObject({ kind: 'usage-capped', period: 'Monthly', scope: 'Product' });
	});

	test.each<[string, string, XFailure['kind'], string]>([
		['not permitted', 'You are not permitted to attach this media.', 'forbidden', 'media-not-attachable'],
		['cannot send', 'You cannot send messages to this user.', 'forbidden', 'recipient-refuses'],
		['blocked', 'You have been blocked by this user.', 'forbidden', 'recipient-refuses'],
		['oauth1 app', 'Your OAuth1 app permissions do not allow Direct Messages.', 'forbidden', 'app-permission'],
		['participant', 'You are not a participant of this conversation.', 'forbidden', 'not-participant'],
		['anything else', 'Some other refusal.', 'forbidden', 'other'],
	])("a 403's detail names the refusal (%s)", (_name, detail, kind, reason) => {
		expect(classifyAnswer(refusal(detail), OAUTH2)).toMatchObject({ kind, reason, detail, bare: false });
	});

	test('the same texts in a 400 are not read as refusals', () => {
		expect(classifyAnswer(answer(400, { detail: 'You cannot send messages to this user.' }), OAUTH2).kind).toBe('invalid-request');
	});

	test('a bare 403 is explained by the scopes, the request and the credential', () => {
		const granted = { ...OAUTH2, grantedScopes: ['dm.read', 'tweet.read', 'users.read'] };
		expect(classifyAnswer(refusal('Forbidden'), granted)).toMatchObject({
			kind: 'forbidden',
			reason: 'missing-scope',
			bare: true,
			scopes: { needed: ['dm.write', 'tweet.read', 'users.read'], missing: ['dm.write'] },
		});
		expect(classifyAnswer(refusal(''), { ...OAUTH2, request: GROUP_SEND })).toMatchObject({ reason: 'not-participant', bare: true });
		expect(classifyAnswer(refusal('Forbidden'), OAUTH1)).toMatchObject({ reason: 'app-permission', bare: true });
		expect(classifyAnswer(refusal('Forbidden'), OAUTH2)).toMatchObject({ reason: 'missing-scope', bare: true, scopes: { missing: [] } });
	});

	test('problem types: client-forbidden, unsupported authentication, not found, not authorized', () => {
		const enrollment = answer(403, { title: 'Client Forbidden', type: 'https://api.x.com/2/problems/client-forbidden', reason: 'client-not-enrolled', required_enrollment: 'Appropriate Level of API Access', detail: 'Enroll.' });
		expect(classifyAnswer(enrollment, OAUTH2)).toMatchObject({ kind: 'forbidden', reason: 'not-enrolled', enrollment: 'Appropriate Level of API Access' });
		const unsupported = answer(403, { title: 'Unsupported Authentication', type: 'https://api.twitter.com/2/problems/unsupported-authentication', detail: 'App only.' });
		expect(classifyAnswer(unsupported, OAUTH2)).toMatchObject({ kind: 'forbidden', reason: 'unsupported-authentication' });
		const lookup = answer(200, { errors: [{ value: 'nobody', detail: 'Could not find user with usernames: [nobody].', title: 'Not Found Error', resource_type: 'user', parameter: 'usernames', resource_id: 'nobody', type: 'https://api.twitter.com/2/problems/resource-not-found' }] });
		expect(isFailedLookup(lookup)).toBe(true);
		expect(classifyAnswer(lookup, OAUTH2)).toMatchObject({ kind: 'not-found', status: 200, resourceType: 'user', parameter: 'usernames', value: 'nobody' });
		const hidden = answer(200, { errors: [{ type: 'https://api.x.com/2/problems/not-authorized-for-resource', resource_type: 'dm_event', resource_id: '77', title: 'Authorization Error' }] });
		expect(classifyAnswer(hidden, OAUTH2)).toMatchObject({ kind: 'forbidden', reason: 'resource-unauthorized', resource: { type: 'dm_event', value: '77' } });
	});

	test('invalid requests list their reasons; 5xx is transient; other statuses are unexpected', () => {
		const invalid = answer(400, { title: 'Invalid Request', detail: 'One or more parameters to your request was invalid.', type: 'https://api.twitter.com/2/problems/invalid-request', errors: [{ message: 'The `pagination_token` query parameter value is invalid' }] });
		expect(classifyAnswer(invalid, OAUTH2)).toMatchObject({ kind: 'invalid-request', reasons: ['The `pagination_token` query parameter value is invalid'] });
		expect(classifyAnswer(answer(503, { title: 'Service Unavailable' }), OAUTH2)).toMatchObject({ kind: 'transient', status: 503 });
		expect(classifyAnswer(answer(409, { title: ' Conflict ' }), OAUTH2)).toMatchObject({ kind: 'unexpected', status: 409, title: 'Conflict' });
	});

	test('a list page with partial errors is no failed lookup; bodies lose anything credential-like', () => {
		expect(isFailedLookup(answer(200, { data: [], errors: [{ title: 'x' }] }))).toBe(false);
		expect(isFailedLookup(answer(200, { errors: [{ title: 'x' }], meta: { result_count: 0 } }))).toBe(false);
		expect(sanitizeBody({ detail: 'd', access_token: 'a', oauth_token_secret: 's', nested: { n: 1 } })).toEqual({ detail: 'd', nested: { n: 1 } });
	});
});

describe('decide', () => {
	const fresh = (): AttemptBudget => ({ repeated: false, refreshed: false, rateLimitWaits: 0 });
	const policy = (retry: RequestPolicy['retry'], maxRateLimitWaitMs = 60_000): RequestPolicy => ({ timeoutMs: 1000, maxRateLimitWaitMs, retry });
	const network = (kind: 'reset' | 'refused' | 'timeout') => ({ network: kind, baseUrl: 'https://api.x.com' });

	test('a read is repeated once after a broken connection or a 5xx', () => {
		expect(decideAfterNetworkError(network('reset'), policy('idempotent-read'), fresh())).toEqual({ action: 'repeat' });
		expect(decideAfterNetworkError(network('reset'), policy('idempotent-read'), { ...fresh(), repeated: true })).toMatchObject({
			action: 'fail',
			failure: { kind: 'network', network: 'reset', retried: true },
		});
		const serverError: XFailure = { kind: 'transient', status: 502, body: {}, detail: '' };
		expect(decideAfterFailure(serverError, policy('idempotent-read'), fresh(), true)).toEqual({ action: 'repeat' });
		expect(decideAfterFailure(serverError, policy('at-most-once-write'), fresh(), true)).toEqual({ action: 'fail', failure: serverError });
	});

	test('a send is never repeated once X may have seen it, and says the outcome is unknown', () => {
		expect(decideAfterNetworkError(network('timeout'), policy('at-most-once-send'), fresh())).toEqual({
			action: 'fail',
			failure: { kind: 'unknown-outcome', network: 'timeout', code: undefined },
		});
		expect(decideAfterFailure({ kind: 'transient', status: 500, body: {}, detail: '' }, policy('at-most-once-send'), fresh(), true)).toEqual({
			action: 'fail',
			failure: { kind: 'unknown-outcome', status: 500 },
		});
		// A refused connection never reached X: repeated once, even for a send.
		expect(decideAfterNetworkError(network('refused'), policy('at-most-once-send'), fresh())).toEqual({ action: 'repeat' });
		expect(decideAfterNetworkError(network('refused'), policy('at-most-once-send'), { ...fresh(), repeated: true })).toMatchObject({
			failure: { kind: 'network', network: 'refused' },
		});
	});

	test('OAuth2 refreshes once on 401; rate limits are waited out within the limit, three times at most', () => {
		const unauthorized: XFailure = { kind: 'unauthorized', status: 401, body: {}, credentialType: 'xDmOAuth2Api' };
		expect(decideAfterFailure(unauthorized, policy('at-most-once-send'), fresh(), true)).toEqual({ action: 'refresh' });
		expect(decideAfterFailure(unauthorized, policy('at-most-once-send'), { ...fresh(), refreshed: true }, true).action).toBe('fail');
		expect(decideAfterFailure(unauthorized, policy('at-most-once-send'), fresh(), false).action).toBe('fail');
		const limited: XFailure = { kind: 'rate-limited', status: 429, body: {}, resetAtMs: 1, waitMs: 5000, maxWaitMs: 60_000 };
		expect(decideAfterFailure(limited, policy('at-most-once-send'), fresh(), true)).toEqual({ action: 'wait', ms: 6000 });
		expect(decideAfterFailure(limited, policy('at-most-once-send', 0), fresh(), true).action).toBe('fail');
		expect(decideAfterFailure(limited, policy('at-most-once-send', 4000), fresh(), true).action).toBe('fail');
		expect(decideAfterFailure(limited, policy('at-most-once-send'), { ...fresh(), rateLimitWaits: 3 }, true).action).toBe('fail');
		expect(decideAfterFailure({ ...limited, waitMs: undefined }, policy('at-most-once-send'), fresh(), true).action).toBe('fail');
	});
});
