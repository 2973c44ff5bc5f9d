import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { blockDescription, setDmBlock } from './setDmBlock';

export const blockDms = {
	description: blockDescription('blockDms'),
	execute: async function (this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
		return await setDmBlock.call(this, itemIndex, true);
	},
};

export const unblockDms = {
	description: blockDescription('unblockDms'),
	execute: async function (this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
		return await setDmBlock.call(this, itemIndex, false);
	},
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['user'] } },
		options: [
			{
				name: 'Block DMs',
				value: 'blockDms',
				description: 'Block Direct Messages from a user',
				action: 'Block dms from a user',
			},
			{
				name: 'Unblock DMs',
				value: 'unblockDms',
				description: 'Unblock Direct Messages from a user',
				action: 'Unblock dms from a user',
			},
		],
		default: 'blockDms',
	},
	...blockDms.description,
	...unblockDms.description,
];
