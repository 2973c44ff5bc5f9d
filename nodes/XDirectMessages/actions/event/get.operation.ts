import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { eventFieldProperties } from '../../../shared/descriptions';
import { executeApi } from '../../../shared/connection';
import { decodeDmEvent } from '../../../shared/models';
import { optionsCollection } from '../common';
import { eventIdProperty, eventOutput, readEventId, readEventQuery } from './shared';

const show = { resource: ['event'], operation: ['get'] };

export const description: INodeProperties[] = [
	eventIdProperty(show, 'ID of the DM event (dm_event_id)'),
	...eventFieldProperties(show),
	optionsCollection(show),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const eventId = readEventId.call(this, itemIndex);
	const qs = readEventQuery.call(this, itemIndex);
	const { body } = await executeApi(this, itemIndex).get(`/2/dm_events/${eventId}`, qs);
	const { event, includes } = decodeDmEvent(body);
	if (!event) {
		throw new NodeOperationError(this.getNode(), `X returned no DM event for ID ${eventId}`, { itemIndex });
	}
	return eventOutput.call(this, [event], includes, itemIndex);
}
