/**
 * Cursor logic of the DM trigger, free of n8n and HTTP so it can be tested on its own.
 *
 * X lists DM events newest first and has no `since_id`, so the trigger pages from the newest event down until it
 * reaches what it has already passed. The cursor is an id bound, never a lookup: events that are deleted or age out of
 * the 30-day window between polls cannot break it.
 *
 * Event ids are 64-bit snowflakes. They are compared as BigInt because JavaScript numbers lose precision above 2^53.
 */

import { isRecord } from '../shared/models/json';

/** X snowflake epoch (2010-11-04T01:42:54.657Z); the top 41 bits of an id are milliseconds since then. */
export const SNOWFLAKE_EPOCH_MS = 1288834974657;

/**
 * Snowflakes are minted on many machines, so an event can become visible shortly after one with a higher id. Ids
 * within this window below the newest passed id are remembered, which lets a later poll recognise such a late event
 * when it shows up in a page that was fetched anyway.
 */
export const LATE_WINDOW_MS = 10_000;

/** Upper bound of the remembered ids (19 digits each): keeps the state at a few kilobytes whatever the traffic. */
export const MAX_SEEN_IDS = 100;

/** Upper bound of remembered resume stops; dropping the shallowest only means re-reading that stretch later. */
export const MAX_BACKLOG_STOPS = 20;

const ID_PATTERN = /^[0-9]{1,19}$/;

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
}

export function isEventId(value: unknown): value is string {
	return typeof value === 'string' && ID_PATTERN.test(value);
}

export function compareIds(a: string, b: string): number {
	const left = BigInt(a);
	const right = BigInt(b);
	if (left < right) return -1;
	return left > right ? 1 : 0;
}

export function maxId(ids: string[]): string | undefined {
	let newest: string | undefined;
	for (const id of ids) if (newest === undefined || compareIds(id, newest) > 0) newest = id;
	return newest;
}

export function snowflakeTimeMs(id: string): number {
	return Number(BigInt(id) >> 22n) + SNOWFLAKE_EPOCH_MS;
}

/** The highest id that a snowflake minted before `timeMs` can have ('0' before the snowflake epoch). */
export function lastIdBefore(timeMs: number): string {
	const bound = (BigInt(Math.floor(timeMs) - SNOWFLAKE_EPOCH_MS) << 22n) - 1n;
	return bound > 0n ? bound.toString() : '0';
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

/**
 * Moves the cursor over `passedIds` (every unseen event of a complete run, emitted or filtered out). The remembered
 * ids are pruned to the late window and capped at MAX_SEEN_IDS; the floor rises over anything forgotten, so the
 * invariant "every id at or below floor, and every id in seen, has been passed" always holds.
 */
export function advanceCursor(cursor: DmCursor, passedIds: string[]): DmCursor {
	const newest = maxId([cursor.newest, ...passedIds.filter(isEventId)]) ?? cursor.newest;
	let floor = maxId([cursor.floor, lastIdBefore(snowflakeTimeMs(newest) - LATE_WINDOW_MS)]) ?? cursor.floor;
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

/** Validates a cursor read back from static data; anything malformed reads as "no cursor" (first run again). */
export function parseCursor(value: unknown): DmCursor | undefined {
	if (!isRecord(value)) return undefined;
	const { newest, floor, seen } = value;
	if (!isEventId(newest) || !isEventId(floor) || !Array.isArray(seen)) return undefined;
	if (compareIds(floor, newest) > 0) return undefined;
	return advanceCursor({ newest, floor, seen: seen.filter(isEventId) }, []);
}

function parseStop(value: unknown): ResumeStop | undefined {
	if (!isRecord(value)) return undefined;
	const { token, above } = value;
	return typeof token === 'string' && token !== '' && isEventId(above) ? { token, above } : undefined;
}

export function parseBacklog(value: unknown): DmBacklog | undefined {
	if (!isRecord(value)) return undefined;
	const { key, stops, edge } = value;
	if (typeof key !== 'string' || !Array.isArray(stops)) return undefined;
	const valid = stops.map(parseStop).filter((stop): stop is ResumeStop => stop !== undefined);
	const backlog: DmBacklog = { key, stops: valid.slice(-MAX_BACKLOG_STOPS) };
	if (isEventId(edge)) backlog.edge = edge;
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
	return next;
}

/**
 * After a run reached the cursor and its events were emitted. A run from the newest event leaves nothing behind;
 * a run from a resume stop drops that stop and leaves its `above` id as the edge for the next run.
 */
export function completeRun(
	backlog: DmBacklog | undefined,
	key: string,
	resumedFrom: ResumeStop | undefined,
): DmBacklog | undefined {
	const own = backlogOf(backlog, key);
	if (!own || resumedFrom === undefined) return undefined;
	return { key, stops: own.stops.slice(0, -1), edge: resumedFrom.above };
}
