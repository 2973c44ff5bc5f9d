import type { IDataObject } from 'n8n-workflow';

import { isRecord, isString, isXId, records } from './json';

/**
 * X's User object (OpenAPI `User`: `id`, `name` and `username` are required). Further fields the request asked for
 * (`user.fields`) are kept as X sent them.
 */
export interface XUser extends IDataObject {
	id: string;
	name: string;
	username: string;
}

export function isXUser(value: unknown): value is XUser {
	return isRecord(value) && isXId(value.id) && isString(value.name) && isString(value.username);
}

/** `data` of GET /2/users/me and /2/users/by/username/{username}. */
export function decodeUser(body: IDataObject): XUser | undefined {
	return isXUser(body.data) ? body.data : undefined;
}

/** `data` of GET /2/users and /2/users/by (users X did not find are reported in `errors`, not here). */
export function decodeUsers(body: IDataObject): XUser[] {
	return records(body.data).filter(isXUser);
}
