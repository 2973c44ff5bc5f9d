// DM events and their `includes` as the list/lookup endpoints return them (x-dm-api.md §2.4-2.11).
import { listParam, type Query } from './context';
import { contentTypeOf } from './dm-media-files';
import { idToMs } from './ids';
import { renderUser } from './render-users';
import type { LinkedPost, MediaSnapshot, State, StoredEvent } from './state';
import { namesFor, type Vocabulary } from './vocabulary';
import type { XDmEvent, XDmEventType, XIncludes, XMedia, XTweet, XUser } from './x-types';

type EventField = keyof StoredEvent;

const APPLICABLE_FIELDS: Readonly<Record<XDmEventType, readonly EventField[]>> = {
	MessageCreate: ['id', 'event_type', 'text', 'sender_id', 'dm_conversation_id', 'created_at', 'attachments', 'referenced_tweets', 'entities'],
	ParticipantsJoin: ['id', 'event_type', 'sender_id', 'participant_ids', 'dm_conversation_id', 'created_at'],
	ParticipantsLeave: ['id', 'event_type', 'participant_ids', 'dm_conversation_id', 'created_at'],
};
const DEFAULT_FIELDS: Readonly<Record<XDmEventType, readonly string[]>> = {
	MessageCreate: ['id', 'event_type', 'text'],
	ParticipantsJoin: ['id', 'event_type', 'participant_ids'],
	ParticipantsLeave: ['id', 'event_type', 'participant_ids'],
};

export function renderEvent(event: StoredEvent, requestedFields: readonly string[], vocabulary: Vocabulary | undefined): XDmEvent {
	const applicable = APPLICABLE_FIELDS[event.event_type] || [];
	const wanted = new Set([...(DEFAULT_FIELDS[event.event_type] || []), ...requestedFields]);
	const rendered: Record<string, unknown> = {};
	for (const field of applicable) {
		if (!wanted.has(field)) continue;
		let value: unknown = event[field];
		if (field === 'created_at') value = new Date(event.created_at).toISOString();
		if (value === undefined || (Array.isArray(value) && !value.length)) continue;
		if (field === 'referenced_tweets') rendered[namesFor(vocabulary).referenced] = (event.referenced_tweets ?? []).map(({ id }) => ({ id }));
		else rendered[field] = structuredClone(value);
	}
	return rendered as unknown as XDmEvent;
}

const MEDIA_DEFAULT_FIELDS = ['media_key', 'type'];

export function renderMedia(snapshot: MediaSnapshot, requestedFields: readonly string[], eventId: string): XMedia {
	const mediaId = snapshot.media_key.split('_')[1];
	const resourceId = snapshot.resource_id ?? `${mediaId}.${snapshot.type === 'photo' ? 'jpg' : 'mp4'}`;
	const fileUrl = `https://ton.twitter.com/1.1/ton/data/dm/${eventId}/${mediaId}/${resourceId}`;
	const stemUrl = fileUrl.replace(/\.[A-Za-z0-9]+$/, '');
	const derived: Partial<XMedia> = {
		url: snapshot.type === 'photo' ? fileUrl : undefined,
		preview_image_url: snapshot.type === 'photo' ? undefined : `${stemUrl}.jpg`,
		variants: snapshot.type === 'photo' ? undefined : [{ content_type: contentTypeOf(snapshot), url: fileUrl }],
		duration_ms: snapshot.type === 'video' ? (snapshot.duration_ms ?? 1000) : undefined,
	};
	const { mime: _mime, resource_id: _resource, ...described } = snapshot;
	const known: Record<string, unknown> = { ...derived, ...definedFields(described) };
	const rendered: Record<string, unknown> = {};
	for (const field of new Set([...MEDIA_DEFAULT_FIELDS, ...requestedFields])) {
		const value = known[field];
		if (value !== undefined) rendered[field] = value;
	}
	return rendered as unknown as XMedia;
}

function definedFields(object: object): Record<string, unknown> {
	return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined && value !== null));
}

// Posts linked from a DM are not stored; they are synthesized deterministically from their id.
export function synthesizePost(state: State, linked: LinkedPost, requestedFields: readonly string[], vocabulary: Vocabulary | undefined): XTweet {
	const names = namesFor(vocabulary);
	const author = linked.username ? [...state.users.values()].find((user) => user.username.toLowerCase() === linked.username?.toLowerCase()) : undefined;
	// Post timestamps carry whole seconds.
	const createdMs = BigInt(linked.id) > 1n << 32n ? Math.floor(idToMs(linked.id) / 1000) * 1000 : Date.UTC(2006, 2, 21, 20, 50, 14);
	const available: Record<string, unknown> = {
		author_id: author ? author.id : String((BigInt(linked.id) % 9000000000n) + 1000000000n),
		created_at: new Date(createdMs).toISOString(),
		conversation_id: linked.id,
		lang: 'en',
		possibly_sensitive: false,
		reply_settings: 'everyone',
		public_metrics: { retweet_count: 0, reply_count: 0, like_count: 0, quote_count: 0, bookmark_count: 0, impression_count: 0 },
	};
	const rendered: XTweet = {
		id: linked.id,
		text: `Post ${linked.id}${linked.username ? ` by @${linked.username}` : ''}`,
		[names.editHistory]: [linked.id],
	};
	for (const field of requestedFields) if (Object.hasOwn(available, field)) Object.assign(rendered, { [field]: available[field] });
	return rendered;
}

function pushUnique<T>(list: T[], seen: Set<string>, key: string, item: T): void {
	if (seen.has(key)) return;
	seen.add(key);
	list.push(item);
}

function expandedUsers(state: State, events: readonly StoredEvent[], expansions: readonly string[], query: Query, viewerId: string | undefined): XUser[] {
	const userIds: string[] = [];
	const seenUsers = new Set<string>();
	for (const event of events) {
		if (expansions.includes('sender_id') && event.sender_id && event.event_type !== 'ParticipantsLeave') {
			pushUnique(userIds, seenUsers, event.sender_id, event.sender_id);
		}
		if (expansions.includes('participant_ids') && event.participant_ids) {
			event.participant_ids.forEach((id) => pushUnique(userIds, seenUsers, id, id));
		}
	}
	const userFields = listParam(query, 'user.fields');
	return userIds.flatMap((id) => {
		const user = state.users.get(id);
		return user ? [renderUser(state, user, userFields, viewerId)] : [];
	});
}

export function buildIncludes(
	state: State,
	events: readonly StoredEvent[],
	query: Query,
	vocabulary: Vocabulary | undefined,
	viewerId: string | undefined,
): XIncludes | undefined {
	const expansions = listParam(query, 'expansions');
	const includes: XIncludes = {};
	const users = expandedUsers(state, events, expansions, query, viewerId);
	if (users.length) includes.users = users;
	if (expansions.includes('attachments.media_keys')) {
		const media: XMedia[] = [];
		const seen = new Set<string>();
		const mediaFields = listParam(query, 'media.fields');
		for (const event of events) {
			for (const snapshot of event.media || []) pushUnique(media, seen, snapshot.media_key, renderMedia(snapshot, mediaFields, event.id));
		}
		if (media.length) includes.media = media;
	}
	if (expansions.includes('referenced_tweets.id')) {
		const posts: XTweet[] = [];
		const seen = new Set<string>();
		const postFields = listParam(query, 'tweet.fields');
		for (const event of events) {
			for (const linked of event.linkedPosts || []) pushUnique(posts, seen, linked.id, synthesizePost(state, linked, postFields, vocabulary));
		}
		if (posts.length) includes[namesFor(vocabulary).includes] = posts;
	}
	return Object.keys(includes).length ? includes : undefined;
}
