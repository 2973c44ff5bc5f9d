import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { parseConversationLocator } from '../../../shared/validation';
import {
	attachmentProperties,
	conversationLocatorProperty,
	optionsCollection,
	postMessage,
	prepareAttachment,
	readText,
	resolveAttachment,
	sentContent,
	textProperty,
} from '../common';

const show = { resource: ['message'], operation: ['sendToConversation'] };

export const description: INodeProperties[] = [
	conversationLocatorProperty(show),
	textProperty(show),
	...attachmentProperties(show),
	optionsCollection(show),
];

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
