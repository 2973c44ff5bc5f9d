import type { IDataObject } from 'n8n-workflow';

import type { XIncludes } from './includes';
import { decodeIncludes } from './includes';
import { isRecord, isString, isStringArray, isXId, optional, records } from './json';

/** Reference of a DM to a post (`referenced_tweets`; `referenced_posts` in X's 2.167 vocabulary). */
export type PostReference = IDataObject & { id: string };

/**
 * X's DM event (OpenAPI `DmEvent`: `id` and `event_type` are required; the other fields come as `dm_event.fields`
 * asks). Fields the node does not read (entities, urls, ...) are kept as X sent them.
 */
export interface DmEvent extends IDataObject {
	id: string;
	/** MessageCreate, ParticipantsJoin or ParticipantsLeave. */
	event_type: string;
	text?: string;
	created_at?: string;
	dm_conversation_id?: string;
	sender_id?: string;
	participant_ids?: string[];
	attachments?: IDataObject & { media_keys?: string[] };
	referenced_tweets?: PostReference[];
	referenced_posts?: PostReference[];
}

function isReferenceList(value: unknown): value is PostReference[] {
	return Array.isArray(value) && value.every((entry) => isRecord(entry) && isString(entry.id));
}

function isAttachments(value: unknown): value is IDataObject & { media_keys?: string[] } {
	return isRecord(value) && optional(value, 'media_keys', isStringArray);
}

export function isDmEvent(value: unknown): value is DmEvent {
	return (
		isRecord(value) &&
		isXId(value.id) &&
		isString(value.event_type) &&
		optional(value, 'text', isString) &&
		optional(value, 'created_at', isString) &&
		optional(value, 'dm_conversation_id', isString) &&
		optional(value, 'sender_id', isString) &&
		optional(value, 'participant_ids', isStringArray) &&
		optional(value, 'attachments', isAttachments) &&
		optional(value, 'referenced_tweets', isReferenceList) &&
		optional(value, 'referenced_posts', isReferenceList)
	);
}

/** `meta` of a list response (OpenAPI `Get2DmEventsResponse.meta`). */
export interface PageMeta {
	next_token?: string;
	previous_token?: string;
	result_count?: number;
}

/** One page of a DM event list: GET /2/dm_events and the two conversation listings. */
export interface DmEventList {
	events: DmEvent[];
	includes: XIncludes;
	meta: PageMeta;
}

function decodeMeta(value: unknown): PageMeta {
	if (!isRecord(value)) return {};
	const meta: PageMeta = {};
	if (isString(value.next_token)) meta.next_token = value.next_token;
	if (isString(value.previous_token)) meta.previous_token = value.previous_token;
	if (typeof value.result_count === 'number') meta.result_count = value.result_count;
	return meta;
}

export function decodeDmEventList(body: IDataObject): DmEventList {
	return {
		events: records(body.data).filter(isDmEvent),
		includes: decodeIncludes(body.includes),
		meta: decodeMeta(body.meta),
	};
}

/** GET /2/dm_events/{event_id}: the event, or undefined when `data` is not one. */
export function decodeDmEvent(body: IDataObject): { event?: DmEvent; includes: XIncludes } {
	return { event: isDmEvent(body.data) ? body.data : undefined, includes: decodeIncludes(body.includes) };
}
