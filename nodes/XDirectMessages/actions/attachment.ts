import type { IExecuteFunctions } from 'n8n-workflow';

import type { PreparedMedia, UploadedMedia } from '../../shared/media';
import { prepareBinaryAttachment, uploadMedia } from '../../shared/media';
import type { XApi } from '../../shared/transport';
import { invalidParameter, validateId, validateText } from '../../shared/validation';

export type PreparedAttachment =
	| { kind: 'none' }
	| { kind: 'mediaId'; mediaId: string }
	| { kind: 'binary'; media: PreparedMedia };

/** Reads and checks the attachment parameters without making any request. */
export async function prepareAttachment(this: IExecuteFunctions, itemIndex: number): Promise<PreparedAttachment> {
	const attachmentType = this.getNodeParameter('attachmentType', itemIndex, 'none');
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
	throw invalidParameter(this, itemIndex, `Attachment: unknown type "${String(attachmentType)}"`);
}

export interface ResolvedAttachment {
	mediaId?: string;
	uploaded?: UploadedMedia;
}

/** Uploads a binary attachment if there is one; returns the media ID to send. */
export async function resolveAttachment(
	this: IExecuteFunctions,
	api: XApi,
	attachment: PreparedAttachment,
	itemIndex: number,
): Promise<ResolvedAttachment> {
	if (attachment.kind === 'none') return {};
	if (attachment.kind === 'mediaId') return { mediaId: attachment.mediaId };
	const uploaded = await uploadMedia(api, this.getNode(), attachment.media, itemIndex);
	return { mediaId: uploaded.media_id, uploaded };
}

/** Reads the text with the attachment in mind (attachment-only messages have no text). */
export function readText(this: IExecuteFunctions, itemIndex: number, attachment: PreparedAttachment): string | undefined {
	return validateText(this, this.getNodeParameter('text', itemIndex, ''), attachment.kind !== 'none', itemIndex);
}
