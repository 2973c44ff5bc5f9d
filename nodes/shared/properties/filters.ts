import type { INodeProperties } from 'n8n-workflow';

/**
 * The sender filters both triggers offer, defined once: names, types and defaults are shared, each trigger says in
 * its own words which of its events a filter applies to.
 */

/** "Ignore My Own Messages" (on by default), so that a workflow that replies does not trigger itself. */
export function ignoreOwnMessagesProperty(description: string): INodeProperties {
	return { displayName: 'Ignore My Own Messages', name: 'ignoreOwnMessages', type: 'boolean', default: true, description };
}

/** "Only From Senders": user IDs or @usernames, separated by commas; empty means everyone. */
export function sendersProperty(description: string): INodeProperties {
	return {
		displayName: 'Only From Senders',
		name: 'senders',
		type: 'string',
		default: '',
		placeholder: 'e.g. @XDevelopers, 2244994945',
		description,
	};
}
