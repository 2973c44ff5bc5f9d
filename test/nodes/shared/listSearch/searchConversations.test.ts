// The conversation picker's "From Recent Conversations" list (searchConversations) against the emulator.
import { search, seedInbox } from '../../../fixtures/list-search';
import { AUTH_KINDS, oneToOneId, useEmulator } from '../../../fixtures/x-node';

const x = useEmulator();

describe('success', () => {
	test.each(AUTH_KINDS)('%s: recent conversations, one-to-one and groups', async (kind) => {
		const { people } = x;
		const groupId = seedInbox(x);
		const result = await search(x, 'searchConversations', { kind });
		const carolConversation = oneToOneId(people.alice, people.carol);
		expect(result.results.map((entry) => entry.value)).toEqual([carolConversation, groupId, expect.stringContaining(people.bob.id)]);
		expect(result.results[0]).toMatchObject({ name: 'Carol (@carol)', url: `https://x.com/messages/${carolConversation}` });
		expect(result.results[1].name).toMatch(/^Group: /);
		expect(result.results[1].name).toContain('Dave (@dave)');
	});

	test('the filter matches names, usernames and IDs', async () => {
		seedInbox(x);
		expect((await search(x, 'searchConversations', { filter: 'dave' })).results).toHaveLength(1);
		expect((await search(x, 'searchConversations', { filter: 'nobody' })).results).toEqual([]);
	});

	test('an empty inbox gives an empty list', async () => {
		expect(await search(x, 'searchConversations')).toEqual({ results: [], paginationToken: undefined });
	});
});
