import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { PreparedMedia, UploadedMedia } from '../../shared/media';
import { prepareBinaryAttachment, uploadMedia } from '../../shared/media';
import { xApiRequest } from '../../shared/transport';
import { isNoUserFound, lookupUsernames } from '../../shared/users';
import type { UserReference } from '../../shared/validation';
import { invalidParameter, validateId, validateText } from '../../shared/validation';

export type PreparedAttachment =
	| { kind: 'none' }
	| { kind: 'mediaId'; mediaId: string }
	| { kind: 'binary'; media: PreparedMedia };

/** Reads and checks the attachment parameters without making any request. */
export async function prepareAttachment(this: IExecuteFunctions, itemIndex: number): Promise<PreparedAttachment> {
	const attachmentType = this.getNodeParameter('attachmentType', itemIndex, 'none') as string;
	if (attachmentType === 'none') return { kind: 'none' };
	if (attachmentType === 'mediaId') {
		const mediaId = validateId(this, this.getNodeParameter('mediaId', itemIndex, ''), 'Media ID', itemIndex, 'media ID');
		return { kind: 'mediaId', mediaId };
	}
	if (attachmentType === 'binary') {
		const media = await prepareBinaryAttachment.call(
			this,
			itemIndex,
			this.getNodeParameter('binaryPropertyName', itemIndex, 'data'),
		);
		return { kind: 'binary', media };
	}
	throw invalidParameter(this, itemIndex, `Attachment: unknown type "${attachmentType}"`);
}

export interface ResolvedAttachment {
	mediaId?: string;
	uploaded?: UploadedMedia;
}

/** Uploads a binary attachment if there is one; returns the media ID to send. */
export async function resolveAttachment(
	this: IExecuteFunctions,
	attachment: PreparedAttachment,
	itemIndex: number,
): Promise<ResolvedAttachment> {
	if (attachment.kind === 'none') return {};
	if (attachment.kind === 'mediaId') return { mediaId: attachment.mediaId };
	const uploaded = await uploadMedia.call(this, attachment.media, itemIndex);
	return { mediaId: uploaded.media_id, uploaded };
}

/** Reads the text with the attachment in mind (attachment-only messages have no text). */
export function readText(this: IExecuteFunctions, itemIndex: number, attachment: PreparedAttachment): string | undefined {
	return validateText(this, this.getNodeParameter('text', itemIndex, ''), attachment.kind !== 'none', itemIndex);
}

export function messageBody(text: string | undefined, mediaId: string | undefined): IDataObject {
	const message: IDataObject = {};
	if (text !== undefined) message.text = text;
	if (mediaId) message.attachments = [{ media_id: mediaId }];
	return message;
}

export interface ResolvedUser {
	id: string;
	username?: string;
}

/** Turns an ID or @username into a user ID (one users lookup for usernames). */
export async function resolveUser(
	this: IExecuteFunctions,
	reference: UserReference,
	itemIndex: number,
): Promise<ResolvedUser> {
	if (reference.kind === 'id') return { id: reference.value };
	const { body } = await xApiRequest.call(this, {
		method: 'GET',
		path: `/2/users/by/username/${encodeURIComponent(reference.value)}`,
		itemIndex,
	});
	const user = (body.data as IDataObject | undefined) ?? {};
	if (typeof user.id !== 'string') {
		throw new NodeOperationError(this.getNode(), `X could not find the user "@${reference.value}"`, { itemIndex });
	}
	return { id: user.id, username: String(user.username ?? reference.value) };
}

/**
 * Turns IDs and @usernames into distinct user IDs, in the order given: every username of the list with one
 * GET /2/users/by, IDs without a request. Fails naming all unknown usernames.
 */
export async function resolveUserIds(
	this: IExecuteFunctions,
	references: UserReference[],
	itemIndex: number,
): Promise<string[]> {
	const names = new Map<string, string>();
	for (const reference of references) {
		if (reference.kind === 'username' && !names.has(reference.value.toLowerCase())) {
			names.set(reference.value.toLowerCase(), reference.value);
		}
	}
	let found = new Map<string, string>();
	if (names.size) {
		try {
			found = await lookupUsernames.call(this, [...names.values()], { itemIndex });
		} catch (error) {
			// X answers with errors only when none of the names exists; they are reported below as unknown.
			if (!isNoUserFound(error)) throw toNodeError.call(this, error, itemIndex);
		}
	}
	const unknown = [...names].filter(([key]) => !found.has(key)).map(([, name]) => name);
	if (unknown.length) {
		throw new NodeApiError(
			this.getNode(),
			{ usernames: unknown },
			{
				message: `X could not find the user${unknown.length > 1 ? 's' : ''} ${unknown.map((name) => `"${name}"`).join(', ')}`,
				description: 'Check the spelling, or enter the user ID instead.',
				httpCode: '404',
				itemIndex,
			},
		);
	}
	const ids: string[] = [];
	for (const reference of references) {
		const id = reference.kind === 'id' ? reference.value : found.get(reference.value.toLowerCase());
		if (id !== undefined && !ids.includes(id)) ids.push(id);
	}
	return ids;
}

/** Reads `{ dm_conversation_id, dm_event_id }` out of a send response. */
export function sendResult(this: IExecuteFunctions, body: IDataObject, itemIndex: number): IDataObject {
	const data = (body.data as IDataObject | undefined) ?? {};
	if (typeof data.dm_event_id !== 'string' || typeof data.dm_conversation_id !== 'string') {
		throw new NodeOperationError(this.getNode(), 'X accepted the message but did not return its IDs', {
			itemIndex,
			description: 'Check the conversation in X before re-running the workflow.',
		});
	}
	const result: IDataObject = {
		dm_conversation_id: data.dm_conversation_id,
		dm_event_id: data.dm_event_id,
	};
	if (Array.isArray(body.errors) && body.errors.length) result.errors = body.errors;
	return result;
}

/** Sends one message to a `…/messages` path of X; returns the IDs X gave it (sendResult). */
export async function postMessage(
	this: IExecuteFunctions,
	path: string,
	text: string | undefined,
	attachment: ResolvedAttachment,
	itemIndex: number,
): Promise<IDataObject> {
	const { body } = await xApiRequest.call(this, {
		method: 'POST',
		path,
		body: messageBody(text, attachment.mediaId),
		itemIndex,
		isSend: true,
	});
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

/** Keeps n8n errors as they are (adding the item index); wraps anything else in a NodeOperationError. */
export function toNodeError(
	this: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	return new NodeOperationError(this.getNode(), error instanceof Error ? error : String(error), { itemIndex });
}
