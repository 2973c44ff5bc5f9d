import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { UserReference } from './references';
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

/** A value's kind as error messages name it: "null", "true", "the number 5", "an object", "an array", a quoted string. */
function describeValue(value: unknown): string {
	if (value === null) return 'null';
	if (value === undefined) return 'nothing (undefined)';
	if (typeof value === 'boolean') return String(value);
	if (typeof value === 'number') return `the number ${String(value)}`;
	if (typeof value === 'string') return quoted(value);
	if (Array.isArray(value)) return 'an array';
	return typeof value === 'object' ? 'an object' : typeof value;
}

/** Whether a list parameter is really empty (nothing selected): only [] and '' are. */
function isEmptyList(value: unknown): boolean {
	return value === '' || (Array.isArray(value) && value.length === 0);
}

/**
 * Reads a multi-select that an expression may also fill with an array of strings or a comma-separated string; drops
 * repeats and blank entries. Only [] and '' mean "nothing selected": any other value that names no allowed value
 * fails, so that a filter is never widened by a value of the wrong type.
 */
export function parseChoices(ctx: NodeContext, value: unknown, parameter: string, allowed: string[], itemIndex?: number): string[] {
	const description = `Allowed: ${allowed.join(', ')}.`;
	const listOf = 'a list of values (an array of strings or a comma-separated string)';
	const notAList = (got: string) => invalidParameter(ctx, itemIndex, `${parameter} must be ${listOf}, got ${got}`, description);
	let entries: unknown[];
	if (typeof value === 'string') entries = value.split(',');
	else if (Array.isArray(value)) entries = value;
	else throw notAList(describeValue(value));
	const choices: string[] = [];
	for (const entry of entries) {
		if (typeof entry !== 'string') throw notAList(`an array holding ${describeValue(entry)}`);
		if (entry.trim() !== '') choices.push(entry.trim());
	}
	if (!choices.length && !isEmptyList(value)) {
		throw invalidParameter(ctx, itemIndex, `${parameter} names no value: ${quoted(value)}`, `${description} Leave it empty to select none.`);
	}
	const unknown = choices.find((choice) => !allowed.includes(choice));
	if (unknown !== undefined) {
		throw invalidParameter(ctx, itemIndex, `${parameter}: "${unknown}" is not one of the values X accepts`, description);
	}
	return [...new Set(choices)];
}

/** Reads one "ID or @username" entry: a leading @ or any non-digit means a username, only digits mean an ID. */
export function parseUserReference(
	ctx: NodeContext,
	value: unknown,
	parameter: string,
	itemIndex: number,
): UserReference {
	if (typeof value === 'number') return { kind: 'id', value: validateId(ctx, value, parameter, itemIndex, 'user ID') };
	if (typeof value !== 'string') {
		throw invalidParameter(ctx, itemIndex, `${parameter}: ${quoted(value)} is neither a user ID nor an @username`);
	}
	const entry = value.trim();
	if (/^[0-9]+$/.test(entry)) return { kind: 'id', value: validateId(ctx, entry, parameter, itemIndex, 'user ID') };
	if (!USERNAME.test(entry)) {
		throw invalidParameter(
			ctx,
			itemIndex,
			`${parameter}: ${quoted(entry)} is neither a user ID nor an @username`,
			'Use user IDs (1 to 19 digits) or usernames (1 to 15 letters, digits or underscores, e.g. @XDevelopers).',
		);
	}
	return { kind: 'username', value: entry.replace(/^@/, '') };
}

/**
 * Reads a list of users that an expression may give as an array, a string of entries separated by commas, semicolons
 * or spaces, or one numeric ID; drops blank entries and repeats. Only [] and '' mean "no users": any other value that
 * names no user fails, so that a filter is never widened by a value of the wrong type.
 */
export function parseUserList(ctx: NodeContext, value: unknown, parameter: string, itemIndex: number): UserReference[] {
	let entries: unknown[];
	if (Array.isArray(value)) entries = value;
	else if (typeof value === 'string') entries = value.split(/[\s,;]+/);
	else if (typeof value === 'number') entries = [value];
	else {
		throw invalidParameter(
			ctx,
			itemIndex,
			`${parameter} must be user IDs or @usernames (a comma-separated string, an array or one numeric ID), got ${describeValue(value)}`,
		);
	}
	const references: UserReference[] = [];
	const seen = new Set<string>();
	for (const entry of entries) {
		if (typeof entry === 'string' && entry.trim() === '') continue;
		const reference = parseUserReference(ctx, entry, parameter, itemIndex);
		const key = `${reference.kind}:${reference.value.toLowerCase()}`;
		if (seen.has(key)) continue;
		seen.add(key);
		references.push(reference);
	}
	if (!references.length && !isEmptyList(value)) {
		throw invalidParameter(ctx, itemIndex, `${parameter} names no user: ${quoted(value)}`, 'List user IDs or @usernames separated by commas.');
	}
	return references;
}

/** Splits and checks the participants of a group: 2 to 49 distinct users. */
export function parseParticipants(ctx: NodeContext, value: unknown, itemIndex: number, parameter = 'Participants'): UserReference[] {
	const references = parseUserList(ctx, value, parameter, itemIndex);
	if (references.length < MIN_GROUP_PARTICIPANTS || references.length > MAX_GROUP_PARTICIPANTS) {
		throw invalidParameter(
			ctx,
			itemIndex,
			`${parameter}: a group needs ${MIN_GROUP_PARTICIPANTS} to ${MAX_GROUP_PARTICIPANTS} distinct participants besides you, got ${references.length}`,
			'List user IDs or @usernames separated by commas.',
		);
	}
	return references;
}
