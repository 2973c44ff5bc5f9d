import type { INodeProperties, INodePropertyMode } from 'n8n-workflow';

import { CONVERSATION_ID_PATTERN, ID_PATTERN, USERNAME_PATTERN } from './validation';

type Show = Record<string, string[]>;

interface LocatorOptions {
	name: string;
	displayName: string;
	description: string;
	show: Show;
	/** listSearch method of a "From Recent Conversations" mode; without it the picker has no list mode. */
	searchListMethod?: string;
	/** Whether the editor checks URLs as it checks the other modes (the node checks every mode when it runs). */
	validateUrl: boolean;
}

export interface UserLocatorOptions extends LocatorOptions {
	placeholders: { username: string; id: string; url: string };
}

export interface ConversationLocatorOptions extends LocatorOptions {
	placeholders: { id: string; url: string };
	/** Editor message for an entry in the ID mode that is not a conversation ID. */
	idErrorMessage?: string;
}

function regexValidation(regex: string, errorMessage: string): INodePropertyMode['validation'] {
	return [{ type: 'regex', properties: { regex, errorMessage } }];
}

/** The picker with the modes a node uses; a new node starts in the first of them. */
function locator(options: LocatorOptions, typed: Pick<INodeProperties, 'modes'>): INodeProperties {
	const recent: Pick<INodeProperties, 'modes'> = {
		modes: [
			{
				displayName: 'From Recent Conversations',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: options.searchListMethod ?? '', searchable: true },
			},
		],
	};
	const listModes = options.searchListMethod ? (recent.modes ?? []) : [];
	const modes = [...listModes, ...(typed.modes ?? [])].map((mode) => {
		if (mode.name !== 'url' || options.validateUrl) return mode;
		const { validation: _validation, ...unchecked } = mode;
		return unchecked;
	});
	return {
		displayName: options.displayName,
		name: options.name,
		type: 'resourceLocator',
		default: { mode: modes[0].name, value: '' },
		required: true,
		description: options.description,
		displayOptions: { show: options.show },
		modes,
	};
}

/** A user picker: username, ID or profile URL (the node reads them with parseUserLocator). */
export function userLocatorProperty(options: UserLocatorOptions): INodeProperties {
	const { placeholders } = options;
	return locator(options, {
		modes: [
			{
				displayName: 'By Username',
				name: 'username',
				type: 'string',
				placeholder: placeholders.username,
				validation: regexValidation(USERNAME_PATTERN.source, 'Usernames have 1 to 15 letters, digits or underscores'),
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: placeholders.id,
				validation: regexValidation(ID_PATTERN.source, 'A user ID has 1 to 19 digits'),
			},
			{
				displayName: 'By URL',
				name: 'url',
				type: 'string',
				placeholder: placeholders.url,
				validation: regexValidation(
					'^(https?://)?(www\\.|mobile\\.)?(x|twitter)\\.com/.+',
					'Enter a profile URL on x.com or twitter.com',
				),
			},
		],
	});
}

/** A conversation picker: conversation ID or x.com/messages URL (the node reads them with parseConversationLocator). */
export function conversationLocatorProperty(options: ConversationLocatorOptions): INodeProperties {
	const { placeholders } = options;
	return locator(options, {
		modes: [
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: placeholders.id,
				validation: regexValidation(
					CONVERSATION_ID_PATTERN.source,
					options.idErrorMessage ?? 'A conversation ID is <user ID>-<user ID> or 15 to 19 digits',
				),
			},
			{
				displayName: 'By URL',
				name: 'url',
				type: 'string',
				placeholder: placeholders.url,
				validation: regexValidation(
					'^(https?://)?(www\\.)?(x|twitter)\\.com/(messages|i/chat)/[0-9-]+',
					'Enter a conversation URL such as https://x.com/messages/<ID>',
				),
			},
		],
	});
}
