import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { xApiRequest } from '../../../shared/transport';
import { validateId } from '../../../shared/validation';
import { optionsCollection } from '../common';

const show = { resource: ['event'], operation: ['delete'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Event ID',
		name: 'eventId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 1582103724607971332',
		description: 'ID of the DM event to delete. X deletes it for the authenticated user only.',
		displayOptions: { show },
	},
	optionsCollection(show),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const eventId = validateId(this, this.getNodeParameter('eventId', itemIndex, ''), 'Event ID', itemIndex, 'event ID');
	const { body } = await xApiRequest.call(this, { method: 'DELETE', path: `/2/dm_events/${eventId}`, itemIndex });
	const data = (body.data as IDataObject | undefined) ?? {};
	return [{ dm_event_id: eventId, deleted: data.deleted === true }];
}
