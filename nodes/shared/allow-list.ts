// The "Only Send To" option of the send operations: the users and conversations a node may send to. Parsing and
// matching only; the action node resolves usernames and refuses a send (XDirectMessages/actions/allow-list.ts).
import { describeValue, isEmptyList, listEntries } from './lists';
import { USERNAME } from './references';
import type { NodeContext } from './validation';
import { invalidParameter, quoted, validateConversationId, validateId } from './validation';

export const ONLY_SEND_TO = 'Only Send To';

/**
 * One entry of the list: a user ID (digits, which also allow the group conversation of that ID), a username (without
 * the @) or a one-to-one conversation ID ("<user ID>-<user ID>", its parts in ascending order).
 */
export type AllowEntry = { kind: 'id'; value: string } | { kind: 'username'; value: string } | { kind: 'conversation'; value: string };

const ENTRY_FORMS =
	'List user IDs (1 to 19 digits), @usernames and conversation IDs (e.g. 944480690-906948460078698496, or the 15 to 19 digits of a group), separated by commas.';

/** An X ID without leading zeros, so that "007" and "7" compare equal. */
export function canonicalId(id: string): string {
	return BigInt(id).toString();
}

/** A conversation ID as the list compares it: one-to-one parts canonical and in ascending order, a group ID canonical. */
export function canonicalConversationId(id: string): string {
	const parts = id.split('-').map((part) => BigInt(part));
	return parts
		.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
		.map(String)
		.join('-');
}

function parseEntry(ctx: NodeContext, entry: unknown, itemIndex: number): AllowEntry {
	if (typeof entry === 'number') return { kind: 'id', value: canonicalId(validateId(ctx, entry, ONLY_SEND_TO, itemIndex, 'user ID')) };
	const text = typeof entry === 'string' ? entry.trim() : undefined;
	if (text !== undefined && text.includes('-') && /^[0-9-]+$/.test(text)) {
		return { kind: 'conversation', value: canonicalConversationId(validateConversationId(ctx, text, ONLY_SEND_TO, itemIndex)) };
	}
	if (text !== undefined && /^[0-9]+$/.test(text)) return { kind: 'id', value: canonicalId(validateId(ctx, text, ONLY_SEND_TO, itemIndex, 'ID')) };
	if (text !== undefined && USERNAME.test(text)) return { kind: 'username', value: text.replace(/^@/, '') };
	throw invalidParameter(
		ctx,
		itemIndex,
		`${ONLY_SEND_TO}: ${text === undefined ? describeValue(entry) : quoted(text)} is neither a user ID, an @username nor a conversation ID`,
		ENTRY_FORMS,
	);
}

/**
 * Reads the list (a string of entries separated by commas, semicolons or spaces, an array, or one numeric ID); drops
 * blank entries and repeats. Empty means anyone. A list that an expression fills must name someone: an expression
 * that gives nothing fails instead of allowing everyone, and so does any value that is not a list.
 */
export function parseAllowList(ctx: NodeContext, value: unknown, itemIndex: number, fromExpression: boolean): AllowEntry[] {
	const entries = listEntries(value);
	if (!entries) {
		throw invalidParameter(ctx, itemIndex, `${ONLY_SEND_TO} must be a list of users and conversations, got ${describeValue(value)}`, ENTRY_FORMS);
	}
	const allowed: AllowEntry[] = [];
	const seen = new Set<string>();
	for (const entry of entries) {
		if (typeof entry === 'string' && entry.trim() === '') continue;
		const parsed = parseEntry(ctx, entry, itemIndex);
		const key = `${parsed.kind}:${parsed.value.toLowerCase()}`;
		if (seen.has(key)) continue;
		seen.add(key);
		allowed.push(parsed);
	}
	if (!allowed.length && (fromExpression || !isEmptyList(value))) {
		throw invalidParameter(
			ctx,
			itemIndex,
			`${ONLY_SEND_TO} names nobody: ${quoted(value)}`,
			`${ENTRY_FORMS} Remove the option to allow any recipient.`,
		);
	}
	return allowed;
}

/** The list as messages show it: "@bob, 944480690, 944480690-906948460078698496". */
export function showAllowList(entries: AllowEntry[]): string {
	return entries.map((entry) => (entry.kind === 'username' ? `@${entry.value}` : entry.value)).join(', ');
}
