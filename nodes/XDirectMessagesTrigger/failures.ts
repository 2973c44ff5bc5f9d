import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

export type FailureKind = 'rateLimit' | 'transient' | 'persistent';

interface ErrorShape {
	httpCode?: unknown;
	message?: unknown;
	errorResponse?: { type?: unknown; reason?: unknown };
	context?: { rateLimitResetMs?: unknown };
}

/**
 * Rate limits, 5xx answers and network failures (timeouts, resets, refused connections) go away by themselves, so
 * a poll retries them next time. Everything else (401, 403, 400, 404, usage caps, bad parameters) needs the user.
 */
export function classifyFailure(error: unknown): FailureKind {
	if (!(error instanceof NodeApiError)) return 'persistent';
	const { httpCode, errorResponse } = error as ErrorShape;
	const code = typeof httpCode === 'string' ? httpCode : httpCode === undefined || httpCode === null ? '' : String(httpCode);
	const problemType = typeof errorResponse?.type === 'string' ? errorResponse.type : '';
	if (code === '429') return problemType.endsWith('/usage-capped') ? 'persistent' : 'rateLimit';
	if (/^5\d\d$/.test(code)) return 'transient';
	// The transport reports failures without an HTTP answer with a `reason` and no status.
	if (code === '' && typeof errorResponse?.reason === 'string') return 'transient';
	return 'persistent';
}

/** The reset time of a rate-limit error, as epoch ms: the shared transport puts it in `context.rateLimitResetMs`. */
export function rateLimitResetFromError(error: unknown): number | undefined {
	const resetAt = (error as ErrorShape)?.context?.rateLimitResetMs;
	return typeof resetAt === 'number' && Number.isFinite(resetAt) ? resetAt : undefined;
}

/** Errors leave poll() as n8n node errors, so the execution log shows the node and a readable message. */
export function asNodeError(node: INode, error: unknown): Error {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, error instanceof Error ? error : String(error));
}

export function describeFailure(error: unknown): string {
	const { message } = (error ?? {}) as ErrorShape;
	return typeof message === 'string' && message !== '' ? message : String(error);
}
