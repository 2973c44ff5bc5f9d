import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { eventFieldProperties, eventIdProperty, optionsCollection, requestOptions } from '../../../shared/properties';
import { xApiRequest } from '../../../shared/transport';
import { eventOutput, readEventId, readEventQuery } from './shared';

export const description = updateDisplayOptions({ show: { resource: ['event'], operation: ['get'] } }, [
	eventIdProperty('ID of the DM event (dm_event_id)'),
	...eventFieldProperties,
	optionsCollection(requestOptions),
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const eventId = readEventId.call(this, itemIndex);
	const qs = readEventQuery.call(this, itemIndex);
	const { body } = await xApiRequest.call(this, { method: 'GET', path: `/2/dm_events/${eventId}`, qs, itemIndex });
	const event = body.data as IDataObject | undefined;
	if (!event || typeof event !== 'object') {
		throw new NodeOperationError(this.getNode(), `X returned no DM event for ID ${eventId}`, { itemIndex });
	}
	return eventOutput.call(this, [event], body.includes as IDataObject | undefined, itemIndex);
}
