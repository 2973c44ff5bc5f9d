import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { isRecord } from '../models/json';
import { classifyAnswer } from './classify';
import { credentialInfo } from './credentials';
import { XApiFailure } from './failure';
import { classifyNetworkError } from './network';
import { redactBody } from './redact';
import { encodeQuery, sendWithAppToken } from './send';
import type { XApiConnection, XApiRequest } from './types';

/**
 * A long-lived streaming GET (X's Activity stream, x-activity-api.md §3.6, §7), sent once: whether and when to connect
 * again is the caller's decision (X prescribes its own back-off for streams). The answer's body is read as it arrives.
 */

/** The body of an open stream: chunks as they arrive; destroy() ends the connection. */
export interface StreamBody extends AsyncIterable<Buffer | string> {
	destroy(error?: Error): void;
}

export interface OpenedStream {
	statusCode: number;
	headers: IDataObject;
	body: StreamBody;
}

/** X's error bodies are small; a larger one is cut here rather than read forever. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

function isStreamBody(value: unknown): value is StreamBody {
	return isRecord(value) && typeof value.destroy === 'function' && Symbol.asyncIterator in value;
}

async function readErrorBody(body: unknown): Promise<IDataObject> {
	if (!isStreamBody(body)) return isRecord(body) ? body : {};
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of body) {
		const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
		chunks.push(bytes);
		size += bytes.length;
		if (size >= MAX_ERROR_BODY_BYTES) break;
	}
	body.destroy();
	const text = Buffer.concat(chunks).toString('utf8');
	try {
		const parsed: unknown = JSON.parse(text);
		return isRecord(parsed) ? parsed : { message: text };
	} catch {
		return text ? { message: text } : {};
	}
}

/**
 * The request's own abort, also fired by the caller's signal. Ending the connection from this side aborts the request:
 * some n8n versions hand out a wrapper of the response (axios' Readable.from when maxContentLength is set, n8n 2.41)
 * whose destroy() leaves the socket open and a pending read waiting, so a stalled connection would never end.
 */
function requestAbort(outer: IHttpRequestOptions['abortSignal']): { signal: AbortSignal; end(): void } {
	const own = new AbortController();
	const onOuterAbort = (): void => own.abort();
	if (outer?.aborted) own.abort();
	else outer?.addEventListener?.('abort', onOuterAbort);
	return {
		signal: own.signal,
		end: () => {
			outer?.removeEventListener?.('abort', onOuterAbort);
			own.abort();
		},
	};
}

/** The open body; destroy() ends the request too. */
function endingRequest(body: StreamBody, end: () => void): StreamBody {
	return {
		[Symbol.asyncIterator]: () => body[Symbol.asyncIterator](),
		destroy: (error?: Error) => {
			end();
			body.destroy(error);
		},
	};
}

/**
 * Opens `GET {baseUrl}{path}` with the connection's app-only token. A 2xx gives the open body; any other answer is
 * read and thrown as XApiFailure (its kind says what happened: `stream-connections-full`, `rate-limited`, ...), and a
 * connection that could not be made as a `network` failure. `timeoutMs` bounds the wait for the answer's headers.
 */
export async function openStream(
	connection: XApiConnection,
	request: { path: string; qs?: IDataObject; timeoutMs: number; signal?: IHttpRequestOptions['abortSignal'] },
): Promise<OpenedStream> {
	const line: XApiRequest = { method: 'GET', path: request.path, qs: request.qs };
	const credentials = await credentialInfo(connection, line);
	if (connection.appToken === undefined) throw new Error('The Activity stream needs the app-only token');
	const abort = requestAbort(request.signal);
	const options: IHttpRequestOptions = {
		method: 'GET',
		url: `${credentials.baseUrl}${request.path}`,
		qs: encodeQuery(request.qs),
		encoding: 'stream',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: request.timeoutMs,
		headers: { 'User-Agent': 'n8n-nodes-x-dm' },
		abortSignal: abort.signal,
	};
	const attempt = await sendWithAppToken(connection.context, connection.appToken, options).then(
		(raw: unknown) => ({ raw }),
		(error: unknown) => ({ error }),
	);
	if ('error' in attempt) {
		abort.end();
		const { kind, code } = classifyNetworkError(attempt.error);
		throw new XApiFailure({ kind: 'network', network: kind, code, baseUrl: credentials.baseUrl, retried: false }, line);
	}
	const full = isRecord(attempt.raw) ? attempt.raw : {};
	const statusCode = typeof full.statusCode === 'number' ? full.statusCode : 0;
	const headers = isRecord(full.headers) ? full.headers : {};
	if (statusCode >= 200 && statusCode < 300 && isStreamBody(full.body)) return { statusCode, headers, body: endingRequest(full.body, abort.end) };
	const body = redactBody(await readErrorBody(full.body), credentials.secrets);
	abort.end();
	const failure = classifyAnswer({ statusCode, headers, body }, {
		request: line,
		credentialType: connection.credentialType,
		grantedScopes: credentials.grantedScopes,
		maxRateLimitWaitMs: 0,
	});
	throw new XApiFailure(failure, line);
}
