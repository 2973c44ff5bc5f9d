import type { INodeProperties } from 'n8n-workflow';

import * as deleteEvent from './delete.operation';
import * as downloadAttachment from './downloadAttachment.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';

export { deleteEvent as delete, downloadAttachment, get, getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['event'] } },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a DM event for the authenticated user',
				action: 'Delete a DM event',
			},
			{
				name: 'Download Attachment',
				value: 'downloadAttachment',
				description: 'Download the media attached to a DM event into a binary field (OAuth2 only)',
				action: 'Download a DM attachment',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a DM event by ID',
				action: 'Get a DM event',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List DM events, newest first, of all conversations, one conversation or a one-to-one chat',
				action: 'Get many DM events',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
	...get.description,
	...deleteEvent.description,
	...downloadAttachment.description,
];
