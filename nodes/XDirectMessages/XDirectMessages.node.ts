import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { listSearch } from '../shared/listSearch';
import { authenticationProperty } from '../shared/properties';
import * as conversation from './actions/conversation';
import * as event from './actions/event';
import * as message from './actions/message';
import { router } from './actions/router';
import * as user from './actions/user';

export class XDirectMessages implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'X Direct Messages',
		name: 'xDirectMessages',
		icon: { light: 'file:../../icons/x-dm.svg', dark: 'file:../../icons/x-dm.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Send and read X (Twitter) Direct Messages through the X API v2',
		defaults: {
			name: 'X Direct Messages',
		},
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		// Literal credential names, so n8n's lint and verification scanner can check them.
		credentials: [
			{
				name: 'xDmOAuth2Api',
				required: true,
				displayOptions: { show: { authentication: ['oAuth2'] } },
			},
			{
				name: 'xDmOAuth1Api',
				required: true,
				displayOptions: { show: { authentication: ['oAuth1'] } },
			},
		],
		properties: [
			authenticationProperty,
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Conversation', value: 'conversation' },
					{ name: 'Event', value: 'event' },
					{ name: 'Message', value: 'message' },
					{ name: 'User', value: 'user' },
				],
				default: 'message',
			},
			...message.description,
			...conversation.description,
			...event.description,
			...user.description,
		],
	};

	methods = { listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
