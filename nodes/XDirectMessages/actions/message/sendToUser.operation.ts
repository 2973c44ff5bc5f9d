import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { executeApi } from '../../../shared/connection';
import { parseUserLocator } from '../../../shared/locators';
import {
	attachmentProperties,
	onlySendToOption,
	optionsCollection,
	recipientPicker,
	requestOptions,
	textProperty,
} from '../../../shared/properties';
import { ensureRecipientAllowed, readAllowList } from '../allow-list';
import { prepareAttachment, readText, resolveAttachment } from '../attachment';
import { resolveUser } from '../recipients';
import { postMessage, sentContent } from '../send';

const properties: INodeProperties[] = [
	recipientPicker,
	textProperty,
	...attachmentProperties,
	optionsCollection([...requestOptions, onlySendToOption]),
];

export const description = updateDisplayOptions({ show: { resource: ['message'], operation: ['sendToUser'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	// Every input is checked before the first request, so a bad item never half-runs.
	const recipient = parseUserLocator(this, this.getNodeParameter('recipient', itemIndex), 'Recipient', itemIndex);
	const attachment = await prepareAttachment.call(this, itemIndex);
	const text = readText.call(this, itemIndex, attachment);
	const allowList = readAllowList.call(this, itemIndex);

	const api = executeApi(this, itemIndex);
	const user = await resolveUser.call(this, api, recipient, itemIndex, 'Recipient');
	await ensureRecipientAllowed.call(this, api, allowList, user, itemIndex);
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
