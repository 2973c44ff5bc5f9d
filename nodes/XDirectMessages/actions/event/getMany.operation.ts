import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { executeApi } from '../../../shared/connection';
import { EVENT_TYPES } from '../../../shared/event-query';
import { parseConversationLocator, parseUserLocator } from '../../../shared/locators';
import type { DmEvent, XIncludes } from '../../../shared/models';
import { mergeIncludes } from '../../../shared/models';
import {
	eventFieldProperties,
	eventTypesProperty,
	optionsCollection,
	requestOptions,
	scopeProperties,
} from '../../../shared/properties';
import type { XApi } from '../../../shared/transport';
import { dmEventPages } from '../../../shared/transport';
import { invalidParameter, validateLimit } from '../../../shared/validation';
import { resolveUser } from '../recipients';
import { eventOutput, readChoices, readEventQuery } from './shared';

const properties: INodeProperties[] = [
	...scopeProperties,
	eventTypesProperty([]),
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
	...eventFieldProperties,
	optionsCollection(requestOptions),
];

export const description = updateDisplayOptions({ show: { resource: ['event'], operation: ['getMany'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const scope = this.getNodeParameter('scope', itemIndex, 'all');
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) === true;
	const limit = returnAll ? undefined : validateLimit(this, this.getNodeParameter('limit', itemIndex, 50), itemIndex);
	const qs = readEventQuery.call(this, itemIndex, readChoices.call(this, 'eventTypes', 'Event Types', EVENT_TYPES, itemIndex));

	let path: string;
	let client: XApi | undefined;
	const api = () => (client ??= executeApi(this, itemIndex));
	if (scope === 'all') {
		path = '/2/dm_events';
	} else if (scope === 'conversation') {
		const conversationId = parseConversationLocator(this, this.getNodeParameter('conversation', itemIndex), 'Conversation', itemIndex);
		path = `/2/dm_conversations/${conversationId}/dm_events`;
	} else if (scope === 'participant') {
		const reference = parseUserLocator(this, this.getNodeParameter('participant', itemIndex), 'User', itemIndex);
		const user = await resolveUser.call(this, api(), reference, itemIndex, 'User');
		path = `/2/dm_conversations/with/${user.id}/dm_events`;
	} else {
		throw invalidParameter(this, itemIndex, `Scope: unknown value "${String(scope)}"`);
	}

	const events: DmEvent[] = [];
	const includes: XIncludes = {};
	for await (const page of dmEventPages(api(), { path, qs, limit })) {
		events.push(...page.newEvents);
		mergeIncludes(includes, page.includes);
	}
	return eventOutput.call(this, events, includes, itemIndex);
}
