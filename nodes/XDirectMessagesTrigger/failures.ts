import { isXApiFailure } from '../shared/transport';

export type FailureKind = 'rateLimit' | 'transient' | 'persistent';

/**
 * Rate limits, 5xx answers and network failures (timeouts, resets, refused connections) go away by themselves, so
 * a poll retries them next time. Everything else (401, 403, 400, 404, usage caps, bad parameters) needs the user.
 */
export function classifyFailure(error: unknown): FailureKind {
	if (!isXApiFailure(error)) return 'persistent';
	switch (error.failure.kind) {
		case 'rate-limited':
			return 'rateLimit';
		case 'transient':
		case 'network':
		case 'unknown-outcome':
			return 'transient';
		default:
			return 'persistent';
	}
}

/** When the window of a rate-limit failure resets (epoch ms), as the server announced it. */
export function rateLimitResetFromError(error: unknown): number | undefined {
	if (!isXApiFailure(error) || error.failure.kind !== 'rate-limited') return undefined;
	const { resetAtMs } = error.failure;
	return resetAtMs !== undefined && Number.isFinite(resetAtMs) ? resetAtMs : undefined;
}

/**
 * How long to pause after a rate-limit failure (ms from the answer): the wait the server measured on its own clock, or
 * else the time left until the announced reset by the host's clock.
 */
export function rateLimitWaitFromError(error: unknown, hostNowMs: number): number | undefined {
	if (!isXApiFailure(error) || error.failure.kind !== 'rate-limited') return undefined;
	const { waitMs } = error.failure;
	if (waitMs !== undefined && Number.isFinite(waitMs)) return Math.max(0, waitMs);
	const resetAtMs = rateLimitResetFromError(error);
	return resetAtMs === undefined ? undefined : Math.max(0, resetAtMs - hostNowMs);
}
