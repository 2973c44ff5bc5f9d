/**
 * Cursor logic of the DM trigger, free of n8n and HTTP so it can be tested on its own.
 *
 * X lists DM events newest first and has no `since_id`, so the trigger pages from the newest event down until it
 * reaches what it has already passed. The cursor is an id bound, never a lookup: events that are deleted or age out of
 * the 30-day window between polls cannot break it.
 *
 * Event ids are 64-bit snowflakes, compared as BigInt (ids.ts).
 */

import { isRecord } from '../shared/models/json';
import { compareIds, isEventId, lastIdBefore, maxId, minId, snowflakeTimeMs } from './ids';

// The id arithmetic is part of the cursor's API.
export { compareIds, isEventId, lastIdBefore, maxId, minId, newestTimeMs, SNOWFLAKE_EPOCH_MS, snowflakeTimeMs } from './ids';

/**
 * Snowflakes are minted on many machines, so an event can become visible shortly after one with a higher id: X lists
 * an event at most this long after its own timestamp. The ids the trigger passed inside this window are remembered
 * (below the window everything counts as passed), and once X's clock is past the window a poll pages back over it,
 * so that a late event is recognised however many newer events are in front of it.
 */
export const LATE_WINDOW_MS = 10_000;

/**
 * Upper bound of the remembered ids (19 digits each, about 22 bytes in the saved state). Only events of the late
 * window are remembered, so this is reached only by a burst of more than this many events within 10 seconds; the
 * trigger then emits the rest of the burst at the next polls instead of forgetting ids.
 */
export const MAX_SEEN_IDS = 1000;

/** Upper bound of remembered resume stops; dropping the shallowest only means re-reading that stretch later. */
export const MAX_BACKLOG_STOPS = 20;

export interface DmCursor {
	/** Newest event id the trigger has passed (emitted or filtered out). Every higher id is unseen. */
	newest: string;
	/** Every id at or below this bound has been passed. */
	floor: string;
	/** Ids in (floor, newest] already passed, newest first. An id in that range missing here arrived late. */
	seen: string[];
}

/** Where a poll that stopped above the cursor (poll budget, rate limit, failing page) can carry on. */
export interface ResumeStop {
	/** Pagination token of the first page that was not fetched. */
	token: string;
	/** The oldest event id fetched before stopping: the page at `token` continues right below it. */
	above: string;
}

/**
 * Resume points of one listing. Continuing from the deepest stop first keeps the output oldest first: once the
 * stretch below a stop is emitted, the listing is covered from the cursor up to that stop's `above` event, which
 * becomes the `edge` a later run may stop at.
 */
export interface DmBacklog {
	/** Identifies the listing (endpoint and server-side filters) the tokens belong to. */
	key: string;
	/** Shallowest first; the last one is resumed next. */
	stops: ResumeStop[];
	/** No unseen event lies between the cursor and this id (exclusive); a run may stop at any id at or below it. */
	edge?: string;
	/**
	 * X's clock when everything between the cursor's floor and the edge was last looked at (the stretch below the edge
	 * was emitted by a run that reached the floor): a run that stops at the edge has then looked at the whole window.
	 */
	edgeCheckedAt?: number;
}

/** The cursor before anything was passed: every event is unseen. */
export function emptyCursor(): DmCursor {
	return { newest: '0', floor: '0', seen: [] };
}

/** True for events the trigger has not passed yet (newer than the cursor, or a late arrival inside the window). */
export function isUnseen(cursor: DmCursor, id: string): boolean {
	if (compareIds(id, cursor.newest) > 0) return true;
	if (compareIds(id, cursor.floor) <= 0) return false;
	return !cursor.seen.includes(id);
}

/**
 * Paging newest first, a page that holds an id at or below `bound` closes the gap: everything unseen above the
 * cursor has been fetched by then.
 */
export function reachesBound(bound: string, pageIds: string[]): boolean {
	return pageIds.some((id) => compareIds(id, bound) <= 0);
}

/** Unseen events of a fetched run, deduplicated (overlapping pages) and sorted oldest first. */
export function selectUnseen<T extends { id: string }>(cursor: DmCursor, events: T[]): T[] {
	const byId = new Map<string, T>();
	for (const event of events) {
		if (isEventId(event.id) && !byId.has(event.id) && isUnseen(cursor, event.id)) byId.set(event.id, event);
	}
	return [...byId.values()].sort((a, b) => compareIds(a.id, b.id));
}

/** What a complete run learnt about the late window (floor, newest] of the cursor it started from. */
export interface LateCheck {
	/** The run fetched every event X lists above the cursor's floor (it reached the floor or the end of the list). */
	covered: boolean;
	/** X's clock when the run began (its Date header): every event minted 10 s before it was listed by then. */
	serverTimeMs?: number;
	/**
	 * A run resumed from a stop looked only below the stop's `above` event: what lies from there up has not been
	 * passed yet (it may hold late arrivals inside the window), so the floor stays below it.
	 */
	below?: string;
}

/**
 * Whether a run should page back to the floor to look for late arrivals: when something is remembered above the floor
 * and X's clock is a whole window past the floor's window, so that the check lets the floor rise by a window at least.
 * Polls a minute apart all check; polls in quick succession check once every 10 seconds of X's clock.
 */
export function lateCheckDue(cursor: DmCursor, serverTimeMs: number | undefined): boolean {
	if (serverTimeMs === undefined || compareIds(cursor.floor, cursor.newest) >= 0) return false;
	return compareIds(lastIdBefore(serverTimeMs - 2 * LATE_WINDOW_MS), cursor.floor) > 0;
}

/**
 * Where a run has looked at everything above the floor: a page holding an id at or below this one (ids are whole
 * numbers, so nothing lies between the floor and the id right above it).
 */
export function floorBound(cursor: DmCursor): string {
	return (BigInt(cursor.floor) + 1n).toString();
}

/** The floor after a run: only a run that looked at the whole window may raise it, never above the newest id. */
function nextFloor(cursor: DmCursor, newest: string, check: LateCheck): string {
	if (!check.covered) return cursor.floor;
	const settled = [lastIdBefore(snowflakeTimeMs(newest) - LATE_WINDOW_MS)];
	if (check.serverTimeMs !== undefined) settled.push(lastIdBefore(check.serverTimeMs - LATE_WINDOW_MS));
	const ceilings = [newest, maxId(settled) ?? '0'];
	if (check.below !== undefined) ceilings.push((BigInt(check.below) - 1n).toString());
	return maxId([cursor.floor, minId(ceilings) ?? newest]) ?? cursor.floor;
}

/**
 * Moves the cursor over `passedIds` (every unseen event of a complete run that was emitted or filtered out). A run
 * that covered the late window raises the floor to the window's lower edge, measured from the newest id or from X's
 * clock, whichever is later; the remembered ids are those above the floor. Beyond MAX_SEEN_IDS the floor rises over
 * the oldest of them (runs pass at most that many, see roomForIds), so the invariant "every id at or below floor, and
 * every id in seen, has been passed" always holds.
 */
export function advanceCursor(cursor: DmCursor, passedIds: string[], check: LateCheck = { covered: true }): DmCursor {
	const newest = maxId([cursor.newest, ...passedIds.filter(isEventId)]) ?? cursor.newest;
	let floor = nextFloor(cursor, newest, check);
	const remembered = new Set<string>();
	for (const id of [...cursor.seen, ...passedIds]) {
		if (isEventId(id) && compareIds(id, floor) > 0 && compareIds(id, newest) <= 0) remembered.add(id);
	}
	let seen = [...remembered].sort((a, b) => compareIds(b, a));
	if (seen.length > MAX_SEEN_IDS) {
		floor = seen[MAX_SEEN_IDS];
		seen = seen.slice(0, MAX_SEEN_IDS);
	}
	return { newest, floor, seen };
}

/** The cursor with every id at or below `id` counted as passed (never above the newest id). */
export function raiseFloor(cursor: DmCursor, id: string): DmCursor {
	const floor = minId([cursor.newest, maxId([cursor.floor, id]) ?? id]) ?? cursor.newest;
	return { ...cursor, floor, seen: cursor.seen.filter((seen) => compareIds(seen, floor) > 0) };
}

/** How many more ids a run can pass without going over MAX_SEEN_IDS (what `check` frees is counted first). */
export function roomForIds(cursor: DmCursor, check: LateCheck): number {
	return Math.max(0, MAX_SEEN_IDS - advanceCursor(cursor, [], check).seen.length);
}

/** Validates a cursor read back from static data; anything malformed reads as "no cursor" (first run again). */
export function parseCursor(value: unknown): DmCursor | undefined {
	if (!isRecord(value)) return undefined;
	const { newest, floor, seen } = value;
	if (!isEventId(newest) || !isEventId(floor) || !Array.isArray(seen)) return undefined;
	if (compareIds(floor, newest) > 0) return undefined;
	return advanceCursor({ newest, floor, seen: seen.filter(isEventId) }, [], { covered: false });
}

function parseStop(value: unknown): ResumeStop | undefined {
	if (!isRecord(value)) return undefined;
	const { token, above } = value;
	return typeof token === 'string' && token !== '' && isEventId(above) ? { token, above } : undefined;
}

export function parseBacklog(value: unknown): DmBacklog | undefined {
	if (!isRecord(value)) return undefined;
	const { key, stops, edge, edgeCheckedAt } = value;
	if (typeof key !== 'string' || !Array.isArray(stops)) return undefined;
	const valid = stops.map(parseStop).filter((stop): stop is ResumeStop => stop !== undefined);
	const backlog: DmBacklog = { key, stops: valid.slice(-MAX_BACKLOG_STOPS) };
	if (isEventId(edge)) backlog.edge = edge;
	if (backlog.edge !== undefined && typeof edgeCheckedAt === 'number' && Number.isFinite(edgeCheckedAt)) backlog.edgeCheckedAt = edgeCheckedAt;
	return backlog.stops.length || backlog.edge ? backlog : undefined;
}

function backlogOf(backlog: DmBacklog | undefined, key: string): DmBacklog | undefined {
	return backlog && backlog.key === key ? backlog : undefined;
}

/** Where the next run of this listing starts: the deepest resume stop, or undefined for the newest event. */
export function nextStop(backlog: DmBacklog | undefined, key: string): ResumeStop | undefined {
	const stops = backlogOf(backlog, key)?.stops ?? [];
	return stops[stops.length - 1];
}

/** The id at or below which a run of this listing has closed the gap to the cursor. */
export function stopBound(cursor: DmCursor, backlog: DmBacklog | undefined, key: string): string {
	const edge = backlogOf(backlog, key)?.edge;
	return edge !== undefined && compareIds(edge, cursor.newest) > 0 ? edge : cursor.newest;
}

/** Remembers where an interrupted run stopped; a backlog of another listing is discarded. */
export function pushStop(backlog: DmBacklog | undefined, key: string, stop: ResumeStop): DmBacklog {
	const own = backlogOf(backlog, key);
	const stops = own ? [...own.stops] : [];
	if (stops[stops.length - 1]?.token !== stop.token) stops.push(stop);
	const next: DmBacklog = { key, stops: stops.slice(-MAX_BACKLOG_STOPS) };
	if (own?.edge !== undefined) next.edge = own.edge;
	if (own?.edgeCheckedAt !== undefined) next.edgeCheckedAt = own.edgeCheckedAt;
	return next;
}

/**
 * After a run reached the cursor and its events were emitted. A run from the newest event leaves nothing behind;
 * a run from a resume stop drops that stop and leaves its `above` id as the edge for the next run, with X's clock
 * when the run had looked at everything above the floor (`checkedAt`), if it had.
 */
export function completeRun(
	backlog: DmBacklog | undefined,
	key: string,
	resumedFrom: ResumeStop | undefined,
	checkedAt?: number,
): DmBacklog | undefined {
	const own = backlogOf(backlog, key);
	if (!own || resumedFrom === undefined) return undefined;
	const next: DmBacklog = { key, stops: own.stops.slice(0, -1), edge: resumedFrom.above };
	if (checkedAt !== undefined) next.edgeCheckedAt = checkedAt;
	return next;
}

/**
 * What a complete run looked at: everything above the floor if it reached the floor (or the end of the list), or if
 * it stopped at an edge below which everything had been looked at (then as of that earlier time).
 */
export function lateCheckOf(
	cursor: DmCursor,
	backlog: DmBacklog | undefined,
	key: string,
	run: { ids: string[]; listEnd: boolean; serverTimeMs?: number; resumedFrom?: ResumeStop },
): LateCheck {
	const below = run.resumedFrom?.above;
	if (run.listEnd || reachesBound(floorBound(cursor), run.ids)) return { covered: true, serverTimeMs: run.serverTimeMs, below };
	const own = backlogOf(backlog, key);
	const checkedAt = own?.edgeCheckedAt;
	if (own?.edge === undefined || checkedAt === undefined || stopBound(cursor, own, key) !== own.edge || !reachesBound(own.edge, run.ids)) {
		return { covered: false };
	}
	return { covered: true, serverTimeMs: Math.min(run.serverTimeMs ?? checkedAt, checkedAt), below };
}
