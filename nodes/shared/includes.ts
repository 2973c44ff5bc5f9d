import type { IDataObject } from 'n8n-workflow';

import type { DmEvent, PostReference, XIncludes, XMedia, XPost, XUser } from './models';

interface IncludeIndex {
	users: Map<string, XUser>;
	media: Map<string, XMedia>;
	tweets: Map<string, XPost>;
}

function indexBy<T>(entries: T[] | undefined, key: (entry: T) => string | undefined): Map<string, T> {
	const index = new Map<string, T>();
	for (const entry of entries ?? []) {
		const value = key(entry);
		if (value !== undefined) index.set(value, entry);
	}
	return index;
}

// Resolving 1,000 events against one includes object must not rebuild the index 1,000 times.
const indexCache = new WeakMap<XIncludes, IncludeIndex>();

function buildIndex(includes: XIncludes): IncludeIndex {
	const cached = indexCache.get(includes);
	if (cached) return cached;
	// X's 2.167 vocabulary names referenced posts `posts`; the node asks for the `tweets` vocabulary but accepts both.
	const tweets = indexBy(includes.tweets, (post) => post.id);
	for (const [id, post] of indexBy(includes.posts, (entry) => entry.id)) if (!tweets.has(id)) tweets.set(id, post);
	const index: IncludeIndex = {
		users: indexBy(includes.users, (user) => user.id),
		media: indexBy(includes.media, (media) => media.media_key),
		tweets,
	};
	indexCache.set(includes, index);
	return index;
}

function references(event: DmEvent): PostReference[] | undefined {
	return event.referenced_tweets ?? event.referenced_posts;
}

function found<T>(keys: string[], index: Map<string, T>): T[] {
	return keys.map((key) => index.get(key)).filter((entry): entry is T => entry !== undefined);
}

/**
 * Puts the expanded objects on each event: `sender`, `participants`, `attachments.media` and the
 * referenced posts merged into `referenced_tweets`. Objects X did not include are left out.
 */
export function resolveIncludes(events: DmEvent[], includes: XIncludes): IDataObject[] {
	const index = buildIndex(includes);
	return events.map((event) => {
		const resolved: IDataObject = { ...event };
		if (event.sender_id !== undefined) {
			const sender = index.users.get(event.sender_id);
			if (sender) resolved.sender = sender;
		}
		const participantIds = event.participant_ids ?? [];
		if (participantIds.length) resolved.participants = found(participantIds, index.users);
		const keys = event.attachments?.media_keys ?? [];
		if (keys.length) resolved.attachments = { ...event.attachments, media: found(keys, index.media) };
		const referencesKey = event.referenced_tweets ? 'referenced_tweets' : 'referenced_posts';
		const referenced = event[referencesKey];
		if (referenced?.length) {
			resolved[referencesKey] = referenced.map((reference) => ({ ...(index.tweets.get(reference.id) ?? {}), ...reference }));
		}
		return resolved;
	});
}

/** The raw `includes` objects one event references, in X's shape (used when includes are not resolved). */
export function includesFor(event: DmEvent, includes: XIncludes): XIncludes {
	const index = buildIndex(includes);
	const userIds = [...new Set([...(event.participant_ids ?? []), ...(event.sender_id !== undefined ? [event.sender_id] : [])])];
	const users = found(userIds, index.users);
	const media = found(event.attachments?.media_keys ?? [], index.media);
	const tweets = found((references(event) ?? []).map((reference) => reference.id), index.tweets);
	const subset: XIncludes = {};
	if (users.length) subset.users = users;
	if (media.length) subset.media = media;
	if (tweets.length) subset.tweets = tweets;
	return subset;
}

/** One output object per event: the includes resolved onto it, or (`resolve` off) the raw includes it references attached. */
export function shapeEvents(events: DmEvent[], includes: XIncludes, resolve: boolean): IDataObject[] {
	if (resolve) return resolveIncludes(events, includes);
	return events.map((event) => {
		const referenced = includesFor(event, includes);
		return Object.keys(referenced).length ? { ...event, includes: referenced } : { ...event };
	});
}
