import type { IDataObject } from 'n8n-workflow';

import { buildEventQuery } from '../shared/event-query';
import type { DmEvent, XIncludes } from '../shared/models';
import type { XApi } from '../shared/transport';
import { USER_NAME_FIELDS } from '../shared/users';
import type { DmCursor } from '../XDirectMessagesTrigger/cursor';
import { floorBound, lastIdBefore, reachesBound, selectUnseen } from '../XDirectMessagesTrigger/cursor';
import { QUIET_FIRST_PAGE } from '../XDirectMessagesTrigger/page-size';
import { fetchRun } from '../XDirectMessagesTrigger/paging';
import type { InstantItem } from '../XDirectMessagesInstantTrigger/payload';
import { oneToOneConversationId } from '../XDirectMessagesInstantTrigger/payload';


/**
 * What the stream cannot deliver, read from GET /2/dm_events with the polling trigger's cursor logic: messages of a
 * gap (the stream was down longer than X's backfill reaches, or n8n was) and messages of group conversations (X
 * pushes none). The events become items of the stream's shape.
 */

/** Pages read at most per run: 100 events each. What is left is read by the next run, from the same bound. */
export const MAX_LISTING_PAGES = 50;

const QUERY: IDataObject = buildEventQuery({
	eventTypes: ['MessageCreate'],
	dmEventFields: ['id', 'event_type', 'text', 'created_at', 'dm_conversation_id', 'sender_id', 'attachments'],
	expansions: ['sender_id'],
	userFields: USER_NAME_FIELDS,
});

export interface Listing {
	/** Unseen events above the cursor, oldest first. */
	events: DmEvent[];
	includes: XIncludes;
	/** The run reached the cursor's bound (or the start of the list): nothing unseen above it was left out. */
	complete: boolean;
	/** X's clock when the first page was answered. */
	serverTimeMs?: number;
}

/** The cursor of a catch-up: every event at or before `sinceMs` counts as passed. */
export function cursorSince(sinceMs: number): DmCursor {
	const bound = lastIdBefore(sinceMs);
	return { newest: bound, floor: bound, seen: [] };
}

/** Reads newest first down to the cursor's floor and returns what lies above it, unseen. */
export async function listAbove(api: XApi, cursor: DmCursor, firstPageSize = QUIET_FIRST_PAGE): Promise<Listing> {
	const bound = floorBound(cursor);
	const run = await fetchRun(api, {
		path: '/2/dm_events',
		qs: QUERY,
		isLastPage: (page) => reachesBound(bound, page.map((event) => event.id)),
		maxPages: MAX_LISTING_PAGES,
		firstPageSize,
	});
	const complete = run.end === 'stopped' || run.end === 'listEnd';
	return { events: selectUnseen(cursor, run.events), includes: run.includes, complete, serverTimeMs: run.serverTimeMs };
}

/** Group conversations have an id of their own; a one-to-one conversation's id is its two user ids. */
export const isGroupConversation = (event: DmEvent): boolean =>
	typeof event.dm_conversation_id === 'string' && !event.dm_conversation_id.includes('-');

/** The other participant of a one-to-one conversation. */
function recipientOf(event: DmEvent): string | undefined {
	const ids = isGroupConversation(event) ? [] : (event.dm_conversation_id ?? '').split('-');
	return ids.length === 2 ? ids.find((id) => id !== event.sender_id) ?? event.sender_id : undefined;
}

/** A listed message as an item of the stream's shape (no event_uuid: X did not push it). */
export function listedItem(event: DmEvent, includes: XIncludes, accountId: string): InstantItem {
	const sent = event.sender_id === accountId;
	const timeMs = event.created_at === undefined ? undefined : Date.parse(event.created_at);
	const json: IDataObject = { id: event.id, event_type: 'MessageCreate', text: event.text ?? '' };
	if (event.sender_id !== undefined) json.sender_id = event.sender_id;
	const recipientId = recipientOf(event);
	const conversationId = event.dm_conversation_id ?? (event.sender_id && recipientId ? oneToOneConversationId(event.sender_id, recipientId) : undefined);
	if (conversationId !== undefined) json.dm_conversation_id = conversationId;
	if (event.created_at !== undefined) json.created_at = event.created_at;
	const mediaKeys = event.attachments?.media_keys;
	if (mediaKeys?.length) json.attachments = { media_keys: [...mediaKeys] };
	const sender = includes.users?.find((user) => user.id === event.sender_id);
	if (sender) json.sender = { ...sender };
	if (recipientId !== undefined) json.recipient_id = recipientId;
	json.x_event_type = sent ? 'dm.sent' : 'dm.received';
	json.direction = sent ? 'sent' : 'received';
	return {
		key: `m:${event.id}`,
		json,
		senderId: event.sender_id,
		ownMessageCheck: !sent,
		timeMs: timeMs !== undefined && Number.isFinite(timeMs) ? timeMs : undefined,
	};
}
