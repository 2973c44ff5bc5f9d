import type { INodeProperties } from 'n8n-workflow';

import { EVENT_TYPES } from '../shared/event-query';
import {
	authenticationProperty,
	eventFieldProperties,
	eventTypesProperty,
	attachmentsFieldOption,
	downloadAttachmentsOption,
	ignoreOwnMessagesProperty,
	optionsCollection,
	scopeProperties,
	sendersProperty,
	timeoutOption,
} from '../shared/properties';

export const DEFAULT_LAST_EVENTS = 10;
export const DEFAULT_LAST_HOURS = 24;

/** The trigger's own parameters: which events start the workflow and what the first poll emits. */
const triggerFilterProperties: INodeProperties[] = [
	ignoreOwnMessagesProperty(
		'Whether to skip messages sent by the authenticated account (so that a workflow that replies does not trigger itself). Join and leave events are not affected.',
	),
	sendersProperty(
		'User IDs or @usernames, separated by commas. When set, only events sent by these users start the workflow (leave events have no sender and are skipped). Empty means everyone.',
	),
	{
		displayName: 'On First Activation',
		name: 'firstPoll',
		type: 'options',
		options: [
			{
				name: 'Start From Now',
				value: 'recordOnly',
				description: 'Remember the newest event and emit only events that arrive afterwards',
			},
			{
				name: 'Emit the Last Events',
				value: 'lastEvents',
				description: 'Also emit a number of the most recent matching events once',
			},
			{
				name: 'Emit the Last Hours',
				value: 'lastHours',
				description: 'Also emit the matching events of the last hours once',
			},
		],
		default: 'recordOnly',
		description: 'What the very first poll after activation does',
	},
	{
		displayName: 'Number of Events',
		name: 'lastEventsCount',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_LAST_EVENTS,
		description: 'How many of the most recent matching events to emit on the first poll',
		displayOptions: { show: { firstPoll: ['lastEvents'] } },
	},
	{
		displayName: 'Hours',
		name: 'lastHours',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 720 },
		default: DEFAULT_LAST_HOURS,
		description: 'Emit matching events of this many past hours on the first poll (X keeps 30 days = 720 hours)',
		displayOptions: { show: { firstPoll: ['lastHours'] } },
	},
];

export const triggerProperties: INodeProperties[] = [
	authenticationProperty,
	...scopeProperties,
	eventTypesProperty([EVENT_TYPES[0]]),
	...triggerFilterProperties,
	...eventFieldProperties,
	// The trigger never waits for a rate limit: it retries on the next poll.
	optionsCollection([
		timeoutOption,
		{
			displayName: 'Cost-Aware Page Sizes',
			name: 'costAwarePages',
			type: 'boolean',
			default: true,
			description:
				'Whether each poll starts with a small page and asks for 100 only while pages are all new. X bills every DM event a response returns (once per UTC day), so an idle trigger then costs 2 billed reads a day instead of up to 100. The first page is 2 events on a quiet account and grows with the events recent polls found, so a busy trigger still needs one request a poll. Off: pages of 100.',
		},
		downloadAttachmentsOption,
		attachmentsFieldOption,
	]),
];
