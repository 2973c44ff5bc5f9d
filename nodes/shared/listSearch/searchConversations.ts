import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { loadRecentConversations, matches, userLabel } from './recentConversations';

/** List mode of conversation pickers: your recent one-to-one and group conversations. */
export async function searchConversations(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const page = await loadRecentConversations.call(this, paginationToken);
	const results: INodeListSearchItems[] = [];
	for (const conversation of page.conversations) {
		const people = conversation.userIds.map((id) => userLabel(page.users, id));
		const name = conversation.isGroup
			? `Group: ${people.slice(0, 4).join(', ') || conversation.id}${people.length > 4 ? ` and ${people.length - 4} more` : ''}`
			: people[0] ?? conversation.id;
		const usernames = conversation.userIds.map((id) => page.users.get(id)?.username);
		if (!matches(filter, conversation.id, name, conversation.lastText, ...usernames)) continue;
		results.push({
			name,
			value: conversation.id,
			url: `https://x.com/messages/${conversation.id}`,
			description: conversation.lastText ? conversation.lastText.slice(0, 80) : undefined,
		});
	}
	return { results, paginationToken: page.nextToken };
}
