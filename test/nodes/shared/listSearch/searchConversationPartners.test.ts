// The user picker's "From Recent Conversations" list (searchConversationPartners) against the emulator.
import { search, seedInbox } from '../../../fixtures/list-search';
import { apiRequests, AUTH_KINDS, useEmulator } from '../../../fixtures/x-node';

const x = useEmulator();

describe('success', () => {
	test.each(AUTH_KINDS)('%s: recent one-to-one partners, newest first, de-duplicated, named even when they never wrote back', async (kind) => {
		seedInbox(x);
		const result = await search(x, 'searchConversationPartners', { kind });
		expect(result.results).toEqual([
			{ name: 'Carol (@carol)', value: x.people.carol.id, url: 'https://x.com/carol' },
			{ name: 'Bob (@bob)', value: x.people.bob.id, url: 'https://x.com/bob' },
		]);
		expect(result.paginationToken).toBeUndefined();
	});

	test('the filter matches names, usernames and IDs', async () => {
		seedInbox(x);
		expect((await search(x, 'searchConversationPartners', { filter: '@car' })).results.map((entry) => entry.value)).toEqual([x.people.carol.id]);
		expect((await search(x, 'searchConversationPartners', { filter: 'BOB' })).results.map((entry) => entry.value)).toEqual([x.people.bob.id]);
	});

	test('a long history is offered page by page with X pagination tokens', async () => {
		const { people, emu } = x;
		for (let index = 0; index < 150; index++) emu.sendAs(people.bob.id, { to: people.alice.id, text: `spam ${index}` });
		emu.sendAs(people.carol.id, { to: people.alice.id, text: 'old but relevant' });
		for (let index = 0; index < 150; index++) emu.sendAs(people.bob.id, { to: people.alice.id, text: `more ${index}` });
		const first = await search(x, 'searchConversationPartners');
		expect(first.results.map((entry) => entry.value)).toEqual([people.bob.id]);
		expect(typeof first.paginationToken).toBe('string');
		const second = await search(x, 'searchConversationPartners', { paginationToken: first.paginationToken as string });
		expect(second.results.map((entry) => entry.value)).toEqual([people.bob.id, people.carol.id]);
		const listCalls = apiRequests(emu).filter((request) => request.path === '/2/dm_events');
		expect(listCalls.map((request) => request.query.max_results)).toEqual(['100', '100']);
	});

	test('partners who never wrote back are named through one users lookup', async () => {
		const { people, emu } = x;
		emu.sendAs(people.alice.id, { to: people.bob.id, text: 'hello?' });
		emu.sendAs(people.alice.id, { to: people.dave.id, text: 'anyone?' });
		const result = await search(x, 'searchConversationPartners');
		expect(result.results.map((entry) => entry.name)).toEqual(['Dave (@dave)', 'Bob (@bob)']);
		const lookups = apiRequests(emu).filter((request) => request.path === '/2/users');
		expect(lookups).toHaveLength(1);
		expect(lookups[0].query.ids.split(',').sort()).toEqual([people.bob.id, people.dave.id].sort());
	});
});
