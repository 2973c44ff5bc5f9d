// What the emulator received, for assertions in tests. Credentials never reach the log: Authorization keeps
// only its scheme, and secret-bearing fields of bodies and query strings (authorization codes, PKCE verifiers,
// tokens, client secrets, OAuth 1.0a verifiers) read "[redacted]".
// The log is bounded: it keeps the last REQUEST_LOG_LIMIT requests, and bodies are kept whole only while the whole
// bodies in the log add up to at most LOGGED_BODY_BUDGET bytes; past that, the oldest whole bodies are replaced by
// summaries (size, top-level fields with long values shortened). Recent requests keep their bodies, so a test can
// still check the media a client uploaded.
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestContext } from './context';
import type { RequestLogEntry } from './types';

const REDACTED = '[redacted]';
/** How many requests the log keeps (the oldest go first). */
export const REQUEST_LOG_LIMIT = 1000;
/** How many body bytes the log keeps whole, over all its entries (a request body is at most 8 MiB). */
export const LOGGED_BODY_BUDGET = 32 * 1024 * 1024;
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

/** What a body becomes when it is not kept whole: its size and, for a JSON or form object, its top-level fields, shortened. */
export function bodySummary(contentType: string | undefined, bytes: number, body?: unknown): Record<string, unknown> {
	const summary: Record<string, unknown> = { contentType: contentType || null, bytes, truncated: true };
	if (body && typeof body === 'object' && !Array.isArray(body)) {
		const entries = Object.entries(body).slice(0, SUMMARY_FIELDS);
		summary.fields = Object.fromEntries(entries.map(([name, value]) => [name.slice(0, SUMMARY_STRING), summaryOf(value)]));
	}
	return summary;
}

function loggedBody(ctx: RequestContext): unknown {
	if (ctx.json !== undefined) return redactFields(ctx.json);
	if (ctx.form !== undefined) return redactFields(ctx.form);
	if (!ctx.rawBody.length) return undefined;
	return { contentType: ctx.headers['content-type'] || null, bytes: ctx.rawBody.length };
}

/** An entry whose body is kept whole, and what that costs. */
interface WholeBody {
	entry: RequestLogEntry;
	bytes: number;
	contentType: string | undefined;
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
	// Oldest first; the bodies that count against LOGGED_BODY_BUDGET.
	let whole: WholeBody[] = [];
	let wholeBytes = 0;
	let nextId = 1;

	function keepWithinBudget(): void {
		while (wholeBytes > LOGGED_BODY_BUDGET && whole.length) {
			const oldest = whole.shift() as WholeBody;
			wholeBytes -= oldest.bytes;
			oldest.entry.body = bodySummary(oldest.contentType, oldest.bytes, oldest.entry.body);
		}
	}

	function dropOldest(): void {
		const dropped = new Set(entries.splice(0, entries.length - REQUEST_LOG_LIMIT));
		whole = whole.filter((item) => {
			if (!dropped.has(item.entry)) return true;
			wholeBytes -= item.bytes;
			return false;
		});
	}

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
			// JSON and form bodies are kept parsed; other bodies only as their size.
			if (ctx.rawBody.length && (ctx.json !== undefined || ctx.form !== undefined)) {
				whole.push({ entry, bytes: ctx.rawBody.length, contentType: ctx.headers['content-type'] });
				wholeBytes += ctx.rawBody.length;
				keepWithinBudget();
			}
			if (entries.length > REQUEST_LOG_LIMIT) dropOldest();
			return entry;
		},
		entries() {
			return entries.slice();
		},
		clear() {
			entries = [];
			whole = [];
			wholeBytes = 0;
		},
	};
}
