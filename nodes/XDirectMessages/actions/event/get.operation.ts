import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { eventFieldProperties } from '../../../shared/descriptions';
import { xApiRequest } from '../../../shared/transport';
import { validateId } from '../../../shared/validation';
import { optionsCollection } from '../common';
import { readEventQuery, shapeEvents } from './shared';

const show = { resource: ['event'], operation: ['get'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Event ID',
		name: 'eventId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 1582103724607971332',
		description: 'ID of the DM event (dm_event_id)',
		displayOptions: { show },
	},
	...eventFieldProperties(show),
	optionsCollection(show),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const eventId = validateId(this, this.getNodeParameter('eventId', itemIndex, ''), 'Event ID', itemIndex, 'event ID');
	const qs = readEventQuery.call(this, itemIndex);
	const { body } = await xApiRequest.call(this, { method: 'GET', path: `/2/dm_events/${eventId}`, qs, itemIndex });
	const event = body.data as IDataObject | undefined;
	if (!event || typeof event !== 'object') {
		throw new NodeOperationError(this.getNode(), `X returned no DM event for ID ${eventId}`, { itemIndex });
	}
	return shapeEvents.call(this, [event], body.includes as IDataObject | undefined, itemIndex);
}
