'use strict';

const { createIdGenerator, compareIds } = require('./ids');
const { analyzeText } = require('./text-entities');

const DAY_MS = 24 * 60 * 60 * 1000;
const EVENT_WINDOW_MS = 30 * DAY_MS;

function createState(clock) {
	return {
		ids: createIdGenerator(clock),
		users: new Map(),
		conversations: new Map(),
		events: [],
		blocks: new Map(),
		// Collections owned by the auth/media modules; created here so every module sees one shape.
		oauth2Clients: new Map(),
		oauth2Tokens: new Map(),
		authCodes: new Map(),
		oauth1Apps: new Map(),
		oauth1Tokens: new Map(),
		oauth1RequestTokens: new Map(),
		nonces: new Map(),
		media: new Map(),
	};
}

class EmulatorError extends Error {}

function fail(message) {
	throw new EmulatorError(message);
}

// ---- users ----

function addUser(state, clock, input) {
	const { id, username, name, dmPolicy = 'all', following = [], ...profile } = input || {};
	if (!username || !/^[A-Za-z0-9_]{1,15}$/.test(username)) fail(`addUser: invalid username ${JSON.stringify(username)}`);
	if (findUserByUsername(state, username)) fail(`addUser: username ${username} already exists`);
	const userId = id === undefined ? state.ids.next() : String(id);
	if (!/^[0-9]{1,19}$/.test(userId)) fail(`addUser: invalid id ${JSON.stringify(id)}`);
	if (state.users.has(userId)) fail(`addUser: user ${userId} already exists`);
	if (!['all', 'following', 'none'].includes(dmPolicy)) fail(`addUser: dmPolicy must be all|following|none`);
	const user = {
		id: userId,
		username,
		name: name || username,
		created_at: new Date(clock.now() - 365 * DAY_MS).toISOString(),
		description: '',
		protected: false,
		verified: false,
		profile_image_url: `https://pbs.twimg.com/profile_images/${userId}/avatar_normal.jpg`,
		...profile,
		dmPolicy,
		following: new Set([...following].map(String)),
	};
	state.users.set(userId, user);
	return user;
}

function getUser(state, userId) {
	return state.users.get(String(userId));
}

function requireUser(state, userId) {
	const user = getUser(state, userId);
	if (!user) fail(`unknown user ${userId}`);
	return user;
}

function findUserByUsername(state, username) {
	const wanted = String(username).replace(/^@/, '').toLowerCase();
	for (const user of state.users.values()) if (user.username.toLowerCase() === wanted) return user;
	return undefined;
}

// ---- DM blocks (either direction stops messages) ----

function block(state, userId, blockedId) {
	requireUser(state, userId);
	requireUser(state, blockedId);
	if (!state.blocks.has(String(userId))) state.blocks.set(String(userId), new Set());
	state.blocks.get(String(userId)).add(String(blockedId));
}

function unblock(state, userId, blockedId) {
	state.blocks.get(String(userId))?.delete(String(blockedId));
}

function isBlockedEitherWay(state, a, b) {
	return Boolean(state.blocks.get(a)?.has(b) || state.blocks.get(b)?.has(a));
}

// Why a DM from sender to recipient would be refused, or undefined when it is allowed.
function sendRefusal(state, senderId, recipientId) {
	const recipient = getUser(state, recipientId);
	if (!recipient) return 'unknown-user';
	if (senderId === recipientId) return undefined;
	if (isBlockedEitherWay(state, senderId, recipientId)) return 'blocked';
	if (recipient.dmPolicy === 'none') return 'dm-closed';
	if (recipient.dmPolicy === 'following' && !recipient.following.has(senderId)) return 'not-followed';
	return undefined;
}

// ---- conversations ----

function oneToOneId(a, b) {
	return compareIds(a, b) <= 0 ? `${a}-${b}` : `${b}-${a}`;
}

// Returns the two user ids of a canonical 1:1 id ("lower-higher"), else undefined.
function parseOneToOneId(conversationId) {
	const match = /^([0-9]{1,19})-([0-9]{1,19})$/.exec(String(conversationId));
	if (!match || oneToOneId(match[1], match[2]) !== match[0]) return undefined;
	return [match[1], match[2]];
}

function ensureOneToOne(state, a, b, atMs) {
	const conversationId = oneToOneId(a, b);
	let conversation = state.conversations.get(conversationId);
	if (!conversation) {
		conversation = {
			id: conversationId,
			type: '1:1',
			participants: new Set([a, b]),
			createdAt: atMs,
			// Lower bound (event id) of what each participant can see: 1:1 members see everything.
			visibleFrom: new Map([[a, '0'], [b, '0']]),
		};
		state.conversations.set(conversationId, conversation);
	}
	return conversation;
}

function isParticipant(state, conversationId, userId) {
	return Boolean(state.conversations.get(conversationId)?.participants.has(userId));
}

// ---- events ----

function appendEvent(state, event) {
	const stored = { ...event, deletedFor: new Set() };
	state.events.push(stored);
	return stored;
}

function messageEvent(state, { senderId, conversationId, text, media = [], atMs, wrapUrls = false }) {
	const id = state.ids.next(atMs);
	const event = {
		id,
		event_type: 'MessageCreate',
		dm_conversation_id: conversationId,
		sender_id: senderId,
		created_at: atMs,
	};
	if (text !== undefined) {
		const analysis = analyzeText(text, { findUserByUsername: (name) => findUserByUsername(state, name), wrapUrls });
		event.text = analysis.text;
		if (analysis.entities) event.entities = analysis.entities;
		if (analysis.linkedPosts.length) {
			event.referenced_tweets = analysis.linkedPosts.map((post) => ({ id: post.id }));
			// Kept so the synthesized post in `includes` can name a plausible author.
			event.linkedPosts = analysis.linkedPosts;
		}
	} else {
		event.text = '';
	}
	if (media.length) {
		event.attachments = { media_keys: media.map((item) => item.media_key) };
		// Snapshot: uploaded media expire after 24 h, the event keeps describing its attachment.
		event.media = media.map((item) => ({ ...item }));
	}
	return appendEvent(state, event);
}

function sendToConversation(state, { senderId, conversationId, text, media, atMs, wrapUrls }) {
	const conversation = state.conversations.get(conversationId);
	if (!conversation) fail(`unknown conversation ${conversationId}`);
	if (!conversation.participants.has(senderId)) fail(`${senderId} is not a participant of ${conversationId}`);
	return messageEvent(state, { senderId, conversationId, text, media, atMs, wrapUrls });
}

function createGroup(state, { creatorId, participantIds, text, media, atMs, wrapUrls }) {
	const invited = [...new Set(participantIds.map(String))].filter((id) => id !== creatorId);
	const conversationId = state.ids.next(atMs);
	const conversation = {
		id: conversationId,
		type: 'group',
		participants: new Set([creatorId, ...invited]),
		createdAt: atMs,
		visibleFrom: new Map(),
	};
	state.conversations.set(conversationId, conversation);
	const joinEvent = appendEvent(state, {
		id: state.ids.next(atMs),
		event_type: 'ParticipantsJoin',
		dm_conversation_id: conversationId,
		sender_id: creatorId,
		participant_ids: invited,
		created_at: atMs,
	});
	for (const member of conversation.participants) conversation.visibleFrom.set(member, joinEvent.id);
	const event = messageEvent(state, { senderId: creatorId, conversationId, text, media, atMs, wrapUrls });
	return { conversationId, joinEvent, event };
}

function joinGroup(state, { conversationId, userIds, inviterId, atMs }) {
	const conversation = state.conversations.get(conversationId);
	if (!conversation || conversation.type !== 'group') fail(`unknown group conversation ${conversationId}`);
	if (inviterId !== undefined && !conversation.participants.has(String(inviterId))) {
		fail(`${inviterId} is not a participant of ${conversationId}`);
	}
	const joining = userIds.map(String).filter((id) => !conversation.participants.has(id));
	joining.forEach((id) => requireUser(state, id));
	if (!joining.length) fail('joinAs: every user is already a participant');
	const event = {
		id: state.ids.next(atMs),
		event_type: 'ParticipantsJoin',
		dm_conversation_id: conversationId,
		participant_ids: joining,
		created_at: atMs,
	};
	if (inviterId !== undefined) event.sender_id = String(inviterId);
	const stored = appendEvent(state, event);
	for (const id of joining) {
		conversation.participants.add(id);
		conversation.visibleFrom.set(id, stored.id);
	}
	return stored;
}

function leaveGroup(state, { conversationId, userId, atMs }) {
	const conversation = state.conversations.get(conversationId);
	if (!conversation || conversation.type !== 'group') fail(`unknown group conversation ${conversationId}`);
	if (!conversation.participants.has(userId)) fail(`${userId} is not a participant of ${conversationId}`);
	const event = appendEvent(state, {
		id: state.ids.next(atMs),
		event_type: 'ParticipantsLeave',
		dm_conversation_id: conversationId,
		participant_ids: [userId],
		created_at: atMs,
	});
	conversation.participants.delete(userId);
	conversation.visibleFrom.delete(userId);
	return event;
}

function findEvent(state, eventId) {
	return state.events.find((event) => event.id === String(eventId));
}

// What `userId` can see right now: current participants see events from the point they joined, minus what
// they deleted for themselves, within the 30-day window.
function isVisibleTo(state, event, userId, nowMs) {
	if (event.deletedFor.has(userId)) return false;
	if (event.created_at < nowMs - EVENT_WINDOW_MS) return false;
	const conversation = state.conversations.get(event.dm_conversation_id);
	if (!conversation || !conversation.participants.has(userId)) return false;
	return compareIds(event.id, conversation.visibleFrom.get(userId) ?? '0') >= 0;
}

function visibleEvents(state, userId, nowMs, { conversationId, eventTypes } = {}) {
	return state.events
		.filter((event) => conversationId === undefined || event.dm_conversation_id === conversationId)
		.filter((event) => !eventTypes || eventTypes.includes(event.event_type))
		.filter((event) => isVisibleTo(state, event, userId, nowMs))
		.sort((a, b) => compareIds(b.id, a.id));
}

module.exports = {
	DAY_MS,
	EVENT_WINDOW_MS,
	EmulatorError,
	createState,
	addUser,
	getUser,
	requireUser,
	findUserByUsername,
	block,
	unblock,
	isBlockedEitherWay,
	sendRefusal,
	oneToOneId,
	parseOneToOneId,
	ensureOneToOne,
	isParticipant,
	messageEvent,
	sendToConversation,
	createGroup,
	joinGroup,
	leaveGroup,
	findEvent,
	isVisibleTo,
	visibleEvents,
};
