// The transport's public API: callers import the folder, so the split into files stays an internal matter.
// It knows nothing of the nodes' parameters: callers pass the connection (context + credential type) and a policy.
export type { XApi } from './client';
export { createXApi } from './client';
export type { AppKeys } from './app-token';
export { appKeysOf, appOnlyConnection, appToken } from './app-token';
export { DEFAULT_BASE_URL } from './credentials';
export { requiredScopes } from './classify';
export type { AppKeyField, BaseUrlProblem, ForbiddenReason, RequestLine, XFailure, XFailureKind } from './failure';
export { isXApiFailure, XApiFailure } from './failure';
export type { NetworkFailureKind } from './network';
export { classifyNetworkError } from './network';
export type { DmEventPage, PageQuery } from './pages';
export { dmEventPages, MAX_PAGE_SIZE } from './pages';
export type { RequestLimits, RequestPolicy, RetryMode } from './policy';
export {
	DEFAULT_LIMITS,
	DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS,
	DEFAULT_TIMEOUT_SECONDS,
	MAX_RATE_LIMIT_WAIT_SECONDS,
	MAX_TIMEOUT_SECONDS,
	MIN_TIMEOUT_SECONDS,
} from './policy';
export type { AnnouncedReset, RateLimitState } from './rate-limits';
export { announcedReset, MAX_RESET_AHEAD_MS, rateLimitResetMs, readRateLimit, serverDateMs, serverNowMs } from './rate-limits';
export { xApiRequest } from './request';
export { encodeQuery } from './send';
export type { XApiConnection, XApiContext, XApiRequest, XApiResponse, XCredentialType } from './types';
export { OAUTH1_CREDENTIAL_TYPE, OAUTH2_CREDENTIAL_TYPE } from './types';
export type { OpenedStream, StreamBody } from './stream';
export { openStream } from './stream';
