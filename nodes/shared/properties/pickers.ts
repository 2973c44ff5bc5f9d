import type { INodeProperties, INodePropertyMode } from 'n8n-workflow';

import type { ListSearchMethod } from '../listSearch';
import {
	CONVERSATION_ID_SOURCE,
	CONVERSATION_URL_SOURCE,
	editorRegex,
	PROFILE_URL_SOURCE,
	USERNAME_SOURCE,
	X_ID_SOURCE,
} from '../references';

// The user and conversation pickers of both nodes. Their checks are the patterns of references.ts, which the node
// also reads the entries with (locators.ts), so the editor flags exactly what the node would reject.

function checked(regex: string, errorMessage: string): Pick<INodePropertyMode, 'validation'> {
	return { validation: [{ type: 'regex', properties: { regex: editorRegex(regex), errorMessage } }] };
}

/** A resource locator that starts in its list mode, searched by `searchListMethod`, followed by the typed modes. */
function picker(
	property: Pick<INodeProperties, 'name' | 'displayName' | 'description'>,
	searchListMethod: ListSearchMethod,
	typed: Pick<INodeProperties, 'modes'>,
): INodeProperties {
	const list: Pick<INodeProperties, 'modes'> = {
		modes: [
				{
					displayName: 'From Recent Conversations',
					name: 'list',
					type: 'list',
					typeOptions: { searchListMethod, searchable: true },
				},
		],
	};
	return {
		...property,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		modes: [...(list.modes ?? []), ...(typed.modes ?? [])],
	};
}

/** A user picker: from recent conversations, by username, by ID or by profile URL (read with parseUserLocator). */
function userPicker(property: Pick<INodeProperties, 'name' | 'displayName' | 'description'>): INodeProperties {
	return picker(property, 'searchConversationPartners', {
		modes: [
			{
				displayName: 'By Username',
				name: 'username',
				type: 'string',
				placeholder: 'e.g. @XDevelopers',
				...checked(USERNAME_SOURCE, 'Usernames have 1 to 15 letters, digits or underscores'),
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 944480690',
				...checked(X_ID_SOURCE, 'A user ID has 1 to 19 digits'),
			},
			{
				displayName: 'By URL',
				name: 'url',
				type: 'string',
				placeholder: 'e.g. https://x.com/XDevelopers',
				// No extractValue: one regex group cannot tell an ID (x.com/i/user/<ID>) from a username.
				...checked(PROFILE_URL_SOURCE, 'Enter a profile URL on x.com or twitter.com'),
			},
		],
	});
}

/** The recipient of "Send to User". */
export const recipientPicker = userPicker({
	name: 'recipient',
	displayName: 'Recipient',
	description: 'The user to send the message to (opens or continues your one-to-one conversation)',
});

/** The other user of a one-to-one conversation whose events are read. */
export const participantPicker = userPicker({
	name: 'participant',
	displayName: 'User',
	description: 'The other user of the one-to-one conversation',
});

/** The user whose DMs are blocked or unblocked. */
export const blockTargetPicker = userPicker({
	name: 'user',
	displayName: 'User',
	description: 'The user to block or unblock Direct Messages from',
});

/** A conversation picker: from recent conversations, by ID or by x.com/messages URL (parseConversationLocator). */
export const conversationPicker = picker(
	{ name: 'conversation', displayName: 'Conversation', description: 'The one-to-one or group conversation' },
	'searchConversations',
	{
		modes: [
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 944480690-906948460078698496',
				...checked(CONVERSATION_ID_SOURCE, 'A conversation ID is <user ID>-<user ID> or 15 to 19 digits'),
			},
			{
				displayName: 'By URL',
				name: 'url',
				type: 'string',
				placeholder: 'e.g. https://x.com/messages/944480690-906948460078698496',
				...checked(CONVERSATION_URL_SOURCE, 'Enter a conversation URL such as https://x.com/messages/<ID>'),
				extractValue: { type: 'regex', regex: CONVERSATION_URL_SOURCE },
			},
		],
	},
);
