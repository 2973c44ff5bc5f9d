import type { INodeProperties } from 'n8n-workflow';

import * as sendToConversation from './sendToConversation.operation';
import * as sendToUser from './sendToUser.operation';

export { sendToConversation, sendToUser };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'] } },
		options: [
			{
				name: 'Send to Conversation',
				value: 'sendToConversation',
				description: 'Send a message into an existing one-to-one or group conversation',
				action: 'Send a message to a conversation',
			},
			{
				name: 'Send to User',
				value: 'sendToUser',
				description: 'Send a one-to-one message to a user',
				action: 'Send a message to a user',
			},
		],
		default: 'sendToUser',
	},
	...sendToUser.description,
	...sendToConversation.description,
];
