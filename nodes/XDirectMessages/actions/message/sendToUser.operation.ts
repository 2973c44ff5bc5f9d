import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { parseUserLocator } from '../../../shared/validation';
import {
	attachmentProperties,
	optionsCollection,
	postMessage,
	prepareAttachment,
	readText,
	resolveAttachment,
	resolveUser,
	sentContent,
	textProperty,
	userLocatorProperty,
} from '../common';

const show = { resource: ['message'], operation: ['sendToUser'] };

export const description: INodeProperties[] = [
	userLocatorProperty('recipient', 'Recipient', show, 'The user to send the message to (opens or continues your one-to-one conversation)'),
	textProperty(show),
	...attachmentProperties(show),
	optionsCollection(show),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	// Every input is checked before the first request, so a bad item never half-runs.
	const recipient = parseUserLocator(this, this.getNodeParameter('recipient', itemIndex), 'Recipient', itemIndex);
	const attachment = await prepareAttachment.call(this, itemIndex);
	const text = readText.call(this, itemIndex, attachment);

	const user = await resolveUser.call(this, recipient, itemIndex);
	const resolvedAttachment = await resolveAttachment.call(this, attachment, itemIndex);
	const path = `/2/dm_conversations/with/${user.id}/messages`;
	const result = await postMessage.call(this, path, text, resolvedAttachment, itemIndex);
	return [
		{
			...result,
			recipient_id: user.id,
			...(user.username ? { recipient_username: user.username } : {}),
			...sentContent(text, resolvedAttachment),
		},
	];
}
