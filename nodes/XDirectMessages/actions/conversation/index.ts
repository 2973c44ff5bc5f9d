import type { INodeProperties } from 'n8n-workflow';

import * as createGroup from './createGroup.operation';

export { createGroup };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['conversation'] } },
		options: [
			{
				name: 'Create Group',
				value: 'createGroup',
				description: 'Create a group conversation and send its first message',
				action: 'Create a group conversation',
			},
		],
		default: 'createGroup',
	},
	...createGroup.description,
];
