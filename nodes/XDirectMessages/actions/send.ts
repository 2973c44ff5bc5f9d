import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { DmSendResult } from '../../shared/models';
import { decodeSendResult } from '../../shared/models';
import type { XApi } from '../../shared/transport';
import type { ResolvedAttachment } from './attachment';

/** The `message` of a send: text and/or the one attachment X allows. */
export function messageBody(text: string | undefined, mediaId: string | undefined): IDataObject {
	const message: IDataObject = {};
	if (text !== undefined) message.text = text;
	if (mediaId) message.attachments = [{ media_id: mediaId }];
	return message;
}

/** Reads `{ dm_conversation_id, dm_event_id }` (and partial errors) out of a send response. */
export function sendResult(this: IExecuteFunctions, body: IDataObject, itemIndex: number): DmSendResult {
	const result = decodeSendResult(body);
	if (!result) {
		throw new NodeOperationError(this.getNode(), 'X accepted the message but did not return its IDs', {
			itemIndex,
			description: 'Check the conversation in X before re-running the workflow.',
		});
	}
	return result;
}

/** Sends one message to a `…/messages` path of X; returns the IDs X gave it (sendResult). */
export async function postMessage(
	this: IExecuteFunctions,
	api: XApi,
	path: string,
	text: string | undefined,
	attachment: ResolvedAttachment,
	itemIndex: number,
): Promise<DmSendResult> {
	const { body } = await api.send(path, messageBody(text, attachment.mediaId));
	return sendResult.call(this, body, itemIndex);
}

/** The "what was sent" part of a send's output. */
export function sentContent(text: string | undefined, attachment: ResolvedAttachment): IDataObject {
	const sent: IDataObject = { text: text ?? '' };
	if (attachment.mediaId) sent.media_id = attachment.mediaId;
	if (attachment.uploaded) {
		sent.media_key = attachment.uploaded.media_key;
		sent.media_category = attachment.uploaded.media_category;
	}
	return sent;
}
