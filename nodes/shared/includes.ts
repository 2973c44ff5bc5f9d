import type { IDataObject } from 'n8n-workflow';

interface IncludeIndex {
	users: Map<string, IDataObject>;
	media: Map<string, IDataObject>;
	tweets: Map<string, IDataObject>;
}

function indexBy(entries: unknown, key: string): Map<string, IDataObject> {
	const index = new Map<string, IDataObject>();
	if (!Array.isArray(entries)) return index;
	for (const entry of entries as IDataObject[]) {
		if (entry && entry[key] !== undefined) index.set(String(entry[key]), entry);
	}
	return index;
}

// Resolving 1,000 events against one includes object must not rebuild the index 1,000 times.
const indexCache = new WeakMap<IDataObject, IncludeIndex>();

function buildIndex(includes: IDataObject | undefined): IncludeIndex {
	const cached = includes ? indexCache.get(includes) : undefined;
	if (cached) return cached;
	const index = createIndex(includes ?? {});
	if (includes) indexCache.set(includes, index);
	return index;
}

function createIndex(source: IDataObject): IncludeIndex {
	// X's 2.167 vocabulary names referenced posts `posts`; the node asks for the `tweets` vocabulary but accepts both.
	const tweets = indexBy(source.tweets, 'id');
	for (const [id, post] of indexBy(source.posts, 'id')) if (!tweets.has(id)) tweets.set(id, post);
	return {
		users: indexBy(source.users, 'id'),
		media: indexBy(source.media, 'media_key'),
		tweets,
	};
}

function stringList(value: unknown): string[] {
	return Array.isArray(value) ? value.map((entry) => String(entry)) : [];
}

function referencedIds(event: IDataObject): string[] {
	const references = (event.referenced_tweets ?? event.referenced_posts) as IDataObject[] | undefined;
	return Array.isArray(references) ? references.map((reference) => String(reference?.id)) : [];
}

function mediaKeys(event: IDataObject): string[] {
	const attachments = event.attachments as IDataObject | undefined;
	return stringList(attachments?.media_keys);
}

/**
 * Puts the expanded objects on each event: `sender`, `participants`, `attachments.media` and the
 * referenced posts merged into `referenced_tweets`. Objects X did not include are left out.
 */
export function resolveIncludes(events: IDataObject[], includes: IDataObject | undefined): IDataObject[] {
	const index = buildIndex(includes);
	return events.map((event) => {
		const resolved: IDataObject = { ...event };
		if (event.sender_id !== undefined) {
			const sender = index.users.get(String(event.sender_id));
			if (sender) resolved.sender = sender;
		}
		const participantIds = stringList(event.participant_ids);
		if (participantIds.length) {
			resolved.participants = participantIds
				.map((id) => index.users.get(id))
				.filter((user): user is IDataObject => user !== undefined);
		}
		const keys = mediaKeys(event);
		if (keys.length) {
			resolved.attachments = {
				...(event.attachments as IDataObject),
				media: keys.map((key) => index.media.get(key)).filter((media): media is IDataObject => media !== undefined),
			};
		}
		const referencesKey = event.referenced_tweets ? 'referenced_tweets' : 'referenced_posts';
		const references = event[referencesKey] as IDataObject[] | undefined;
		if (Array.isArray(references) && references.length) {
			resolved[referencesKey] = references.map((reference) => ({
				...(index.tweets.get(String(reference?.id)) ?? {}),
				...reference,
			}));
		}
		return resolved;
	});
}

/** The raw `includes` objects one event references, in X's shape (used when includes are not resolved). */
export function includesFor(event: IDataObject, includes: IDataObject | undefined): IDataObject {
	const index = buildIndex(includes);
	const userIds = [...new Set([...stringList(event.participant_ids), ...(event.sender_id !== undefined ? [String(event.sender_id)] : [])])];
	const users = userIds.map((id) => index.users.get(id)).filter((user): user is IDataObject => user !== undefined);
	const media = mediaKeys(event)
		.map((key) => index.media.get(key))
		.filter((entry): entry is IDataObject => entry !== undefined);
	const tweets = referencedIds(event)
		.map((id) => index.tweets.get(id))
		.filter((tweet): tweet is IDataObject => tweet !== undefined);
	const subset: IDataObject = {};
	if (users.length) subset.users = users;
	if (media.length) subset.media = media;
	if (tweets.length) subset.tweets = tweets;
	return subset;
}

/** One output object per event: the includes resolved onto it, or (`resolve` off) the raw includes it references attached. */
export function shapeEvents(events: IDataObject[], includes: IDataObject | undefined, resolve: boolean): IDataObject[] {
	if (resolve) return resolveIncludes(events, includes);
	return events.map((event) => {
		const referenced = includesFor(event, includes);
		return Object.keys(referenced).length ? { ...event, includes: referenced } : { ...event };
	});
}
