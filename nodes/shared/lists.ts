// Parameters that hold a list: multi-selects and lists of users, as the editor saves them or an expression fills them.
import type { UserReference } from './references';
import { USERNAME } from './references';
import type { NodeContext } from './validation';
import { invalidParameter, MAX_GROUP_PARTICIPANTS, MIN_GROUP_PARTICIPANTS, quoted, validateId } from './validation';

/** A value's kind as error messages name it: "null", "true", "the number 5", "an object", "an array", a quoted string. */
export function describeValue(value: unknown): string {
	if (value === null) return 'null';
	if (value === undefined) return 'nothing (undefined)';
	if (typeof value === 'boolean') return String(value);
	if (typeof value === 'number') return `the number ${String(value)}`;
	if (typeof value === 'string') return quoted(value);
	if (Array.isArray(value)) return 'an array';
	return typeof value === 'object' ? 'an object' : typeof value;
}

/** Whether a list parameter is really empty (nothing selected): only [] and '' are. */
export function isEmptyList(value: unknown): boolean {
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

/** The entries of a list value: an array, a string split at commas, semicolons or spaces, or one number; else undefined. */
export function listEntries(value: unknown): unknown[] | undefined {
	if (Array.isArray(value)) return value;
	if (typeof value === 'string') return value.split(/[\s,;]+/);
	if (typeof value === 'number') return [value];
	return undefined;
}

/**
 * Reads a list of users that an expression may give as an array, a string of entries separated by commas, semicolons
 * or spaces, or one numeric ID; drops blank entries and repeats. Only [] and '' mean "no users": any other value that
 * names no user fails, so that a filter is never widened by a value of the wrong type.
 */
export function parseUserList(ctx: NodeContext, value: unknown, parameter: string, itemIndex: number): UserReference[] {
	const entries = listEntries(value);
	if (!entries) {
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
