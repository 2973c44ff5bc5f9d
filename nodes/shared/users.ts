import type { XUser } from './models';
import { decodeUser, decodeUsers, problemType } from './models';
import type { XApi } from './transport';
import { isXApiFailure } from './transport';

/** X's limit of names per GET /2/users/by request, and of ids per GET /2/users request. */
const MAX_USERS_PER_LOOKUP = 100;

export const USER_NAME_FIELDS = ['id', 'name', 'username'];

/**
 * Looks usernames up with GET /2/users/by (up to 100 a request) and returns the IDs of those X knows, keyed by
 * lowercased username. When none of a request's names exists, X answers with errors only, which the transport raises
 * as a `not-found` failure (see isNoUserFound).
 */
export async function lookupUsernames(api: XApi, names: string[]): Promise<Map<string, string>> {
	const ids = new Map<string, string>();
	for (let start = 0; start < names.length; start += MAX_USERS_PER_LOOKUP) {
		const { body } = await api.get('/2/users/by', { usernames: names.slice(start, start + MAX_USERS_PER_LOOKUP) });
		for (const user of decodeUsers(body)) ids.set(user.username.toLowerCase(), user.id);
	}
	return ids;
}

/** Whether an error is X's answer to a users lookup in which none of the users exists (200 with only not-found errors). */
export function isNoUserFound(error: unknown): boolean {
	if (!isXApiFailure(error) || error.failure.kind !== 'not-found') return false;
	const { problems } = error.failure;
	return problems.length > 0 && problems.every((problem) => problemType(problem) === 'resource-not-found');
}

/** GET /2/users/me (with `user.fields` when given): the authenticated user, or undefined when X's answer holds none. */
export async function getAuthenticatedUser(api: XApi, userFields?: string[]): Promise<XUser | undefined> {
	const { body } = await api.get('/2/users/me', userFields ? { 'user.fields': userFields } : undefined);
	return decodeUser(body);
}

/** GET /2/users/by/username/{username}: the user, or undefined when X's answer holds none. */
export async function getUserByUsername(api: XApi, username: string): Promise<XUser | undefined> {
	const { body } = await api.get(`/2/users/by/username/${encodeURIComponent(username)}`);
	return decodeUser(body);
}

/** GET /2/users for up to 100 ids (the rest are not looked up). */
export async function lookupUsersByIds(api: XApi, ids: string[]): Promise<XUser[]> {
	const { body } = await api.get('/2/users', { ids: ids.slice(0, MAX_USERS_PER_LOOKUP), 'user.fields': USER_NAME_FIELDS });
	return decodeUsers(body);
}
