import type { IDataObject, ILoadOptionsFunctions } from 'n8n-workflow';

import { getAuthenticatedUser, xApiRequest } from '../transport';

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
	users: Map<string, IDataObject>;
	nextToken?: string;
}

/** One page of the newest DM events, grouped by conversation (newest conversation first). */
export async function loadRecentConversations(this: ILoadOptionsFunctions, paginationToken?: string): Promise<RecentPage> {
	const me = String((await getAuthenticatedUser.call(this)).id);
	const qs: IDataObject = {
		max_results: 100,
		'dm_event.fields': ['id', 'event_type', 'text', 'dm_conversation_id', 'sender_id', 'participant_ids'],
		expansions: ['sender_id', 'participant_ids'],
		'user.fields': ['id', 'name', 'username'],
	};
	if (paginationToken) qs.pagination_token = paginationToken;
	const { body } = await xApiRequest.call(this, { method: 'GET', path: '/2/dm_events', qs });
	const events = Array.isArray(body.data) ? (body.data as IDataObject[]) : [];
	const users = new Map<string, IDataObject>();
	const includedUsers = ((body.includes as IDataObject | undefined)?.users as IDataObject[] | undefined) ?? [];
	for (const user of includedUsers) users.set(String(user.id), user);

	const byId = new Map<string, ConversationSummary>();
	for (const event of events) {
		const conversationId = typeof event.dm_conversation_id === 'string' ? event.dm_conversation_id : undefined;
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
		if (summary.lastText === undefined && typeof event.text === 'string') summary.lastText = event.text;
		if (summary.isGroup) {
			const ids = [
				...(event.sender_id !== undefined ? [String(event.sender_id)] : []),
				...(Array.isArray(event.participant_ids) ? event.participant_ids.map(String) : []),
			];
			for (const id of ids) if (id !== me && !summary.userIds.includes(id)) summary.userIds.push(id);
		}
	}

	// Partners who never wrote back are not in `includes`: look their names up in one request.
	const unknownIds = [...new Set([...byId.values()].flatMap((summary) => summary.userIds))].filter(
		(id) => !users.has(id),
	);
	if (unknownIds.length) {
		const { body: lookup } = await xApiRequest.call(this, {
			method: 'GET',
			path: '/2/users',
			qs: { ids: unknownIds.slice(0, 100), 'user.fields': ['id', 'name', 'username'] },
		});
		for (const user of (lookup.data as IDataObject[] | undefined) ?? []) users.set(String(user.id), user);
	}

	const meta = (body.meta as IDataObject | undefined) ?? {};
	return {
		me,
		conversations: [...byId.values()],
		users,
		nextToken: events.length && typeof meta.next_token === 'string' ? meta.next_token : undefined,
	};
}

export function userLabel(users: Map<string, IDataObject>, id: string): string {
	const user = users.get(id);
	if (!user) return id;
	return user.name ? `${String(user.name)} (@${String(user.username)})` : `@${String(user.username)}`;
}

export function matches(filter: string | undefined, ...values: Array<unknown>): boolean {
	if (!filter) return true;
	const needle = filter.trim().toLowerCase().replace(/^@/, '');
	return values.some((value) => value !== undefined && String(value).toLowerCase().includes(needle));
}
