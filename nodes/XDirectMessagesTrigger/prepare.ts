import { createHash } from 'crypto';
import type { IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isRecord } from '../shared/models/json';
import type { XApi } from '../shared/transport';
import { getAuthenticatedUser, lookupUsernames } from '../shared/users';
import type { UserReference } from '../shared/validation';
import type { EventFilter } from '../shared/filters';
import type { TriggerSettings } from './settings';
import type { TriggerState } from './state';

export interface Listing {
	path: string;
	/** Identifies endpoint + server-side filters, so resume points are never used on another listing. */
	key: string;
}

export interface Prepared {
	listing: Listing;
	filter: EventFilter;
	/** The saved state with refreshed caches (authenticated user, usernames) and the current watch. */
	state: TriggerState;
	/** Whether the saved state belongs to other settings of what is watched: this poll starts like a first one. */
	watchChanged: boolean;
}

/** 64 bits of a SHA-256 over the parts, as hex: what the state keeps instead of tokens or long settings. */
function fingerprint(parts: string[]): string {
	return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 16);
}

/**
 * Identifies what is watched: the listing (scope with its resolved user or conversation), the event types, the
 * resolved senders and whether my own messages count. Users are compared by id, so naming the same user another
 * way is the same watch. Output settings (fields, expansions, Resolve Includes) and options are not part of it.
 */
function watchFingerprint(settings: TriggerSettings, listing: Listing, senderIds: Set<string> | undefined): string {
	return fingerprint([
		'watch',
		listing.path,
		[...settings.eventTypes].sort().join(','),
		senderIds ? [...senderIds].sort().join(',') : '*',
		settings.ignoreOwnMessages ? 'ignore-own' : 'own-too',
	]);
}

function listingFor(settings: TriggerSettings, participantId: string | undefined): Listing {
	let path = '/2/dm_events';
	if (settings.scope === 'participant') path = `/2/dm_conversations/with/${participantId}/dm_events`;
	if (settings.scope === 'conversation') path = `/2/dm_conversations/${settings.conversationId}/dm_events`;
	const types = settings.query.event_types;
	return { path, key: `${path}?event_types=${Array.isArray(types) ? types.join(',') : ''}` };
}

/** Identifies the credential in use, so a cached user id is dropped when the node uses another credential. */
function credentialKey(ctx: IPollFunctions, api: XApi): string {
	const type = api.connection.credentialType;
	const credential = ctx.getNode().credentials?.[type];
	return `${type}:${credential?.id ?? credential?.name ?? ''}`;
}

/**
 * A fingerprint of the token the credential holds (OAuth2 access token, OAuth 1.0a token): a token belongs to one
 * X account, so reconnecting the credential to another account always changes it. An OAuth2 refresh changes it too,
 * which costs one GET /2/users/me on the next poll. Only 64 bits of a hash are kept, never the token.
 */
async function tokenFingerprint(ctx: IPollFunctions, api: XApi): Promise<string | undefined> {
	const credentials = await ctx.getCredentials(api.connection.credentialType);
	const tokenData = isRecord(credentials.oauthTokenData) ? credentials.oauthTokenData : {};
	const token = tokenData.access_token ?? tokenData.oauth_token;
	if (typeof token !== 'string' || token === '') return undefined;
	return fingerprint(['account', token]);
}

async function resolveUsernames(
	this: IPollFunctions,
	api: XApi,
	names: string[],
	cache: Record<string, string> | undefined,
): Promise<Record<string, string>> {
	const resolved: Record<string, string> = {};
	const missing: string[] = [];
	for (const name of new Set(names)) {
		if (cache?.[name]) resolved[name] = cache[name];
		else missing.push(name);
	}
	for (const [name, id] of await lookupUsernames(api, missing)) resolved[name] = id;
	const unknown = names.filter((name) => !resolved[name]);
	if (unknown.length) {
		throw new NodeOperationError(this.getNode(), `X has no user ${unknown.map((name) => `@${name}`).join(', ')}`, {
			description: 'Check the spelling of the username, or use the user ID instead.',
		});
	}
	return resolved;
}

/**
 * The authenticated user's id, from the state while the credential and the token it holds are the same; looked up
 * again (GET /2/users/me) when either changed or the token cannot be read.
 */
async function authenticatedUser(this: IPollFunctions, api: XApi, cached: TriggerState['me']): Promise<TriggerState['me']> {
	const key = credentialKey(this, api);
	const token = await tokenFingerprint(this, api);
	if (cached && cached.key === key && token !== undefined && cached.token === token) return cached;
	const user = await getAuthenticatedUser(api);
	if (!user) throw new NodeOperationError(this.getNode(), 'X did not return the authenticated user (GET /2/users/me)');
	return token === undefined ? { key, id: user.id } : { key, token, id: user.id };
}

/** Resolves the users the settings name and the authenticated user (cached in the state) into ids. */
export async function prepare(this: IPollFunctions, api: XApi, settings: TriggerSettings, state: TriggerState): Promise<Prepared> {
	const references = [settings.participant, ...settings.senders].filter(
		(reference): reference is UserReference => reference !== undefined,
	);
	const names = references.filter((ref) => ref.kind === 'username').map((ref) => ref.value.toLowerCase());
	const usernames = names.length ? await resolveUsernames.call(this, api, names, state.usernames) : {};
	const idOf = (reference: UserReference) =>
		reference.kind === 'id' ? reference.value : usernames[reference.value.toLowerCase()];
	const me = settings.ignoreOwnMessages ? await authenticatedUser.call(this, api, state.me) : state.me;
	const listing = listingFor(settings, settings.participant && idOf(settings.participant));
	const senderIds = settings.senders.length ? new Set(settings.senders.map(idOf)) : undefined;
	const watch = watchFingerprint(settings, listing, senderIds);

	return {
		listing,
		filter: { eventTypes: settings.eventTypes, ownUserId: settings.ignoreOwnMessages ? me?.id : undefined, senderIds },
		state: { ...state, me, usernames: Object.keys(usernames).length ? usernames : undefined, watch },
		// A state saved before watches were recorded carries on as is.
		watchChanged: state.watch !== undefined && state.watch !== watch,
	};
}
