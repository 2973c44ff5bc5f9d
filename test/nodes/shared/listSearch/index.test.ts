// The "From Recent Conversations" list modes of both nodes' pickers, called as the editor calls them (n8n-core's
// LoadOptionsContext on a node of each type, loaded from the TypeScript sources) against the emulator.
import type { INodeListSearchResult, INodeParameters } from 'n8n-workflow';

import { search } from '../../../fixtures/list-search';
import { ACTION_NODE_TYPE, TRIGGER_NODE_TYPE } from '../../../fixtures/n8n';
import { AUTH_KINDS, useEmulator, type AuthKind } from '../../../fixtures/x-node';

const x = useEmulator();

beforeEach(() => {
	const { emu, people } = x;
	emu.sendAs(people.alice.id, { to: people.bob.id, text: 'to bob' });
	emu.sendAs(people.carol.id, { to: people.alice.id, text: 'from carol' });
	emu.createGroupAs(people.dave.id, [people.alice.id, people.bob.id], 'group hello');
});

const searchIn = async (type: string, parameters: INodeParameters, method: string, kind: AuthKind): Promise<INodeListSearchResult> =>
	await search(x, method, { type, parameters, kind });

describe.each(AUTH_KINDS)('%s', (kind) => {
	test("the trigger's user picker lists the same people as the action node's", async () => {
		const { people } = x;
		const fromTrigger = await searchIn(TRIGGER_NODE_TYPE, { scope: 'participant' }, 'searchConversationPartners', kind);
		const fromAction = await searchIn(ACTION_NODE_TYPE, { resource: 'event', operation: 'getMany', scope: 'participant' }, 'searchConversationPartners', kind);
		expect(fromTrigger.results.map((entry) => entry.value)).toEqual([people.carol.id, people.bob.id]);
		expect(fromTrigger).toEqual(fromAction);
	});

	test("the trigger's conversation picker lists the same conversations as the action node's", async () => {
		const fromTrigger = await searchIn(TRIGGER_NODE_TYPE, { scope: 'conversation' }, 'searchConversations', kind);
		const fromAction = await searchIn(ACTION_NODE_TYPE, { resource: 'message', operation: 'sendToConversation' }, 'searchConversations', kind);
		expect(fromTrigger.results).toHaveLength(3);
		expect(fromTrigger.results.map((entry) => entry.name)).toContainEqual(expect.stringMatching(/^Group: /));
		expect(fromTrigger).toEqual(fromAction);
	});
});
