import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { passesSenderFilter } from '../shared/filters';
import { settle } from '../shared/settle';
import type { XApi } from '../shared/transport';
import { isNoUserFound, lookupUsernames } from '../shared/users';
import type { InstantItem } from './payload';
import type { InstantSettings } from './settings';
import { sendersFingerprint } from './settings';
import type { DedupeState, InstantState } from './state';
import { claimUnseen, memoryOf } from './state';

/**
 * What both push deliveries (webhook and stream) do with the events of one delivery: drop what was delivered before
 * (DM id, or event_uuid for read and typing events) and what the filters exclude. Shared so that both promise the same.
 */

/**
 * Resolves the @usernames of "Only From Senders" to ids at activation, once per settings (`saved` holds the last
 * resolution and the fingerprint of the settings it belongs to). A name X does not know fails the activation.
 */
export async function resolveSenders(node: INode, user: XApi, settings: InstantSettings, saved: InstantState['senders']): Promise<InstantState['senders']> {
	const names = settings.senders.filter((ref) => ref.kind === 'username').map((ref) => ref.value.toLowerCase());
	if (!names.length) return undefined;
	const fingerprint = sendersFingerprint(settings.senders);
	if (saved?.fingerprint === fingerprint) return saved;
	const lookup = await settle(lookupUsernames(user, names));
	if (!lookup.ok && !isNoUserFound(lookup.error)) throw lookup.error;
	const found = lookup.ok ? lookup.value : new Map<string, string>();
	const unknown = names.filter((name) => !found.has(name));
	if (unknown.length) {
		throw new NodeOperationError(node, `X has no user ${unknown.map((name) => `@${name}`).join(', ')}`, {
			description: 'Check the spelling of the username in "Only From Senders", or use the user ID instead.',
		});
	}
	return { fingerprint, ids: Object.fromEntries(found) };
}

/** The sender ids "Only From Senders" allows for these items; undefined = everyone. */
export function allowedSenders(settings: InstantSettings, resolved: InstantState['senders'], items: InstantItem[]): Set<string> | undefined {
	if (!settings.senders.length) return undefined;
	const allowed = new Set<string>();
	for (const reference of settings.senders) {
		if (reference.kind === 'id') allowed.add(reference.value);
		const id = resolved?.ids[reference.value.toLowerCase()];
		if (reference.kind === 'username' && id) allowed.add(id);
	}
	// The payload names its users, so a username also matches without a lookup (e.g. in a test run).
	const names = new Set(settings.senders.filter((ref) => ref.kind === 'username').map((ref) => ref.value.toLowerCase()));
	for (const item of items) {
		const sender = item.json.sender as IDataObject | undefined;
		if (item.senderId && typeof sender?.username === 'string' && names.has(sender.username.toLowerCase())) allowed.add(item.senderId);
	}
	return allowed;
}

export interface Selection {
	/** New items that pass the filters, in delivery order. */
	emitted: InstantItem[];
	/** The newest event time of the delivery, for the state. */
	deliveryAt?: number;
}

/**
 * Marks the delivery's items as seen (synchronously, in the process memory of `scope`: a concurrent duplicate is
 * recognised) and returns the new ones that pass the filters. The caller saves the state before emitting.
 */
export function selectNew(
	scope: string,
	settings: InstantSettings,
	state: DedupeState & { senders?: InstantState['senders'] },
	items: InstantItem[],
	ownUserId: string | undefined,
): Selection {
	const fresh = claimUnseen(memoryOf(scope), state, items.map((item) => ({ key: item.key, timeMs: item.timeMs })));
	const times = items.map((item) => item.timeMs).filter((time): time is number => time !== undefined);
	const filter = { ownUserId: settings.ignoreOwnMessages ? ownUserId : undefined, senderIds: allowedSenders(settings, state.senders, items) };
	const emitted = items.filter((item) => fresh.has(item.key) && passesSenderFilter(item.senderId, filter, item.ownMessageCheck));
	return { emitted, deliveryAt: times.length ? Math.max(...times) : undefined };
}
