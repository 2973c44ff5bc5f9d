// The transport's view of failures without a usable answer (connection resets, timeouts, refused connections):
// classified once, from the error codes that survive n8n's wrapping.
import path from 'path';
import type { INode } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { classifyNetworkError } from '../../../../nodes/shared/transport';

// axios as n8n-core resolves it: the errors below are built the way n8n-core's HTTP helper receives them.
const { AxiosError } = require(require.resolve('axios', { paths: [path.dirname(require.resolve('n8n-core'))] }));

const NODE: INode = { id: 'n', name: 'X DM', type: 'x', typeVersion: 1, position: [0, 0], parameters: {} };

// What n8n-core's httpRequestWithAuthentication throws: the axios error wrapped in a NodeApiError.
const wrapped = (message: string, code: string) => new NodeApiError(NODE, new AxiosError(message, code));

describe('classifyNetworkError', () => {
	test('n8n drops .cause, but the axios code survives and decides', () => {
		const reset = wrapped('socket hang up', 'ECONNRESET');
		expect(reset.cause).toBeUndefined();
		expect(classifyNetworkError(reset)).toEqual({ kind: 'reset', code: 'ECONNRESET' });
		expect(classifyNetworkError(wrapped('timeout of 200ms exceeded', 'ECONNABORTED'))).toEqual({ kind: 'timeout', code: 'ECONNABORTED' });
		expect(classifyNetworkError(wrapped('connect ECONNREFUSED 127.0.0.1:9', 'ECONNREFUSED'))).toEqual({ kind: 'refused', code: 'ECONNREFUSED' });
		expect(classifyNetworkError(wrapped('getaddrinfo ENOTFOUND api.x.invalid', 'ENOTFOUND'))).toEqual({ kind: 'dns', code: 'ENOTFOUND' });
		expect(classifyNetworkError(wrapped('canceled', 'ERR_CANCELED'))).toEqual({ kind: 'cancelled', code: 'ERR_CANCELED' });
	});

	test('a code is trusted over a misleading text', () => {
		expect(classifyNetworkError(wrapped('request timed out while connecting', 'ECONNREFUSED')).kind).toBe('refused');
	});

	test('a response cut short (ERR_BAD_RESPONSE "stream has been aborted") is a reset; other bad responses are unknown', () => {
		expect(classifyNetworkError(wrapped('stream has been aborted', 'ERR_BAD_RESPONSE'))).toEqual({ kind: 'reset', code: 'ERR_BAD_RESPONSE' });
		expect(classifyNetworkError(wrapped('maxContentLength size of 10 exceeded', 'ERR_BAD_RESPONSE')).kind).toBe('unknown');
		expect(classifyNetworkError(wrapped('Request failed with status code 400', 'ERR_BAD_REQUEST')).kind).toBe('unknown');
	});

	test('codes kept in errorResponse, cause or a plain error are found too', () => {
		expect(classifyNetworkError(new NodeApiError(NODE, { code: 'ECONNRESET', message: 'something broke' })).kind).toBe('reset');
		expect(classifyNetworkError(new TypeError('fetch failed', { cause: { code: 'ETIMEDOUT' } })).kind).toBe('timeout');
		expect(classifyNetworkError(Object.assign(new Error('x'), { code: 'EHOSTUNREACH' })).kind).toBe('unreachable');
		expect(classifyNetworkError(new Error('no idea'))).toEqual({ kind: 'unknown' });
	});
});
