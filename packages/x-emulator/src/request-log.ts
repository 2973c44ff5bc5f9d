// What the emulator received, for assertions in tests. Credentials never reach the log: Authorization keeps
// only its scheme, and secret-bearing fields of bodies and query strings (authorization codes, PKCE verifiers,
// tokens, client secrets, OAuth 1.0a verifiers) read "[redacted]".
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestContext } from './context';
import type { RequestLogEntry } from './types';

const REDACTED = '[redacted]';
export const SECRET_FIELDS: ReadonlySet<string> = new Set(['code', 'code_verifier', 'refresh_token', 'client_secret', 'oauth_verifier', 'token', 'access_token']);

export function redactHeaders(headers: IncomingHttpHeaders): RequestLogEntry['headers'] {
	const copy = { ...headers };
	if (copy.authorization !== undefined) copy.authorization = String(copy.authorization).split(' ')[0];
	return copy;
}

export function redactFields<T>(fields: T): T {
	if (!fields || typeof fields !== 'object' || Array.isArray(fields)) return fields;
	const entries = Object.entries(fields).map(([name, value]) => [name, SECRET_FIELDS.has(name) ? REDACTED : value]);
	return Object.fromEntries(entries) as T;
}

function loggedBody(ctx: RequestContext): unknown {
	if (ctx.json !== undefined) return redactFields(ctx.json);
	if (ctx.form !== undefined) return redactFields(ctx.form);
	if (!ctx.rawBody.length) return undefined;
	return { contentType: ctx.headers['content-type'] || null, bytes: ctx.rawBody.length };
}

export interface RequestLog {
	/** Records a request; the server fills in status (and faulted) later. */
	start(ctx: RequestContext, atMs: number): RequestLogEntry;
	/** Copies of the entries, oldest first. */
	entries(): RequestLogEntry[];
	clear(): void;
}

export function createRequestLog(): RequestLog {
	let entries: RequestLogEntry[] = [];
	let nextId = 1;
	return {
		start(ctx, atMs) {
			const entry: RequestLogEntry = {
				id: nextId++,
				at: atMs,
				method: ctx.method,
				path: ctx.path,
				query: redactFields(ctx.query),
				headers: redactHeaders(ctx.headers),
				body: loggedBody(ctx),
				status: undefined,
			};
			entries.push(entry);
			return entry;
		},
		entries() {
			return entries.slice();
		},
		clear() {
			entries = [];
		},
	};
}
