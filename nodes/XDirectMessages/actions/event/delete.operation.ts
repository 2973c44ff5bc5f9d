import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { executeApi } from '../../../shared/connection';
import { decodeDeleted } from '../../../shared/models';
import { optionsCollection } from '../common';
import { eventIdProperty, readEventId } from './shared';

const show = { resource: ['event'], operation: ['delete'] };

export const description: INodeProperties[] = [
	eventIdProperty(show, 'ID of the DM event to delete. X deletes it for the authenticated user only.'),
	optionsCollection(show),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const eventId = readEventId.call(this, itemIndex);
	const { body } = await executeApi(this, itemIndex).write('DELETE', `/2/dm_events/${eventId}`);
	return [{ dm_event_id: eventId, deleted: decodeDeleted(body) }];
}
