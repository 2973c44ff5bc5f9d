import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { parseConversationLocator } from '../../../shared/locators';
import {
	attachmentProperties,
	conversationPicker,
	optionsCollection,
	requestOptions,
	textProperty,
} from '../../../shared/properties';
import { postMessage, prepareAttachment, readText, resolveAttachment, sentContent } from '../common';

const properties: INodeProperties[] = [
	conversationPicker,
	textProperty,
	...attachmentProperties,
	optionsCollection(requestOptions),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['sendToConversation'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const conversationId = parseConversationLocator(
		this,
		this.getNodeParameter('conversation', itemIndex),
		'Conversation',
		itemIndex,
	);
	const attachment = await prepareAttachment.call(this, itemIndex);
	const text = readText.call(this, itemIndex, attachment);

	const resolvedAttachment = await resolveAttachment.call(this, attachment, itemIndex);
	const path = `/2/dm_conversations/${conversationId}/messages`;
	const result = await postMessage.call(this, path, text, resolvedAttachment, itemIndex);
	return [
		{
			...result,
			conversation_id: conversationId,
			...sentContent(text, resolvedAttachment),
		},
	];
}
