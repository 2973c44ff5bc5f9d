import type { XFailure } from './failure';
import type { NetworkFailureKind } from './network';
import { MAYBE_SENT_KINDS, NEVER_SENT_KINDS } from './network';
import type { RequestPolicy } from './policy';
import type { XApiResponse } from './types';

// A few rounds of waiting are enough: each one waits for a full window reset.
const MAX_RATE_LIMIT_WAITS = 3;
// The reset header has one-second resolution; waking up a little late avoids a second 429.
export const RATE_LIMIT_WAKE_MARGIN_MS = 1000;

/** What earlier attempts of the same request used up. */
export interface AttemptBudget {
	/** The one repeat after a failure without an answer or a 5xx. */
	repeated: boolean;
	/** The OAuth2 token was refreshed after a 401. */
	refreshed: boolean;
	rateLimitWaits: number;
}

export type Decision =
	| { action: 'return'; response: XApiResponse }
	| { action: 'repeat' }
	| { action: 'refresh' }
	| { action: 'wait'; ms: number }
	| { action: 'fail'; failure: XFailure };

export interface NetworkOutcome {
	network: NetworkFailureKind;
	code?: string;
	baseUrl: string;
}

/** After a request that got no answer. */
export function decideAfterNetworkError(outcome: NetworkOutcome, policy: RequestPolicy, budget: AttemptBudget): Decision {
	const { network, code, baseUrl } = outcome;
	const neverSent = NEVER_SENT_KINDS.has(network);
	const repeatable = neverSent || (policy.retry === 'idempotent-read' && MAYBE_SENT_KINDS.has(network));
	if (repeatable && !budget.repeated) return { action: 'repeat' };
	if (policy.retry === 'at-most-once-send' && !neverSent) {
		return { action: 'fail', failure: { kind: 'unknown-outcome', network, code } };
	}
	return { action: 'fail', failure: { kind: 'network', network, code, baseUrl, retried: budget.repeated } };
}

/** After X answered with an error; `failure` is the classified answer. */
export function decideAfterFailure(failure: XFailure, policy: RequestPolicy, budget: AttemptBudget, isOAuth2: boolean): Decision {
	if (failure.kind === 'unauthorized' && 'status' in failure && isOAuth2 && !budget.refreshed) {
		// A 401 means the request was rejected before it was handled, so repeating it is safe.
		return { action: 'refresh' };
	}
	if (failure.kind === 'rate-limited') {
		const { waitMs } = failure;
		const canWait =
			waitMs !== undefined &&
			policy.maxRateLimitWaitMs > 0 &&
			waitMs <= policy.maxRateLimitWaitMs &&
			budget.rateLimitWaits < MAX_RATE_LIMIT_WAITS;
		// X rejected the request without handling it, so even a send can be repeated after the wait.
		if (canWait) return { action: 'wait', ms: waitMs + RATE_LIMIT_WAKE_MARGIN_MS };
	}
	const status = 'status' in failure ? failure.status : undefined;
	if (status !== undefined && status >= 500) {
		if (policy.retry === 'idempotent-read' && !budget.repeated) return { action: 'repeat' };
		// X may have stored the message before it failed.
		if (policy.retry === 'at-most-once-send') return { action: 'fail', failure: { kind: 'unknown-outcome', status } };
	}
	return { action: 'fail', failure };
}
