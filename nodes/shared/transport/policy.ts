/**
 * How one request may be repeated:
 * - `idempotent-read`: a GET; repeated once after a 5xx or a connection that failed mid-way.
 * - `at-most-once-send`: creates a Direct Message; never repeated once X may have seen it, and a failure with an
 *   unknown outcome is reported as such (`unknown-outcome`), so nobody re-runs it blindly.
 * - `at-most-once-write`: any other write (media upload, delete); never repeated once X may have seen it.
 * Every mode repeats a request once when the connection was refused (X never saw it), after an OAuth2 token refresh
 * (a 401 is a rejection before handling) and after waiting out a rate limit.
 */
export type RetryMode = 'idempotent-read' | 'at-most-once-send' | 'at-most-once-write';

export interface RequestPolicy {
	/** Per attempt. */
	timeoutMs: number;
	/** The longest rate-limit reset the request waits for (0 = never wait, fail at once). */
	maxRateLimitWaitMs: number;
	retry: RetryMode;
}

/** The part of a policy that is the same for every request of one node run. */
export type RequestLimits = Omit<RequestPolicy, 'retry'>;

export const DEFAULT_TIMEOUT_SECONDS = 60;
export const DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS = 60;

// The bounds of the options. Timers hold at most 2^31 - 1 ms (about 24.8 days); longer ones fire at once.
/** One millisecond: the shortest timeout that is not 0 ms ("no timeout"). */
export const MIN_TIMEOUT_SECONDS = 0.001;
/** One hour: far longer than X takes to answer one request or to take one 2 MB media segment. */
export const MAX_TIMEOUT_SECONDS = 3600;
/** One day: X's longest rate-limit window is 24 hours. */
export const MAX_RATE_LIMIT_WAIT_SECONDS = 86400;

export const DEFAULT_LIMITS: RequestLimits = {
	timeoutMs: DEFAULT_TIMEOUT_SECONDS * 1000,
	maxRateLimitWaitMs: DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS * 1000,
};
