import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { executeApi } from '../../../shared/connection';
import { parseUserLocator } from '../../../shared/validation';
import { prepareAttachment, readText, resolveAttachment } from '../attachment';
import { attachmentProperties, optionsCollection, textProperty, userLocatorProperty } from '../common';
import { resolveUser } from '../recipients';
import { postMessage, sentContent } from '../send';

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

	const api = executeApi(this, itemIndex);
	const user = await resolveUser.call(this, api, recipient, itemIndex);
	const resolvedAttachment = await resolveAttachment.call(this, api, attachment, itemIndex);
	const path = `/2/dm_conversations/with/${user.id}/messages`;
	const result = await postMessage.call(this, api, path, text, resolvedAttachment, itemIndex);
	return [
		{
			...result,
			recipient_id: user.id,
			...(user.username ? { recipient_username: user.username } : {}),
			...sentContent(text, resolvedAttachment),
		},
	];
}
