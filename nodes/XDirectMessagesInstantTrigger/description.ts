import type { INodeProperties } from 'n8n-workflow';

import {
	attachmentsFieldOption,
	downloadAttachmentsOption,
	ignoreOwnMessagesProperty,
	optionsCollection,
	sendersProperty,
	timeoutOption,
} from '../shared/properties';

/** X Activity API event types the trigger subscribes to, with the names users see. */
export const INSTANT_EVENTS = [
	{ name: 'Message Received', value: 'dm.received', description: 'Someone sent the account a Direct Message (billed by X per delivered event)' },
	{ name: 'Message Sent', value: 'dm.sent', description: 'The account sent a Direct Message, from any app (not billed)' },
	{ name: 'Message Read', value: 'dm.read', description: 'Someone read a Direct Message of the account: a read receipt (not billed)' },
	{ name: 'Typing', value: 'dm.indicate_typing', description: 'Someone is typing a Direct Message to the account (not billed)' },
] as const;

export type InstantEventType = (typeof INSTANT_EVENTS)[number]['value'];
export const INSTANT_EVENT_TYPES: InstantEventType[] = INSTANT_EVENTS.map((event) => event.value);

/** "Catch Up After Downtime" of both push triggers (settings.ts reads it, on by default); how each catches up differs. */
export function catchUpProperty(description: string): INodeProperties {
	return { displayName: 'Catch Up After Downtime', name: 'catchUp', type: 'boolean', default: true, description };
}

const catchUpOption = catchUpProperty(
	'Whether to ask X to deliver again what it sent while n8n was down or restarting (X replays up to 24 hours back). Duplicates are dropped, so every Direct Message starts the workflow once.',
);

const downloadOption: INodeProperties = {
	...downloadAttachmentsOption,
	description:
		'Whether to download the media attached to each message into a binary field. When X\'s delivery does not name the file, the message is looked up first (one more read X bills). A webhook delivery cannot be retried later like a poll: when a download fails, the message is still emitted, without the file and with attachmentError (Event → Download Attachment can fetch it later).',
};

/** The events both push triggers (webhook and stream) subscribe to. */
export const pushEventsProperty: INodeProperties = {
	displayName: 'Events',
	name: 'events',
	type: 'multiOptions',
	required: true,
	options: INSTANT_EVENTS.map((event) => ({ ...event })),
	default: ['dm.received'],
	description: 'Which Direct Message events start the workflow. X creates one subscription per event.',
};

/** The filters both push triggers apply (select.ts). */
export const pushFilterOptions: INodeProperties[] = [
	ignoreOwnMessagesProperty(
		'Whether to skip messages sent by the authenticated account when they arrive as Message Received. Message Sent events are always emitted (choosing that event asks for them); read and typing events are not affected.',
	),
	sendersProperty(
		'User IDs or @usernames, separated by commas. When set, only messages, read receipts and typing events of these users start the workflow. Empty means everyone.',
	),
];

export const instantTriggerProperties: INodeProperties[] = [
	{
		displayName:
			'Needs the API Key and API Key Secret of your X app in the credential, and an n8n reachable from the internet over https without a port (set WEBHOOK_URL). Group conversations are not delivered by X: use the polling trigger for them.',
		name: 'requirementsNotice',
		type: 'notice',
		default: '',
	},
	pushEventsProperty,
	optionsCollection([catchUpOption, downloadOption, ...pushFilterOptions, attachmentsFieldOption, timeoutOption]),
];
