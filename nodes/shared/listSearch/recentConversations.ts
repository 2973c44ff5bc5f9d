import type { ILoadOptionsFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { listSearchApi } from '../connection';
import { toNodeError } from '../errors';
import type { DmEvent, XUser } from '../models';
import type { DmEventPage, XApi } from '../transport';
import { dmEventPages } from '../transport';
import { getAuthenticatedUser, lookupUsersByIds, USER_NAME_FIELDS } from '../users';

export interface ConversationSummary {
	id: string;
	isGroup: boolean;
	/** Other users seen in the conversation, most recent first. */
	userIds: string[];
	lastText?: string;
}

export interface RecentPage {
	me: string;
	conversations: ConversationSummary[];
	users: Map<string, XUser>;
	nextToken?: string;
}

const EVENT_QUERY = {
	'dm_event.fields': ['id', 'event_type', 'text', 'dm_conversation_id', 'sender_id', 'participant_ids'],
	expansions: ['sender_id', 'participant_ids'],
	'user.fields': USER_NAME_FIELDS,
};

function summarize(events: DmEvent[], me: string): ConversationSummary[] {
	const byId = new Map<string, ConversationSummary>();
	for (const event of events) {
		const conversationId = event.dm_conversation_id;
		if (!conversationId) continue;
		let summary = byId.get(conversationId);
		if (!summary) {
			const isGroup = !conversationId.includes('-');
			summary = { id: conversationId, isGroup, userIds: [] };
			if (!isGroup) {
				// A one-to-one conversation ID is "<smaller user ID>-<larger user ID>".
				const other = conversationId.split('-').find((id) => id !== me);
				if (other) summary.userIds.push(other);
			}
			byId.set(conversationId, summary);
		}
		if (summary.lastText === undefined && event.text !== undefined) summary.lastText = event.text;
		if (summary.isGroup) {
			const ids = [...(event.sender_id !== undefined ? [event.sender_id] : []), ...(event.participant_ids ?? [])];
			for (const id of ids) if (id !== me && !summary.userIds.includes(id)) summary.userIds.push(id);
		}
	}
	return [...byId.values()];
}

/** The first page of the listing (from the editor's pagination token): one request. */
async function firstPage(api: XApi, startToken: string | undefined): Promise<DmEventPage> {
	const pages = dmEventPages(api, { path: '/2/dm_events', qs: EVENT_QUERY, startToken });
	const { value } = await pages.next();
	await pages.return();
	if (!value) throw new Error('The DM event listing yielded no page');
	return value;
}

async function load(api: XApi, node: INode, paginationToken: string | undefined): Promise<RecentPage> {
	const me = (await getAuthenticatedUser(api, USER_NAME_FIELDS))?.id;
	if (me === undefined) throw new NodeOperationError(node, 'X did not return the authenticated user');
	const page = await firstPage(api, paginationToken);
	const users = new Map<string, XUser>();
	for (const user of page.includes.users ?? []) users.set(user.id, user);
	const conversations = summarize(page.events, me);

	// Partners who never wrote back are not in `includes`: look their names up in one request.
	const unknownIds = [...new Set(conversations.flatMap((summary) => summary.userIds))].filter((id) => !users.has(id));
	if (unknownIds.length) {
		for (const user of await lookupUsersByIds(api, unknownIds)) users.set(user.id, user);
	}
	return { me, conversations, users, nextToken: page.nextToken };
}

/** One page of the newest DM events, grouped by conversation (newest conversation first). */
export async function loadRecentConversations(this: ILoadOptionsFunctions, paginationToken?: string): Promise<RecentPage> {
	try {
		return await load(listSearchApi(this), this.getNode(), paginationToken);
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	}
}

export function userLabel(users: Map<string, XUser>, id: string): string {
	const user = users.get(id);
	if (!user) return id;
	return user.name ? `${user.name} (@${user.username})` : `@${user.username}`;
}

export function matches(filter: string | undefined, ...values: Array<unknown>): boolean {
	if (!filter) return true;
	const needle = filter.trim().toLowerCase().replace(/^@/, '');
	return values.some((value) => value !== undefined && String(value).toLowerCase().includes(needle));
}
