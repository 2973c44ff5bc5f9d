import type { DmEvent } from '../shared/models';

/** The client-side filters, with every user already resolved to an id. */
export interface EventFilter {
	eventTypes: string[];
	/** The authenticated user's id when "Ignore My Own Messages" is on. */
	ownUserId?: string;
	/** Allowed sender ids; undefined = everyone. */
	senderIds?: Set<string>;
}

export function matchesFilter(event: DmEvent, filter: EventFilter): boolean {
	const eventType = event.event_type;
	// X filters by type already; checking again keeps the result right if a server ignores `event_types`.
	if (!filter.eventTypes.includes(eventType)) return false;
	const senderId = event.sender_id;
	if (filter.ownUserId !== undefined && eventType === 'MessageCreate' && senderId === filter.ownUserId) return false;
	if (filter.senderIds && (senderId === undefined || !filter.senderIds.has(senderId))) return false;
	return true;
}
