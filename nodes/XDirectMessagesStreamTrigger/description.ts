import type { INodeProperties } from 'n8n-workflow';

import { attachmentsFieldOption, downloadAttachmentsOption, optionsCollection, timeoutOption } from '../shared/properties';
import { catchUpProperty, pushEventsProperty, pushFilterOptions } from '../XDirectMessagesInstantTrigger/description';

/** X's keep-alive: "at least every 20 seconds" a `\r\n` (x-activity-api.md §7); silence past this is a stalled stream. */
export const DEFAULT_SILENCE_SECONDS = 30;
export const MAX_SILENCE_SECONDS = 300;
/** X's longest back-off step for HTTP errors on streams (x-activity-api.md §7). */
export const MAX_RECONNECT_WAIT_SECONDS = 320;
export const MAX_GROUP_POLL_MINUTES = 1440;

const catchUpOption = catchUpProperty(
	'Whether to fetch what the stream could not deliver: after a short break X sends the last minutes again (backfill); after a longer one, or when n8n was down, the messages since the last moment the stream was alive are read with GET /2/dm_events. Duplicates are dropped, so every Direct Message starts the workflow once.',
);

const groupPollOption: INodeProperties = {
	displayName: 'Poll Group Conversations Every (Minutes)',
	name: 'groupPollMinutes',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: MAX_GROUP_POLL_MINUTES },
	default: 0,
	description:
		'X does not push messages of group conversations. Set a period to look for them with GET /2/dm_events (one request per period, plus one per 100 new events; X bills every event a request returns). 0 = off.',
};

const silenceOption: INodeProperties = {
	displayName: 'Reconnect After Silence (Seconds)',
	name: 'silenceSeconds',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_SILENCE_SECONDS },
	default: DEFAULT_SILENCE_SECONDS,
	description: 'X sends a keep-alive at least every 20 seconds. When nothing at all arrives for this long, the connection is considered stalled and is opened again.',
};

const reconnectWaitOption: INodeProperties = {
	displayName: 'Max Reconnect Wait (Seconds)',
	name: 'maxReconnectWaitSeconds',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_RECONNECT_WAIT_SECONDS },
	default: MAX_RECONNECT_WAIT_SECONDS,
	description:
		"The longest pause between two connection attempts. X's back-off grows to 16 s after network errors, 320 s after HTTP errors and from 60 s after a 429; a lower value reconnects sooner and may hit X's limit of 450 connections per 15 minutes.",
};

const downloadOption: INodeProperties = {
	...downloadAttachmentsOption,
	description:
		"Whether to download the media attached to each message into a binary field. When X's event does not name the file, the message is looked up first (one more read X bills). When a download fails, the message is still emitted, without the file and with attachmentError.",
};

export const streamTriggerProperties: INodeProperties[] = [
	{
		displayName:
			"Needs the API Key and API Key Secret of your X app in the credential; no public URL. Each active workflow holds one of the 2 stream connections X allows per app. Group conversations are not pushed by X: see the option below, or use the polling trigger.",
		name: 'requirementsNotice',
		type: 'notice',
		default: '',
	},
	pushEventsProperty,
	optionsCollection([
		catchUpOption,
		downloadOption,
		groupPollOption,
		...pushFilterOptions,
		attachmentsFieldOption,
		reconnectWaitOption,
		silenceOption,
		timeoutOption,
	]),
];
