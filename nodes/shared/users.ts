import type { IDataObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { XApiContext, XApiRequestOptions } from './transport';
import { xApiRequest } from './transport';
import { ID_PATTERN } from './validation';

/** X's limit of names per GET /2/users/by request. */
const MAX_USERNAMES_PER_LOOKUP = 100;

/**
 * Looks usernames up with GET /2/users/by (up to 100 a request) and returns the IDs of those X knows, keyed by
 * lowercased username. When none of a request's names exists, X answers with errors only, which the transport raises
 * as "X could not find the user …" (see isNoUserFound).
 */
export async function lookupUsernames(
	this: XApiContext,
	names: string[],
	request: Pick<XApiRequestOptions, 'itemIndex' | 'maxRateLimitWaitSeconds'> = {},
): Promise<Map<string, string>> {
	const ids = new Map<string, string>();
	for (let start = 0; start < names.length; start += MAX_USERNAMES_PER_LOOKUP) {
		const { body } = await xApiRequest.call(this, {
			method: 'GET',
			path: '/2/users/by',
			qs: { usernames: names.slice(start, start + MAX_USERNAMES_PER_LOOKUP) },
			...request,
		});
		const users = Array.isArray(body.data) ? (body.data as IDataObject[]) : [];
		for (const user of users) {
			if (typeof user.username === 'string' && typeof user.id === 'string' && ID_PATTERN.test(user.id)) {
				ids.set(user.username.toLowerCase(), user.id);
			}
		}
	}
	return ids;
}

/** Whether an error is X's answer to a users lookup in which none of the users exists (200 with only not-found errors). */
export function isNoUserFound(error: unknown): error is NodeApiError {
	if (!(error instanceof NodeApiError) || String(error.httpCode) !== '404') return false;
	const problems = (error.errorResponse as IDataObject | undefined)?.errors;
	return (
		Array.isArray(problems) &&
		problems.length > 0 &&
		problems.every((problem: IDataObject) => /resource-not-found$/.test(String(problem?.type ?? '')))
	);
}
