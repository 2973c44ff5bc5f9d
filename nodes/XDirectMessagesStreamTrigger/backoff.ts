/**
 * X's reconnect back-off for streams (x-activity-api.md §7, "handling disconnections"): reconnect at once after a
 * connection that worked; then, after network errors, 250 ms more per attempt up to 16 s; after HTTP errors 5 s
 * doubling up to 320 s; after a 429 one minute doubling. Every wait is capped by the user's "Max Reconnect Wait".
 */

import { isXApiFailure } from '../shared/transport';

export type FailureClass = 'network' | 'http' | 'rate-limit';

export interface Backoff {
	/** The failure of the last attempts, and how many in a row. */
	kind?: FailureClass;
	attempts: number;
}

export const NETWORK_STEP_MS = 250;
export const NETWORK_MAX_MS = 16_000;
export const HTTP_FIRST_MS = 5_000;
export const HTTP_MAX_MS = 320_000;
export const RATE_LIMIT_FIRST_MS = 60_000;
/** X names no ceiling for 429s: its rate-limit window is 15 minutes. */
export const RATE_LIMIT_MAX_MS = 15 * 60_000;

export const FRESH_BACKOFF: Backoff = { attempts: 0 };

function scheduleMs(kind: FailureClass, attempt: number): number {
	switch (kind) {
		case 'network':
			return Math.min(NETWORK_STEP_MS * attempt, NETWORK_MAX_MS);
		case 'http':
			return Math.min(HTTP_FIRST_MS * 2 ** Math.min(attempt - 1, 20), HTTP_MAX_MS);
		case 'rate-limit':
			return Math.min(RATE_LIMIT_FIRST_MS * 2 ** Math.min(attempt - 1, 20), RATE_LIMIT_MAX_MS);
	}
}

/** The wait before the next attempt after a failure of `kind`, and the back-off state after it. */
export function afterFailure(backoff: Backoff, kind: FailureClass, capMs: number): { waitMs: number; backoff: Backoff } {
	const attempts = backoff.kind === kind ? backoff.attempts + 1 : 1;
	return { waitMs: Math.min(scheduleMs(kind, attempts), capMs), backoff: { kind, attempts } };
}

/** What makes X's back-off grow after a failed attempt (x-activity-api.md §7). */
export function failureClass(error: unknown): FailureClass {
	if (!isXApiFailure(error)) return 'network';
	const { kind } = error.failure;
	if (kind === 'rate-limited' || kind === 'stream-connections-full') return 'rate-limit';
	return kind === 'network' ? 'network' : 'http';
}

/** Failures no waiting repairs: the workflow is handed back to n8n, which deactivates and retries it. */
export const isFatal = (error: unknown): boolean =>
	isXApiFailure(error) && ['unauthorized', 'forbidden', 'app-keys-refused', 'app-keys-missing', 'invalid-base-url'].includes(error.failure.kind);
