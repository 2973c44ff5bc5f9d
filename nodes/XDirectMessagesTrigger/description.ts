import type { INodeProperties } from 'n8n-workflow';

import { authenticationProperty, EVENT_TYPES, eventFieldProperties, timeoutOption } from '../shared/descriptions';
import { conversationLocatorProperty, userLocatorProperty } from '../shared/locators';

export const DEFAULT_LAST_EVENTS = 10;
export const DEFAULT_LAST_HOURS = 24;

export const triggerProperties: INodeProperties[] = [
	authenticationProperty,
	{
		displayName: 'Watch',
		name: 'scope',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'All Conversations',
				value: 'all',
				description: 'Every one-to-one and group conversation of the authenticated account',
			},
			{
				name: 'One-to-One Conversation',
				value: 'participant',
				description: 'The one-to-one conversation with one user',
			},
			{
				name: 'Conversation by ID',
				value: 'conversation',
				description: 'One conversation (one-to-one or group) by its ID',
			},
		],
		default: 'all',
	},
	userLocatorProperty({
		name: 'participant',
		displayName: 'Participant',
		description: 'The other user of the one-to-one conversation',
		show: { scope: ['participant'] },
		placeholders: { username: '@XDevelopers', id: '2244994945', url: 'https://x.com/XDevelopers' },
		validateUrl: false,
	}),
	conversationLocatorProperty({
		name: 'conversation',
		displayName: 'Conversation',
		description: 'The conversation to watch',
		show: { scope: ['conversation'] },
		placeholders: { id: '944480690-906948460078698496', url: 'https://x.com/messages/944480690-906948460078698496' },
		idErrorMessage: 'Use "<user ID>-<user ID>" for one-to-one conversations or 15 to 19 digits for groups',
		validateUrl: false,
	}),
	{
		displayName: 'Event Types',
		name: 'eventTypes',
		type: 'multiOptions',
		options: [
			{ name: 'Message Created', value: EVENT_TYPES[0], description: 'A message was sent (MessageCreate)' },
			{
				name: 'Participants Joined',
				value: EVENT_TYPES[1],
				description: 'Users joined or were added to a group (ParticipantsJoin)',
			},
			{ name: 'Participants Left', value: EVENT_TYPES[2], description: 'Users left a group (ParticipantsLeave)' },
		],
		default: [EVENT_TYPES[0]],
		description: 'Which events start the workflow. None selected means all three.',
	},
	{
		displayName: 'Ignore My Own Messages',
		name: 'ignoreOwnMessages',
		type: 'boolean',
		default: true,
		description:
			'Whether to skip messages sent by the authenticated account (so that a workflow that replies does not trigger itself). Join and leave events are not affected.',
	},
	{
		displayName: 'Only From Senders',
		name: 'senders',
		type: 'string',
		default: '',
		placeholder: '@XDevelopers, 2244994945',
		description:
			'User IDs or @usernames, separated by commas. When set, only events sent by these users start the workflow (leave events have no sender and are skipped). Empty means everyone.',
	},
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
	...eventFieldProperties(),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [timeoutOption],
	},
];
