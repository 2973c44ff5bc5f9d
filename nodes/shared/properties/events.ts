import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	DEFAULT_DM_EVENT_FIELDS,
	DEFAULT_EXPANSIONS,
	DM_EVENT_FIELDS,
	DM_EXPANSIONS,
	EVENT_TYPES,
	MEDIA_FIELDS,
	TWEET_FIELDS,
	USER_FIELDS,
} from '../event-query';
import { conversationPicker, participantPicker } from './pickers';

// Which DM events to read and what to return with them: "Get Many" of the action node and the trigger.

function toOptions(values: string[]): INodePropertyOptions[] {
	return values.map((value) => ({ name: value, value }));
}

const scopeOptions: INodePropertyOptions[] = [
	{ name: 'All Conversations', value: 'all', description: 'Events of all your one-to-one and group conversations' },
	{ name: 'One Conversation', value: 'conversation', description: 'Events of one conversation, one-to-one or group' },
	{ name: 'One-to-One With User', value: 'participant', description: 'Events of your one-to-one conversation with a user' },
];

/** The scope and, for the scopes that need one, its user or conversation picker. */
export const scopeProperties: INodeProperties[] = [
	{
		displayName: 'Scope',
		name: 'scope',
		type: 'options',
		options: scopeOptions,
		default: 'all',
		description: 'Which conversations to read events from. X keeps DM events for 30 days.',
	},
	...updateDisplayOptions({ show: { scope: ['participant'] } }, [participantPicker]),
	...updateDisplayOptions({ show: { scope: ['conversation'] } }, [conversationPicker]),
];

/** A node subtitle that names the chosen scope as the Scope parameter does. */
export const scopeSubtitle = `={{ ${JSON.stringify(Object.fromEntries(scopeOptions.map(({ value, name }) => [value, name])))}[$parameter["scope"]] }}`;

/** The event type filter; `defaultTypes` is what a new node starts with (the action: all, the trigger: messages). */
export function eventTypesProperty(defaultTypes: string[]): INodeProperties {
	const [messageCreate, participantsJoin, participantsLeave] = EVENT_TYPES;
	return {
		displayName: 'Event Types',
		name: 'eventTypes',
		type: 'multiOptions',
		options: [
			{ name: 'Message Created', value: messageCreate, description: 'A message was sent (MessageCreate)' },
			{
				name: 'Participants Joined',
				value: participantsJoin,
				description: 'Users joined or were added to a group (ParticipantsJoin)',
			},
			{ name: 'Participants Left', value: participantsLeave, description: 'Users left a group (ParticipantsLeave)' },
		],
		default: [...defaultTypes],
		description: 'Only events of these types. None selected means all types.',
	};
}

/** What X returns with each event: fields, expansions and the fields of expanded objects (read by readEventFieldChoices). */
export const eventFieldProperties: INodeProperties[] = [
	{
		displayName: 'Event Fields',
		name: 'dmEventFields',
		type: 'multiOptions',
		options: toOptions(DM_EVENT_FIELDS),
		default: [...DEFAULT_DM_EVENT_FIELDS],
		description: 'DM event fields to return (dm_event.fields)',
	},
	{
		displayName: 'Expansions',
		name: 'expansions',
		type: 'multiOptions',
		options: toOptions(DM_EXPANSIONS),
		default: [...DEFAULT_EXPANSIONS],
		description: 'Related objects to return with the events: senders, participants, media and shared posts',
	},
	{
		displayName: 'User Fields',
		name: 'userFields',
		type: 'multiOptions',
		options: toOptions(USER_FIELDS),
		default: [],
		description: 'Fields of expanded users (user.fields). Without a choice X returns ID, name and username.',
	},
	{
		displayName: 'Tweet Fields',
		name: 'tweetFields',
		type: 'multiOptions',
		options: toOptions(TWEET_FIELDS),
		default: [],
		description: 'Fields of expanded posts (tweet.fields). Without a choice X returns ID and text.',
	},
	{
		displayName: 'Media Fields',
		name: 'mediaFields',
		type: 'multiOptions',
		options: toOptions(MEDIA_FIELDS),
		default: [],
		description: 'Fields of expanded media (media.fields). Without a choice X returns media key and type.',
	},
	{
		displayName: 'Resolve Includes',
		name: 'resolveIncludes',
		type: 'boolean',
		default: true,
		description:
			'Whether to put the expanded sender, participants, media and posts directly on each event. When off, each event carries the raw "includes" objects it references.',
	},
];

/** The "Event ID" of event Get and Delete; each operation gives its own description. */
export function eventIdProperty(description: string): INodeProperties {
	return {
		displayName: 'Event ID',
		name: 'eventId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 1582103724607971332',
		description,
	};
}
