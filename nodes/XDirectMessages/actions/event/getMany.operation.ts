import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { EVENT_TYPES, eventFieldProperties } from '../../../shared/descriptions';
import { paginateDmEvents } from '../../../shared/transport';
import { invalidParameter, parseConversationLocator, parseUserLocator, validateLimit } from '../../../shared/validation';
import { conversationLocatorProperty, optionsCollection, resolveUser, userLocatorProperty } from '../common';
import { eventOutput, readChoices, readEventQuery } from './shared';

const show = { resource: ['event'], operation: ['getMany'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Scope',
		name: 'scope',
		type: 'options',
		options: [
			{ name: 'All Conversations', value: 'all', description: 'Events of all your conversations' },
			{ name: 'Conversation', value: 'conversation', description: 'Events of one conversation (one-to-one or group)' },
			{ name: 'One-to-One With User', value: 'participant', description: 'Events of your one-to-one conversation with a user' },
		],
		default: 'all',
		description: 'Which events to list. X returns events of the last 30 days, newest first.',
		displayOptions: { show },
	},
	userLocatorProperty('participant', 'User', { ...show, scope: ['participant'] }, 'The other user of the one-to-one conversation'),
	conversationLocatorProperty({ ...show, scope: ['conversation'] }),
	{
		displayName: 'Event Types',
		name: 'eventTypes',
		type: 'multiOptions',
		options: EVENT_TYPES.map((type) => ({ name: type, value: type })),
		default: [],
		description: 'Only return events of these types. Leave empty for all types.',
		displayOptions: { show },
	},
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: { show },
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { ...show, returnAll: [false] } },
	},
	...eventFieldProperties(show),
	optionsCollection(show),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const scope = this.getNodeParameter('scope', itemIndex, 'all') as string;
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) === true;
	const limit = returnAll ? undefined : validateLimit(this, this.getNodeParameter('limit', itemIndex, 50), itemIndex);
	const qs = readEventQuery.call(this, itemIndex, readChoices.call(this, 'eventTypes', 'Event Types', EVENT_TYPES, itemIndex));

	let path: string;
	if (scope === 'all') {
		path = '/2/dm_events';
	} else if (scope === 'conversation') {
		const conversationId = parseConversationLocator(this, this.getNodeParameter('conversation', itemIndex), 'Conversation', itemIndex);
		path = `/2/dm_conversations/${conversationId}/dm_events`;
	} else if (scope === 'participant') {
		const reference = parseUserLocator(this, this.getNodeParameter('participant', itemIndex), 'User', itemIndex);
		const user = await resolveUser.call(this, reference, itemIndex);
		path = `/2/dm_conversations/with/${user.id}/dm_events`;
	} else {
		throw invalidParameter(this, itemIndex, `Scope: unknown value "${scope}"`);
	}

	const { events, includes } = await paginateDmEvents.call(this, { path, qs, limit, itemIndex });
	return eventOutput.call(this, events, includes, itemIndex);
}
