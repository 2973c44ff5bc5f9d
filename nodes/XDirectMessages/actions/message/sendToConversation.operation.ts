import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { executeApi } from '../../../shared/connection';
import { parseConversationLocator } from '../../../shared/locators';
import {
	attachmentProperties,
	conversationPicker,
	onlySendToOption,
	optionsCollection,
	requestOptions,
	textProperty,
} from '../../../shared/properties';
import { ensureConversationAllowed, readAllowList } from '../allow-list';
import { prepareAttachment, readText, resolveAttachment } from '../attachment';
import { postMessage, sentContent } from '../send';

const properties: INodeProperties[] = [
	conversationPicker,
	textProperty,
	...attachmentProperties,
	optionsCollection([...requestOptions, onlySendToOption]),
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
	const allowList = readAllowList.call(this, itemIndex);

	const api = executeApi(this, itemIndex);
	await ensureConversationAllowed.call(this, api, allowList, conversationId, itemIndex);
	const resolvedAttachment = await resolveAttachment.call(this, api, attachment, itemIndex);
	const path = `/2/dm_conversations/${conversationId}/messages`;
	const result = await postMessage.call(this, api, path, text, resolvedAttachment, itemIndex);
	return [
		{
			...result,
			conversation_id: conversationId,
			...sentContent(text, resolvedAttachment),
		},
	];
}
