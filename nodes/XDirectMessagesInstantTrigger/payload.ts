import type { IDataObject } from 'n8n-workflow';

import { isRecord, records } from '../shared/models/json';
import { isXUser } from '../shared/models/user';
import type { XUser } from '../shared/models';

/**
 * What X POSTs to the webhook (x-activity-api.md §6, push contract): an Activity envelope, or the status of a replay
 * job. The DM objects inside are v1.1 `message_create` events; they become items shaped like the polling trigger's
 * (v2 `dm_event` fields) plus the facts of the delivery.
 */

export interface Delivery {
	eventUuid: string;
	/** X's event type, e.g. dm.received. */
	eventType: string;
	/** The subscribed user (filter.user_id). */
	userId?: string;
	tag?: string;
	payload: IDataObject;
}

export type Incoming =
	| { kind: 'delivery'; delivery: Delivery }
	| { kind: 'replay-status'; jobId: string; state: string; description: string }
	| { kind: 'unknown' };

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined);

export function decodeIncoming(body: unknown): Incoming {
	if (!isRecord(body)) return { kind: 'unknown' };
	const status = body.replay_job_status;
	if (isRecord(status)) {
		return { kind: 'replay-status', jobId: text(status.job_id) ?? '', state: text(status.job_state) ?? '', description: text(status.job_state_description) ?? '' };
	}
	const data = body.data;
	if (!isRecord(data)) return { kind: 'unknown' };
	const eventUuid = text(data.event_uuid);
	const eventType = text(data.event_type);
	if (eventUuid === undefined || eventType === undefined || !isRecord(data.payload)) return { kind: 'unknown' };
	const filter = isRecord(data.filter) ? data.filter : {};
	return {
		kind: 'delivery',
		delivery: { eventUuid, eventType, userId: text(filter.user_id), tag: text(data.tag), payload: data.payload },
	};
}

/** One event of a delivery, ready to be filtered and emitted. */
export interface InstantItem {
	/** Dedupe key: the DM id for messages, the event_uuid for read and typing events. */
	key: string;
	json: IDataObject;
	senderId?: string;
	/** Whether "Ignore My Own Messages" applies to it (messages that arrive as Message Received). */
	ownMessageCheck: boolean;
	/** When it happened (epoch ms), from created_timestamp. */
	timeMs?: number;
	/** The pushed v1.1 media object of a message's attachment (it may name the file's URL). */
	media?: IDataObject;
}

/** Decimal ids compared as numbers (they exceed 2^53): shorter is smaller, then digit by digit. */
function compareDecimal(a: string, b: string): number {
	return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}

/** The id X gives the one-to-one conversation of two users: both ids, the numerically smaller first (x-dm-api.md). */
export function oneToOneConversationId(a: string, b: string): string {
	return compareDecimal(a, b) <= 0 ? `${a}-${b}` : `${b}-${a}`;
}

/** A user of the payload's `users` map: XAA wraps each in `{data: user}`, the older format has the user itself. */
export function userOf(users: unknown, id: string | undefined): XUser | undefined {
	if (id === undefined || !isRecord(users)) return undefined;
	const entry = users[id];
	const user = isRecord(entry) && isRecord(entry.data) ? entry.data : entry;
	return isXUser(user) ? user : undefined;
}

function timeOf(value: unknown): number | undefined {
	const ms = Number(text(value));
	return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

function deliveryFacts(delivery: Delivery): IDataObject {
	return {
		event_uuid: delivery.eventUuid,
		x_event_type: delivery.eventType,
		direction: delivery.eventType === 'dm.sent' ? 'sent' : 'received',
	};
}

function mediaOf(messageData: IDataObject): IDataObject | undefined {
	const attachment = isRecord(messageData.attachment) ? messageData.attachment : undefined;
	return attachment && isRecord(attachment.media) ? attachment.media : undefined;
}

function messageItem(event: IDataObject, delivery: Delivery): InstantItem | undefined {
	const id = text(event.id);
	const create = isRecord(event.message_create) ? event.message_create : undefined;
	if (id === undefined || !create) return undefined;
	const senderId = text(create.sender_id);
	const recipientId = isRecord(create.target) ? text(create.target.recipient_id) : undefined;
	const messageData = isRecord(create.message_data) ? create.message_data : {};
	const timeMs = timeOf(event.created_timestamp);
	const conversationId =
		text(event.dm_conversation_id) ?? (senderId && recipientId ? oneToOneConversationId(senderId, recipientId) : undefined);
	const json: IDataObject = { id, event_type: 'MessageCreate', text: text(messageData.text) ?? '' };
	if (senderId !== undefined) json.sender_id = senderId;
	if (conversationId !== undefined) json.dm_conversation_id = conversationId;
	if (timeMs !== undefined) json.created_at = new Date(timeMs).toISOString();
	const media = mediaOf(messageData);
	const mediaKey = media ? text(media.media_key) : undefined;
	if (mediaKey !== undefined) json.attachments = { media_keys: [mediaKey] };
	const sender = userOf(delivery.payload.users, senderId);
	if (sender) json.sender = sender;
	if (recipientId !== undefined) json.recipient_id = recipientId;
	Object.assign(json, deliveryFacts(delivery));
	return { key: `m:${id}`, json, senderId, ownMessageCheck: delivery.eventType !== 'dm.sent', timeMs, media };
}

/** Read receipts and typing events: the other participant (sender_id) did something in the conversation with the account. */
function activityItem(event: IDataObject, index: number, delivery: Delivery, eventType: 'MessageRead' | 'Typing'): InstantItem {
	const senderId = text(event.sender_id);
	const recipientId = isRecord(event.target) ? text(event.target.recipient_id) : delivery.userId;
	const timeMs = timeOf(event.created_timestamp);
	const json: IDataObject = { event_type: eventType };
	if (senderId !== undefined) json.sender_id = senderId;
	if (senderId && recipientId) json.dm_conversation_id = oneToOneConversationId(senderId, recipientId);
	if (timeMs !== undefined) json.created_at = new Date(timeMs).toISOString();
	const lastRead = text(event.last_read_event_id);
	if (lastRead !== undefined) json.last_read_event_id = lastRead;
	const sender = userOf(delivery.payload.users, senderId);
	if (sender) json.sender = sender;
	if (recipientId !== undefined) json.recipient_id = recipientId;
	Object.assign(json, deliveryFacts(delivery));
	// One delivery (one event_uuid) normally carries one event; the index keeps several apart.
	return { key: `u:${delivery.eventUuid}${index ? `:${index}` : ''}`, json, senderId, ownMessageCheck: false, timeMs };
}

/** The events a delivery carries, oldest first as X lists them; unknown event kinds give none. */
export function itemsOf(delivery: Delivery): InstantItem[] {
	const { payload } = delivery;
	const messages = records(payload.direct_message_events)
		.filter((event) => event.type === undefined || event.type === 'message_create')
		.map((event) => messageItem(event, delivery))
		.filter((item): item is InstantItem => item !== undefined);
	const reads = records(payload.direct_message_mark_read_events).map((event, index) => activityItem(event, index, delivery, 'MessageRead'));
	const typing = records(payload.direct_message_indicate_typing_events).map((event, index) => activityItem(event, index, delivery, 'Typing'));
	return [...messages, ...reads, ...typing];
}
