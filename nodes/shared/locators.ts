import type { INodeParameterResourceLocator } from 'n8n-workflow';

import type { UserReference } from './references';
import { invalidIdInUrl, matchConversationUrl, matchProfileUrl } from './references';
import type { NodeContext } from './validation';
import { invalidParameter, quoted, validateConversationId, validateId, validateUsername } from './validation';

// The node's side of the user and conversation pickers (properties/pickers.ts): reads and checks each mode's entry.

function locatorParts(value: unknown): { mode: string; value: unknown } {
	if (value && typeof value === 'object' && 'mode' in (value as object)) {
		const locator = value as INodeParameterResourceLocator;
		return { mode: String(locator.mode), value: locator.value };
	}
	return { mode: 'id', value };
}

/** Reads a user out of a profile URL on x.com or twitter.com. */
export function parseProfileUrl(ctx: NodeContext, value: unknown, parameter: string, itemIndex: number): UserReference {
	const url = typeof value === 'string' ? value.trim() : '';
	const reference = matchProfileUrl(url);
	if (reference) return reference;
	const badId = invalidIdInUrl(url, 'profile');
	if (badId !== undefined) validateId(ctx, badId, parameter, itemIndex, 'user ID');
	throw invalidParameter(
		ctx,
		itemIndex,
		url === '' ? `${parameter} is required` : `${parameter}: ${quoted(url)} is not an X profile URL`,
		'Use a profile URL such as https://x.com/XDevelopers (twitter.com works too).',
	);
}

/** Reads the recipient resource locator (list / username / ID / URL). */
export function parseUserLocator(ctx: NodeContext, locator: unknown, parameter: string, itemIndex: number): UserReference {
	const { mode, value } = locatorParts(locator);
	switch (mode) {
		case 'username':
			return { kind: 'username', value: validateUsername(ctx, value, parameter, itemIndex) };
		case 'url':
			return parseProfileUrl(ctx, value, parameter, itemIndex);
		case 'list':
		case 'id':
			return { kind: 'id', value: validateId(ctx, value, parameter, itemIndex, 'user ID') };
		default:
			throw invalidParameter(ctx, itemIndex, `${parameter}: unknown mode "${mode}"`);
	}
}

/** Reads the conversation resource locator (list / ID / URL x.com/messages/<id>). */
export function parseConversationLocator(ctx: NodeContext, locator: unknown, parameter: string, itemIndex: number): string {
	const { mode, value } = locatorParts(locator);
	if (mode === 'url') {
		const url = typeof value === 'string' ? value.trim() : '';
		const conversationId = matchConversationUrl(url) ?? invalidIdInUrl(url, 'conversation');
		if (conversationId === undefined) {
			throw invalidParameter(
				ctx,
				itemIndex,
				url === '' ? `${parameter} is required` : `${parameter}: ${quoted(url)} is not an X conversation URL`,
				'Use the URL of the conversation, e.g. https://x.com/messages/944480690-906948460078698496.',
			);
		}
		return validateConversationId(ctx, conversationId, parameter, itemIndex);
	}
	if (mode !== 'list' && mode !== 'id') {
		throw invalidParameter(ctx, itemIndex, `${parameter}: unknown mode "${mode}"`);
	}
	return validateConversationId(ctx, value, parameter, itemIndex);
}
