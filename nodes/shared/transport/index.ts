// The transport's public API: callers import the folder, so the split into files stays an internal matter.
export type { XApiContext, XApiRequestOptions, XApiResponse } from './types';
export { OAUTH1_CREDENTIAL_TYPE, OAUTH2_CREDENTIAL_TYPE } from './types';
export {
	DEFAULT_BASE_URL,
	DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS,
	DEFAULT_TIMEOUT_SECONDS,
	encodeQuery,
	getAuthenticatedUser,
	getCredentialType,
	readParameter,
	xApiRequest,
} from './request';
export { buildApiError, requiredScopes } from './errors';
export type { NetworkFailureKind } from './network';
export { classifyNetworkError } from './network';
export { rateLimitResetMs } from './rate-limits';
export type { PaginateOptions, PaginateResult } from './pagination';
export { MAX_PAGE_SIZE, mergeIncludes, paginateDmEvents } from './pagination';
