import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { AllowEntry } from '../../shared/allow-list';
import { canonicalConversationId, canonicalId, ONLY_SEND_TO, parseAllowList, showAllowList } from '../../shared/allow-list';
import type { XApi } from '../../shared/transport';
import { invalidParameter } from '../../shared/validation';
import type { ResolvedUser } from './recipients';
import { authenticatedUser, resolveUserIds } from './recipients';

// Options → Only Send To on the send operations: a send to anyone outside the list fails before anything is sent.
// Only GET requests may precede the refusal (username lookups, the authenticated user); the list compares user IDs.

const OPTION = 'options.onlySendTo';

/**
 * The item's Only Send To list, or undefined when anyone may receive (the option is absent or left empty). Read with
 * the other inputs, before any request; an expression that gives no entry fails rather than allowing anyone.
 */
export function readAllowList(this: IExecuteFunctions, itemIndex: number): AllowEntry[] | undefined {
	const raw: unknown = this.getNodeParameter(OPTION, itemIndex, '', { rawExpressions: true });
	const fromExpression = typeof raw === 'string' && raw.startsWith('=');
	const entries = parseAllowList(this, this.getNodeParameter(OPTION, itemIndex, ''), itemIndex, fromExpression);
	return entries.length ? entries : undefined;
}

// The IDs of the listed usernames, per node run, credential type and list: looked up once per run, not once per item.
const resolvedNames = new WeakMap<object, Map<string, string[]>>();

async function lookUpNames(this: IExecuteFunctions, api: XApi, entries: AllowEntry[], itemIndex: number): Promise<string[]> {
	const names = entries.filter((entry): entry is AllowEntry & { kind: 'username' } => entry.kind === 'username');
	if (!names.length) return [];
	const key = `${api.connection.credentialType}:${names.map((entry) => entry.value.toLowerCase()).join(',')}`;
	let perRun = resolvedNames.get(this);
	const cached = perRun?.get(key);
	if (cached) return cached;
	const ids = await resolveUserIds.call(this, api, names, itemIndex, ONLY_SEND_TO);
	if (!perRun) {
		perRun = new Map();
		resolvedNames.set(this, perRun);
	}
	perRun.set(key, ids);
	return ids;
}

/** Which of these user IDs the list does not allow; listed usernames are looked up only when an ID is not listed as such. */
async function unlisted(this: IExecuteFunctions, api: XApi, entries: AllowEntry[], userIds: string[], itemIndex: number): Promise<string[]> {
	const allowed = new Set(entries.filter((entry) => entry.kind === 'id').map((entry) => entry.value));
	const missing = () => userIds.filter((id) => !allowed.has(canonicalId(id)));
	if (!missing().length) return [];
	for (const id of await lookUpNames.call(this, api, entries, itemIndex)) allowed.add(canonicalId(id));
	return missing();
}

function refusal(this: IExecuteFunctions, itemIndex: number, target: string, entries: AllowEntry[]): NodeOperationError {
	return invalidParameter(
		this,
		itemIndex,
		`${ONLY_SEND_TO}: this node may not send to ${target}`,
		`Allowed: ${showAllowList(entries)}. To send elsewhere, add the recipient to the node's ${ONLY_SEND_TO} option.`,
	);
}

const userLabel = (user: ResolvedUser) => (user.username ? `@${user.username} (user ${user.id})` : `user ${user.id}`);

/** Send to User: the recipient must be listed, by ID or by a username X resolves to that ID. */
export async function ensureRecipientAllowed(
	this: IExecuteFunctions,
	api: XApi,
	entries: AllowEntry[] | undefined,
	recipient: ResolvedUser,
	itemIndex: number,
): Promise<void> {
	if (!entries) return;
	if ((await unlisted.call(this, api, entries, [recipient.id], itemIndex)).length) {
		throw refusal.call(this, itemIndex, userLabel(recipient), entries);
	}
}

/** Create Group: every participant must be listed. */
export async function ensureParticipantsAllowed(
	this: IExecuteFunctions,
	api: XApi,
	entries: AllowEntry[] | undefined,
	participantIds: string[],
	itemIndex: number,
): Promise<void> {
	if (!entries) return;
	const refused = await unlisted.call(this, api, entries, participantIds, itemIndex);
	if (refused.length) {
		throw refusal.call(this, itemIndex, `a group with ${refused.map((id) => `user ${id}`).join(', ')}`, entries);
	}
}

/**
 * Send to Conversation: a listed conversation ID is allowed; a group otherwise is not. A one-to-one conversation is
 * allowed when its other participant is (the authenticated user is looked up only when exactly one part is unlisted).
 */
export async function ensureConversationAllowed(
	this: IExecuteFunctions,
	api: XApi,
	entries: AllowEntry[] | undefined,
	conversationId: string,
	itemIndex: number,
): Promise<void> {
	if (!entries) return;
	const canonical = canonicalConversationId(conversationId);
	const listed = entries.some((entry) => entry.value === canonical && entry.kind === (canonical.includes('-') ? 'conversation' : 'id'));
	if (listed) return;
	if (!canonical.includes('-')) {
		throw refusal.call(this, itemIndex, `the group conversation ${conversationId} (a group must be listed by its ID)`, entries);
	}
	const refused = await unlisted.call(this, api, entries, canonical.split('-'), itemIndex);
	if (!refused.length) return;
	if (refused.length === 1) {
		const me = await authenticatedUser.call(this, api, itemIndex);
		if (refused[0] === canonicalId(me.id)) return;
	}
	const other = refused.length === 1 ? ` (with user ${refused[0]})` : ' (neither of its users is listed)';
	throw refusal.call(this, itemIndex, `the conversation ${conversationId}${other}`, entries);
}
