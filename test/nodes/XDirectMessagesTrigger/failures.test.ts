// How the trigger reads failures from the shared transport: the kind and the rate-limit reset come as typed data on
// the failure, never from its message.
import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { XFailure } from '../../../nodes/shared/transport';
import { XApiFailure } from '../../../nodes/shared/transport';
import { classifyFailure, rateLimitResetFromError, rateLimitWaitFromError } from '../../../nodes/XDirectMessagesTrigger/failures';

const NODE: INode = { id: 'n', name: 'DM Trigger', type: 'x', typeVersion: 1, position: [0, 0], parameters: {} };
const RESET_MS = Date.UTC(2026, 2, 1, 12, 15, 0);
const REQUEST = { method: 'GET', path: '/2/dm_events' };
const TOO_MANY = { title: 'Too Many Requests', type: 'about:blank', status: 429 };

function rateLimitError({ message, resetMs }: { message?: string; resetMs?: number } = {}): XApiFailure {
	const error = new XApiFailure({ kind: 'rate-limited', status: 429, body: TOO_MANY, resetAtMs: resetMs, maxWaitMs: 0 }, REQUEST);
	if (message !== undefined) error.message = message;
	return error;
}

/** The shape the trigger used to read: a NodeApiError carrying the reset in its context. */
function legacyRateLimitError(resetMs: number | string): NodeApiError {
	const error = new NodeApiError(NODE, TOO_MANY, { message: 'X rate limit reached', httpCode: '429' });
	error.context.rateLimitResetMs = resetMs;
	return error;
}

test('the reset time is read from the typed failure, whatever the message says', () => {
	const error = rateLimitError({ message: 'X rate limit reached (reworded)', resetMs: RESET_MS });
	expect(classifyFailure(error)).toBe('rateLimit');
	expect(rateLimitResetFromError(error)).toBe(RESET_MS);
});

test('the message text alone is not parsed', () => {
	const error = rateLimitError({ message: `X rate limit reached: the limit resets at ${new Date(RESET_MS).toISOString()}` });
	expect(rateLimitResetFromError(error)).toBeUndefined();
});

test('missing or malformed values give undefined', () => {
	expect(rateLimitResetFromError(rateLimitError())).toBeUndefined();
	// Only a typed failure counts: a reset kept anywhere else, well-formed or not, is not read.
	expect(rateLimitResetFromError(legacyRateLimitError('soon'))).toBeUndefined();
	expect(rateLimitResetFromError(legacyRateLimitError(RESET_MS))).toBeUndefined();
	expect(rateLimitResetFromError(rateLimitError({ resetMs: Number.NaN }))).toBeUndefined();
	expect(rateLimitResetFromError(undefined)).toBeUndefined();
	expect(rateLimitResetFromError(new Error('x'))).toBeUndefined();
});

test('the pause is the wait the server measured on its own clock; without it, the time left by the host clock', () => {
	const measured = new XApiFailure({ kind: 'rate-limited', status: 429, body: TOO_MANY, resetAtMs: RESET_MS, waitMs: 120_000, maxWaitMs: 0 }, REQUEST);
	// A host clock three hours behind X does not stretch it.
	expect(rateLimitWaitFromError(measured, RESET_MS - 3 * 3600_000)).toBe(120_000);
	expect(rateLimitWaitFromError(rateLimitError({ resetMs: RESET_MS }), RESET_MS - 60_000)).toBe(60_000);
	expect(rateLimitWaitFromError(rateLimitError({ resetMs: RESET_MS }), RESET_MS + 60_000)).toBe(0);
	expect(rateLimitWaitFromError(rateLimitError(), RESET_MS)).toBeUndefined();
	expect(rateLimitWaitFromError(new Error('x'), RESET_MS)).toBeUndefined();
});

describe('each failure kind is retried by a later poll or surfaces', () => {
	const answer = { status: 500, body: {} };
	const cases: Array<[XFailure, ReturnType<typeof classifyFailure>]> = [
		[{ kind: 'rate-limited', status: 429, body: TOO_MANY, maxWaitMs: 0 }, 'rateLimit'],
		[{ kind: 'transient', ...answer, detail: '' }, 'transient'],
		[{ kind: 'network', network: 'reset', baseUrl: 'https://api.x.com', retried: true }, 'transient'],
		[{ kind: 'unknown-outcome', network: 'timeout' }, 'transient'],
		[{ kind: 'usage-capped', status: 429, body: {}, period: 'Monthly', scope: 'Product' }, 'persistent'],
		[{ kind: 'unauthorized', status: 401, body: {}, credentialType: 'xDmOAuth2Api' }, 'persistent'],
		[{ kind: 'unauthorized', credentialType: 'xDmOAuth2Api', refreshFailure: 'unknown' }, 'persistent'],
		[
			{ kind: 'forbidden', status: 403, body: {}, reason: 'missing-scope', detail: '', bare: true, credentialType: 'xDmOAuth2Api' },
			'persistent',
		],
		[{ kind: 'not-found', status: 404, body: {}, detail: '', problems: [] }, 'persistent'],
		[{ kind: 'invalid-request', status: 400, body: {}, reasons: ['bad token'], detail: '' }, 'persistent'],
		[{ kind: 'unexpected', status: 409, body: {}, title: 'Conflict', detail: '' }, 'persistent'],
		[{ kind: 'invalid-base-url', baseUrl: 'api.x.com' }, 'persistent'],
	];
	test.each(cases)('%o → %s', (failure, expected) => {
		expect(classifyFailure(new XApiFailure(failure, REQUEST))).toBe(expected);
	});

	test('errors that are not transport failures need the user', () => {
		expect(classifyFailure(legacyRateLimitError(RESET_MS))).toBe('persistent');
		expect(classifyFailure(new NodeOperationError(NODE, 'Timeout must be a number of seconds > 0, got "0"'))).toBe('persistent');
		expect(classifyFailure(new Error('socket hang up'))).toBe('persistent');
	});
});
