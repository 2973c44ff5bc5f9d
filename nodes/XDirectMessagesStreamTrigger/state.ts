import type { IDataObject } from 'n8n-workflow';

import { isStringArray } from '../shared/models/json';
import type { DmCursor } from '../XDirectMessagesTrigger/cursor';
import { parseCursor } from '../XDirectMessagesTrigger/cursor';
import type { DedupeState, InstantState, OwnSubscription } from '../XDirectMessagesInstantTrigger/state';
// saveState (shared) writes the version: another version reads as nothing stored.
import { parseSenders, parseSubscriptions, SEEN_LIMIT, STATE_VERSION } from '../XDirectMessagesInstantTrigger/state';

/**
 * What the Stream Trigger keeps in the workflow's static data (scope 'node'); n8n saves it with every emit and at
 * deactivation. Every part is bounded.
 */
export interface StreamState extends DedupeState {
	/** The account the subscriptions are for. */
	userId?: string;
	subscriptions?: OwnSubscription[];
	senders?: InstantState['senders'];
	/** The last moment (X's clock, ms) the stream was known to deliver: a later catch-up starts there. */
	lastAliveAt?: number;
	/** A catch-up from this moment (X's clock, ms) has not completed yet. */
	catchUpFrom?: number;
	/** Where the polling of group conversations stands. */
	groupCursor?: DmCursor;
}

const finite = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** Reads the state from static data; malformed parts are dropped, never trusted. */
export function loadStreamState(staticData: IDataObject): StreamState {
	if (staticData.version !== STATE_VERSION) return {};
	const state: StreamState = {
		userId: str(staticData.userId),
		subscriptions: parseSubscriptions(staticData.subscriptions),
		senders: parseSenders(staticData.senders),
		lastAliveAt: finite(staticData.lastAliveAt),
		catchUpFrom: finite(staticData.catchUpFrom),
		groupCursor: parseCursor(staticData.groupCursor),
		lastDeliveryAt: finite(staticData.lastDeliveryAt),
		lastSeenAt: finite(staticData.lastSeenAt),
		seen: isStringArray(staticData.seen) ? staticData.seen.slice(-SEEN_LIMIT) : undefined,
		seenFloor: finite(staticData.seenFloor),
	};
	for (const key of Object.keys(state) as Array<keyof StreamState>) if (state[key] === undefined) delete state[key];
	return state;
}
