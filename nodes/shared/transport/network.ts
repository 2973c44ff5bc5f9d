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

interface ErrorFields {
	code?: unknown;
	httpCode?: unknown;
	message?: unknown;
	messages?: unknown;
	cause?: unknown;
	errorResponse?: unknown;
	reason?: unknown;
	context?: unknown;
}

/**
 * Classifies a request that failed without an HTTP answer. n8n's NodeApiError drops `.cause`, but the original
 * code survives in other places: NodeApiError copies an axios error's `code` into `httpCode`, and errors built from
 * plain objects keep them in `errorResponse`. Codes are trusted first, message texts only as a fallback.
 */
export function classifyNetworkError(error: unknown): { kind: NetworkFailureKind; code?: string } {
	const codes: string[] = [];
	const texts: string[] = [];
	const seen = new Set<unknown>();
	const pending: unknown[] = [error];
	while (pending.length && seen.size < 20) {
		const current = pending.shift();
		if (!current || typeof current !== 'object' || seen.has(current)) continue;
		seen.add(current);
		const fields = current as ErrorFields;
		for (const value of [fields.code, fields.httpCode]) {
			if (typeof value === 'string' && /^E[A-Z_]+$|^ERR_[A-Z_]+$/.test(value)) codes.push(value);
		}
		if (Array.isArray(fields.messages)) texts.push(...fields.messages.map(String));
		if (typeof fields.message === 'string') texts.push(fields.message);
		pending.push(fields.cause, fields.errorResponse, fields.reason, fields.context);
	}
	const known = codes.find((code) => CODE_KINDS[code] !== undefined);
	if (known) return { kind: CODE_KINDS[known], code: known };
	for (const text of texts) {
		for (const [pattern, kind] of TEXT_KINDS) if (pattern.test(text)) return { kind, code: codes[0] };
	}
	return { kind: 'unknown', code: codes[0] };
}

export function networkFailureText(kind: NetworkFailureKind): string {
	switch (kind) {
		case 'timeout':
			return 'the request timed out';
		case 'reset':
			return 'the connection was reset';
		case 'refused':
			return 'the connection was refused';
		case 'dns':
			return 'the host name could not be resolved';
		case 'unreachable':
			return 'the host is unreachable';
		case 'cancelled':
			return 'the request was cancelled';
		default:
			return 'the request failed before a response arrived';
	}
}

// The connection was never made, so X cannot have seen the request: safe to repeat even for POSTs.
export const NEVER_SENT_KINDS = new Set<NetworkFailureKind>(['refused', 'dns', 'unreachable']);
// X may have handled the request: only a GET may be repeated.
export const MAYBE_SENT_KINDS = new Set<NetworkFailureKind>(['timeout', 'reset']);
