import type { IDataObject } from 'n8n-workflow';

import type { DmEvent, XIncludes } from '../shared/models';
import { mergeIncludes } from '../shared/models';
import { settle } from '../shared/settle';
import type { XApi } from '../shared/transport';
import { dmEventPages } from '../shared/transport';
import { classifyFailure, rateLimitWaitFromError } from './failures';

/** How a run of pages ended. */
export type RunEnd =
	/** `isLastPage` said so (the cursor or enough matching events were reached). */
	| 'stopped'
	/** The listing has no more events (start of the 30-day window). */
	| 'listEnd'
	/** The poll budget or the page limit ran out first. */
	| 'budget'
	/** The last response said the rate-limit window is exhausted: another request would get a 429. */
	| 'rateLimit'
	/** A page after the first failed. */
	| 'failed';

export interface RunOptions {
	path: string;
	qs: IDataObject;
	/** Continue an earlier run from this pagination token instead of starting at the newest event. */
	startToken?: string;
	/**
	 * Decides, after each page (newest first, as X returned it), whether paging can stop; `serverTimeMs` is X's clock
	 * when the run began (see PageRun).
	 */
	isLastPage: (page: DmEvent[], serverTimeMs: number | undefined) => boolean;
	/** Milliseconds this run may take (n8n's poll budget); the first page is always fetched. */
	budgetMs?: number;
	maxPages?: number;
	/** Size of the first page (see PageQuery.firstPageSize); the default asks for 100. */
	firstPageSize?: number;
}

export interface PageRun {
	/** Events as fetched, newest first, without duplicates. */
	events: DmEvent[];
	includes: XIncludes;
	requests: number;
	end: RunEnd;
	/** Pagination token of the first page that was not fetched (for `budget`, `rateLimit` and `failed`). */
	resumeToken?: string;
	/** The failure of a page after the first (the first page's failure is thrown). */
	error?: unknown;
	/**
	 * Until when (host clock, epoch ms) another request would only earn a 429: now plus the wait the server announced,
	 * measured on its own clock, so a host clock ahead of or behind X's does not change the length of the pause.
	 */
	pauseUntil?: number;
	/** X's clock when the first page was answered (its Date header), if it said. */
	serverTimeMs?: number;
}

/** Why a run stops before the next page although the listing goes on, if it does. */
function stopBeforeNextPage(run: PageRun, options: RunOptions, elapsedMs: number, slowestPageMs: number): RunEnd | undefined {
	const outOfBudget = options.budgetMs !== undefined && elapsedMs + slowestPageMs >= options.budgetMs;
	if (outOfBudget || (options.maxPages !== undefined && run.requests >= options.maxPages)) return 'budget';
	return run.pauseUntil !== undefined ? 'rateLimit' : undefined;
}

/** A page after the first failed: the run so far, and where to carry on. The first page's failure is thrown. */
function failedRun(run: PageRun, error: unknown, resumeToken: string | undefined): PageRun {
	if (run.requests === 0) throw error;
	if (classifyFailure(error) !== 'rateLimit') return { ...run, end: 'failed', error, resumeToken };
	const waitMs = rateLimitWaitFromError(error, Date.now());
	const pauseUntil = waitMs === undefined ? run.pauseUntil : Date.now() + waitMs;
	return { ...run, end: 'rateLimit', error, resumeToken, pauseUntil };
}

/**
 * Pages through a DM event list from the newest event (or from `startToken`) until `isLastPage` is satisfied,
 * the list ends, or the budget runs out. Requests never wait for a rate limit: a poll that hits one stops and
 * reports where it stopped, and the caller skips polls until the reset.
 */
export async function fetchRun(api: XApi, options: RunOptions): Promise<PageRun> {
	const run: PageRun = { events: [], includes: {}, requests: 0, end: 'listEnd' };
	const startedAt = Date.now();
	let slowestPageMs = 0;
	let token = options.startToken;
	const pages = dmEventPages(api, { path: options.path, qs: options.qs, startToken: token, firstPageSize: options.firstPageSize });
	for (;;) {
		const next = await settle(pages.next());
		if (!next.ok) return failedRun(run, next.error, token);
		if (next.value.done) return run;
		const page = next.value.value;
		run.requests++;
		slowestPageMs = Math.max(slowestPageMs, page.elapsedMs);
		const { exhausted, waitMs } = page.rateLimit;
		if (exhausted && waitMs !== undefined) run.pauseUntil = Date.now() + waitMs;
		run.serverTimeMs ??= page.serverTimeMs;
		run.events.push(...page.newEvents);
		mergeIncludes(run.includes, page.includes);
		if (options.isLastPage(page.events, run.serverTimeMs)) return { ...run, end: 'stopped' };
		if (page.nextToken === undefined) return { ...run, end: 'listEnd' };
		token = page.nextToken;
		const stop = stopBeforeNextPage(run, options, Date.now() - startedAt, slowestPageMs);
		if (stop) {
			// The page iterator requests nothing more once it is closed.
			await pages.return();
			return { ...run, end: stop, resumeToken: token };
		}
	}
}
