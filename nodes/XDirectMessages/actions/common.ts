import type { INodeProperties } from 'n8n-workflow';

import { maxRateLimitWaitOption, timeoutOption } from '../../shared/descriptions';
import {
	conversationLocatorProperty as sharedConversationLocator,
	userLocatorProperty as sharedUserLocator,
} from '../../shared/locators';
import { formatCount, MAX_TEXT_LENGTH } from '../../shared/validation';

type Show = Record<string, string[]>;

export function textProperty(show: Show): INodeProperties {
	return {
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		description: `Message text, up to ${formatCount(MAX_TEXT_LENGTH)} characters. May be empty when the message has an attachment.`,
		displayOptions: { show },
	};
}

export function attachmentProperties(show: Show): INodeProperties[] {
	return [
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
			displayOptions: { show },
		},
		{
			displayName: 'Media ID',
			name: 'mediaId',
			type: 'string',
			default: '',
			placeholder: 'e.g. 1583157113245011970',
			description: 'ID of media uploaded with a DM media category (dm_image, dm_gif, dm_video) in the last 24 hours',
			displayOptions: { show: { ...show, attachmentType: ['mediaId'] } },
		},
		{
			displayName: 'Input Binary Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			hint: 'The name of the input binary field containing the file to attach',
			description: 'JPEG, PNG, WEBP, BMP or TIFF images, GIFs and MP4, MOV, WEBM or MPEG-TS videos are supported',
			displayOptions: { show: { ...show, attachmentType: ['binary'] } },
		},
	];
}

export function optionsCollection(show: Show, extra: INodeProperties[] = []): INodeProperties {
	const options = [...extra, maxRateLimitWaitOption, timeoutOption].sort((a, b) =>
		// A plain comparison: localeCompare loads ICU locale data when the module loads.
		a.displayName < b.displayName ? -1 : a.displayName > b.displayName ? 1 : 0,
	);
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options,
		displayOptions: { show },
	};
}

export function userLocatorProperty(name: string, displayName: string, show: Show, description: string): INodeProperties {
	return sharedUserLocator({
		name,
		displayName,
		description,
		show,
		searchListMethod: 'searchConversationPartners',
		placeholders: { username: 'e.g. @XDevelopers', id: 'e.g. 944480690', url: 'e.g. https://x.com/XDevelopers' },
		validateUrl: true,
	});
}

export function conversationLocatorProperty(show: Show): INodeProperties {
	return sharedConversationLocator({
		name: 'conversation',
		displayName: 'Conversation',
		description: 'The one-to-one or group conversation',
		show,
		searchListMethod: 'searchConversations',
		placeholders: {
			id: 'e.g. 944480690-906948460078698496',
			url: 'e.g. https://x.com/messages/944480690-906948460078698496',
		},
		validateUrl: true,
	});
}
