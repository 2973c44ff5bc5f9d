// The "From Recent Conversations" list modes of both nodes' pickers, called as the editor calls them (n8n-core's
// LoadOptionsContext on a node of each type, built from the TypeScript sources) against the emulator.
import type { ICredentialType, INodeListSearchResult, INodeType } from 'n8n-workflow';

import { XDmOAuth1Api } from '../../../credentials/XDmOAuth1Api.credentials';
import { XDmOAuth2Api } from '../../../credentials/XDmOAuth2Api.credentials';
import { XDirectMessages } from '../../../nodes/XDirectMessages/XDirectMessages.node';
import { XDirectMessagesTrigger } from '../../../nodes/XDirectMessagesTrigger/XDirectMessagesTrigger.node';
import type { Emulator } from '../../fixtures/emulator';
import { startEmulator } from '../../fixtures/emulator';

const harness = require('../../helpers/n8n-harness');
const { addPeople } = require('../../helpers/x-node');

const PACKAGE_NAME = 'n8n-nodes-x-dm';
const NODE_TYPES: Record<string, INodeType> = {
	xDirectMessages: new XDirectMessages(),
	xDirectMessagesTrigger: new XDirectMessagesTrigger(),
};
const CREDENTIAL_TYPES: Record<string, ICredentialType> = {
	xDmOAuth2Api: new XDmOAuth2Api(),
	xDmOAuth1Api: new XDmOAuth1Api(),
};

/** What the harness needs of n8n's package loader, served from the sources instead of dist/. */
const sourceLoader = {
	packageName: PACKAGE_NAME,
	credentialTypes: CREDENTIAL_TYPES,
	getCredential: (name: string) => ({ type: CREDENTIAL_TYPES[name] }),
	getNode: (name: string) => ({ type: NODE_TYPES[name] }),
};

let emu: Emulator;
let people: Record<'alice' | 'bob' | 'carol' | 'dave', { id: string }>;

beforeAll(async () => {
	emu = await startEmulator();
});

afterAll(async () => {
	await emu.close();
	harness.shutdown();
});

beforeEach(() => {
	emu.reset();
	people = addPeople(emu);
	emu.sendAs(people.alice.id, { to: people.bob.id, text: 'to bob' });
	emu.sendAs(people.carol.id, { to: people.alice.id, text: 'from carol' });
	emu.createGroupAs(people.dave.id, [people.alice.id, people.bob.id], 'group hello');
});

async function search(type: string, parameters: Record<string, unknown>, method: string, kind: string): Promise<INodeListSearchResult> {
	const setup = harness.credentialSetup(emu, people.alice, kind);
	const node = {
		id: 'node',
		name: 'Node',
		type: `${PACKAGE_NAME}.${type}`,
		typeVersion: 1,
		position: [0, 0],
		parameters: { authentication: setup.authentication, ...parameters },
		credentials: setup.nodeCredentials,
	};
	const { result } = await harness.listSearch({ loader: sourceLoader, node, credentials: setup.credentials, method });
	return result;
}

describe.each(['oAuth2', 'oAuth1'])('%s', (kind) => {
	test("the trigger's user picker lists the same people as the action node's", async () => {
		const fromTrigger = await search('xDirectMessagesTrigger', { scope: 'participant' }, 'searchConversationPartners', kind);
		const fromAction = await search('xDirectMessages', { resource: 'event', operation: 'getMany', scope: 'participant' }, 'searchConversationPartners', kind);
		expect(fromTrigger.results.map((entry) => entry.value)).toEqual([people.carol.id, people.bob.id]);
		expect(fromTrigger).toEqual(fromAction);
	});

	test("the trigger's conversation picker lists the same conversations as the action node's", async () => {
		const fromTrigger = await search('xDirectMessagesTrigger', { scope: 'conversation' }, 'searchConversations', kind);
		const fromAction = await search('xDirectMessages', { resource: 'message', operation: 'sendToConversation' }, 'searchConversations', kind);
		expect(fromTrigger.results).toHaveLength(3);
		expect(fromTrigger.results.map((entry) => entry.name)).toContainEqual(expect.stringMatching(/^Group: /));
		expect(fromTrigger).toEqual(fromAction);
	});
});
