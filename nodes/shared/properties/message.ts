import type { INodeProperties } from 'n8n-workflow';

import { formatCount, MAX_TEXT_LENGTH } from '../validation';

// What a message consists of: the text and at most one attachment.

export const textProperty: INodeProperties = {
	displayName: 'Text',
	name: 'text',
	type: 'string',
	typeOptions: { rows: 4 },
	default: '',
	description: `Message text, up to ${formatCount(MAX_TEXT_LENGTH)} characters. May be empty when the message has an attachment.`,
};

export const attachmentProperties: INodeProperties[] = [
	{
		displayName: 'Attachment',
		name: 'attachmentType',
		type: 'options',
		options: [
			{
				name: 'Binary File',
				value: 'binary',
				description: 'Upload a file from the input item (image, GIF or video) and attach it',
			},
			{
				name: 'Media ID',
				value: 'mediaId',
				description: 'Attach media that was already uploaded for DMs by the same user',
			},
			{ name: 'None', value: 'none' },
		],
		default: 'none',
		description: 'X allows one attachment per message',
	},
	{
		displayName: 'Media ID',
		name: 'mediaId',
		type: 'string',
		default: '',
		placeholder: 'e.g. 1583157113245011970',
		description: 'ID of media uploaded with a DM media category (dm_image, dm_gif, dm_video) in the last 24 hours',
		displayOptions: { show: { attachmentType: ['mediaId'] } },
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		hint: 'The name of the input binary field containing the file to attach',
		description: 'JPEG, PNG, WEBP, BMP or TIFF images, GIFs and MP4, MOV, WEBM or MPEG-TS videos are supported',
		displayOptions: { show: { attachmentType: ['binary'] } },
	},
];

/** The safety option of the send operations (shared/allow-list.ts reads it). */
export const onlySendToOption: INodeProperties = {
	displayName: 'Only Send To',
	name: 'onlySendTo',
	type: 'string',
	default: '',
	placeholder: 'e.g. @XDevelopers, 944480690, 944480690-906948460078698496',
	description:
		'The only users and conversations this node may send to: user IDs, @usernames and conversation IDs, separated by commas. A message to anyone else fails before anything is sent, also when an AI agent chooses the recipient. A one-to-one conversation is allowed when the other person is listed, a group only when its ID is listed, a new group only when every participant is listed. Leave empty to allow anyone.',
};
