import { isRecord } from '../models/json';

/** What went wrong when no HTTP answer arrived. */
export type NetworkFailureKind = 'timeout' | 'reset' | 'refused' | 'dns' | 'unreachable' | 'cancelled' | 'unknown';

// Node and axios error codes. axios reports its own timeout as ECONNABORTED, and a response body cut off by a
// dropped connection as ERR_BAD_RESPONSE "stream has been aborted" (matched below by its text).
const CODE_KINDS: Record<string, NetworkFailureKind> = {
	ETIMEDOUT: 'timeout',
	ESOCKETTIMEDOUT: 'timeout',
	ECONNABORTED: 'timeout',
	ECONNRESET: 'reset',
	EPIPE: 'reset',
	ECONNREFUSED: 'refused',
	ENOTFOUND: 'dns',
	EAI_AGAIN: 'dns',
	EHOSTUNREACH: 'unreachable',
	ENETUNREACH: 'unreachable',
	ERR_CANCELED: 'cancelled',
};

// Used only when no code above survived: n8n replaces the message with its own description and keeps the
// original in `messages`.
const TEXT_KINDS: Array<[RegExp, NetworkFailureKind]> = [
	[/timeout of \d+ms exceeded|ETIMEDOUT|ESOCKETTIMEDOUT|timed out/i, 'timeout'],
	[/socket hang up|ECONNRESET|EPIPE|closed unexpectedly|stream has been aborted|^aborted$/i, 'reset'],
	[/ECONNREFUSED|refused the connection/i, 'refused'],
	[/ENOTFOUND|EAI_AGAIN|getaddrinfo|incorrect host/i, 'dns'],
	[/EHOSTUNREACH|ENETUNREACH|host is unreachable/i, 'unreachable'],
	[/ECONNABORTED|connection was aborted/i, 'timeout'],
	[/^canceled$|ERR_CANCELED/i, 'cancelled'],
];

/**
 * Classifies a request that failed without an HTTP answer. n8n's NodeApiError drops `.cause`, but the original
 * code survives in other places: NodeApiError copies an axios error's `code` into `httpCode`, and errors built from
 * plain objects keep them in `errorResponse`. Codes are trusted first, message texts only as a fallback: this is the
 * one place that reads the text of a network error, and it does so once, inside the transport.
 */
export function classifyNetworkError(error: unknown): { kind: NetworkFailureKind; code?: string } {
	const codes: string[] = [];
	const texts: string[] = [];
	const seen = new Set<unknown>();
	const pending: unknown[] = [error];
	while (pending.length && seen.size < 20) {
		const current = pending.shift();
		if (!isRecord(current) || seen.has(current)) continue;
		seen.add(current);
		for (const value of [current.code, current.httpCode]) {
			if (typeof value === 'string' && /^E[A-Z_]+$|^ERR_[A-Z_]+$/.test(value)) codes.push(value);
		}
		if (Array.isArray(current.messages)) texts.push(...current.messages.map(String));
		if (typeof current.message === 'string') texts.push(current.message);
		pending.push(current.cause, current.errorResponse, current.reason, current.context);
	}
	const known = codes.find((code) => CODE_KINDS[code] !== undefined);
	if (known) return { kind: CODE_KINDS[known], code: known };
	for (const text of texts) {
		for (const [pattern, kind] of TEXT_KINDS) if (pattern.test(text)) return { kind, code: codes[0] };
	}
	return { kind: 'unknown', code: codes[0] };
}

// The connection was never made, so X cannot have seen the request: safe to repeat even for POSTs.
export const NEVER_SENT_KINDS = new Set<NetworkFailureKind>(['refused', 'dns', 'unreachable']);
// X may have handled the request: only a GET may be repeated.
export const MAYBE_SENT_KINDS = new Set<NetworkFailureKind>(['timeout', 'reset']);
