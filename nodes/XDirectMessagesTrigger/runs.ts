import type { DmEvent, XIncludes } from '../shared/models';
import { settle } from '../shared/settle';
import type { XApi } from '../shared/transport';
import { isXApiFailure } from '../shared/transport';
import type { DmBacklog, DmCursor, ResumeStop } from './cursor';
import {
	advanceCursor,
	compareIds,
	completeRun,
	emptyCursor,
	nextStop,
	pushStop,
	reachesBound,
	selectUnseen,
	snowflakeTimeMs,
	stopBound,
} from './cursor';
import { classifyFailure } from './failures';
import { matchesFilter } from './filters';
import type { PageRun } from './paging';
import { fetchRun } from './paging';
import type { Prepared } from './prepare';
import type { TriggerSettings } from './settings';
import type { TriggerState } from './state';

/** The first-run backfill never pages further back than this. */
const FIRST_POLL_MAX_PAGES = 50;
const HOUR_MS = 60 * 60 * 1000;

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

function eventTimeMs(event: DmEvent): number {
	const created = event.created_at !== undefined ? Date.parse(event.created_at) : NaN;
	return Number.isFinite(created) ? created : snowflakeTimeMs(event.id);
}

function oldestFirst(events: DmEvent[]): DmEvent[] {
	return [...events].sort((a, b) => compareIds(a.id, b.id));
}

/** First poll after activation: records the newest event as the cursor; emits a backfill only if asked to. */
export async function firstPoll(
	{ api, budgetMs }: RunContext,
	settings: TriggerSettings,
	{ listing, filter, state }: Prepared,
	now: number,
): Promise<Outcome> {
	const cutoff = now - settings.lastHours * HOUR_MS;
	let matchingSoFar = 0;
	const isLastPage = (page: DmEvent[]): boolean => {
		if (settings.firstPoll === 'lastHours') return page.some((event) => eventTimeMs(event) < cutoff);
		if (settings.firstPoll === 'lastEvents') {
			matchingSoFar += page.filter((event) => matchesFilter(event, filter)).length;
			return matchingSoFar >= settings.lastEventsCount;
		}
		return true;
	};
	const maxPages = settings.firstPoll === 'recordOnly' ? 1 : FIRST_POLL_MAX_PAGES;
	const run = await fetchRun(api, { path: listing.path, qs: settings.query, isLastPage, maxPages, budgetMs });
	// The first poll has no cursor to fall back on: any failure surfaces, and activation is retried.
	if (run.end === 'failed' && run.error) throw run.error;

	const matching = run.events.filter((event) => matchesFilter(event, filter));
	let backfill: DmEvent[] = [];
	if (settings.firstPoll === 'lastEvents') backfill = matching.slice(0, settings.lastEventsCount);
	if (settings.firstPoll === 'lastHours') backfill = matching.filter((event) => eventTimeMs(event) >= cutoff);
	const cursor = advanceCursor(
		emptyCursor(),
		run.events.map((event) => event.id),
	);
	return {
		state: { ...state, cursor, backlog: undefined, resetAt: run.rateLimitResetAt },
		events: oldestFirst(backfill),
		includes: run.includes,
	};
}

/** A resume point the server no longer accepts. */
function isRejectedToken(error: unknown): boolean {
	return isXApiFailure(error) && error.kind === 'invalid-request';
}

function oldestId(events: DmEvent[]): string | undefined {
	return events.reduce<string | undefined>(
		(lowest, event) => (lowest === undefined || compareIds(event.id, lowest) < 0 ? event.id : lowest),
		undefined,
	);
}

/** Stopped above the cursor: emitting now would leave a gap, so remember where to carry on and emit nothing. */
function interrupted(run: PageRun, state: TriggerState, backlog: DmBacklog | undefined, key: string): Outcome {
	if (run.end === 'failed' && classifyFailure(run.error) === 'persistent') throw run.error;
	const oldest = oldestId(run.events);
	const stop = run.resumeToken === undefined || oldest === undefined ? undefined : { token: run.resumeToken, above: oldest };
	return {
		state: { ...state, backlog: stop ? pushStop(backlog, key, stop) : backlog, resetAt: run.rateLimitResetAt },
		events: [],
		includes: {},
		failure: run.error,
	};
}

/** A regular poll: pages down to the cursor (or on from a resume stop) and emits what is new, oldest first. */
export async function pollNewEvents(
	{ api, budgetMs }: RunContext,
	settings: TriggerSettings,
	{ listing, filter, state }: Prepared,
	cursor: DmCursor,
): Promise<Outcome> {
	const runFrom = async (backlog: DmBacklog | undefined, stop: ResumeStop | undefined) => {
		const bound = stopBound(cursor, backlog, listing.key);
		return await fetchRun(api, {
			path: listing.path,
			qs: settings.query,
			startToken: stop?.token,
			isLastPage: (page) => reachesBound(bound, page.map((event) => event.id)),
			budgetMs,
		});
	};

	let backlog = state.backlog;
	let stop = nextStop(backlog, listing.key);
	let run: PageRun;
	const resumed = await settle(runFrom(backlog, stop));
	if (resumed.ok) {
		run = resumed.value;
	} else {
		// A resume point the server no longer accepts only costs a re-read from the newest event.
		if (stop === undefined || !isRejectedToken(resumed.error)) throw resumed.error;
		backlog = undefined;
		stop = undefined;
		run = await runFrom(backlog, stop);
	}
	if (run.end !== 'stopped' && run.end !== 'listEnd') return interrupted(run, state, backlog, listing.key);

	// The run closed the gap to the cursor (or reached the oldest event X still lists): every unseen event is in it.
	const unseen = selectUnseen(cursor, run.events);
	const next = advanceCursor(
		cursor,
		unseen.map((event) => event.id),
	);
	return {
		state: { ...state, cursor: next, backlog: completeRun(backlog, listing.key, stop), resetAt: run.rateLimitResetAt },
		events: unseen.filter((event) => matchesFilter(event, filter)),
		includes: run.includes,
	};
}
