import { toNodeError } from '../shared/errors';
import type { DmEvent } from '../shared/models';
import { settle } from '../shared/settle';
import { advanceCursor } from '../XDirectMessagesTrigger/cursor';
import type { Listing } from './listing';
import { cursorSince, isGroupConversation, listAbove, listedItem } from './listing';
import type { Backoff } from './backoff';
import { afterFailure, FRESH_BACKOFF } from './backoff';
import type { StreamSession } from './session';

/**
 * What the stream does not carry, read with GET /2/dm_events: the messages of a gap longer than X's backfill (or of
 * n8n's downtime), and those of group conversations (X pushes none). Both emit through the session, whose dedupe
 * drops what the stream delivered as well.
 */

export interface RunOutcome {
	/** Everything above the bound was read. */
	complete: boolean;
	emitted: number;
}

/** Emits the listed messages the node's events ask for, oldest first, one execution each. */
async function emitListed(session: StreamSession, listing: Listing, wanted: (event: DmEvent) => boolean): Promise<number> {
	const { accountId, settings } = session.setup;
	const chosen: string[] = settings.events;
	let emitted = 0;
	for (const event of listing.events) {
		if (session.isClosed) break;
		if (!wanted(event)) continue;
		const item = listedItem(event, listing.includes, accountId);
		if (!chosen.includes(String(item.json.x_event_type))) continue;
		emitted += await session.deliver([item], accountId);
	}
	return emitted;
}

/** One catch-up from `fromMs` (X's clock): one-to-one messages; groups are the group polling's. */
export async function catchUpRun(session: StreamSession, fromMs: number): Promise<RunOutcome> {
	const listed = await settle(listAbove(session.setup.user, cursorSince(fromMs)));
	if (!listed.ok) {
		session.log('warn', `catching up through GET /2/dm_events failed, trying again later: ${toNodeError(session.setup.ctx.getNode(), listed.error).message}`);
		return { complete: false, emitted: 0 };
	}
	session.observeClock(listed.value.serverTimeMs);
	const emitted = await emitListed(session, listed.value, (event) => !isGroupConversation(event));
	return { complete: listed.value.complete, emitted };
}

/** One look at group conversations: the first one only marks where the polling starts. */
export async function groupPollRun(session: StreamSession): Promise<void> {
	const cursor = session.state.groupCursor;
	if (cursor === undefined) {
		session.state.groupCursor = cursorSince(session.xNow());
		session.persist();
		return;
	}
	const listed = await settle(listAbove(session.setup.user, cursor));
	if (!listed.ok) {
		session.log('warn', `polling group conversations failed, trying again at the next period: ${toNodeError(session.setup.ctx.getNode(), listed.error).message}`);
		return;
	}
	const listing = listed.value;
	session.observeClock(listing.serverTimeMs);
	await emitListed(session, listing, isGroupConversation);
	if (!listing.complete || session.isClosed) return;
	const passed = listing.events.map((event) => event.id);
	session.state.groupCursor = advanceCursor(cursor, passed, { covered: true, serverTimeMs: listing.serverTimeMs });
	session.persist();
}

/** Catches up until the earliest start asked for is read completely (failed runs wait with X's HTTP back-off). */
export async function catchUpLoop(session: StreamSession): Promise<void> {
	let backoff: Backoff = FRESH_BACKOFF;
	let emitted = 0;
	while (!session.isClosed && session.state.catchUpFrom !== undefined) {
		const requests = session.catchUpRequestCount;
		const fromMs = session.state.catchUpFrom;
		const outcome = await catchUpRun(session, fromMs);
		emitted += outcome.emitted;
		if (session.isClosed) return;
		// A request that came meanwhile (another gap) reads again from the earliest start asked for.
		if (outcome.complete && requests === session.catchUpRequestCount) {
			session.state.catchUpFrom = undefined;
			session.persist();
			session.log('info', `caught up from ${new Date(fromMs).toISOString()}: ${emitted} message(s) the stream had not delivered`);
			return;
		}
		if (outcome.complete) continue;
		const step = afterFailure(backoff, 'http', session.setup.settings.maxReconnectWaitMs);
		backoff = step.backoff;
		await session.pause(step.waitMs);
	}
}

/** Looks at group conversations once per period until the node closes. */
export async function pollGroupsLoop(session: StreamSession): Promise<void> {
	while (!session.isClosed) {
		await groupPollRun(session);
		await session.pause(session.setup.settings.groupPollMs);
	}
}
