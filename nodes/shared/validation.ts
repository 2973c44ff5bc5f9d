import type { INode, INodeParameterResourceLocator } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

export interface NodeContext {
	getNode(): INode;
}

export const ID_PATTERN = /^[0-9]{1,19}$/;
export const USERNAME_PATTERN = /^@?[A-Za-z0-9_]{1,15}$/;
export const CONVERSATION_ID_PATTERN = /^([0-9]{1,19}-[0-9]{1,19}|[0-9]{15,19})$/;
export const MAX_TEXT_LENGTH = 10000;

/** 10000 -> "10,000". Avoids toLocaleString, whose first call loads ICU locale data (~10 ms at n8n start-up). */
export function formatCount(value: number): string {
	return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
export const MIN_GROUP_PARTICIPANTS = 2;
export const MAX_GROUP_PARTICIPANTS = 49;

// X IDs are unsigned 64-bit snowflakes that fit into a signed int64.
const MAX_ID = BigInt('9223372036854775807');

// Paths on x.com that are not user profiles.
const RESERVED_PROFILE_PATHS = new Set([
	'compose',
	'explore',
	'hashtag',
	'home',
	'i',
	'intent',
	'messages',
	'notifications',
	'search',
	'settings',
	'share',
]);

export function invalidParameter(
	ctx: NodeContext,
	itemIndex: number | undefined,
	message: string,
	description?: string,
): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), message, { itemIndex, description });
}

function show(value: unknown): string {
	if (typeof value === 'string') return `"${value.length > 60 ? `${value.slice(0, 60)}…` : value}"`;
	try {
		return JSON.stringify(value) ?? String(value);
	} catch {
		return String(value);
	}
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
				`${parameter}: ${show(value)} is not a valid ${what}`,
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
			`${parameter}: ${show(value ?? '')} is not a valid ${what}`,
			'Enter the ID as a string of 1 to 19 digits.',
		);
	}
	if (id === '') {
		throw invalidParameter(ctx, itemIndex, `${parameter} is required`, `Enter the ${what} (1 to 19 digits).`);
	}
	if (!ID_PATTERN.test(id) || BigInt(id) > MAX_ID) {
		throw invalidParameter(
			ctx,
			itemIndex,
			`${parameter}: ${show(id)} is not a valid ${what}`,
			`An ${what} is a string of 1 to 19 digits, e.g. "1582103724607971328".`,
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
	if (typeof raw !== 'string' || !USERNAME_PATTERN.test(raw)) {
		throw invalidParameter(
			ctx,
			itemIndex,
			`${parameter}: ${show(raw)} is not a valid X username`,
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
			id === '' || id === undefined || id === null ? `${parameter} is required` : `${parameter}: ${show(id)} is not a valid conversation ID`,
			'A conversation ID is "<user ID>-<user ID>" for one-to-one conversations or 15 to 19 digits for groups.',
		);
	}
	const trimmed = id.trim();
	if (!CONVERSATION_ID_PATTERN.test(trimmed)) {
		throw invalidParameter(
			ctx,
			itemIndex,
			`${parameter}: ${show(trimmed)} is not a valid conversation ID`,
			'A conversation ID is "<user ID>-<user ID>" for one-to-one conversations (e.g. 944480690-906948460078698496) or 15 to 19 digits for groups.',
		);
	}
	return trimmed;
}

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
		throw invalidParameter(ctx, itemIndex, `${parameter} must be a whole number of at least 1, got ${show(value)}`);
	}
	return limit;
}

/** Reads a multi-select that an expression may also fill with an array or a comma-separated string; drops repeats. */
export function parseChoices(
	ctx: NodeContext,
	value: unknown,
	parameter: string,
	allowed: string[],
	itemIndex?: number,
): string[] {
	const choices =
		typeof value === 'string'
			? value.split(',').map((entry) => entry.trim()).filter(Boolean)
			: Array.isArray(value)
				? value.map((entry) => String(entry).trim())
				: [];
	const unknown = choices.find((choice) => !allowed.includes(choice));
	if (unknown !== undefined) {
		throw invalidParameter(
			ctx,
			itemIndex,
			`${parameter}: "${unknown}" is not one of the values X accepts`,
			`Allowed: ${allowed.join(', ')}.`,
		);
	}
	return [...new Set(choices)];
}

export type UserReference = { kind: 'id'; value: string } | { kind: 'username'; value: string };

/** Reads one "ID or @username" entry: a leading @ or any non-digit means a username, only digits mean an ID. */
export function parseUserReference(
	ctx: NodeContext,
	value: unknown,
	parameter: string,
	itemIndex: number,
): UserReference {
	if (typeof value === 'number') return { kind: 'id', value: validateId(ctx, value, parameter, itemIndex, 'user ID') };
	if (typeof value !== 'string') {
		throw invalidParameter(ctx, itemIndex, `${parameter}: ${show(value)} is neither a user ID nor an @username`);
	}
	const entry = value.trim();
	if (/^[0-9]+$/.test(entry)) return { kind: 'id', value: validateId(ctx, entry, parameter, itemIndex, 'user ID') };
	if (!USERNAME_PATTERN.test(entry)) {
		throw invalidParameter(
			ctx,
			itemIndex,
			`${parameter}: ${show(entry)} is neither a user ID nor an @username`,
			'Use user IDs (1 to 19 digits) or usernames (1 to 15 letters, digits or underscores, e.g. @XDevelopers).',
		);
	}
	return { kind: 'username', value: entry.replace(/^@/, '') };
}

/** Splits and checks the participants of a group: 2 to 49 distinct users. */
export function parseParticipants(ctx: NodeContext, value: unknown, itemIndex: number, parameter = 'Participants'): UserReference[] {
	let entries: unknown[];
	if (Array.isArray(value)) entries = value;
	else if (typeof value === 'string') entries = value.split(/[\s,;]+/).filter((entry) => entry !== '');
	else if (typeof value === 'number') entries = [value];
	else entries = [];
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
	const match =
		/^(?:https?:\/\/)?(?:www\.|mobile\.)?(?:x|twitter)\.com\/(?:i\/user\/([0-9]{1,19})|@?([A-Za-z0-9_]{1,15}))\/?(?:[?#].*)?$/i.exec(
			url,
		);
	if (!match || (match[2] && RESERVED_PROFILE_PATHS.has(match[2].toLowerCase()))) {
		throw invalidParameter(
			ctx,
			itemIndex,
			url === '' ? `${parameter} is required` : `${parameter}: ${show(url)} is not an X profile URL`,
			'Use a profile URL such as https://x.com/XDevelopers (twitter.com works too).',
		);
	}
	if (match[1]) return { kind: 'id', value: validateId(ctx, match[1], parameter, itemIndex, 'user ID') };
	return { kind: 'username', value: match[2] };
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
		const match = /^(?:https?:\/\/)?(?:www\.|mobile\.)?(?:x|twitter)\.com\/(?:messages|i\/chat)\/([0-9-]+)\/?(?:[?#].*)?$/i.exec(url);
		if (!match) {
			throw invalidParameter(
				ctx,
				itemIndex,
				url === '' ? `${parameter} is required` : `${parameter}: ${show(url)} is not an X conversation URL`,
				'Use the URL of the conversation, e.g. https://x.com/messages/944480690-906948460078698496.',
			);
		}
		return validateConversationId(ctx, match[1], parameter, itemIndex);
	}
	if (mode !== 'list' && mode !== 'id') {
		throw invalidParameter(ctx, itemIndex, `${parameter}: unknown mode "${mode}"`);
	}
	return validateConversationId(ctx, value, parameter, itemIndex);
}
