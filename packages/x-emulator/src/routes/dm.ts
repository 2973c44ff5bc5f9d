// The DM endpoints: three sends, three lists, and GET/DELETE of one event (x-dm-api.md §2).
import { markAttachmentsUsed, resolveAttachments, type ResolvedAttachment } from '../attachments';
import { callerId, listParam, type ApiContext, type ApiRoute } from '../context';
import { paginate } from '../pagination';
import { buildIncludes, renderEvent } from '../render-events';
import { chargeEventReads } from '../read-billing';
import * as responses from '../responses';
import type { Conversation, State, StoredEvent } from '../state';
import * as store from '../store';

const MAX_TEXT_LENGTH = 10000;

/** A message body as the spec validated it (CreateMessageRequest). */
interface MessageBody {
	text?: string;
	attachments?: Array<{ media_id: string }>;
}

interface GroupBody {
	conversation_type: 'Group';
	participant_ids: string[];
	message: MessageBody;
}

// ---- sends ----

// Limits the spec does not encode (x-dm-api.md §2.1); the error wording is a documented guess.
function checkMessage(message: MessageBody, at: string): void {
	const problems = [];
	if (typeof message.text === 'string' && [...message.text].length > MAX_TEXT_LENGTH) {
		problems.push({ parameters: {}, message: `${at}.text: may only be ${MAX_TEXT_LENGTH} characters long` });
	}
	if (Array.isArray(message.attachments) && message.attachments.length > 1) {
		problems.push({ parameters: {}, message: `${at}.attachments: there must be a maximum of 1 items in the array` });
	}
	if (problems.length) throw responses.invalidRequest(problems);
}

function refuseUnlessAllowed(state: State, senderId: string, recipientId: string): void {
	if (store.sendRefusal(state, senderId, recipientId) !== undefined) throw responses.cannotSendToUser();
}

function created(event: StoredEvent): responses.Reply {
	return responses.json(201, { data: { dm_conversation_id: event.dm_conversation_id, dm_event_id: event.id } });
}

function appendMessage(ctx: ApiContext, message: MessageBody, conversationId: string, resolved: ResolvedAttachment[]): StoredEvent {
	const { state, clock, options } = ctx.emulator;
	const event = store.messageEvent(state, {
		senderId: callerId(ctx),
		conversationId,
		text: message.text,
		media: resolved.map((item) => item.snapshot),
		atMs: clock.now(),
		wrapUrls: options.wrapUrls,
	});
	markAttachmentsUsed(ctx, resolved);
	return event;
}

function sendToParticipant(ctx: ApiContext): responses.Reply {
	const { state, clock } = ctx.emulator;
	const senderId = callerId(ctx);
	const recipientId = ctx.params.participant_id;
	const message = ctx.json as MessageBody;
	checkMessage(message, '$');
	refuseUnlessAllowed(state, senderId, recipientId);
	const resolved = resolveAttachments(ctx, message.attachments);
	const conversation = store.ensureOneToOne(state, senderId, recipientId, clock.now());
	return created(appendMessage(ctx, message, conversation.id, resolved));
}

// The conversation a send goes into: an existing one, or the canonical 1:1 id that opens on its first message.
function openConversation(state: State, existing: Conversation | undefined, pair: [string, string] | undefined, atMs: number): Conversation {
	if (existing) return existing;
	if (!pair) throw responses.forbidden();
	return store.ensureOneToOne(state, pair[0], pair[1], atMs);
}

function sendToConversation(ctx: ApiContext): responses.Reply {
	const { state, clock } = ctx.emulator;
	const senderId = callerId(ctx);
	const conversationId = ctx.params.dm_conversation_id;
	const message = ctx.json as MessageBody;
	checkMessage(message, '$');
	const existing = state.conversations.get(conversationId);
	// A canonical 1:1 id that includes the sender works even before the first message (guess, see README).
	const pair = existing ? undefined : store.parseOneToOneId(conversationId);
	if (existing ? !existing.participants.has(senderId) : !pair?.includes(senderId)) throw responses.forbidden();
	const oneToOneMembers = existing ? (existing.type === '1:1' ? [...existing.participants] : undefined) : pair;
	if (oneToOneMembers) refuseUnlessAllowed(state, senderId, oneToOneMembers.find((id) => id !== senderId) ?? senderId);
	const resolved = resolveAttachments(ctx, message.attachments);
	const conversation = openConversation(state, existing, pair, clock.now());
	return created(appendMessage(ctx, message, conversation.id, resolved));
}

function createGroupConversation(ctx: ApiContext): responses.Reply {
	const { state, clock, options } = ctx.emulator;
	const creatorId = callerId(ctx);
	const { participant_ids: participantIds, message } = ctx.json as GroupBody;
	checkMessage(message, '$.message');
	for (const id of participantIds) if (id !== creatorId) refuseUnlessAllowed(state, creatorId, id);
	const resolved = resolveAttachments(ctx, message.attachments);
	const { event } = store.createGroup(state, {
		creatorId,
		participantIds,
		text: message.text,
		media: resolved.map((item) => item.snapshot),
		atMs: clock.now(),
		wrapUrls: options.wrapUrls,
	});
	markAttachmentsUsed(ctx, resolved);
	return created(event);
}

// ---- reads ----

function listResponse(ctx: ApiContext, { conversationId }: { conversationId?: string } = {}): responses.Reply {
	const { state, clock, options } = ctx.emulator;
	const query = ctx.apiQuery;
	const eventTypes = listParam(query, 'event_types');
	const events = store.visibleEvents(state, callerId(ctx), clock.now(), {
		conversationId,
		eventTypes: eventTypes.length ? eventTypes : undefined,
	});
	const { page, meta } = paginate(events, {
		maxResults: Number(query.max_results ?? options.pageSizeDefault),
		token: query.pagination_token,
		knownEventId: (id) => Boolean(store.findEvent(state, id)),
		nextTokenOnLastPage: options.nextTokenOnLastPage,
	});
	const body: Record<string, unknown> = {};
	chargeEventReads(ctx, page);
	if (page.length) {
		const fields = listParam(query, 'dm_event.fields');
		body.data = page.map((event) => renderEvent(event, fields, ctx.vocabulary));
		const includes = buildIncludes(state, page, query, ctx.vocabulary, ctx.auth.userId);
		if (includes) body.includes = includes;
	}
	body.meta = meta;
	return responses.json(200, body);
}

function listAll(ctx: ApiContext): responses.Reply {
	return listResponse(ctx);
}

function listWithParticipant(ctx: ApiContext): responses.Reply {
	const conversationId = store.oneToOneId(callerId(ctx), ctx.params.participant_id);
	return listResponse(ctx, { conversationId });
}

function listConversation(ctx: ApiContext): responses.Reply {
	const conversationId = ctx.params.id;
	const userId = callerId(ctx);
	const pair = store.parseOneToOneId(conversationId);
	const knownMember = store.isParticipant(ctx.emulator.state, conversationId, userId);
	const futureOneToOne = !ctx.emulator.state.conversations.has(conversationId) && pair && pair.includes(userId);
	if (!knownMember && !futureOneToOne) throw responses.forbidden();
	return listResponse(ctx, { conversationId });
}

function visibleEvent(ctx: ApiContext): StoredEvent | undefined {
	const { state, clock } = ctx.emulator;
	const event = store.findEvent(state, ctx.params.event_id);
	return event && store.isVisibleTo(state, event, callerId(ctx), clock.now()) ? event : undefined;
}

// The spec's resource_type enum (user, tweet, media, list, space, place, poll) has no DM type and X's value for a
// missing DM event is not documented: documented guess, `tweet`, the closest kind of object (a message with text,
// entities, attachments and a snowflake id); `parameter: event_id` tells clients it is a DM event.
const eventNotFound = (eventId: string): responses.NotFoundResource => ({ resourceType: 'tweet', parameter: 'event_id', value: eventId, label: 'dm event' });

function getEvent(ctx: ApiContext): responses.Reply {
	const event = visibleEvent(ctx);
	// Not visible -> 200 with errors[] only, the v2 lookup convention (documented guess).
	if (!event) return responses.json(200, { errors: [responses.notFoundError(eventNotFound(ctx.params.event_id))] });
	chargeEventReads(ctx, [event]);
	const body: Record<string, unknown> = { data: renderEvent(event, listParam(ctx.apiQuery, 'dm_event.fields'), ctx.vocabulary) };
	const includes = buildIncludes(ctx.emulator.state, [event], ctx.apiQuery, ctx.vocabulary, ctx.auth.userId);
	if (includes) body.includes = includes;
	return responses.json(200, body);
}

function deleteEvent(ctx: ApiContext): responses.Reply {
	const event = visibleEvent(ctx);
	if (!event) throw responses.notFound(eventNotFound(ctx.params.event_id));
	const userId = callerId(ctx);
	if (ctx.emulator.options.deleteOwnOnly && event.sender_id !== userId) {
		throw responses.forbidden('You are not permitted to delete this event.');
	}
	event.deletedFor.add(userId);
	return responses.json(200, { data: { deleted: true } });
}

export const dmRoutes: ApiRoute[] = [
	{ method: 'POST', path: '/2/dm_conversations/with/:participant_id/messages', operationId: 'createDirectMessagesByParticipantId', handler: sendToParticipant },
	{ method: 'POST', path: '/2/dm_conversations/:dm_conversation_id/messages', operationId: 'createDirectMessagesByConversationId', handler: sendToConversation },
	{ method: 'POST', path: '/2/dm_conversations', operationId: 'createDirectMessagesConversation', handler: createGroupConversation },
	{ method: 'GET', path: '/2/dm_events', operationId: 'getDirectMessagesEvents', handler: listAll },
	{ method: 'GET', path: '/2/dm_conversations/with/:participant_id/dm_events', operationId: 'getDirectMessagesEventsByParticipantId', handler: listWithParticipant },
	{ method: 'GET', path: '/2/dm_conversations/:id/dm_events', operationId: 'getDirectMessagesEventsByConversationId', handler: listConversation },
	{ method: 'GET', path: '/2/dm_events/:event_id', operationId: 'getDirectMessagesEventsById', handler: getEvent },
	{ method: 'DELETE', path: '/2/dm_events/:event_id', operationId: 'deleteDirectMessagesEvents', handler: deleteEvent },
];
