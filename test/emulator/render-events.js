'use strict';

// DM events and their `includes` as the list/lookup endpoints return them (x-dm-api.md §2.4-2.11).
const { renderUser, listParam } = require('./render-users');
const { namesFor } = require('./vocabulary');
const { idToMs } = require('./ids');

const APPLICABLE_FIELDS = {
	MessageCreate: ['id', 'event_type', 'text', 'sender_id', 'dm_conversation_id', 'created_at', 'attachments', 'referenced_tweets', 'entities'],
	ParticipantsJoin: ['id', 'event_type', 'sender_id', 'participant_ids', 'dm_conversation_id', 'created_at'],
	ParticipantsLeave: ['id', 'event_type', 'participant_ids', 'dm_conversation_id', 'created_at'],
};
const DEFAULT_FIELDS = {
	MessageCreate: ['id', 'event_type', 'text'],
	ParticipantsJoin: ['id', 'event_type', 'participant_ids'],
	ParticipantsLeave: ['id', 'event_type', 'participant_ids'],
};

function renderEvent(event, requestedFields, vocabulary) {
	const applicable = APPLICABLE_FIELDS[event.event_type] || [];
	const wanted = new Set([...(DEFAULT_FIELDS[event.event_type] || []), ...requestedFields]);
	const rendered = {};
	for (const field of applicable) {
		if (!wanted.has(field)) continue;
		let value = event[field];
		if (field === 'created_at') value = new Date(event.created_at).toISOString();
		if (value === undefined || (Array.isArray(value) && !value.length)) continue;
		if (field === 'referenced_tweets') rendered[namesFor(vocabulary).referenced] = value.map(({ id }) => ({ id }));
		else rendered[field] = structuredClone(value);
	}
	return rendered;
}

const MEDIA_DEFAULT_FIELDS = ['media_key', 'type'];

function renderMedia(snapshot, requestedFields, eventId) {
	const mediaId = snapshot.media_key.split('_')[1];
	const fileUrl = `https://ton.twitter.com/1.1/ton/data/dm/${eventId}/${mediaId}/${mediaId}`;
	const derived = {
		url: snapshot.type === 'photo' ? `${fileUrl}.jpg` : undefined,
		preview_image_url: snapshot.type === 'photo' ? undefined : `${fileUrl}.jpg`,
		variants: snapshot.type === 'photo' ? undefined : [{ content_type: 'video/mp4', url: `${fileUrl}.mp4` }],
		duration_ms: snapshot.type === 'video' ? (snapshot.duration_ms ?? 1000) : undefined,
	};
	const rendered = {};
	for (const field of new Set([...MEDIA_DEFAULT_FIELDS, ...requestedFields])) {
		const value = snapshot[field] ?? derived[field];
		if (value !== undefined) rendered[field] = value;
	}
	return rendered;
}

// Posts linked from a DM are not stored; they are synthesized deterministically from their id.
function synthesizePost(state, linked, requestedFields, vocabulary) {
	const names = namesFor(vocabulary);
	const author = linked.username ? [...state.users.values()].find((user) => user.username.toLowerCase() === linked.username.toLowerCase()) : undefined;
	// Post timestamps carry whole seconds.
	const createdMs = BigInt(linked.id) > 1n << 32n ? Math.floor(idToMs(linked.id) / 1000) * 1000 : Date.UTC(2006, 2, 21, 20, 50, 14);
	const available = {
		author_id: author ? author.id : String((BigInt(linked.id) % 9000000000n) + 1000000000n),
		created_at: new Date(createdMs).toISOString(),
		conversation_id: linked.id,
		lang: 'en',
		possibly_sensitive: false,
		reply_settings: 'everyone',
		public_metrics: { retweet_count: 0, reply_count: 0, like_count: 0, quote_count: 0, bookmark_count: 0, impression_count: 0 },
	};
	const rendered = {
		id: linked.id,
		text: `Post ${linked.id}${linked.username ? ` by @${linked.username}` : ''}`,
		[names.editHistory]: [linked.id],
	};
	for (const field of requestedFields) if (available[field] !== undefined) rendered[field] = available[field];
	return rendered;
}

function pushUnique(list, seen, key, item) {
	if (seen.has(key)) return;
	seen.add(key);
	list.push(item);
}

function buildIncludes(state, events, query, vocabulary, viewerId) {
	const expansions = listParam(query, 'expansions');
	const includes = {};
	const userIds = [];
	const seenUsers = new Set();
	for (const event of events) {
		if (expansions.includes('sender_id') && event.sender_id && event.event_type !== 'ParticipantsLeave') {
			pushUnique(userIds, seenUsers, event.sender_id, event.sender_id);
		}
		if (expansions.includes('participant_ids') && event.participant_ids) {
			event.participant_ids.forEach((id) => pushUnique(userIds, seenUsers, id, id));
		}
	}
	const userFields = listParam(query, 'user.fields');
	const users = userIds.map((id) => state.users.get(id)).filter(Boolean).map((user) => renderUser(state, user, userFields, viewerId));
	if (users.length) includes.users = users;
	if (expansions.includes('attachments.media_keys')) {
		const media = [];
		const seen = new Set();
		const mediaFields = listParam(query, 'media.fields');
		for (const event of events) {
			for (const snapshot of event.media || []) pushUnique(media, seen, snapshot.media_key, renderMedia(snapshot, mediaFields, event.id));
		}
		if (media.length) includes.media = media;
	}
	if (expansions.includes('referenced_tweets.id')) {
		const posts = [];
		const seen = new Set();
		const postFields = listParam(query, 'tweet.fields');
		for (const event of events) {
			for (const linked of event.linkedPosts || []) pushUnique(posts, seen, linked.id, synthesizePost(state, linked, postFields, vocabulary));
		}
		if (posts.length) includes[namesFor(vocabulary).includes] = posts;
	}
	return Object.keys(includes).length ? includes : undefined;
}

module.exports = { renderEvent, renderMedia, buildIncludes, synthesizePost, listParam };
