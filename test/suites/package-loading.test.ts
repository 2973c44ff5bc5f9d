// The package as n8n loads it (PackageDirectoryLoader over package.json's `n8n` section), here from the sources:
// the nodes and credentials it declares, the AI-tool variant of the action node, and the OAuth2 scopes the tests'
// tokens are issued with. The package's entry classes (the files package.json names) are imported only to check
// which files the loader read.
import { NodeConnectionTypes, NodeHelpers } from 'n8n-workflow';

import { XDmOAuth1Api } from '../../credentials/XDmOAuth1Api.credentials';
import { XDmOAuth2Api } from '../../credentials/XDmOAuth2Api.credentials';
import { XDirectMessages } from '../../nodes/XDirectMessages/XDirectMessages.node';
import { XDirectMessagesTrigger } from '../../nodes/XDirectMessagesTrigger/XDirectMessagesTrigger.node';
import { XDirectMessagesInstantTrigger } from '../../nodes/XDirectMessagesInstantTrigger/XDirectMessagesInstantTrigger.node';
import { XDirectMessagesStreamTrigger } from '../../nodes/XDirectMessagesStreamTrigger/XDirectMessagesStreamTrigger.node';
import { OAUTH2_SCOPES } from '../fixtures/credentials';
import { ACTION_NODE_TYPE, ACTION_TOOL_NODE_TYPE, loadPackage, makeNodeTypes, shutdown, TRIGGER_NODE_TYPE } from '../fixtures/n8n';

afterAll(() => shutdown());

test('the nodes and credentials of package.json load from their TypeScript sources', async () => {
	const loader = await loadPackage();
	expect(Object.keys(loader.nodeTypes).sort()).toEqual(['xDirectMessages', 'xDirectMessagesInstantTrigger', 'xDirectMessagesStreamTrigger', 'xDirectMessagesTrigger']);
	expect(Object.keys(loader.credentialTypes).sort()).toEqual(['xDmOAuth1Api', 'xDmOAuth2Api']);
	expect(loader.known.nodes.xDirectMessages.sourcePath).toBe('dist/nodes/XDirectMessages/XDirectMessages.node.js');
	// The classes are the ones the .ts entry files export (jest keeps one module instance per file), not dist/'s.
	expect(loader.getNode('xDirectMessages').type).toBeInstanceOf(XDirectMessages);
	expect(loader.getNode('xDirectMessagesTrigger').type).toBeInstanceOf(XDirectMessagesTrigger);
	expect(loader.getNode('xDirectMessagesInstantTrigger').type).toBeInstanceOf(XDirectMessagesInstantTrigger);
	expect(loader.getNode('xDirectMessagesStreamTrigger').type).toBeInstanceOf(XDirectMessagesStreamTrigger);
	expect(loader.getCredential('xDmOAuth2Api').type).toBeInstanceOf(XDmOAuth2Api);
	expect(loader.getCredential('xDmOAuth1Api').type).toBeInstanceOf(XDmOAuth1Api);
	// The codex next to the source (X.node.json) is read as n8n reads it next to the compiled file.
	expect(loader.getNode('xDirectMessages').type.description.codex).toEqual(expect.objectContaining({ categories: expect.any(Array) }));
	// Credentials are known by the nodes that use them.
	expect(loader.known.credentials.xDmOAuth2Api.supportedNodes?.sort()).toEqual(['xDirectMessages', 'xDirectMessagesInstantTrigger', 'xDirectMessagesStreamTrigger', 'xDirectMessagesTrigger']);
});

test('the action node has the AI-tool variant n8n derives from usableAsTool; the trigger has none', async () => {
	const nodeTypes = makeNodeTypes(await loadPackage());
	const action = nodeTypes.getByNameAndVersion(ACTION_NODE_TYPE, 1);
	const tool = nodeTypes.getByNameAndVersion(ACTION_TOOL_NODE_TYPE, 1);
	expect(tool.description).toMatchObject({
		name: 'xDirectMessagesTool',
		displayName: 'X Direct Messages Tool',
		inputs: [],
		outputs: [NodeConnectionTypes.AiTool],
	});
	expect(tool.description.usableAsTool).toBeUndefined();
	expect(NodeHelpers.isTool(tool.description, {})).toBe(true);
	expect(tool.description.properties.map((property) => property.name).slice(0, 2)).toEqual(['descriptionType', 'toolDescription']);
	// Same parameters and the same execute as the node itself; the node's own description is untouched.
	expect(tool.description.properties.slice(2)).toEqual(action.description.properties);
	expect(tool.execute).toBe(action.execute);
	expect(action.description.name).toBe('xDirectMessages');
	expect(() => nodeTypes.getByNameAndVersion(`${TRIGGER_NODE_TYPE}Tool`, 1)).toThrow(/not usable as a tool/);
});

test("the tests' OAuth2 tokens carry exactly the scopes the OAuth2 credential asks for", async () => {
	const loader = await loadPackage();
	const scope = loader.getCredential('xDmOAuth2Api').type.properties.find((property) => property.name === 'scope');
	expect(scope?.default).toBe(OAUTH2_SCOPES.join(' '));
});
