'use strict';

// The "From Recent Conversations" list modes of the user and conversation pickers, called the way the editor calls
// them (LoadOptionsContext), against the emulator.
const { startEmulator } = require('../emulator');
const { shutdown, listSearch } = require('../helpers/n8n-harness');
const { actionNode, addPeople, apiRequests, credentialSetup } = require('../helpers/x-node');

let emu;
let people;

beforeAll(async () => {
	emu = await startEmulator();
});

afterAll(async () => {
	await emu.close();
	shutdown();
});

beforeEach(() => {
	emu.reset();
	people = addPeople(emu);
});

async function search(method, { filter, kind = 'oAuth2', paginationToken } = {}) {
	const setup = credentialSetup(emu, people.alice, kind);
	const node = actionNode({ resource: 'message', operation: 'sendToUser' }, setup);
	const { result } = await listSearch({ node, credentials: setup.credentials, method, filter, paginationToken });
	return result;
}

function seed() {
	emu.sendAs(people.alice.id, { to: people.bob.id, text: 'to bob, no answer yet' });
	emu.sendAs(people.carol.id, { to: people.alice.id, text: 'from carol' });
	const { conversationId } = emu.createGroupAs(people.dave.id, [people.alice.id, people.bob.id], 'group hello');
	emu.sendAs(people.alice.id, { to: people.carol.id, text: 'latest to carol' });
	return conversationId;
}

describe.each(['oAuth2', 'oAuth1'])('%s', (kind) => {
	test('recent one-to-one partners, newest first, de-duplicated, named even when they never wrote back', async () => {
		seed();
		const result = await search('searchConversationPartners', { kind });
		expect(result.results).toEqual([
			{ name: 'Carol (@carol)', value: people.carol.id, url: 'https://x.com/carol' },
			{ name: 'Bob (@bob)', value: people.bob.id, url: 'https://x.com/bob' },
		]);
		expect(result.paginationToken).toBeUndefined();
	});

	test('recent conversations, one-to-one and groups', async () => {
		const groupId = seed();
		const result = await search('searchConversations', { kind });
		const carolConversation = [people.alice.id, people.carol.id].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)).join('-');
		expect(result.results.map((entry) => entry.value)).toEqual([
			carolConversation,
			groupId,
			expect.stringContaining(people.bob.id),
		]);
		expect(result.results[0]).toMatchObject({ name: 'Carol (@carol)', url: `https://x.com/messages/${carolConversation}` });
		expect(result.results[1].name).toMatch(/^Group: /);
		expect(result.results[1].name).toContain('Dave (@dave)');
	});
});

test('the filter matches names, usernames and IDs', async () => {
	seed();
	expect((await search('searchConversationPartners', { filter: '@car' })).results.map((entry) => entry.value)).toEqual([people.carol.id]);
	expect((await search('searchConversationPartners', { filter: 'BOB' })).results.map((entry) => entry.value)).toEqual([people.bob.id]);
	expect((await search('searchConversations', { filter: 'dave' })).results).toHaveLength(1);
	expect((await search('searchConversations', { filter: 'nobody' })).results).toEqual([]);
});

test('a long history is offered page by page with X pagination tokens', async () => {
	for (let index = 0; index < 150; index++) emu.sendAs(people.bob.id, { to: people.alice.id, text: `spam ${index}` });
	emu.sendAs(people.carol.id, { to: people.alice.id, text: 'old but relevant' });
	for (let index = 0; index < 150; index++) emu.sendAs(people.bob.id, { to: people.alice.id, text: `more ${index}` });
	const first = await search('searchConversationPartners');
	expect(first.results.map((entry) => entry.value)).toEqual([people.bob.id]);
	expect(typeof first.paginationToken).toBe('string');
	const second = await search('searchConversationPartners', { paginationToken: first.paginationToken });
	expect(second.results.map((entry) => entry.value)).toEqual([people.bob.id, people.carol.id]);
	const listCalls = apiRequests(emu).filter((request) => request.path === '/2/dm_events');
	expect(listCalls.map((request) => request.query.max_results)).toEqual(['100', '100']);
});

test('partners who never wrote back are named through one users lookup', async () => {
	emu.sendAs(people.alice.id, { to: people.bob.id, text: 'hello?' });
	emu.sendAs(people.alice.id, { to: people.dave.id, text: 'anyone?' });
	const result = await search('searchConversationPartners');
	expect(result.results.map((entry) => entry.name)).toEqual(['Dave (@dave)', 'Bob (@bob)']);
	const lookups = apiRequests(emu).filter((request) => request.path === '/2/users');
	expect(lookups).toHaveLength(1);
	expect(lookups[0].query.ids.split(',').sort()).toEqual([people.bob.id, people.dave.id].sort());
});

test('an empty inbox gives an empty list', async () => {
	expect(await search('searchConversations')).toEqual({ results: [], paginationToken: undefined });
});
