import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { settle } from '../../shared/settle';
import type { XApi } from '../../shared/transport';
import { getUserByUsername, isNoUserFound, lookupUsernames } from '../../shared/users';
import type { UserReference } from '../../shared/validation';

export interface ResolvedUser {
	id: string;
	username?: string;
}

/** Turns an ID or @username into a user ID (one users lookup for usernames). */
export async function resolveUser(
	this: IExecuteFunctions,
	api: XApi,
	reference: UserReference,
	itemIndex: number,
): Promise<ResolvedUser> {
	if (reference.kind === 'id') return { id: reference.value };
	const user = await getUserByUsername(api, reference.value);
	if (!user) {
		throw new NodeOperationError(this.getNode(), `X could not find the user "@${reference.value}"`, { itemIndex });
	}
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
	if (unknown.length) {
		throw new NodeApiError(
			this.getNode(),
			{ usernames: unknown },
			{
				message: `X could not find the user${unknown.length > 1 ? 's' : ''} ${unknown.map((name) => `"${name}"`).join(', ')}`,
				description: 'Check the spelling, or enter the user ID instead.',
				httpCode: '404',
				itemIndex,
			},
		);
	}
	const ids: string[] = [];
	for (const reference of references) {
		const id = reference.kind === 'id' ? reference.value : found.get(reference.value.toLowerCase());
		if (id !== undefined && !ids.includes(id)) ids.push(id);
	}
	return ids;
}
