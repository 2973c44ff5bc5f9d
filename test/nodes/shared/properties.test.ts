// The editor descriptions of both nodes: every operation's parameters are placed for that operation, no context shows
// two parameters of one name, both nodes use one vocabulary, and saved workflows keep their meaning.
import fs from 'node:fs';
import path from 'node:path';

import type { INodeProperties, INodePropertyOptions, INodeType, NodeParameterValue } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { XDirectMessages } from '../../../nodes/XDirectMessages/XDirectMessages.node';
import * as conversation from '../../../nodes/XDirectMessages/actions/conversation';
import * as event from '../../../nodes/XDirectMessages/actions/event';
import * as message from '../../../nodes/XDirectMessages/actions/message';
import * as user from '../../../nodes/XDirectMessages/actions/user';
import { XDirectMessagesInstantTrigger } from '../../../nodes/XDirectMessagesInstantTrigger/XDirectMessagesInstantTrigger.node';
import { XDirectMessagesStreamTrigger } from '../../../nodes/XDirectMessagesStreamTrigger/XDirectMessagesStreamTrigger.node';
import { XDirectMessagesTrigger } from '../../../nodes/XDirectMessagesTrigger/XDirectMessagesTrigger.node';
import { toolVariant } from '../../fixtures/n8n';

const action = new XDirectMessages();
const trigger = new XDirectMessagesTrigger();
const instantTrigger = new XDirectMessagesInstantTrigger();
const streamTrigger = new XDirectMessagesStreamTrigger();
const actionTool = toolVariant(action);
const NODES: Array<[string, INodeType]> = [
	['xDirectMessages', action],
	['xDirectMessagesTrigger', trigger],
];

type OperationModule = { description: INodeProperties[] };
const RESOURCES: Record<string, { description: INodeProperties[]; operations: Record<string, OperationModule> }> = {
	message: { description: message.description, operations: { sendToUser: message.sendToUser, sendToConversation: message.sendToConversation } },
	conversation: { description: conversation.description, operations: { createGroup: conversation.createGroup } },
	event: { description: event.description, operations: { getMany: event.getMany, get: event.get, delete: event.delete, downloadAttachment: event.downloadAttachment } },
	user: { description: user.description, operations: { blockDms: user.blockDms, unblockDms: user.unblockDms } },
};

function properties(nodeType: INodeType): INodeProperties[] {
	return nodeType.description.properties;
}

function optionValues(property: INodeProperties): NodeParameterValue[] {
	return ((property.options ?? []) as INodePropertyOptions[]).map((option) => option.value);
}

describe('every operation places its parameters with its own resource and operation', () => {
	test.each(Object.entries(RESOURCES))('%s', (resource, { description, operations }) => {
		const [operation, ...rest] = description;
		expect(operation.name).toBe('operation');
		expect(operation.displayOptions).toEqual({ show: { resource: [resource] } });
		expect(optionValues(operation).sort()).toEqual(Object.keys(operations).sort());
		let placed = 0;
		for (const [name, module] of Object.entries(operations)) {
			expect(module.description.length).toBeGreaterThan(0);
			for (const property of module.description) {
				expect([property.name, property.displayOptions?.show?.resource]).toEqual([property.name, [resource]]);
				expect([property.name, property.displayOptions?.show?.operation]).toEqual([property.name, [name]]);
			}
			placed += module.description.length;
		}
		// The resource's description is its operation picker followed by exactly the operations' parameters.
		expect(rest).toHaveLength(placed);
	});

	test('the action node shows nothing but the credential and resource pickers outside an operation', () => {
		const unplaced = properties(action).filter((property) => property.displayOptions?.show?.resource === undefined);
		expect(unplaced.map((property) => property.name)).toEqual(['authentication', 'resource']);
	});
});

/** Every combination of the values of the parameters that other parameters' displayOptions depend on. */
function displayContexts(all: INodeProperties[]): Array<Record<string, NodeParameterValue>> {
	const keys = [...new Set(all.flatMap((property) => Object.keys(property.displayOptions?.show ?? {})))];
	let contexts: Array<Record<string, NodeParameterValue>> = [{}];
	for (const key of keys) {
		const owners = all.filter((property) => property.name === key);
		expect([key, owners.length > 0]).toEqual([key, true]);
		const values = [
			...new Set(owners.flatMap((owner) => (owner.type === 'boolean' ? [true, false] : optionValues(owner)))),
		];
		contexts = contexts.flatMap((context) => values.map((value) => ({ ...context, [key]: value })));
	}
	return contexts;
}

describe.each(NODES)('%s', (_name, nodeType) => {
	const all = properties(nodeType);

	test('no display context shows two parameters of one name, and every parameter is shown in some context', () => {
		const contexts = displayContexts(all);
		expect(contexts.length).toBeGreaterThan(1);
		const everShown = new Set<INodeProperties>();
		for (const context of contexts) {
			const shown = all.filter((property) =>
				NodeHelpers.displayParameter(context, property, { typeVersion: 1 }, nodeType.description),
			);
			const names = shown.map((property) => property.name);
			expect([context, names.filter((name, index) => names.indexOf(name) !== index)]).toEqual([context, []]);
			for (const property of shown) everShown.add(property);
		}
		expect(all.filter((property) => !everShown.has(property)).map((property) => property.name)).toEqual([]);
	});

	test('parameters of one name have one type and one label', () => {
		for (const property of all) {
			const first = all.find((other) => other.name === property.name) as INodeProperties;
			expect([property.name, property.type, property.displayName]).toEqual([first.name, first.type, first.displayName]);
		}
	});

	test('every list mode of a picker has its search method on the node', () => {
		const methods = all.flatMap((property) =>
			(property.modes ?? []).flatMap((mode) => (mode.typeOptions?.searchListMethod ? [mode.typeOptions.searchListMethod] : [])),
		);
		expect(methods.length).toBeGreaterThan(0);
		for (const method of methods) expect(typeof nodeType.methods?.listSearch?.[method]).toBe('function');
	});
});

/** A parameter as the editor presents it, without where it is shown. */
function presentation(property: INodeProperties): Partial<INodeProperties> {
	const { displayOptions: _displayOptions, ...rest } = property;
	// The event type filter starts differently: a new trigger fires on messages, a new Get Many lists every type.
	if (property.name === 'eventTypes') delete rest.default;
	// The options collections hold what each node supports; the entries they share are compared one by one.
	if (property.type === 'collection') delete rest.options;
	return rest;
}

describe('both nodes speak one vocabulary', () => {
	const shared = [...new Set(properties(trigger).map((property) => property.name))].filter((name) =>
		properties(action).some((property) => property.name === name),
	);

	test('the parameters both nodes have', () => {
		expect(shared.sort()).toEqual(
			['authentication', 'conversation', 'dmEventFields', 'eventTypes', 'expansions', 'mediaFields', 'options',
				'participant', 'resolveIncludes', 'scope', 'tweetFields', 'userFields'].sort(),
		);
	});

	test.each(shared)('%s has the same label, description, options and modes in both nodes', (name) => {
		const instances = [...properties(action), ...properties(trigger)].filter((property) => property.name === name);
		const [first, ...others] = instances.map(presentation);
		for (const other of others) expect(other).toEqual(first);
	});

	test('the options both nodes offer are the same', () => {
		const entries = [...properties(action), ...properties(trigger)]
			.filter((property) => property.name === 'options')
			.flatMap((collection) => (collection.options ?? []) as INodeProperties[]);
		for (const entry of entries) expect(entries.find((other) => other.name === entry.name)).toEqual(entry);
		const triggerEntries = ((properties(trigger).find((property) => property.name === 'options')?.options ?? []) as INodeProperties[]);
		expect(triggerEntries.map((entry) => entry.name)).toEqual(['costAwarePages', 'downloadAttachments', 'attachmentsField', 'timeout']);
	});

	test("the trigger's subtitle names the scope as the Scope parameter does", () => {
		const scope = properties(trigger).find((property) => property.name === 'scope') as INodeProperties;
		const subtitle = trigger.description.subtitle as string;
		for (const option of scope.options as INodePropertyOptions[]) expect(subtitle).toContain(`"${option.value}":"${option.name}"`);
	});
});

interface SavedParameter {
	type: string;
	defaults?: unknown[];
	values?: unknown[];
	modes?: string[];
	options?: Record<string, { type: string; default: unknown }>;
}
const V1: Record<string, { version: number; parameters: Record<string, SavedParameter> }> = JSON.parse(
	fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'saved-parameters-v1.json'), 'utf8'),
);

describe.each(NODES)('workflows saved with version 1 of %s keep their meaning', (name, nodeType) => {
	const saved = V1[name];
	const all = properties(nodeType);

	test('the node still answers to version 1', () => {
		const versions = ([] as number[]).concat(nodeType.description.version);
		expect(versions).toContain(saved.version);
	});

	test.each(Object.entries(saved.parameters))('%s', (parameter, expected) => {
		const instances = all.filter((property) => property.name === parameter);
		expect(instances.length).toBeGreaterThan(0);
		for (const property of instances) expect(property.type).toBe(expected.type);
		const defaults = [...new Set(instances.map((property) => JSON.stringify(property.default)))].map((json) => JSON.parse(json));
		if (expected.defaults) expect(defaults).toEqual(expected.defaults);
		const values = instances.flatMap(optionValues);
		for (const value of expected.values ?? []) expect(values).toContain(value);
		const modes = instances.flatMap((property) => (property.modes ?? []).map((mode) => mode.name));
		for (const mode of expected.modes ?? []) expect(modes).toContain(mode);
		const entries = instances.flatMap((property) => (property.options ?? []) as INodeProperties[]);
		for (const [entry, { type, default: defaultValue }] of Object.entries(expected.options ?? {})) {
			expect(entries.filter((option) => option.name === entry).map((option) => [option.type, option.default])).toContainEqual([type, defaultValue]);
		}
	});
});

describe('the example workflows load without parameter issues', () => {
	const examplesDir = path.join(__dirname, '..', '..', '..', 'examples');
	const nodes = fs
		.readdirSync(examplesDir)
		.filter((file) => file.endsWith('.json'))
		.flatMap((file) => JSON.parse(fs.readFileSync(path.join(examplesDir, file), 'utf8')).nodes.map((node: { name: string }) => [file, node.name, node]))
		.filter(([, , node]) => String(node.type).startsWith('n8n-nodes-x-dm.'));

	test('there are examples for every node', () => {
		expect(new Set(nodes.map(([, , node]) => node.type))).toEqual(
			new Set([
				'n8n-nodes-x-dm.xDirectMessages',
				'n8n-nodes-x-dm.xDirectMessagesTool',
				'n8n-nodes-x-dm.xDirectMessagesTrigger',
				'n8n-nodes-x-dm.xDirectMessagesInstantTrigger',
				'n8n-nodes-x-dm.xDirectMessagesStreamTrigger',
			]),
		);
	});

	test.each(nodes)('%s: %s', (_file, _name, node) => {
		const nodeType = node.type.endsWith('StreamTrigger') ? streamTrigger : node.type.endsWith('InstantTrigger') ? instantTrigger : node.type.endsWith('Trigger') ? trigger : node.type.endsWith('Tool') ? actionTool : action;
		expect(NodeHelpers.getNodeParametersIssues(nodeType.description.properties, node, nodeType.description)).toBeNull();
		const { pollTimes: _pollTimes, ...parameters } = node.parameters;
		for (const [parameter, value] of Object.entries(parameters)) {
			const shown = properties(nodeType).filter(
				(property) => property.name === parameter && NodeHelpers.displayParameter(parameters, property, node, nodeType.description),
			);
			expect([parameter, shown.length]).toEqual([parameter, 1]);
			const allowed = optionValues(shown[0]);
			if (shown[0].type === 'options') expect(allowed).toContain(value);
			if (shown[0].type === 'multiOptions') for (const entry of value as NodeParameterValue[]) expect(allowed).toContain(entry);
		}
	});
});
