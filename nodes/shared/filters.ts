import type { DmEvent } from './models';

/**
 * The sender filters both triggers share ("Ignore My Own Messages", "Only From Senders"), with every user already
 * resolved to an id.
 */
export interface SenderFilter {
	/** The authenticated user's id when "Ignore My Own Messages" is on. */
	ownUserId?: string;
	/** Allowed sender ids; undefined = everyone. */
	senderIds?: Set<string>;
}

/** The polling trigger's filters: the sender filters plus the event types it watches. */
export interface EventFilter extends SenderFilter {
	eventTypes: string[];
}

/** Whether a message of `senderId` passes the sender filters; `ownMessage` says whether "Ignore My Own Messages" applies to it. */
export function passesSenderFilter(senderId: string | undefined, filter: SenderFilter, ownMessage: boolean): boolean {
	if (filter.ownUserId !== undefined && ownMessage && senderId === filter.ownUserId) return false;
	if (filter.senderIds && (senderId === undefined || !filter.senderIds.has(senderId))) return false;
	return true;
}

export function matchesFilter(event: DmEvent, filter: EventFilter): boolean {
	const eventType = event.event_type;
	// X filters by type already; checking again keeps the result right if a server ignores `event_types`.
	if (!filter.eventTypes.includes(eventType)) return false;
	return passesSenderFilter(event.sender_id, filter, eventType === 'MessageCreate');
}
