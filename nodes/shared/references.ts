/**
 * How users and conversations are written: IDs, usernames and x.com URLs. Each pattern exists once, as regex source
 * text; the editor's resource-locator checks (`validation`, `extractValue`) use that text as it is, and the runtime
 * compiles the very same text, so the editor and the node accept the same entries.
 *
 * Every source is one self-contained group, so n8n's `^${source}$` and the runtime's anchors mean the same thing.
 * The sources carry no flags (the editor cannot pass any): letters of host names and paths match in either case.
 */

/** A regex source that matches `word` in upper or lower case, letter by letter. */
function anyCase(word: string): string {
	return word.replace(/[a-z]/g, (letter) => `[${letter}${letter.toUpperCase()}]`);
}

/** Digit strings (leading zeros allowed) whose value is at most `max`, e.g. the largest signed 64-bit integer. */
function digitsAtMost(max: string): string {
	const alternatives = [`[0-9]{1,${max.length - 1}}`];
	for (let position = 0; position < max.length; position++) {
		const digit = Number(max[position]);
		if (digit === 0) continue;
		const rest = max.length - position - 1;
		const lower = digit === 1 ? '0' : `[0-${digit - 1}]`;
		alternatives.push(`${max.slice(0, position)}${lower}${rest ? `[0-9]{${rest}}` : ''}`);
	}
	alternatives.push(max);
	return `(?:${alternatives.join('|')})`;
}

/** The largest X ID: X IDs are unsigned 64-bit snowflakes that fit into a signed int64. */
export const MAX_X_ID = '9223372036854775807';

/** A user, event or media ID: 1 to 19 digits, at most MAX_X_ID. */
export const X_ID_SOURCE = digitsAtMost(MAX_X_ID);

/** A username, with or without the leading @. */
export const USERNAME_SOURCE = '(?:@?[A-Za-z0-9_]{1,15})';

/** One part of a conversation ID: an X ID, all of its digits (an unanchored match, like extractValue's, stops nowhere else). */
const CONVERSATION_PART = `${X_ID_SOURCE}(?![0-9])`;

/**
 * A conversation ID: "<user ID>-<user ID>" for one-to-one conversations, 15 to 19 digits for groups. Every part is an
 * X ID, so none is above MAX_X_ID (the lookahead asks a group ID for at least 15 digits).
 */
export const CONVERSATION_ID_SOURCE = `(?:${CONVERSATION_PART}-${CONVERSATION_PART}|(?=[0-9]{15})${CONVERSATION_PART})`;

const HOST = `(?:${anyCase('https')}?://)?(?:${anyCase('www')}\\.|${anyCase('mobile')}\\.)?(?:${anyCase('x')}|${anyCase('twitter')})\\.${anyCase('com')}`;

/** What may follow the path: a trailing slash, then a query or fragment. */
const TAIL = '/?(?:[?#].*)?';

// Paths on x.com that are not user profiles.
const RESERVED_PROFILE_PATHS = [
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
];
const NOT_RESERVED = `(?!(?:${RESERVED_PROFILE_PATHS.map(anyCase).join('|')})(?![A-Za-z0-9_]))`;

function profileUrl(idSource: string): string {
	return `(?:${HOST}/(?:${anyCase('i/user')}/(${idSource})|@?${NOT_RESERVED}([A-Za-z0-9_]{1,15}))${TAIL})`;
}

function conversationUrl(idSource: string): string {
	return `(?:${HOST}/(?:${anyCase('messages')}|${anyCase('i/chat')})/(${idSource})${TAIL})`;
}

/** A profile URL on x.com or twitter.com: x.com/<username> or x.com/i/user/<ID>. Groups: 1 = ID, 2 = username. */
export const PROFILE_URL_SOURCE = profileUrl(X_ID_SOURCE);

/** A conversation URL: x.com/messages/<conversation ID> (or /i/chat/). One group: the conversation ID. */
export const CONVERSATION_URL_SOURCE = conversationUrl(CONVERSATION_ID_SOURCE);

/**
 * The regex text of an editor check. The node trims what it reads and n8n's check does not, so the editor allows the
 * same surrounding whitespace.
 */
export function editorRegex(source: string): string {
	return `\\s*${source}\\s*`;
}

function anchored(source: string): RegExp {
	return new RegExp(`^${source}$`);
}

export const X_ID = anchored(X_ID_SOURCE);
export const USERNAME = anchored(USERNAME_SOURCE);
export const CONVERSATION_ID = anchored(CONVERSATION_ID_SOURCE);
const PROFILE_URL = anchored(PROFILE_URL_SOURCE);
const CONVERSATION_URL = anchored(CONVERSATION_URL_SOURCE);
// URLs of the right shape whose ID is not valid: the node then names the ID as the problem.
const PROFILE_URL_WITH_ANY_ID = anchored(profileUrl('[0-9]{1,19}'));
const CONVERSATION_URL_WITH_ANY_ID = anchored(conversationUrl('[0-9-]+'));

export type UserReference = { kind: 'id'; value: string } | { kind: 'username'; value: string };

/** The user of a profile URL (already trimmed), or undefined when it is not one. */
export function matchProfileUrl(url: string): UserReference | undefined {
	const match = PROFILE_URL.exec(url);
	if (!match) return undefined;
	return match[1] ? { kind: 'id', value: match[1] } : { kind: 'username', value: match[2] };
}

/** The conversation ID of a conversation URL (already trimmed), or undefined when it is not one. */
export function matchConversationUrl(url: string): string | undefined {
	return CONVERSATION_URL.exec(url)?.[1];
}

/** The ID part of a URL that has the shape of a profile or conversation URL but whose ID is not valid. */
export function invalidIdInUrl(url: string, kind: 'profile' | 'conversation'): string | undefined {
	return (kind === 'profile' ? PROFILE_URL_WITH_ANY_ID : CONVERSATION_URL_WITH_ANY_ID).exec(url)?.[1];
}
