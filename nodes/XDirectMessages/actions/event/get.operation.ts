import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { executeApi } from '../../../shared/connection';
import { decodeDmEvent } from '../../../shared/models';
import { eventFieldProperties, eventIdProperty, optionsCollection, requestOptions } from '../../../shared/properties';
import { eventOutput, readEventId, readEventQuery } from './shared';

export const description = updateDisplayOptions({ show: { resource: ['event'], operation: ['get'] } }, [
	eventIdProperty('ID of the DM event (dm_event_id)'),
	...eventFieldProperties,
	optionsCollection(requestOptions),
]);

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
