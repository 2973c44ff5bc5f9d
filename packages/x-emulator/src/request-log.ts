// What the emulator received, for assertions in tests. Credentials never reach the log: Authorization keeps
// only its scheme, and secret-bearing fields of bodies and query strings (authorization codes, PKCE verifiers,
// tokens, client secrets, OAuth 1.0a verifiers) read "[redacted]".
// The log is bounded: it keeps the last REQUEST_LOG_LIMIT requests, and a body over LOGGED_BODY_LIMIT bytes is
// kept as a summary (its size and its top-level fields, long values shortened), never whole.
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestContext } from './context';
import type { RequestLogEntry } from './types';

const REDACTED = '[redacted]';
/** How many requests the log keeps (the oldest go first). */
export const REQUEST_LOG_LIMIT = 1000;
/** Bodies up to this many bytes are logged whole (a 10,000-character DM is about 40 KB at most). */
export const LOGGED_BODY_LIMIT = 64 * 1024;
const SUMMARY_FIELDS = 50;
const SUMMARY_STRING = 256;
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

function summaryOf(value: unknown): unknown {
	if (typeof value === 'string') return value.length > SUMMARY_STRING ? `[string of ${value.length} characters]` : value;
	if (Array.isArray(value)) return `[array of ${value.length} items]`;
	return value !== null && typeof value === 'object' ? '[object]' : value;
}

// A large JSON or form body: its top-level fields (at most SUMMARY_FIELDS), each value shortened.
function summaryFields(fields: unknown): Record<string, unknown> | undefined {
	if (!fields || typeof fields !== 'object' || Array.isArray(fields)) return undefined;
	const entries = Object.entries(redactFields(fields)).slice(0, SUMMARY_FIELDS);
	return Object.fromEntries(entries.map(([name, value]) => [name.slice(0, SUMMARY_STRING), summaryOf(value)]));
}

function loggedBody(ctx: RequestContext): unknown {
	const bytes = ctx.rawBody.length;
	if (bytes > LOGGED_BODY_LIMIT) {
		const fields = summaryFields(ctx.json ?? ctx.form);
		return { contentType: ctx.headers['content-type'] || null, bytes, truncated: true, ...(fields && { fields }) };
	}
	if (ctx.json !== undefined) return redactFields(ctx.json);
	if (ctx.form !== undefined) return redactFields(ctx.form);
	if (!bytes) return undefined;
	return { contentType: ctx.headers['content-type'] || null, bytes };
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
			if (entries.length > REQUEST_LOG_LIMIT) entries.splice(0, entries.length - REQUEST_LOG_LIMIT);
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
