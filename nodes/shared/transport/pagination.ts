import type { IDataObject } from 'n8n-workflow';

import { xApiRequest } from './request';
import type { XApiContext } from './types';

export const MAX_PAGE_SIZE = 100;

export interface PaginateOptions {
	path: string;
	qs?: IDataObject;
	/** Maximum number of events; undefined = all. */
	limit?: number;
	/** Paging stops at the first event for which this returns true; that event is not included. */
	stopWhen?: (event: IDataObject) => boolean;
	/** Stop fetching further pages once this many milliseconds have passed. */
	budgetMs?: number;
	itemIndex?: number;
	maxRateLimitWaitSeconds?: number;
}

export interface PaginateResult {
	events: IDataObject[];
	includes: IDataObject;
	requests: number;
	/** True when paging ended because the list ended or `stopWhen` matched (not because of the limit or the budget). */
	complete: boolean;
}

const INCLUDE_KEYS: Record<string, string> = {
	users: 'id',
	media: 'media_key',
	tweets: 'id',
	posts: 'id',
	places: 'id',
	polls: 'id',
	topics: 'id',
};

/** Merges `includes` of several pages, de-duplicated by each object's key. */
export function mergeIncludes(target: IDataObject, source: IDataObject | undefined): IDataObject {
	if (!source || typeof source !== 'object') return target;
	for (const [collection, entries] of Object.entries(source)) {
		if (!Array.isArray(entries)) continue;
		const keyName = INCLUDE_KEYS[collection] ?? 'id';
		const existing = (target[collection] as IDataObject[] | undefined) ?? [];
		const seen = new Set(existing.map((entry) => String(entry[keyName])));
		for (const entry of entries as IDataObject[]) {
			const key = String(entry?.[keyName]);
			if (seen.has(key)) continue;
			seen.add(key);
			existing.push(entry);
		}
		target[collection] = existing;
	}
	return target;
}

/** Pages through a DM event list (newest first) with pagination_token. */
export async function paginateDmEvents(this: XApiContext, options: PaginateOptions): Promise<PaginateResult> {
	const events: IDataObject[] = [];
	const seenIds = new Set<string>();
	const includes: IDataObject = {};
	const startedAt = Date.now();
	let requests = 0;
	let paginationToken: string | undefined;

	for (;;) {
		const remaining = options.limit === undefined ? MAX_PAGE_SIZE : options.limit - events.length;
		if (remaining <= 0) return { events, includes, requests, complete: false };
		if (options.budgetMs !== undefined && requests > 0 && Date.now() - startedAt >= options.budgetMs) {
			return { events, includes, requests, complete: false };
		}
		const qs: IDataObject = { ...options.qs, max_results: Math.min(MAX_PAGE_SIZE, remaining) };
		if (paginationToken) qs.pagination_token = paginationToken;
		const { body } = await xApiRequest.call(this, {
			method: 'GET',
			path: options.path,
			qs,
			itemIndex: options.itemIndex,
			maxRateLimitWaitSeconds: options.maxRateLimitWaitSeconds,
		});
		requests++;
		const page = Array.isArray(body.data) ? (body.data as IDataObject[]) : [];
		mergeIncludes(includes, body.includes as IDataObject | undefined);
		for (const event of page) {
			if (options.stopWhen?.(event)) return { events, includes, requests, complete: true };
			const id = String(event.id);
			// Events that arrive while paging shift the pages: the same event can show up twice.
			if (seenIds.has(id)) continue;
			seenIds.add(id);
			events.push(event);
			if (options.limit !== undefined && events.length >= options.limit) {
				return { events, includes, requests, complete: false };
			}
		}
		const meta = (body.meta as IDataObject | undefined) ?? {};
		const nextToken = typeof meta.next_token === 'string' ? meta.next_token : undefined;
		if (page.length === 0 || !nextToken) return { events, includes, requests, complete: true };
		paginationToken = nextToken;
	}
}
