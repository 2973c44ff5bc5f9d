import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { isRecord } from '../models/json';
import type { XApiConnection, XApiContext, XApiRequest, XApiResponse } from './types';

/** One try of a request: X's answer (any status), or the error of a request that got no answer. */
export type Attempt = { answer: XApiResponse } | { networkError: unknown };

/** Encodes query parameters the way X expects: lists comma-joined without spaces, empty values omitted. */
export function encodeQuery(qs: IDataObject | undefined): IDataObject {
	const encoded: IDataObject = {};
	if (!qs) return encoded;
	for (const [key, value] of Object.entries(qs)) {
		if (value === undefined || value === null || value === '') continue;
		if (Array.isArray(value)) {
			if (value.length === 0) continue;
			encoded[key] = value.map((entry) => String(entry).trim()).join(',');
		} else {
			encoded[key] = String(value);
		}
	}
	return encoded;
}

function bodyObject(body: unknown): IDataObject {
	return isRecord(body) ? body : body === undefined || body === '' ? {} : { message: String(body) };
}

/** The JSON of an error answer that arrived as bytes; anything else as its text. */
function parseBytes(bytes: Buffer): IDataObject {
	const text = bytes.toString('utf8');
	try {
		return bodyObject(JSON.parse(text));
	} catch {
		return bodyObject(text);
	}
}

function toResponse(raw: unknown): XApiResponse {
	const full = isRecord(raw) ? raw : {};
	const body: unknown = full.body;
	const statusCode = typeof full.statusCode === 'number' ? full.statusCode : 0;
	const headers = isRecord(full.headers) ? full.headers : {};
	if (Buffer.isBuffer(body) || body instanceof ArrayBuffer) {
		const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
		return statusCode >= 200 && statusCode < 300 ? { statusCode, headers, body: {}, bytes } : { statusCode, headers, body: parseBytes(bytes) };
	}
	return { statusCode, headers, body: bodyObject(body) };
}

/** An app-only request: n8n's credential would sign it with the user's token, so the bearer is set here. */
export async function sendWithAppToken(context: XApiContext, appToken: string, options: IHttpRequestOptions): Promise<unknown> {
	const { httpRequest } = context.helpers;
	if (!httpRequest) throw new Error('This n8n context cannot send app-only requests');
	return await httpRequest.call(context, { ...options, headers: { ...options.headers, Authorization: `Bearer ${appToken}` } });
}

/** Sends the request once through n8n (which signs it with the credential); never throws for an HTTP status. */
export async function sendOnce(
	connection: XApiConnection,
	baseUrl: string,
	request: XApiRequest,
	timeoutMs: number,
): Promise<Attempt> {
	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${baseUrl}${request.path}`,
		qs: encodeQuery(request.qs),
		json: request.binary !== true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: timeoutMs,
	};
	if (request.body !== undefined) options.body = request.body;
	if (request.binary === true) options.encoding = 'arraybuffer';
	const { context, credentialType, appToken } = connection;
	try {
		const raw: unknown =
			appToken === undefined
				? await context.helpers.httpRequestWithAuthentication.call(context, credentialType, options)
				: await sendWithAppToken(context, appToken, options);
		return { answer: toResponse(raw) };
	} catch (error) {
		return { networkError: error };
	}
}

/** Asks n8n to refresh the OAuth2 token; returns the error when that failed. */
export async function refreshToken(connection: XApiConnection): Promise<{ error: unknown } | undefined> {
	const { context, credentialType } = connection;
	try {
		await context.helpers.refreshOAuth2Token.call(context, credentialType);
		return undefined;
	} catch (error) {
		return { error };
	}
}
