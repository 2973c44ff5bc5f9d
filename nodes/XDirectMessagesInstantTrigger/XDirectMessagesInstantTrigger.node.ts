import type { IHookFunctions, INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { instantTriggerProperties } from './description';
import { checkExists, create, remove } from './lifecycle';
import { receive } from './receive';

export class XDirectMessagesInstantTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'X Direct Messages Instant Trigger',
		name: 'xDirectMessagesInstantTrigger',
		icon: { light: 'file:../../icons/x-dm.svg', dark: 'file:../../icons/x-dm.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "Instant: " + ($parameter["events"] || []).join(", ") }}',
		description: 'Starts the workflow the moment X delivers a Direct Message event to n8n (webhook, no polling)',
		defaults: { name: 'X Direct Messages Instant Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'xDmOAuth2Api', required: true }],
		// X checks the URL with a GET (CRC) and delivers events with POSTs to the same URL.
		webhooks: [
			{ name: 'setup', httpMethod: 'GET', responseMode: 'onReceived', path: 'webhook' },
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		],
		properties: instantTriggerProperties,
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await checkExists.call(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await create.call(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await remove.call(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receive.call(this);
	}
}
