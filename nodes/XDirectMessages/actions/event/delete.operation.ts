import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { eventIdProperty, optionsCollection, requestOptions } from '../../../shared/properties';
import { xApiRequest } from '../../../shared/transport';
import { readEventId } from './shared';

export const description = updateDisplayOptions({ show: { resource: ['event'], operation: ['delete'] } }, [
	eventIdProperty('ID of the DM event to delete. X deletes it for the authenticated user only.'),
	optionsCollection(requestOptions),
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const eventId = readEventId.call(this, itemIndex);
	const { body } = await xApiRequest.call(this, { method: 'DELETE', path: `/2/dm_events/${eventId}`, itemIndex });
	const data = (body.data as IDataObject | undefined) ?? {};
	return [{ dm_event_id: eventId, deleted: data.deleted === true }];
}
