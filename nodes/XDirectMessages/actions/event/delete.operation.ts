import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { xApiRequest } from '../../../shared/transport';
import { optionsCollection } from '../common';
import { eventIdProperty, readEventId } from './shared';

const show = { resource: ['event'], operation: ['delete'] };

export const description: INodeProperties[] = [
	eventIdProperty(show, 'ID of the DM event to delete. X deletes it for the authenticated user only.'),
	optionsCollection(show),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const eventId = readEventId.call(this, itemIndex);
	const { body } = await xApiRequest.call(this, { method: 'DELETE', path: `/2/dm_events/${eventId}`, itemIndex });
	const data = (body.data as IDataObject | undefined) ?? {};
	return [{ dm_event_id: eventId, deleted: data.deleted === true }];
}
