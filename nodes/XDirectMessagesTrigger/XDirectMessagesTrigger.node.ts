import type { INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { listSearch } from '../shared/listSearch';
import { scopeSubtitle } from '../shared/properties';
import { triggerProperties } from './description';
import { pollDirectMessages } from './poll';

export class XDirectMessagesTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'X Direct Messages Trigger',
		name: 'xDirectMessagesTrigger',
		icon: { light: 'file:../../icons/x-dm.svg', dark: 'file:../../icons/x-dm.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: scopeSubtitle,
		description: 'Starts the workflow when new X (Twitter) Direct Message events arrive',
		defaults: { name: 'X Direct Messages Trigger' },
		polling: true,
		inputs: [],
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
		properties: triggerProperties,
	};

	methods = { listSearch };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollDirectMessages.call(this);
	}
}
