'use strict';

// The DM endpoints: three sends, three lists, and GET/DELETE of one event (x-dm-api.md §2).
const responses = require('../responses');
const store = require('../store');
const { renderEvent, buildIncludes, listParam } = require('../render-events');
const { paginate } = require('../pagination');
const { resolveAttachments, markAttachmentsUsed } = require('../attachments');

const MAX_TEXT_LENGTH = 10000;

// ---- sends ----

// Limits the spec does not encode (x-dm-api.md §2.1); the error wording is a documented guess.
function checkMessage(message, at) {
	const problems = [];
	if (typeof message.text === 'string' && [...message.text].length > MAX_TEXT_LENGTH) {
		problems.push({ parameters: {}, message: `${at}.text: may only be ${MAX_TEXT_LENGTH} characters long` });
	}
	if (Array.isArray(message.attachments) && message.attachments.length > 1) {
		problems.push({ parameters: {}, message: `${at}.attachments: there must be a maximum of 1 items in the array` });
	}
	if (problems.length) throw responses.invalidRequest(problems);
}

function refuseUnlessAllowed(state, senderId, recipientId) {
	if (store.sendRefusal(state, senderId, recipientId) !== undefined) throw responses.cannotSendToUser();
}

function created(event) {
	return responses.json(201, { data: { dm_conversation_id: event.dm_conversation_id, dm_event_id: event.id } });
}

function appendMessage(ctx, message, conversationId, resolved) {
	const { state, clock, options } = ctx.emulator;
	const event = store.messageEvent(state, {
		senderId: ctx.auth.userId,
		conversationId,
		text: message.text,
		media: resolved.map((item) => item.snapshot),
		atMs: clock.now(),
		wrapUrls: options.wrapUrls,
	});
	markAttachmentsUsed(ctx, resolved);
	return event;
}

function sendToParticipant(ctx) {
	const { state, clock } = ctx.emulator;
	const senderId = ctx.auth.userId;
	const recipientId = ctx.params.participant_id;
	checkMessage(ctx.json, '$');
	refuseUnlessAllowed(state, senderId, recipientId);
	const resolved = resolveAttachments(ctx, ctx.json.attachments);
	const conversation = store.ensureOneToOne(state, senderId, recipientId, clock.now());
	return created(appendMessage(ctx, ctx.json, conversation.id, resolved));
}

function sendToConversation(ctx) {
	const { state, clock } = ctx.emulator;
	const senderId = ctx.auth.userId;
	const conversationId = ctx.params.dm_conversation_id;
	checkMessage(ctx.json, '$');
	const existing = state.conversations.get(conversationId);
	const pair = store.parseOneToOneId(conversationId);
	// A canonical 1:1 id that includes the sender works even before the first message (guess, see README).
	const opensOneToOne = !existing && Boolean(pair) && pair.includes(senderId);
	if (!opensOneToOne && !existing?.participants.has(senderId)) throw responses.forbidden();
	if (!existing || existing.type === '1:1') {
		const participants = existing ? [...existing.participants] : pair;
		refuseUnlessAllowed(state, senderId, participants.find((id) => id !== senderId) ?? senderId);
	}
	const resolved = resolveAttachments(ctx, ctx.json.attachments);
	const conversation = existing ?? store.ensureOneToOne(state, pair[0], pair[1], clock.now());
	return created(appendMessage(ctx, ctx.json, conversation.id, resolved));
}

function createGroupConversation(ctx) {
	const { state, clock, options } = ctx.emulator;
	const creatorId = ctx.auth.userId;
	const { participant_ids: participantIds, message } = ctx.json;
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

function listResponse(ctx, { conversationId } = {}) {
	const { state, clock, options } = ctx.emulator;
	const query = ctx.apiQuery;
	const eventTypes = listParam(query, 'event_types');
	const events = store.visibleEvents(state, ctx.auth.userId, clock.now(), {
		conversationId,
		eventTypes: eventTypes.length ? eventTypes : undefined,
	});
	const { page, meta } = paginate(events, {
		maxResults: Number(query.max_results ?? options.pageSizeDefault),
		token: query.pagination_token,
		knownEventId: (id) => Boolean(store.findEvent(state, id)),
		nextTokenOnLastPage: options.nextTokenOnLastPage,
	});
	const body = {};
	if (page.length) {
		const fields = listParam(query, 'dm_event.fields');
		body.data = page.map((event) => renderEvent(event, fields, ctx.vocabulary));
		const includes = buildIncludes(state, page, query, ctx.vocabulary, ctx.auth.userId);
		if (includes) body.includes = includes;
	}
	body.meta = meta;
	return responses.json(200, body);
}

function listAll(ctx) {
	return listResponse(ctx);
}

function listWithParticipant(ctx) {
	const conversationId = store.oneToOneId(ctx.auth.userId, ctx.params.participant_id);
	return listResponse(ctx, { conversationId });
}

function listConversation(ctx) {
	const conversationId = ctx.params.id;
	const pair = store.parseOneToOneId(conversationId);
	const knownMember = store.isParticipant(ctx.emulator.state, conversationId, ctx.auth.userId);
	const futureOneToOne = !ctx.emulator.state.conversations.has(conversationId) && pair && pair.includes(ctx.auth.userId);
	if (!knownMember && !futureOneToOne) throw responses.forbidden();
	return listResponse(ctx, { conversationId });
}

function visibleEvent(ctx) {
	const { state, clock } = ctx.emulator;
	const event = store.findEvent(state, ctx.params.event_id);
	return event && store.isVisibleTo(state, event, ctx.auth.userId, clock.now()) ? event : undefined;
}

const eventNotFound = (eventId) => ({ resourceType: 'dm_event', parameter: 'event_id', value: eventId, label: 'dm event' });

function getEvent(ctx) {
	const event = visibleEvent(ctx);
	// Not visible -> 200 with errors[] only, the v2 lookup convention (documented guess).
	if (!event) return responses.json(200, { errors: [responses.notFoundError(eventNotFound(ctx.params.event_id))] });
	const body = { data: renderEvent(event, listParam(ctx.apiQuery, 'dm_event.fields'), ctx.vocabulary) };
	const includes = buildIncludes(ctx.emulator.state, [event], ctx.apiQuery, ctx.vocabulary, ctx.auth.userId);
	if (includes) body.includes = includes;
	return responses.json(200, body);
}

function deleteEvent(ctx) {
	const event = visibleEvent(ctx);
	if (!event) throw responses.notFound(eventNotFound(ctx.params.event_id));
	if (ctx.emulator.options.deleteOwnOnly && event.sender_id !== ctx.auth.userId) {
		throw responses.forbidden('You are not permitted to delete this event.');
	}
	event.deletedFor.add(ctx.auth.userId);
	return responses.json(200, { data: { deleted: true } });
}

module.exports = [
	{ method: 'POST', path: '/2/dm_conversations/with/:participant_id/messages', operationId: 'createDirectMessagesByParticipantId', handler: sendToParticipant },
	{ method: 'POST', path: '/2/dm_conversations/:dm_conversation_id/messages', operationId: 'createDirectMessagesByConversationId', handler: sendToConversation },
	{ method: 'POST', path: '/2/dm_conversations', operationId: 'createDirectMessagesConversation', handler: createGroupConversation },
	{ method: 'GET', path: '/2/dm_events', operationId: 'getDirectMessagesEvents', handler: listAll },
	{ method: 'GET', path: '/2/dm_conversations/with/:participant_id/dm_events', operationId: 'getDirectMessagesEventsByParticipantId', handler: listWithParticipant },
	{ method: 'GET', path: '/2/dm_conversations/:id/dm_events', operationId: 'getDirectMessagesEventsByConversationId', handler: listConversation },
	{ method: 'GET', path: '/2/dm_events/:event_id', operationId: 'getDirectMessagesEventsById', handler: getEvent },
	{ method: 'DELETE', path: '/2/dm_events/:event_id', operationId: 'deleteDirectMessagesEvents', handler: deleteEvent },
];
