// Operations on the State: users, DM blocks, conversations and events. Ground truth, without HTTP concerns.
import type { Clock } from './clock';
import { compareIds } from './ids';
import type { Conversation, MediaSnapshot, State, StoredEvent, StoredUser } from './state';
import { analyzeText } from './text-entities';
import type { UserInput, UserPatch } from './types';

export const DAY_MS = 24 * 60 * 60 * 1000;
export const EVENT_WINDOW_MS = 30 * DAY_MS;
const DM_POLICIES: readonly string[] = ['all', 'following', 'none'];

/** A misuse of the emulator's own API (unknown user, bad option, ...); the control API answers it with 400. */
export class EmulatorError extends Error {}

function fail(message: string): never {
	throw new EmulatorError(message);
}

// ---- users ----

export function addUser(state: State, clock: Clock, input: UserInput): StoredUser {
	const { id, username, name, dmPolicy = 'all', following = [], ...profile } = input || ({} as Partial<UserInput>);
	if (!username || !/^[A-Za-z0-9_]{1,15}$/.test(username)) fail(`addUser: invalid username ${JSON.stringify(username)}`);
	if (findUserByUsername(state, username)) fail(`addUser: username ${username} already exists`);
	const userId = id === undefined ? state.ids.next() : String(id);
	if (!/^[0-9]{1,19}$/.test(userId)) fail(`addUser: invalid id ${JSON.stringify(id)}`);
	if (state.users.has(userId)) fail(`addUser: user ${userId} already exists`);
	if (!DM_POLICIES.includes(dmPolicy)) fail(`addUser: dmPolicy must be all|following|none`);
	const user: StoredUser = {
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

/** Changes a user's profile, DM policy or follows; the username stays. */
export function updateUser(state: State, userId: string, patch: UserPatch): StoredUser {
	const user = requireUser(state, userId);
	const { dmPolicy, following, ...profile } = patch || {};
	if ('id' in profile || 'username' in profile) fail('updateUser: id and username cannot change');
	if (dmPolicy !== undefined && !DM_POLICIES.includes(dmPolicy)) fail(`updateUser: dmPolicy must be all|following|none`);
	Object.assign(user, profile);
	if (dmPolicy !== undefined) user.dmPolicy = dmPolicy;
	if (following !== undefined) user.following = new Set([...following].map(String));
	return user;
}

export function getUser(state: State, userId: string): StoredUser | undefined {
	return state.users.get(String(userId));
}

export function requireUser(state: State, userId: string): StoredUser {
	const user = getUser(state, userId);
	if (!user) fail(`unknown user ${userId}`);
	return user;
}

export function findUserByUsername(state: State, username: string): StoredUser | undefined {
	const wanted = String(username).replace(/^@/, '').toLowerCase();
	for (const user of state.users.values()) if (user.username.toLowerCase() === wanted) return user;
	return undefined;
}

// ---- DM blocks (either direction stops messages) ----

export function block(state: State, userId: string, blockedId: string): void {
	requireUser(state, userId);
	requireUser(state, blockedId);
	let blocked = state.blocks.get(userId);
	if (!blocked) {
		blocked = new Set();
		state.blocks.set(userId, blocked);
	}
	blocked.add(blockedId);
}

export function unblock(state: State, userId: string, blockedId: string): void {
	state.blocks.get(userId)?.delete(blockedId);
}

export function isBlockedEitherWay(state: State, a: string, b: string): boolean {
	return Boolean(state.blocks.get(a)?.has(b) || state.blocks.get(b)?.has(a));
}

export type SendRefusal = 'unknown-user' | 'blocked' | 'dm-closed' | 'not-followed';

// Why a DM from sender to recipient would be refused, or undefined when it is allowed.
export function sendRefusal(state: State, senderId: string, recipientId: string): SendRefusal | undefined {
	const recipient = getUser(state, recipientId);
	if (!recipient) return 'unknown-user';
	if (senderId === recipientId) return undefined;
	if (isBlockedEitherWay(state, senderId, recipientId)) return 'blocked';
	if (recipient.dmPolicy === 'none') return 'dm-closed';
	if (recipient.dmPolicy === 'following' && !recipient.following.has(senderId)) return 'not-followed';
	return undefined;
}

// ---- conversations ----

export function oneToOneId(a: string, b: string): string {
	return compareIds(a, b) <= 0 ? `${a}-${b}` : `${b}-${a}`;
}

// Returns the two user ids of a canonical 1:1 id ("lower-higher"), else undefined.
export function parseOneToOneId(conversationId: string): [string, string] | undefined {
	const match = /^([0-9]{1,19})-([0-9]{1,19})$/.exec(String(conversationId));
	if (!match || oneToOneId(match[1], match[2]) !== match[0]) return undefined;
	return [match[1], match[2]];
}

export function ensureOneToOne(state: State, a: string, b: string, atMs: number): Conversation {
	const conversationId = oneToOneId(a, b);
	let conversation = state.conversations.get(conversationId);
	if (!conversation) {
		conversation = {
			id: conversationId,
			type: '1:1',
			participants: new Set([a, b]),
			createdAt: atMs,
			visibleFrom: new Map([
				[a, '0'],
				[b, '0'],
			]),
		};
		state.conversations.set(conversationId, conversation);
	}
	return conversation;
}

export function isParticipant(state: State, conversationId: string, userId: string): boolean {
	return Boolean(state.conversations.get(conversationId)?.participants.has(userId));
}

// ---- events ----

function appendEvent(state: State, event: Omit<StoredEvent, 'deletedFor'>): StoredEvent {
	const stored: StoredEvent = { ...event, deletedFor: new Set() };
	state.events.push(stored);
	return stored;
}

export interface MessageInput {
	senderId: string;
	conversationId: string;
	text?: string;
	media?: MediaSnapshot[];
	atMs: number;
	wrapUrls?: boolean;
}

export function messageEvent(state: State, { senderId, conversationId, text, media = [], atMs, wrapUrls = false }: MessageInput): StoredEvent {
	const id = state.ids.next(atMs);
	const event: Omit<StoredEvent, 'deletedFor'> = {
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
	const stored = appendEvent(state, event);
	state.onMessageCreated?.(stored);
	return stored;
}

export function sendToConversation(state: State, input: MessageInput): StoredEvent {
	const conversation = state.conversations.get(input.conversationId);
	if (!conversation) fail(`unknown conversation ${input.conversationId}`);
	if (!conversation.participants.has(input.senderId)) fail(`${input.senderId} is not a participant of ${input.conversationId}`);
	return messageEvent(state, input);
}

export interface GroupInput {
	creatorId: string;
	participantIds: string[];
	text?: string;
	media?: MediaSnapshot[];
	atMs: number;
	wrapUrls?: boolean;
}

export function createGroup(state: State, { creatorId, participantIds, text, media, atMs, wrapUrls }: GroupInput) {
	const invited = [...new Set(participantIds.map(String))].filter((id) => id !== creatorId);
	const conversationId = state.ids.next(atMs);
	const conversation: Conversation = {
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

function requireGroup(state: State, conversationId: string): Conversation {
	const conversation = state.conversations.get(conversationId);
	if (!conversation || conversation.type !== 'group') fail(`unknown group conversation ${conversationId}`);
	return conversation;
}

export function joinGroup(
	state: State,
	{ conversationId, userIds, inviterId, atMs }: { conversationId: string; userIds: string[]; inviterId?: string; atMs: number },
): StoredEvent {
	const conversation = requireGroup(state, conversationId);
	if (inviterId !== undefined && !conversation.participants.has(String(inviterId))) {
		fail(`${inviterId} is not a participant of ${conversationId}`);
	}
	const joining = userIds.map(String).filter((id) => !conversation.participants.has(id));
	joining.forEach((id) => requireUser(state, id));
	if (!joining.length) fail('joinAs: every user is already a participant');
	const event: Omit<StoredEvent, 'deletedFor'> = {
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

export function leaveGroup(state: State, { conversationId, userId, atMs }: { conversationId: string; userId: string; atMs: number }): StoredEvent {
	const conversation = requireGroup(state, conversationId);
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

export function findEvent(state: State, eventId: string): StoredEvent | undefined {
	return state.events.find((event) => event.id === String(eventId));
}

// What `userId` can see right now: current participants see events from the point they joined, minus what
// they deleted for themselves, within the 30-day window.
export function isVisibleTo(state: State, event: StoredEvent, userId: string, nowMs: number): boolean {
	if (event.deletedFor.has(userId)) return false;
	if (event.visibleFromMs !== undefined && nowMs < event.visibleFromMs) return false;
	if (event.created_at < nowMs - EVENT_WINDOW_MS) return false;
	const conversation = state.conversations.get(event.dm_conversation_id);
	if (!conversation || !conversation.participants.has(userId)) return false;
	return compareIds(event.id, conversation.visibleFrom.get(userId) ?? '0') >= 0;
}

/** The events `userId` can see now, newest first. */
export function visibleEvents(
	state: State,
	userId: string,
	nowMs: number,
	{ conversationId, eventTypes }: { conversationId?: string; eventTypes?: readonly string[] } = {},
): StoredEvent[] {
	return state.events
		.filter((event) => conversationId === undefined || event.dm_conversation_id === conversationId)
		.filter((event) => !eventTypes || eventTypes.includes(event.event_type))
		.filter((event) => isVisibleTo(state, event, userId, nowMs))
		.sort((a, b) => compareIds(b.id, a.id));
}
