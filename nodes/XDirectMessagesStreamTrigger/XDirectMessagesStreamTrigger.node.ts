import type { INodeType, INodeTypeDescription, ITriggerFunctions, ITriggerResponse } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { activate } from './activate';
import { streamTriggerProperties } from './description';

export class XDirectMessagesStreamTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'X Direct Messages Stream Trigger',
		name: 'xDirectMessagesStreamTrigger',
		icon: { light: 'file:../../icons/x-dm.svg', dark: 'file:../../icons/x-dm.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "Stream: " + ($parameter["events"] || []).join(", ") }}',
		description: "Starts the workflow the moment X streams a Direct Message event to n8n (X's Activity stream: no public URL, no polling)",
		defaults: { name: 'X Direct Messages Stream Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'xDmOAuth2Api', required: true }],
		properties: streamTriggerProperties,
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		return await activate.call(this);
	}
}
