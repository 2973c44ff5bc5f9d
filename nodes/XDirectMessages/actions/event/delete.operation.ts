import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { executeApi } from '../../../shared/connection';
import { decodeDeleted } from '../../../shared/models';
import { eventIdProperty, optionsCollection, requestOptions } from '../../../shared/properties';
import { readEventId } from './shared';

export const description = updateDisplayOptions({ show: { resource: ['event'], operation: ['delete'] } }, [
	eventIdProperty('ID of the DM event to delete. X deletes it for the authenticated user only.'),
	optionsCollection(requestOptions),
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const eventId = readEventId.call(this, itemIndex);
	const { body } = await executeApi(this, itemIndex).write('DELETE', `/2/dm_events/${eventId}`);
	return [{ dm_event_id: eventId, deleted: decodeDeleted(body) }];
}
