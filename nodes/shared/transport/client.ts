import type { IDataObject } from 'n8n-workflow';

import type { RequestLimits, RetryMode } from './policy';
import { xApiRequest } from './request';
import type { XApiConnection, XApiResponse } from './types';

/** The X API as one node run uses it: the connection and limits fixed, the retry mode chosen by the kind of call. */
export interface XApi {
	readonly connection: XApiConnection;
	readonly limits: RequestLimits;
	/** A read: repeated once after a 5xx or a broken connection. */
	get(path: string, qs?: IDataObject): Promise<XApiResponse>;
	/** A read whose answer is raw bytes (`bytes` of the response); repeated like get(). */
	download(path: string): Promise<XApiResponse>;
	/** Creates a Direct Message: sent at most once; an unknown outcome is reported as such. */
	send(path: string, body: IDataObject): Promise<XApiResponse>;
	/** Another write (media upload, delete, webhook and subscription management): sent at most once. */
	write(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: IDataObject): Promise<XApiResponse>;
}

export function createXApi(connection: XApiConnection, limits: RequestLimits): XApi {
	const policy = (retry: RetryMode) => ({ ...limits, retry });
	return {
		connection,
		limits,
		get: async (path, qs) => await xApiRequest(connection, { method: 'GET', path, qs }, policy('idempotent-read')),
		download: async (path) => await xApiRequest(connection, { method: 'GET', path, binary: true }, policy('idempotent-read')),
		send: async (path, body) => await xApiRequest(connection, { method: 'POST', path, body }, policy('at-most-once-send')),
		write: async (method, path, body) => await xApiRequest(connection, { method, path, body }, policy('at-most-once-write')),
	};
}
