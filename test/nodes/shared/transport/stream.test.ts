// The transport's streaming GET (nodes/shared/transport/stream.ts), with n8n's request helper replaced by one that
// answers the way some n8n versions do: n8n 2.41's HTTP layer hands out a wrapper of the response whose destroy()
// neither closes the socket nor ends a pending read. Ending the stream from this side must still end the request.
// (The Stream Trigger's tests and the e2e suite run the same code against the emulator over real HTTP.)
import { Readable } from 'node:stream';

import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import type { XApiContext } from '../../../../nodes/shared/transport';
import { isXApiFailure, openStream } from '../../../../nodes/shared/transport';

interface Answer {
	statusCode: number;
	body: unknown;
	headers?: IDataObject;
}

/** A context whose request helper answers `answer(options)` and records the options it was given. */
function contextAnswering(answer: (options: IHttpRequestOptions) => Answer): XApiContext & { sent: IHttpRequestOptions[] } {
	const sent: IHttpRequestOptions[] = [];
	return {
		sent,
		getCredentials: async () => ({ baseUrl: 'http://127.0.0.1:1' }),
		helpers: {
			httpRequestWithAuthentication: async () => await Promise.reject(new Error('the stream is sent with the app-only token')),
			refreshOAuth2Token: async () => ({}),
			httpRequest: async (options: IHttpRequestOptions) => {
				sent.push(options);
				return { headers: {}, ...answer(options) };
			},
		},
	};
}

/**
 * A body like axios' Readable.from wrapper in n8n 2.41: one heartbeat, then nothing; its destroy() completes only once
 * the request is aborted (the wrapped response keeps the socket open and the pending read waiting until then).
 */
function wrapperBody(signal: IHttpRequestOptions['abortSignal']): Readable {
	const body = new Readable({ read() {} });
	body.push(Buffer.from('\r\n'));
	body._destroy = (error, callback) => {
		if (signal?.aborted) callback(error);
		else signal?.addEventListener?.('abort', () => callback(error));
	};
	return body;
}

const open = async (context: XApiContext, signal?: AbortSignal) =>
	await openStream(
		{ context, credentialType: 'xDmOAuth2Api', appToken: 'app-token' },
		{ path: '/2/activity/stream', qs: { backfill_minutes: 2 }, timeoutMs: 5000, signal },
	);

test('a GET with the app-only bearer, asking for a stream; the query as X expects it', async () => {
	const context = contextAnswering((options) => ({ statusCode: 200, body: wrapperBody(options.abortSignal) }));
	const { body } = await open(context);
	body.destroy();
	const [options] = context.sent;
	expect(options).toMatchObject({ method: 'GET', url: 'http://127.0.0.1:1/2/activity/stream', qs: { backfill_minutes: '2' }, encoding: 'stream' });
	expect(options.headers).toMatchObject({ Authorization: 'Bearer app-token' });
});

test('destroy() ends the request even when the body it was given does not end by itself', async () => {
	const context = contextAnswering((options) => ({ statusCode: 200, body: wrapperBody(options.abortSignal) }));
	const { body } = await open(context);
	const read = (async () => {
		const chunks: string[] = [];
		try {
			for await (const chunk of body) chunks.push(String(chunk));
		} catch {
			chunks.push('<ended>');
		}
		return chunks;
	})();
	await new Promise((resolve) => setImmediate(resolve));
	body.destroy();
	await expect(read).resolves.toEqual(['\r\n', '<ended>']);
	expect(context.sent[0].abortSignal?.aborted).toBe(true);
});

test("the caller's signal (the node closing) aborts the request too", async () => {
	const closing = new AbortController();
	const context = contextAnswering((options) => ({ statusCode: 200, body: wrapperBody(options.abortSignal) }));
	await open(context, closing.signal);
	expect(context.sent[0].abortSignal?.aborted).toBe(false);
	closing.abort();
	expect(context.sent[0].abortSignal?.aborted).toBe(true);
});

test('an answer that is not a 2xx is read and thrown as its failure kind: TooManyConnections', async () => {
	const problem = {
		title: 'ConnectionException',
		detail: 'This stream is currently at the maximum allowed connection limit.',
		connection_issue: 'TooManyConnections',
		type: 'https://api.x.com/2/problems/streaming-connection',
	};
	const context = contextAnswering(() => ({ statusCode: 429, body: Readable.from([Buffer.from(JSON.stringify(problem))]) }));
	const error: unknown = await open(context).catch((thrown: unknown) => thrown);
	expect(isXApiFailure(error) && error.failure).toMatchObject({ kind: 'stream-connections-full', status: 429, body: problem });
	expect(context.sent[0].abortSignal?.aborted).toBe(true);
});

test('a connection that cannot be made is a network failure', async () => {
	const context = contextAnswering(() => {
		throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
	});
	const error: unknown = await open(context).catch((thrown: unknown) => thrown);
	expect(isXApiFailure(error) && error.failure).toMatchObject({ kind: 'network', network: 'refused' });
});
