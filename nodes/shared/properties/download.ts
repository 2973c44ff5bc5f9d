import type { INode, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

export const DEFAULT_BINARY_PROPERTY = 'data';

/** Where downloaded attachments go; a second attachment of one event would go to `<name>_1`. */
export const binaryPropertyOption: INodeProperties = {
	displayName: 'Put Output File in Field',
	name: 'outputBinaryField',
	type: 'string',
	default: DEFAULT_BINARY_PROPERTY,
	hint: 'The name of the output binary field to put the file in',
};

/** The same, as an entry of the Options collection of Get Many and of the trigger. */
export const attachmentsFieldOption: INodeProperties = {
	...binaryPropertyOption,
	displayName: 'Put Attachments in Field',
	name: 'attachmentsField',
	hint: 'The name of the output binary field for the attachment of each event (used with Download Attachments)',
};

/** "Download Attachments" of Get Many and of the trigger. */
export const downloadAttachmentsOption: INodeProperties = {
	displayName: 'Download Attachments',
	name: 'downloadAttachments',
	type: 'boolean',
	default: false,
	description:
		'Whether to download the media attached to each event into a binary field (OAuth2 only). Adds the attachment fields and media expansion to the request.',
};

/** X serves DM media to OAuth 2.0 user tokens only: say so before any request. */
export function refuseOAuth1Download(node: INode, authentication: unknown, itemIndex?: number): void {
	if (authentication !== 'oAuth1') return;
	throw new NodeOperationError(node, 'Downloading DM attachments needs OAuth2: X does not accept OAuth1 for media downloads', {
		itemIndex,
		description:
			'X serves GET /2/dm_conversations/media/... only to OAuth 2.0 user tokens with the dm.read scope. Set Authentication to OAuth2 (Recommended), or turn Download Attachments off.',
	});
}

/** The binary field name, checked before any request. */
export function readBinaryProperty(node: INode, value: unknown, label: string, itemIndex?: number): string {
	const name = typeof value === 'string' ? value.trim() : '';
	if (!name || /[\s.]/.test(name)) {
		throw new NodeOperationError(node, `${label} must be a field name without spaces or dots, got "${String(value)}"`, { itemIndex });
	}
	return name;
}
