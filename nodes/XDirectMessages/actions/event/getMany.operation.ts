import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { EVENT_TYPES, eventFieldProperties } from '../../../shared/descriptions';
import { executeApi } from '../../../shared/connection';
import type { DmEvent, XIncludes } from '../../../shared/models';
import { mergeIncludes } from '../../../shared/models';
import type { XApi } from '../../../shared/transport';
import { dmEventPages } from '../../../shared/transport';
import { invalidParameter, parseConversationLocator, parseUserLocator, validateLimit } from '../../../shared/validation';
import { conversationLocatorProperty, optionsCollection, userLocatorProperty } from '../common';
import { resolveUser } from '../recipients';
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
		const user = await resolveUser.call(this, api(), reference, itemIndex);
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
