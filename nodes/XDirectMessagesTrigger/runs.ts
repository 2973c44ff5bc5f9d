import type { DmEvent, XIncludes } from '../shared/models';
import { settle } from '../shared/settle';
import type { XApi } from '../shared/transport';
import { isXApiFailure } from '../shared/transport';
import type { DmBacklog, DmCursor, LateCheck, ResumeStop } from './cursor';
import {
	advanceCursor,
	compareIds,
	completeRun,
	floorBound,
	lateCheckDue,
	lateCheckOf,
	newestTimeMs,
	nextStop,
	pushStop,
	reachesBound,
	roomForIds,
	selectUnseen,
	stopBound,
} from './cursor';
import { classifyFailure } from './failures';
import { matchesFilter } from '../shared/filters';
import type { PageRun, RunOptions } from './paging';
import { fetchRun } from './paging';
import { costAwareFirstPage, nextActivity } from './page-size';
import type { Prepared } from './prepare';
import type { TriggerSettings } from './settings';
import type { TriggerState } from './state';

export interface Outcome {
	state: TriggerState;
	/** Matching events to emit, oldest first. */
	events: DmEvent[];
	includes: XIncludes;
	/** A transient failure that stopped paging early; the next poll carries on. */
	failure?: unknown;
}

/** What a run may spend: n8n's poll budget, when the host has one. */
export interface RunContext {
	api: XApi;
	budgetMs?: number;
}

const idsOf = (events: DmEvent[]): string[] => events.map((event) => event.id);

/** A resume point the server no longer accepts. */
export function isRejectedToken(error: unknown): boolean {
	return isXApiFailure(error) && error.kind === 'invalid-request';
}

export function oldestId(events: DmEvent[]): string | undefined {
	return events.reduce<string | undefined>(
		(lowest, event) => (lowest === undefined || compareIds(event.id, lowest) < 0 ? event.id : lowest),
		undefined,
	);
}

/** Where a run that stopped early carries on: the first page it did not fetch, right below its oldest event. */
export function resumeStopOf(run: PageRun): ResumeStop | undefined {
	const oldest = oldestId(run.events);
	return run.resumeToken === undefined || oldest === undefined ? undefined : { token: run.resumeToken, above: oldest };
}

/**
 * Runs from the deepest resume stop (or the newest event); a resume point the server no longer accepts only costs a
 * re-read from the newest event.
 */
export async function runFromBacklog(
	api: XApi,
	key: string,
	backlog: DmBacklog | undefined,
	options: (backlog: DmBacklog | undefined) => Omit<RunOptions, 'startToken'>,
): Promise<{ run: PageRun; backlog: DmBacklog | undefined; stop: ResumeStop | undefined }> {
	const stop = nextStop(backlog, key);
	const resumed = await settle(fetchRun(api, { ...options(backlog), startToken: stop?.token }));
	if (resumed.ok) return { run: resumed.value, backlog, stop };
	if (stop === undefined || !isRejectedToken(resumed.error)) throw resumed.error;
	return { run: await fetchRun(api, options(undefined)), backlog: undefined, stop: undefined };
}

/** Stopped above the cursor: emitting now would leave a gap, so remember where to carry on and emit nothing. */
function interrupted(run: PageRun, state: TriggerState, backlog: DmBacklog | undefined, key: string): Outcome {
	if (run.end === 'failed' && classifyFailure(run.error) === 'persistent') throw run.error;
	const stop = resumeStopOf(run);
	return {
		state: { ...state, backlog: stop ? pushStop(backlog, key, stop) : backlog, resetAt: run.pauseUntil },
		events: [],
		includes: {},
		failure: run.error,
	};
}

/** The backlog after a run that passed only part of its unseen events: the rest is read again from the same place. */
function partlyPassed(backlog: DmBacklog | undefined, key: string): DmBacklog | undefined {
	if (!backlog || backlog.key !== key || !backlog.stops.length) return undefined;
	return { key, stops: [...backlog.stops] };
}

/**
 * The unseen events a complete run may pass: all late arrivals, and the new events oldest first as far as the
 * remembered ids have room (the rest stays above the cursor for the next polls).
 */
function passable(cursor: DmCursor, unseen: DmEvent[], check: LateCheck): DmEvent[] {
	const late = unseen.filter((event) => compareIds(event.id, cursor.newest) <= 0);
	const fresh = unseen.filter((event) => compareIds(event.id, cursor.newest) > 0);
	return [...late, ...fresh.slice(0, Math.max(0, roomForIds(cursor, check) - late.length))];
}

/**
 * A regular poll: pages down to the cursor (or on from a resume stop) and emits what is new, oldest first. When X's
 * clock has passed the late window since the cursor's floor was set, the run pages on down to the floor, so that
 * events listed late behind newer ones are found however many there are.
 */
export async function pollNewEvents(
	{ api, budgetMs }: RunContext,
	settings: TriggerSettings,
	{ listing, filter, state }: Prepared,
	cursor: DmCursor,
): Promise<Outcome> {
	const { run, backlog, stop } = await runFromBacklog(api, listing.key, state.backlog, (from) => {
		const bound = stopBound(cursor, from, listing.key);
		let target: string | undefined;
		const isLastPage = (page: DmEvent[], serverTimeMs: number | undefined): boolean => {
			target ??= lateCheckDue(cursor, serverTimeMs ?? newestTimeMs(page)) ? floorBound(cursor) : bound;
			return reachesBound(target, idsOf(page));
		};
		const resuming = nextStop(from, listing.key) !== undefined;
		const firstPageSize = settings.costAwarePages ? costAwareFirstPage(cursor, resuming, Date.now(), state.activity) : undefined;
		return { path: listing.path, qs: settings.query, isLastPage, budgetMs, firstPageSize };
	});
	const fetched = idsOf(run.events);
	const listEnd = run.end === 'listEnd';
	// Stopped before its target (a page limit, a rate limit, a failure): the next poll carries on from there, also
	// when only the look back for late arrivals was left, so that it is finished before anything above it.
	if (!listEnd && run.end !== 'stopped') return interrupted(run, state, backlog, listing.key);

	const serverTimeMs = run.serverTimeMs ?? newestTimeMs(run.events);
	const check = lateCheckOf(cursor, backlog, listing.key, { ids: fetched, listEnd, serverTimeMs, resumedFrom: stop });
	const unseen = selectUnseen(cursor, run.events);
	const passed = passable(cursor, unseen, check);
	const next = advanceCursor(cursor, idsOf(passed), check);
	const checkedAt = check.covered ? check.serverTimeMs : undefined;
	const rest = passed.length < unseen.length ? partlyPassed(backlog, listing.key) : completeRun(backlog, listing.key, stop, checkedAt);
	return {
		state: { ...state, cursor: next, backlog: rest, resetAt: run.pauseUntil, activity: nextActivity(state.activity, unseen.length) },
		events: passed.filter((event) => matchesFilter(event, filter)),
		includes: run.includes,
	};
}
