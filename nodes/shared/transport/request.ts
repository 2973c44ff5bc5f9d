import { sleep } from 'n8n-workflow';

import { classifyAnswer, isFailedLookup } from './classify';
import type { CredentialInfo } from './credentials';
import { credentialInfo } from './credentials';
import type { AttemptBudget, Decision } from './decide';
import { decideAfterFailure, decideAfterNetworkError } from './decide';
import { XApiFailure } from './failure';
import { classifyNetworkError } from './network';
import type { RequestPolicy } from './policy';
import { redactBody } from './redact';
import type { Attempt } from './send';
import { refreshToken, sendOnce } from './send';
import type { XApiConnection, XApiRequest, XApiResponse } from './types';
import { OAUTH2_CREDENTIAL_TYPE } from './types';

function isSuccessful(answer: XApiResponse): boolean {
	return answer.statusCode >= 200 && answer.statusCode < 300 && !isFailedLookup(answer);
}

/** classify → decide for one attempt. */
function decide(
	attempt: Attempt,
	connection: XApiConnection,
	credentials: CredentialInfo,
	request: XApiRequest,
	policy: RequestPolicy,
	budget: AttemptBudget,
): Decision {
	if ('networkError' in attempt) {
		const { kind, code } = classifyNetworkError(attempt.networkError);
		return decideAfterNetworkError({ network: kind, code, baseUrl: credentials.baseUrl }, policy, budget);
	}
	const { answer } = attempt;
	if (isSuccessful(answer)) return { action: 'return', response: answer };
	// Whatever the body says leaves the transport in the failure: without the credential's secrets.
	const failure = classifyAnswer({ ...answer, body: redactBody(answer.body, credentials.secrets) }, {
		request,
		credentialType: connection.credentialType,
		grantedScopes: credentials.grantedScopes,
		maxRateLimitWaitMs: policy.maxRateLimitWaitMs,
	});
	return decideAfterFailure(failure, policy, budget, connection.credentialType === OAUTH2_CREDENTIAL_TYPE && connection.appToken === undefined);
}

/**
 * Calls the X API: send → classify → decide, until the request succeeds or fails for good. Failures are thrown as
 * XApiFailure; the caller's policy says how long to wait for rate limits and which repeats are safe.
 */
export async function xApiRequest(
	connection: XApiConnection,
	request: XApiRequest,
	policy: RequestPolicy,
): Promise<XApiResponse> {
	let credentials = await credentialInfo(connection, request);
	const budget: AttemptBudget = { repeated: false, refreshed: false, rateLimitWaits: 0 };
	for (;;) {
		const attempt = await sendOnce(connection, credentials.baseUrl, request, policy.timeoutMs);
		// n8n may have refreshed the OAuth2 token during the request: the failure is redacted with the current secrets.
		if ('answer' in attempt && !isSuccessful(attempt.answer)) credentials = await credentialInfo(connection, request, true);
		const decision = decide(attempt, connection, credentials, request, policy, budget);
		switch (decision.action) {
			case 'return':
				return decision.response;
			case 'repeat':
				budget.repeated = true;
				break;
			case 'refresh': {
				budget.refreshed = true;
				const refresh = await refreshToken(connection);
				if (refresh) {
					const refreshFailure = classifyNetworkError(refresh.error).kind;
					throw new XApiFailure({ kind: 'unauthorized', credentialType: connection.credentialType, refreshFailure }, request);
				}
				break;
			}
			case 'wait':
				budget.rateLimitWaits++;
				await sleep(decision.ms);
				break;
			case 'fail':
				throw new XApiFailure(decision.failure, request);
		}
	}
}
