import type { IDataObject } from 'n8n-workflow';

import type { DmEvent, XIncludes } from '../models';
import { decodeDmEventList } from '../models';
import type { XApi } from './client';
import type { RateLimitState } from './rate-limits';
import { readRateLimit, serverDateMs } from './rate-limits';

/** X's largest page of DM events. */
export const MAX_PAGE_SIZE = 100;

export interface DmEventPage {
	/** The page as X returned it, newest first. */
	events: DmEvent[];
	/**
	 * The events of this page that no earlier page yielded (events that arrive while paging shift the pages, so one
	 * event can show up twice), cut to what is left of the limit.
	 */
	newEvents: DmEvent[];
	includes: XIncludes;
	/** Token of the following page; undefined where the list ends (an empty page, or no token). */
	nextToken?: string;
	rateLimit: RateLimitState;
	/** X's clock when it answered (the Date header, whole seconds), if the answer said. */
	serverTimeMs?: number;
	/** How long the request of this page took, repeats included. */
	elapsedMs: number;
}

export interface PageQuery {
	/** A DM event listing: /2/dm_events or one of the two conversation listings. */
	path: string;
	qs?: IDataObject;
	/** Start at this pagination token instead of the newest event. */
	startToken?: string;
	/** Stop once this many new events were yielded; the last request asks only for what is missing. */
	limit?: number;
	/**
	 * Size of the first page (1..100); the pages after it ask for 100. X bills every event a page returns, so a poll
	 * that expects few new events starts small and grows only when the first page did not reach what it looks for.
	 */
	firstPageSize?: number;
}

/**
 * The pages of a DM event listing, newest first, one request per page, fetched only when the consumer asks for the
 * next page: stopping the loop stops the requests. Ends after the page without a next token, or at the limit.
 */
export async function* dmEventPages(api: XApi, query: PageQuery): AsyncGenerator<DmEventPage, void, undefined> {
	const seen = new Set<string>();
	let collected = 0;
	let token = query.startToken;
	let pageSize = Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(query.firstPageSize ?? MAX_PAGE_SIZE)));
	for (;;) {
		const size = query.limit === undefined ? pageSize : Math.min(pageSize, query.limit - collected);
		pageSize = MAX_PAGE_SIZE;
		const qs: IDataObject = { ...query.qs, max_results: size };
		if (token) qs.pagination_token = token;
		const startedAt = Date.now();
		const { body, headers } = await api.get(query.path, qs);
		const elapsedMs = Date.now() - startedAt;
		const { events, includes, meta } = decodeDmEventList(body);
		const room = query.limit === undefined ? Infinity : query.limit - collected;
		const newEvents: DmEvent[] = [];
		for (const event of events) {
			if (seen.has(event.id) || newEvents.length >= room) continue;
			seen.add(event.id);
			newEvents.push(event);
		}
		collected += newEvents.length;
		const nextToken = events.length && meta.next_token ? meta.next_token : undefined;
		const serverTimeMs = serverDateMs(headers);
		yield { events, newEvents, includes, nextToken, rateLimit: readRateLimit(headers), serverTimeMs, elapsedMs };
		if (nextToken === undefined || (query.limit !== undefined && collected >= query.limit)) return;
		token = nextToken;
	}
}
