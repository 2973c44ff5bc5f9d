import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CONVERSATION_ID, USERNAME, X_ID } from './references';

export interface NodeContext {
	getNode(): INode;
}

// The checks below use the patterns of references.ts (shared with the editor); modules that read IDs and user
// references through this module get them from here.
export { X_ID as ID_PATTERN } from './references';
export type { UserReference } from './references';
export const MAX_TEXT_LENGTH = 10000;

/** 10000 -> "10,000". Avoids toLocaleString, whose first call loads ICU locale data (~10 ms at n8n start-up). */
export function formatCount(value: number): string {
	return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
export const MIN_GROUP_PARTICIPANTS = 2;
export const MAX_GROUP_PARTICIPANTS = 49;

export function invalidParameter(
	ctx: NodeContext,
	itemIndex: number | undefined,
	message: string,
	description?: string,
): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), message, { itemIndex, description });
}

/** A value as messages quote it: strings in quotes and cut at 60 characters, anything else as JSON. */
export function quoted(value: unknown): string {
	if (typeof value === 'string') return `"${value.length > 60 ? `${value.slice(0, 60)}…` : value}"`;
	try {
		return JSON.stringify(value) ?? String(value);
	} catch {
		return String(value);
	}
}

/** "An ID", "An event ID", "A user ID", "A media ID". */
function withArticle(what: string): string {
	return `${/^(?:ID|[aeio])/i.test(what) ? 'An' : 'A'} ${what}`;
}

/** Checks a numeric X ID (user, event, media) and returns it as a string. */
export function validateId(
	ctx: NodeContext,
	value: unknown,
	parameter: string,
	itemIndex: number,
	what = 'ID',
): string {
	let id: string;
	if (typeof value === 'number') {
		// Numbers above 2^53 have already lost digits by the time they get here.
		if (!Number.isSafeInteger(value) || value < 0) {
			throw invalidParameter(
				ctx,
				itemIndex,
				`${parameter}: ${quoted(value)} is not a valid ${what}`,
				`X IDs are 64-bit numbers: pass them as strings (a JavaScript number above ${Number.MAX_SAFE_INTEGER} loses digits).`,
			);
		}
		id = String(value);
	} else if (typeof value === 'bigint') {
		id = value.toString();
	} else if (typeof value === 'string') {
		id = value.trim();
	} else {
		throw invalidParameter(
			ctx,
			itemIndex,
			`${parameter}: ${quoted(value ?? '')} is not a valid ${what}`,
			'Enter the ID as a string of 1 to 19 digits.',
		);
	}
	if (id === '') {
		throw invalidParameter(ctx, itemIndex, `${parameter} is required`, `Enter the ${what} (1 to 19 digits).`);
	}
	if (!X_ID.test(id)) {
		throw invalidParameter(
			ctx,
			itemIndex,
			`${parameter}: ${quoted(id)} is not a valid ${what}`,
			`${withArticle(what)} is a string of 1 to 19 digits, e.g. "1582103724607971328".`,
		);
	}
	return id;
}

/** Checks a username (with or without a leading @) and returns it without the @. */
export function validateUsername(ctx: NodeContext, value: unknown, parameter: string, itemIndex: number): string {
	const raw = typeof value === 'string' ? value.trim() : value;
	if (raw === '' || raw === undefined || raw === null) {
		throw invalidParameter(ctx, itemIndex, `${parameter} is required`, 'Enter an X username, e.g. @XDevelopers.');
	}
	if (typeof raw !== 'string' || !USERNAME.test(raw)) {
		throw invalidParameter(
			ctx,
			itemIndex,
			`${parameter}: ${quoted(raw)} is not a valid X username`,
			'Usernames have 1 to 15 letters, digits or underscores, optionally preceded by @.',
		);
	}
	return raw.replace(/^@/, '');
}

export function validateConversationId(ctx: NodeContext, value: unknown, parameter: string, itemIndex: number): string {
	const id = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
	if (typeof id !== 'string' || id.trim() === '') {
		throw invalidParameter(
			ctx,
			itemIndex,
			id === '' || id === undefined || id === null ? `${parameter} is required` : `${parameter}: ${quoted(id)} is not a valid conversation ID`,
			'A conversation ID is "<user ID>-<user ID>" for one-to-one conversations or 15 to 19 digits for groups.',
		);
	}
	const trimmed = id.trim();
	if (!CONVERSATION_ID.test(trimmed)) {
		throw invalidParameter(
			ctx,
			itemIndex,
			`${parameter}: ${quoted(trimmed)} is not a valid conversation ID`,
			'A conversation ID is "<user ID>-<user ID>" for one-to-one conversations (e.g. 944480690-906948460078698496) or 15 to 19 digits for groups.',
		);
	}
	return trimmed;
}

// A high surrogate not followed by a low one, or a low surrogate not preceded by a high one: not valid Unicode.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function textLength(text: string): number {
	return [...text].length;
}

/** Returns the text to send, or undefined for an attachment-only message. */
export function validateText(
	ctx: NodeContext,
	value: unknown,
	hasAttachment: boolean,
	itemIndex: number,
	parameter = 'Text',
): string | undefined {
	let text: string;
	if (value === undefined || value === null) text = '';
	else if (typeof value === 'string') text = value;
	else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
	else {
		throw invalidParameter(
			ctx,
			itemIndex,
			`${parameter} must be a string, got ${Array.isArray(value) ? 'an array' : typeof value}`,
		);
	}
	if (text === '') {
		if (hasAttachment) return undefined;
		throw invalidParameter(
			ctx,
			itemIndex,
			`${parameter} is required unless the message has an attachment`,
			`Enter 1 to ${formatCount(MAX_TEXT_LENGTH)} characters, or add a media attachment.`,
		);
	}
	const surrogate = LONE_SURROGATE.exec(text);
	if (surrogate) {
		const code = surrogate[0].charCodeAt(0).toString(16).toUpperCase();
		throw invalidParameter(
			ctx,
			itemIndex,
			`${parameter} contains a lone UTF-16 surrogate (U+${code}) at character ${textLength(text.slice(0, surrogate.index)) + 1}: it is not valid Unicode`,
			'Half of an emoji or other character is missing, often because the text was cut in the middle of it. Remove the character or cut the text at another place.',
		);
	}
	const length = textLength(text);
	if (length > MAX_TEXT_LENGTH) {
		throw invalidParameter(
			ctx,
			itemIndex,
			`${parameter} is too long: ${formatCount(length)} characters (X allows at most ${formatCount(MAX_TEXT_LENGTH)})`,
		);
	}
	return text;
}

export function validateLimit(ctx: NodeContext, value: unknown, itemIndex: number, parameter = 'Limit'): number {
	const limit = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
		throw invalidParameter(ctx, itemIndex, `${parameter} must be a whole number of at least 1, got ${quoted(value)}`);
	}
	return limit;
}

