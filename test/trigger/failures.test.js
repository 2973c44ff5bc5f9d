'use strict';

// How the trigger reads failures from the shared transport: the rate-limit reset comes as data on the error.
const { NodeApiError } = require('n8n-workflow');
const { classifyFailure, rateLimitResetFromError } = require('../../dist/nodes/XDirectMessagesTrigger/failures');

const NODE = { id: 'n', name: 'DM Trigger', type: 'x', typeVersion: 1, position: [0, 0], parameters: {} };
const RESET_MS = Date.UTC(2026, 2, 1, 12, 15, 0);

function rateLimitError({ message = 'X rate limit reached', resetMs } = {}) {
	const error = new NodeApiError(NODE, { title: 'Too Many Requests', type: 'about:blank', status: 429 }, { message, httpCode: '429' });
	if (resetMs !== undefined) error.context.rateLimitResetMs = resetMs;
	return error;
}

test('the reset time is read from context.rateLimitResetMs, whatever the message says', () => {
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
	expect(rateLimitResetFromError(rateLimitError({ resetMs: 'soon' }))).toBeUndefined();
	expect(rateLimitResetFromError(rateLimitError({ resetMs: Number.NaN }))).toBeUndefined();
	expect(rateLimitResetFromError(undefined)).toBeUndefined();
	expect(rateLimitResetFromError(new Error('x'))).toBeUndefined();
});
