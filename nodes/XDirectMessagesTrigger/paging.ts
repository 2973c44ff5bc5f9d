import type { IDataObject, IPollFunctions } from 'n8n-workflow';

import { MAX_PAGE_SIZE, mergeIncludes, rateLimitResetMs, xApiRequest } from '../shared/transport';
import { asNodeError, classifyFailure, rateLimitResetFromError } from './failures';

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
	/** Decides, after each page (newest first), whether paging can stop. */
	isLastPage: (page: IDataObject[]) => boolean;
	/** Milliseconds this run may take (n8n's poll budget); the first page is always fetched. */
	budgetMs?: number;
	maxPages?: number;
}

export interface PageRun {
	/** Events as fetched, newest first, without duplicates. */
	events: IDataObject[];
	includes: IDataObject;
	requests: number;
	end: RunEnd;
	/** Pagination token of the first page that was not fetched (for `budget`, `rateLimit` and `failed`). */
	resumeToken?: string;
	/** The failure of a page after the first (the first page's failure is thrown). */
	error?: Error;
	/** Epoch ms when an exhausted rate-limit window resets, if a response announced one. */
	rateLimitResetAt?: number;
}

function headerText(headers: IDataObject, name: string): string | undefined {
	const value = headers[name];
	if (value === undefined || value === null) return undefined;
	return Array.isArray(value) ? String(value[0]) : String(value);
}

/** True when the response says no request of this group is left in the current window. */
function windowExhausted(headers: IDataObject): boolean {
	return headerText(headers, 'x-rate-limit-remaining') === '0';
}

/**
 * Pages through a DM event list from the newest event (or from `startToken`) until `isLastPage` is satisfied,
 * the list ends, or the budget runs out. Requests never wait for a rate limit: a poll that hits one stops and
 * reports where it stopped, and the caller skips polls until the reset.
 */
export async function fetchRun(this: IPollFunctions, options: RunOptions): Promise<PageRun> {
	const run: PageRun = { events: [], includes: {}, requests: 0, end: 'listEnd' };
	const ids = new Set<string>();
	const startedAt = Date.now();
	let slowestPageMs = 0;
	let token = options.startToken;

	for (;;) {
		if (run.requests > 0) {
			const elapsed = Date.now() - startedAt;
			const outOfBudget = options.budgetMs !== undefined && elapsed + slowestPageMs >= options.budgetMs;
			if (outOfBudget || (options.maxPages !== undefined && run.requests >= options.maxPages)) {
				return { ...run, end: 'budget', resumeToken: token };
			}
			if (run.rateLimitResetAt !== undefined) return { ...run, end: 'rateLimit', resumeToken: token };
		}
		const qs: IDataObject = { ...options.qs, max_results: MAX_PAGE_SIZE };
		if (token) qs.pagination_token = token;
		const pageStartedAt = Date.now();
		let body: IDataObject;
		let headers: IDataObject;
		try {
			({ body, headers } = await xApiRequest.call(this, {
				method: 'GET',
				path: options.path,
				qs,
				maxRateLimitWaitSeconds: 0,
			}));
		} catch (error) {
			const failure = asNodeError(this.getNode(), error);
			if (run.requests === 0) throw failure;
			if (classifyFailure(failure) !== 'rateLimit') return { ...run, end: 'failed', error: failure, resumeToken: token };
			const rateLimitResetAt = rateLimitResetFromError(failure) ?? run.rateLimitResetAt;
			return { ...run, end: 'rateLimit', error: failure, resumeToken: token, rateLimitResetAt };
		}
		run.requests++;
		slowestPageMs = Math.max(slowestPageMs, Date.now() - pageStartedAt);
		if (windowExhausted(headers)) run.rateLimitResetAt = rateLimitResetMs(headers);

		const page = Array.isArray(body.data) ? (body.data as IDataObject[]) : [];
		mergeIncludes(run.includes, body.includes as IDataObject | undefined);
		for (const event of page) {
			const id = String(event.id);
			// Events arriving while paging shift the pages, so one event can show up twice.
			if (ids.has(id)) continue;
			ids.add(id);
			run.events.push(event);
		}
		if (options.isLastPage(page)) return { ...run, end: 'stopped' };
		const meta = (body.meta as IDataObject | undefined) ?? {};
		const next = typeof meta.next_token === 'string' && meta.next_token !== '' ? meta.next_token : undefined;
		if (page.length === 0 || next === undefined) return { ...run, end: 'listEnd' };
		token = next;
	}
}
