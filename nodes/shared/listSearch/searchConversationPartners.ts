import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { loadRecentConversations, matches, userLabel } from './recentConversations';

/** List mode of user pickers: the people of your recent one-to-one conversations. */
export async function searchConversationPartners(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const page = await loadRecentConversations.call(this, paginationToken);
	const results: INodeListSearchItems[] = [];
	const seen = new Set<string>();
	for (const conversation of page.conversations) {
		if (conversation.isGroup) continue;
		for (const id of conversation.userIds) {
			if (seen.has(id)) continue;
			seen.add(id);
			const user = page.users.get(id);
			if (!matches(filter, id, user?.username, user?.name)) continue;
			results.push({
				name: userLabel(page.users, id),
				value: id,
				url: user?.username ? `https://x.com/${user.username}` : undefined,
			});
		}
	}
	return { results, paginationToken: page.nextToken };
}
