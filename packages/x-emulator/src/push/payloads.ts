// The pushed envelope and its payloads (x-activity-api.md §6): the DM item is the legacy v1.1 `message_create`
// object, `users` maps ids to `{ data: <v2 user> }`. Read and typing payloads follow the AAA items (§9.4, GUESS).
import * as crypto from 'node:crypto';
import { renderUser } from '../render-users';
import type { MediaSnapshot, State, StoredEvent } from '../state';
import type { XDmEntities } from '../x-types';
import type { SubscriptionRecord } from './records';

const USER_FIELDS = ['created_at', 'description', 'location', 'url', 'protected', 'verified', 'verified_type', 'profile_image_url', 'public_metrics'];

type Indices = [number, number];

/** v1.1 entities from the v2 ones the emulator computes (hashtags, symbols, user_mentions, urls). */
export function legacyEntities(entities: XDmEntities | undefined) {
	const at = (item: { start: number; end: number }): Indices => [item.start, item.end];
	return {
		hashtags: (entities?.hashtags ?? []).map((item) => ({ text: item.tag, indices: at(item) })),
		symbols: (entities?.cashtags ?? []).map((item) => ({ text: item.tag, indices: at(item) })),
		user_mentions: (entities?.mentions ?? []).map((item) => ({ screen_name: item.username, ...(item.id ? { id_str: item.id } : {}), indices: at(item) })),
		urls: (entities?.urls ?? []).map((item) => ({ url: item.url, expanded_url: item.expanded_url, display_url: item.display_url, indices: at(item) })),
	};
}

// GUESS (legacy message_create): `{type:'media', media:{id, id_str, media_key, type}}`; the id is the key's part after '_'.
function legacyAttachment(media: MediaSnapshot) {
	const id = media.media_key.slice(media.media_key.indexOf('_') + 1);
	return { type: 'media', media: { id, id_str: id, media_key: media.media_key, type: media.type } };
}

/** `{ <id>: { data: <v2 user> } }` for the known users among `ids`. */
export function usersMap(state: State, ids: readonly string[]): Record<string, { data: unknown }> {
	const map: Record<string, { data: unknown }> = {};
	for (const id of ids) {
		const user = state.users.get(id);
		if (user) map[id] = { data: renderUser(state, user, USER_FIELDS) };
	}
	return map;
}

/** dm.received / dm.sent payload; `conversationId` is added for group conversations (GUESS). */
export function dmPayload(state: State, event: StoredEvent, recipientId: string, conversationId?: string) {
	const messageData: Record<string, unknown> = { text: event.text ?? '', entities: legacyEntities(event.entities) };
	if (event.media?.length) messageData.attachment = legacyAttachment(event.media[0]);
	const item: Record<string, unknown> = {
		type: 'message_create',
		id: event.id,
		created_timestamp: String(event.created_at),
		message_create: { target: { recipient_id: recipientId }, sender_id: event.sender_id, message_data: messageData },
	};
	if (conversationId !== undefined) item.dm_conversation_id = conversationId;
	return { direct_message_events: [item], users: usersMap(state, [event.sender_id ?? '', recipientId]) };
}

export function readPayload(state: State, { readerId, senderId, eventId, atMs }: { readerId: string; senderId: string; eventId: string; atMs: number }) {
	return {
		direct_message_mark_read_events: [{ created_timestamp: String(atMs), sender_id: readerId, target: { recipient_id: senderId }, last_read_event_id: eventId }],
		users: usersMap(state, [readerId, senderId]),
	};
}

export function typingPayload(state: State, { typistId, recipientId, atMs }: { typistId: string; recipientId: string; atMs: number }) {
	return {
		direct_message_indicate_typing_events: [{ created_timestamp: String(atMs), sender_id: typistId, target: { recipient_id: recipientId } }],
		users: usersMap(state, [typistId, recipientId]),
	};
}

export type EventUuidStyle = 'signed-decimal' | 'uuid';

/** A fresh opaque event_uuid: a signed 64-bit decimal like X's samples, or a UUID. */
export function newEventUuid(style: EventUuidStyle): string {
	if (style === 'uuid') return crypto.randomUUID();
	return crypto.randomBytes(8).readBigInt64BE().toString();
}

/** The exact envelope bytes: `{"data":{event_uuid, filter, event_type, tag?, payload}}`. */
export function envelopeBody(subscription: SubscriptionRecord, eventUuid: string, payload: unknown): string {
	const data: Record<string, unknown> = { event_uuid: eventUuid, filter: { ...subscription.filter }, event_type: subscription.event_type };
	if (subscription.tag !== undefined) data.tag = subscription.tag;
	data.payload = payload;
	return JSON.stringify({ data });
}
