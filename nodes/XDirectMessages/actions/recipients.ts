import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { settle } from '../../shared/settle';
import type { XApi } from '../../shared/transport';
import type { XUser } from '../../shared/models';
import { getAuthenticatedUser, getUserByUsername, isNoUserFound, lookupUsernames } from '../../shared/users';
import type { UserReference } from '../../shared/validation';

export interface ResolvedUser {
	id: string;
	username?: string;
}

/** X does not know these usernames: the error names the parameter, like the checks made before any request. */
function unknownUsers(this: IExecuteFunctions, parameter: string, names: string[], itemIndex: number): NodeApiError {
	const quotedNames = names.map((name) => `"${name}"`).join(', ');
	return new NodeApiError(
		this.getNode(),
		{ usernames: names },
		{
			message: `${parameter}: X could not find the user${names.length > 1 ? 's' : ''} ${quotedNames}`,
			description: 'Check the spelling, or enter the user ID instead.',
			httpCode: '404',
			itemIndex,
		},
	);
}

/** Turns an ID or @username into a user ID (one users lookup for usernames). */
export async function resolveUser(
	this: IExecuteFunctions,
	api: XApi,
	reference: UserReference,
	itemIndex: number,
	parameter: string,
): Promise<ResolvedUser> {
	if (reference.kind === 'id') return { id: reference.value };
	const lookup = await settle(getUserByUsername(api, reference.value));
	if (!lookup.ok && !isNoUserFound(lookup.error)) throw lookup.error;
	const user = lookup.ok ? lookup.value : undefined;
	if (!user) throw unknownUsers.call(this, parameter, [reference.value], itemIndex);
	return { id: user.id, username: user.username };
}

/**
 * Turns IDs and @usernames into distinct user IDs, in the order given: every username of the list with one
 * GET /2/users/by, IDs without a request. Fails naming all unknown usernames.
 */
export async function resolveUserIds(
	this: IExecuteFunctions,
	api: XApi,
	references: UserReference[],
	itemIndex: number,
	parameter: string,
): Promise<string[]> {
	const names = new Map<string, string>();
	for (const reference of references) {
		if (reference.kind === 'username' && !names.has(reference.value.toLowerCase())) {
			names.set(reference.value.toLowerCase(), reference.value);
		}
	}
	let found = new Map<string, string>();
	if (names.size) {
		const lookup = await settle(lookupUsernames(api, [...names.values()]));
		if (lookup.ok) found = lookup.value;
		// X answers with errors only when none of the names exists; they are reported below as unknown.
		else if (!isNoUserFound(lookup.error)) throw lookup.error;
	}
	const unknown = [...names].filter(([key]) => !found.has(key)).map(([, name]) => name);
	if (unknown.length) throw unknownUsers.call(this, parameter, unknown, itemIndex);
	const ids: string[] = [];
	for (const reference of references) {
		const id = reference.kind === 'id' ? reference.value : found.get(reference.value.toLowerCase());
		if (id !== undefined && !ids.includes(id)) ids.push(id);
	}
	return ids;
}

// The authenticated user of each node run, by credential type: looked up once per run, not once per item.
const authenticatedUsers = new WeakMap<object, Map<string, XUser>>();

/** The authenticated user (GET /2/users/me, once per node run and credential). */
export async function authenticatedUser(this: IExecuteFunctions, api: XApi, itemIndex: number): Promise<XUser> {
	let perType = authenticatedUsers.get(this);
	const cached = perType?.get(api.connection.credentialType);
	if (cached) return cached;
	const user = await getAuthenticatedUser(api);
	if (!user) {
		throw new NodeOperationError(this.getNode(), 'X did not say who the authenticated user is (GET /2/users/me)', { itemIndex });
	}
	if (!perType) {
		perType = new Map();
		authenticatedUsers.set(this, perType);
	}
	perType.set(api.connection.credentialType, user);
	return user;
}
