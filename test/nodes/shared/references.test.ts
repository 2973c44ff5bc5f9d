// The editor and the node read user and conversation entries with the same patterns (nodes/shared/references.ts).
// Each entry is checked three ways and all must agree with the expected outcome:
// - the editor: n8n's own parameter check (NodeHelpers.getNodeParametersIssues, which applies the resource locator's
//   `validation` regexes) on both nodes' real descriptions;
// - the node: parseUserLocator / parseConversationLocator, which the operations and the trigger call;
// - for conversation URLs, n8n-core's extractValue with the picker's `extractValue` regex.
import type { INode, INodeParameters, INodeType } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';
import { extractValue } from 'n8n-core/dist/execution-engine/node-execution-context/utils/extract-value';

import { XDirectMessages } from '../../../nodes/XDirectMessages/XDirectMessages.node';
import { XDirectMessagesTrigger } from '../../../nodes/XDirectMessagesTrigger/XDirectMessagesTrigger.node';
import { parseConversationLocator, parseUserLocator } from '../../../nodes/shared/locators';
import type { UserReference } from '../../../nodes/shared/references';
import { CONVERSATION_ID, MAX_X_ID, X_ID } from '../../../nodes/shared/references';

const action = new XDirectMessages();
const trigger = new XDirectMessagesTrigger();

type Kind = 'user' | 'conversation';

/** Where each picker is shown: the parameters that display it, per node. */
const PLACES: Record<Kind, Array<{ nodeType: INodeType; name: string; parameters: INodeParameters }>> = {
	user: [
		{ nodeType: action, name: 'recipient', parameters: { resource: 'message', operation: 'sendToUser' } },
		{ nodeType: action, name: 'participant', parameters: { resource: 'event', operation: 'getMany', scope: 'participant' } },
		{ nodeType: trigger, name: 'participant', parameters: { scope: 'participant' } },
	],
	conversation: [
		{ nodeType: action, name: 'conversation', parameters: { resource: 'message', operation: 'sendToConversation' } },
		{ nodeType: action, name: 'conversation', parameters: { resource: 'event', operation: 'getMany', scope: 'conversation' } },
		{ nodeType: trigger, name: 'conversation', parameters: { scope: 'conversation' } },
	],
};

function nodeWith(nodeType: INodeType, parameters: INodeParameters): INode {
	return {
		id: 'node',
		name: 'Node',
		type: nodeType.description.name,
		typeVersion: 1,
		position: [0, 0],
		parameters: { authentication: 'oAuth2', ...parameters },
	};
}

function locator(mode: string, value: string): INodeParameters {
	return { __rl: true, mode, value };
}

/** The editor's verdict in every place the picker is shown: true when n8n reports no issue for it. */
function editorAccepts(kind: Kind, mode: string, value: string): boolean[] {
	return PLACES[kind].map(({ nodeType, name, parameters }) => {
		const node = nodeWith(nodeType, { ...parameters, [name]: locator(mode, value) });
		const issues = NodeHelpers.getNodeParametersIssues(nodeType.description.properties, node, nodeType.description);
		return issues?.parameters?.[name] === undefined;
	});
}

/** The node's reading of the entry, or undefined when it rejects it. */
function nodeReads(kind: Kind, mode: string, value: string): UserReference | string | undefined {
	const ctx = { getNode: () => nodeWith(action, {}) };
	try {
		return kind === 'user'
			? parseUserLocator(ctx, locator(mode, value), 'User', 0)
			: parseConversationLocator(ctx, locator(mode, value), 'Conversation', 0);
	} catch (error) {
		expect((error as Error).name).toBe('NodeOperationError');
		return undefined;
	}
}

const id = (value: string): UserReference => ({ kind: 'id', value });
const username = (value: string): UserReference => ({ kind: 'username', value });

// [mode, entry, what the node reads or undefined for "rejected"]
const USER_CASES: Array<[string, string, UserReference | undefined]> = [
	// Profile URLs: hosts, schemes, trailing parts, case
	['url', 'https://x.com/XDevelopers', username('XDevelopers')],
	['url', 'http://x.com/bob', username('bob')],
	['url', 'x.com/bob', username('bob')],
	['url', 'www.x.com/bob', username('bob')],
	['url', 'https://www.x.com/bob', username('bob')],
	['url', 'https://twitter.com/bob', username('bob')],
	['url', 'https://www.twitter.com/bob', username('bob')],
	['url', 'https://mobile.x.com/bob', username('bob')],
	['url', 'mobile.twitter.com/bob', username('bob')],
	['url', 'https://x.com/bob/', username('bob')],
	['url', 'https://x.com/bob?s=20', username('bob')],
	['url', 'https://x.com/bob/?lang=en', username('bob')],
	['url', 'https://x.com/bob#top', username('bob')],
	['url', 'HTTPS://WWW.X.COM/Bob', username('Bob')],
	['url', 'https://x.com/@bob', username('bob')],
	['url', 'https://x.com/homes', username('homes')],
	['url', 'https://x.com/i_am', username('i_am')],
	['url', '  https://x.com/bob  ', username('bob')],
	['url', 'https://x.com/i/user/944480690', id('944480690')],
	['url', 'https://twitter.com/i/user/944480690/', id('944480690')],
	['url', 'https://x.com/I/USER/944480690', id('944480690')],
	['url', `https://x.com/i/user/${MAX_X_ID}`, id(MAX_X_ID)],
	['url', '', undefined],
	['url', 'https://example.com/bob', undefined],
	['url', 'https://x.com.evil.test/bob', undefined],
	['url', 'https://m.x.com/bob', undefined],
	['url', 'https://x.com/', undefined],
	['url', 'https://x.com/home', undefined],
	['url', 'https://x.com/Home', undefined],
	['url', 'https://x.com/@home', undefined],
	['url', 'https://x.com/i', undefined],
	['url', 'https://x.com/messages/1-2', undefined],
	['url', 'https://twitter.com/settings', undefined],
	['url', 'https://x.com/i/user/', undefined],
	['url', 'https://x.com/i/user/abc', undefined],
	['url', 'https://x.com/i/user/9223372036854775808', undefined],
	['url', 'https://x.com/bad-name', undefined],
	['url', 'https://x.com/abcdefghijklmnop', undefined],
	['url', 'ftp://x.com/bob', undefined],
	['url', 'https://x.com/bob/status/1', undefined],
	// User IDs
	['id', '944480690', id('944480690')],
	['id', '0', id('0')],
	['id', MAX_X_ID, id(MAX_X_ID)],
	['id', '0009223372036854775', id('0009223372036854775')],
	['id', ' 42 ', id('42')],
	['id', '', undefined],
	['id', '9223372036854775808', undefined],
	['id', '9999999999999999999', undefined],
	['id', '12345678901234567890', undefined],
	['id', 'abc', undefined],
	['id', '-5', undefined],
	['id', '1.5', undefined],
	['id', '1e5', undefined],
	['id', '0x1F', undefined],
	['id', '12 34', undefined],
	['id', '１２３', undefined],
	// Usernames
	['username', 'XDevelopers', username('XDevelopers')],
	['username', '@XDevelopers', username('XDevelopers')],
	['username', 'a', username('a')],
	['username', 'abcdefghijklmno', username('abcdefghijklmno')],
	['username', 'bob_1', username('bob_1')],
	['username', '123', username('123')],
	['username', ' @bob ', username('bob')],
	['username', '', undefined],
	['username', '@', undefined],
	['username', 'bob smith', undefined],
	['username', 'abcdefghijklmnop', undefined],
	['username', 'bad-name', undefined],
	['username', 'émile', undefined],
	['username', '@@bob', undefined],
	['username', 'bob!', undefined],
	['username', 'bob.smith', undefined],
];

const CONVERSATION_CASES: Array<[string, string, string | undefined]> = [
	// Conversation URLs
	['url', 'https://x.com/messages/944480690-906948460078698496', '944480690-906948460078698496'],
	['url', 'x.com/messages/1-2', '1-2'],
	['url', 'http://x.com/messages/1-2', '1-2'],
	['url', 'https://twitter.com/messages/1-2', '1-2'],
	['url', 'https://www.x.com/messages/1-2', '1-2'],
	['url', 'https://mobile.x.com/messages/1-2', '1-2'],
	['url', 'mobile.twitter.com/messages/1-2', '1-2'],
	['url', 'https://x.com/messages/1-2/', '1-2'],
	['url', 'https://x.com/messages/1-2?ref=n8n', '1-2'],
	['url', 'https://x.com/messages/1-2#latest', '1-2'],
	['url', 'https://x.com/i/chat/1-2', '1-2'],
	['url', 'https://x.com/messages/1582103724607971328', '1582103724607971328'],
	['url', 'https://x.com/messages/123456789012345', '123456789012345'],
	['url', 'HTTPS://MOBILE.TWITTER.COM/MESSAGES/1-2', '1-2'],
	['url', ' https://x.com/messages/1-2 ', '1-2'],
	['url', '', undefined],
	['url', 'https://x.com/messages/', undefined],
	['url', 'https://x.com/messages/abc', undefined],
	['url', 'https://x.com/messages/a-b', undefined],
	['url', 'https://example.com/messages/1-2', undefined],
	['url', 'https://x.com.evil.test/messages/1-2', undefined],
	['url', 'https://x.com/bob', undefined],
	['url', 'https://x.com/messages/123', undefined],
	['url', 'https://x.com/messages/1-2-3', undefined],
	['url', 'https://x.com/messages/1--2', undefined],
	['url', 'https://x.com/messages/12345678901234567890', undefined],
	['url', 'https://x.com/messages/1-2/compose', undefined],
	// Conversation IDs
	['id', '944480690-906948460078698496', '944480690-906948460078698496'],
	['id', '1-2', '1-2'],
	['id', '123456789012345', '123456789012345'],
	['id', '1582103724607971328', '1582103724607971328'],
	['id', ' 1-2 ', '1-2'],
	['id', '', undefined],
	['id', 'a-b', undefined],
	['id', 'abc', undefined],
	['id', '12345678901234', undefined],
	['id', '12345678901234567890', undefined],
	['id', '123-', undefined],
	['id', '-123', undefined],
	['id', '1-2-3', undefined],
	['id', '1--2', undefined],
	['id', '1 - 2', undefined],
	['id', '12345678901234567890-1', undefined],
	// Every part is an X ID: at most the largest signed 64-bit integer
	['id', `${MAX_X_ID}-1`, `${MAX_X_ID}-1`],
	['id', `1-${MAX_X_ID}`, `1-${MAX_X_ID}`],
	['id', MAX_X_ID, MAX_X_ID],
	['id', '9223372036854775808-1', undefined],
	['id', '1-9223372036854775808', undefined],
	['id', '9999999999999999999-9999999999999999999', undefined],
	['id', '9223372036854775808', undefined],
	['id', '9999999999999999999', undefined],
	['url', `https://x.com/messages/1-${MAX_X_ID}`, `1-${MAX_X_ID}`],
	['url', `https://x.com/messages/${MAX_X_ID}?s=1`, MAX_X_ID],
	['url', 'https://x.com/messages/1-9223372036854775808', undefined],
	['url', 'https://x.com/messages/9999999999999999999', undefined],
];

describe('the editor and the node accept the same users', () => {
	test.each(USER_CASES)('%s %j', (mode, entry, expected) => {
		expect(nodeReads('user', mode, entry)).toEqual(expected);
		expect(editorAccepts('user', mode, entry)).toEqual(PLACES.user.map(() => expected !== undefined));
	});
});

describe('the editor and the node accept the same conversations', () => {
	test.each(CONVERSATION_CASES)('%s %j', (mode, entry, expected) => {
		expect(nodeReads('conversation', mode, entry)).toEqual(expected);
		expect(editorAccepts('conversation', mode, entry)).toEqual(PLACES.conversation.map(() => expected !== undefined));
	});

	test.each(CONVERSATION_CASES.filter(([mode, , expected]) => mode === 'url' && expected !== undefined))(
		"n8n's extractValue reads %s %j as the node does",
		(mode, entry, expected) => {
			for (const { nodeType, name, parameters } of PLACES.conversation) {
				const node = nodeWith(nodeType, { ...parameters, [name]: locator(mode, entry) });
				expect(extractValue(locator(mode, entry), name, node, nodeType)).toBe(expected);
			}
		},
	);
});

test('an entry from an expression is left to the node: the editor does not check it', () => {
	expect(editorAccepts('user', 'id', '={{ $json.id }}')).toEqual([true, true, true]);
	expect(editorAccepts('conversation', 'url', '={{ $json.url }}')).toEqual([true, true, true]);
});

test('the conversation ID pattern accepts exactly two X IDs joined by a dash, or a group ID of 15 to 19 digits up to the int64 maximum', () => {
	const max = BigInt(MAX_X_ID);
	const isXId = (digits: string): boolean => /^[0-9]{1,19}$/.test(digits) && BigInt(digits) <= max;
	const parts = ['0', '1', '944480690', '99999999999999', '100000000000000', MAX_X_ID, (max - 1n).toString(), (max + 1n).toString(), '9999999999999999999', '12345678901234567890'];
	for (const first of parts) {
		expect([first, CONVERSATION_ID.test(first)]).toEqual([first, first.length >= 15 && isXId(first)]);
		for (const second of parts) {
			const id = `${first}-${second}`;
			expect([id, CONVERSATION_ID.test(id)]).toEqual([id, isXId(first) && isXId(second)]);
		}
	}
});

test('the X ID pattern accepts exactly the digit strings of at most 19 digits up to the largest signed 64-bit integer', () => {
	const max = BigInt(MAX_X_ID);
	const near = [-3n, -2n, -1n, 0n, 1n, 2n].map((delta) => (max + delta).toString());
	const powers = Array.from({ length: 21 }, (_unused, exponent) => [10n ** BigInt(exponent), 10n ** BigInt(exponent) - 1n])
		.flat()
		.map(String);
	let seed = 20260101;
	const random = () => {
		seed = (seed * 1103515245 + 12345) % 2147483648;
		return seed;
	};
	const randomDigits = Array.from({ length: 2000 }, () => {
		const length = 1 + (random() % 20);
		// Many 19-digit strings start with 9 and share a prefix with the maximum, where a digit-wise pattern can go wrong.
		const prefix = random() % 2 ? MAX_X_ID.slice(0, random() % 19) : '';
		let digits = prefix;
		while (digits.length < length) digits += String(random() % 10);
		return digits.slice(0, Math.max(length, prefix.length));
	});
	for (const digits of [...near, ...powers, ...randomDigits, '0000000000000000000', '00000000000000000000']) {
		const expected = digits.length <= 19 && BigInt(digits) <= max;
		expect([digits, X_ID.test(digits)]).toEqual([digits, expected]);
	}
});
