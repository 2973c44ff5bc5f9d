/**
 * The first run after activation: records where "new" starts and, when asked to, emits a backfill ("Emit the Last
 * Events", "Emit the Last Hours"). A backfill that one poll cannot finish (rate limit, poll budget, a failing page)
 * is carried on by the next polls from where it stopped, and is emitted oldest first like everything else.
 */
import type { DmEvent } from '../shared/models';
import { isRecord } from '../shared/models/json';
import { settle } from '../shared/settle';
import type { DmCursor, ResumeStop } from './cursor';
import {
	advanceCursor,
	compareIds,
	completeRun,
	emptyCursor,
	maxId,
	nextStop,
	pushStop,
	raiseFloor,
	snowflakeTimeMs,
} from './cursor';
import { classifyFailure } from './failures';
import type { EventFilter } from '../shared/filters';
import { matchesFilter } from '../shared/filters';
import type { PageRun } from './paging';
import { fetchRun } from './paging';
import type { Prepared } from './prepare';
import type { Outcome, RunContext } from './runs';
import { isRejectedToken, oldestId, resumeStopOf } from './runs';
import type { TriggerSettings } from './settings';

/** One poll of a backfill never pages further back than this; a longer backfill carries on at the next poll. */
const BACKFILL_MAX_PAGES = 50;
const HOUR_MS = 60 * 60 * 1000;

/** What a backfill spread over several polls still has to find below its deepest resume stop. */
export interface PendingBackfill {
	/** "Emit the Last Events": how many matching events are still missing. */
	remaining?: number;
	/** "Emit the Last Hours": where the window starts, on X's clock (epoch ms). */
	sinceMs?: number;
}

export function parsePendingBackfill(value: unknown): PendingBackfill | undefined {
	if (!isRecord(value)) return undefined;
	const { remaining, sinceMs } = value;
	const pending: PendingBackfill = {};
	if (typeof remaining === 'number' && Number.isSafeInteger(remaining) && remaining > 0) pending.remaining = remaining;
	if (typeof sinceMs === 'number' && Number.isFinite(sinceMs)) pending.sinceMs = sinceMs;
	return pending.remaining !== undefined || pending.sinceMs !== undefined ? pending : undefined;
}

function eventTimeMs(event: DmEvent): number {
	const created = event.created_at !== undefined ? Date.parse(event.created_at) : NaN;
	return Number.isFinite(created) ? created : snowflakeTimeMs(event.id);
}

/** Which fetched events a backfill wants, and whether it has all of them (newest first, without duplicates). */
interface Wanted {
	pick(events: DmEvent[]): DmEvent[];
	complete(events: DmEvent[]): boolean;
	pending(events: DmEvent[]): PendingBackfill;
}

function wantedEvents(settings: TriggerSettings, filter: EventFilter, pending: PendingBackfill | undefined, sinceMs: number): Wanted {
	const matching = (events: DmEvent[]) => events.filter((event) => matchesFilter(event, filter));
	if (settings.firstPoll === 'lastEvents') {
		const count = pending?.remaining ?? settings.lastEventsCount;
		return {
			pick: (events) => matching(events).slice(0, count),
			complete: (events) => matching(events).length >= count,
			pending: (events) => ({ remaining: count - matching(events).length }),
		};
	}
	if (settings.firstPoll === 'lastHours') {
		return {
			pick: (events) => matching(events).filter((event) => eventTimeMs(event) >= sinceMs),
			complete: (events) => events.some((event) => eventTimeMs(event) < sinceMs),
			pending: () => ({ sinceMs }),
		};
	}
	return { pick: () => [], complete: () => true, pending: () => ({}) };
}

const oldestFirst = (events: DmEvent[]): DmEvent[] => [...events].sort((a, b) => compareIds(a.id, b.id));

/** The events of a run's pages so far, newest first, each once (pages can overlap when events arrive meanwhile). */
function collector(): { add(page: DmEvent[]): DmEvent[] } {
	const ids = new Set<string>();
	const events: DmEvent[] = [];
	return {
		add(page) {
			for (const event of page) {
				if (ids.has(event.id)) continue;
				ids.add(event.id);
				events.push(event);
			}
			return events;
		},
	};
}

/** Remembers where the backfill stopped; emits nothing yet (its older part comes first). */
function carryOn(run: PageRun, prepared: Prepared, wanted: Wanted): Outcome {
	if (run.end === 'failed' && classifyFailure(run.error) === 'persistent') throw run.error;
	const { state, listing } = prepared;
	const stop = resumeStopOf(run);
	// Nothing to carry on from (nothing was fetched): the next poll starts the first run again.
	const carried = stop ? { backlog: pushStop(state.backlog, listing.key, stop), backfill: wanted.pending(run.events) } : {};
	return {
		state: { ...state, backlog: undefined, backfill: undefined, ...carried, resetAt: run.pauseUntil },
		events: [],
		includes: {},
		failure: run.error,
	};
}

/**
 * The cursor of a fresh activation: everything fetched is passed, and so is everything below what was fetched (the
 * history before activation). An event that shows up late inside the late window of the newest one, above the
 * oldest event fetched, is still new.
 */
function activationCursor(run: PageRun): DmCursor {
	const ids = run.events.map((event) => event.id);
	const cursor = advanceCursor(emptyCursor(), ids, { covered: true, serverTimeMs: run.serverTimeMs });
	const oldest = oldestId(run.events);
	return run.end === 'listEnd' || oldest === undefined ? cursor : raiseFloor(cursor, oldest);
}

/** First poll after activation: records the newest event as the cursor; emits a backfill only if asked to. */
async function startFirstRun({ api, budgetMs }: RunContext, settings: TriggerSettings, prepared: Prepared, now: number): Promise<Outcome> {
	const { listing, filter, state } = prepared;
	let wanted: Wanted | undefined;
	const fetched = collector();
	const isLastPage = (page: DmEvent[], serverTimeMs: number | undefined): boolean => {
		// "The last hours" are counted on X's clock.
		wanted ??= wantedEvents(settings, filter, undefined, (serverTimeMs ?? now) - settings.lastHours * HOUR_MS);
		return wanted.complete(fetched.add(page));
	};
	const maxPages = settings.firstPoll === 'recordOnly' ? 1 : BACKFILL_MAX_PAGES;
	const run = await fetchRun(api, { path: listing.path, qs: settings.query, isLastPage, maxPages, budgetMs });
	const want = wanted ?? wantedEvents(settings, filter, undefined, now - settings.lastHours * HOUR_MS);
	const finished = run.end === 'stopped' || run.end === 'listEnd';
	if (!finished && !want.complete(run.events)) return carryOn(run, prepared, want);
	if (run.end === 'failed' && classifyFailure(run.error) === 'persistent') throw run.error;
	return {
		state: { ...state, cursor: activationCursor(run), backlog: undefined, backfill: undefined, resetAt: run.pauseUntil },
		events: oldestFirst(want.pick(run.events)),
		includes: run.includes,
	};
}

/**
 * A backfill carried on from its deepest resume stop. Once it has all it wants, that stretch is emitted and the
 * cursor is set right above it; the stretches above (down to the edge it leaves) are then emitted by regular polls.
 */
async function continueBackfill(
	{ api, budgetMs }: RunContext,
	settings: TriggerSettings,
	prepared: Prepared,
	pending: PendingBackfill,
	stop: ResumeStop,
): Promise<Outcome | undefined> {
	const { listing, filter, state } = prepared;
	const wanted = wantedEvents(settings, filter, pending, pending.sinceMs ?? 0);
	const fetched = collector();
	const isLastPage = (page: DmEvent[]): boolean => wanted.complete(fetched.add(page));
	const options = { path: listing.path, qs: settings.query, startToken: stop.token, isLastPage, maxPages: BACKFILL_MAX_PAGES, budgetMs };
	const resumed = await settle(fetchRun(api, options));
	// A resume point the server no longer accepts: the backfill starts over.
	if (!resumed.ok && isRejectedToken(resumed.error)) return undefined;
	if (!resumed.ok) throw resumed.error;
	const run = resumed.value;
	const finished = run.end === 'stopped' || run.end === 'listEnd';
	if (!finished && !wanted.complete(run.events)) return carryOn(run, prepared, wanted);
	if (run.end === 'failed' && classifyFailure(run.error) === 'persistent') throw run.error;
	const newest = maxId(run.events.map((event) => event.id)) ?? (BigInt(stop.above) - 1n).toString();
	return {
		state: {
			...state,
			cursor: { newest, floor: newest, seen: [] },
			backlog: completeRun(state.backlog, listing.key, stop),
			backfill: undefined,
			resetAt: run.pauseUntil,
		},
		events: oldestFirst(wanted.pick(run.events)),
		includes: run.includes,
	};
}

/** A backfill that matches the settings (the same mode) and still has its resume stop. */
function pendingBackfill(settings: TriggerSettings, prepared: Prepared): { pending: PendingBackfill; stop: ResumeStop } | undefined {
	const { backfill: pending, backlog } = prepared.state;
	const stop = nextStop(backlog, prepared.listing.key);
	if (!pending || !stop) return undefined;
	const sameMode = settings.firstPoll === 'lastEvents' ? pending.remaining !== undefined : pending.sinceMs !== undefined;
	return settings.firstPoll !== 'recordOnly' && sameMode ? { pending, stop } : undefined;
}

/** The poll before the trigger has a cursor: a fresh activation, or the next part of a backfill. */
export async function firstPoll(ctx: RunContext, settings: TriggerSettings, prepared: Prepared, now: number): Promise<Outcome> {
	const carried = pendingBackfill(settings, prepared);
	const continued = carried && (await continueBackfill(ctx, settings, prepared, carried.pending, carried.stop));
	if (continued) return continued;
	const fresh = { ...prepared, state: { ...prepared.state, backlog: undefined, backfill: undefined } };
	return await startFirstRun(ctx, settings, fresh, now);
}
