import type { INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { downloadEventAttachments } from '../shared/attachment-download';
import { pollApi } from '../shared/connection';
import { toNodeError } from '../shared/errors';
import { shapeEvents } from '../shared/includes';
import type { DmEvent, XIncludes } from '../shared/models';
import { settle } from '../shared/settle';
import { classifyFailure, rateLimitWaitFromError } from './failures';
import { matchesFilter } from '../shared/filters';
import { firstPoll } from './first-run';
import { fetchRun } from './paging';
import { prepare } from './prepare';
import type { Outcome, RunContext } from './runs';
import { pollNewEvents } from './runs';
import type { TriggerSettings } from './settings';
import { readSettings } from './settings';
import type { TriggerState } from './state';
import { loadState, saveState } from './state';

/** "Fetch Test Event" looks at most this many pages back for a matching event. */
const TEST_EVENT_MAX_PAGES = 10;

/** X's longest rate-limit window: no pause is longer. */
const MAX_RATE_LIMIT_SKIP_MS = 24 * 60 * 60 * 1000;
/** X's usual window, the longest a pause saved without its length (by an earlier version) may still last. */
const SAVED_PAUSE_MAX_MS = 15 * 60 * 1000;

type Pause = Pick<TriggerState, 'resetAt' | 'resetWaitMs'>;

/** The pause until a host-clock deadline, with its length kept to bound it when it is loaded again. */
function pauseUntil(deadline: number | undefined, now: number): Pause {
	if (deadline === undefined || !Number.isFinite(deadline) || deadline <= now) return { resetAt: undefined, resetWaitMs: undefined };
	const waitMs = Math.min(deadline - now, MAX_RATE_LIMIT_SKIP_MS);
	return { resetAt: now + waitMs, resetWaitMs: waitMs };
}

/** The saved pause as it stands now: a host clock set back since it was saved never makes it longer than it was. */
function savedPause({ resetAt, resetWaitMs }: TriggerState, now: number): Pause {
	if (resetAt === undefined || resetAt <= now) return { resetAt: undefined, resetWaitMs: undefined };
	const longest = Math.min(resetWaitMs ?? SAVED_PAUSE_MAX_MS, MAX_RATE_LIMIT_SKIP_MS);
	return { resetAt: Math.min(resetAt, now + longest), resetWaitMs: longest };
}

/** n8n hosts that bound a poll's duration expose getPollBudgetMs(); older ones do not. */
function pollBudgetMs(ctx: IPollFunctions): number | undefined {
	if (!('getPollBudgetMs' in ctx) || typeof ctx.getPollBudgetMs !== 'function') return undefined;
	const budget: unknown = ctx.getPollBudgetMs();
	return typeof budget === 'number' && Number.isFinite(budget) ? budget : undefined;
}

function runContext(ctx: IPollFunctions): RunContext {
	return { api: pollApi(ctx), budgetMs: pollBudgetMs(ctx) };
}

/**
 * The emitted items; with "Download Attachments", each event's media in a binary field. A download X refuses for good
 * (the media is gone, 403/404) leaves the event with `attachmentError`; any other failure is thrown before the state
 * is saved, so the next poll emits the same events again, with their files.
 */
async function toItems(ctx: IPollFunctions, settings: TriggerSettings, events: DmEvent[], includes: XIncludes): Promise<INodeExecutionData[]> {
	const shaped = shapeEvents(events, includes, settings.resolveIncludes);
	const property = settings.downloadProperty;
	if (property === undefined) return shaped.map((json) => ({ json }));
	const api = pollApi(ctx);
	const prepare = async (bytes: Buffer, fileName?: string, mimeType?: string) => await ctx.helpers.prepareBinaryData(bytes, fileName, mimeType);
	const items: INodeExecutionData[] = [];
	for (const [index, event] of events.entries()) {
		const downloaded = await settle(downloadEventAttachments(api, prepare, event, includes, property));
		if (!downloaded.ok && classifyFailure(downloaded.error) !== 'persistent') throw downloaded.error;
		if (!downloaded.ok) items.push({ json: { ...shaped[index], attachmentError: toNodeError(ctx.getNode(), downloaded.error).message } });
		else items.push(downloaded.value ? { json: shaped[index], binary: downloaded.value } : { json: shaped[index] });
	}
	return items;
}

/** Manual "Fetch Test Event": the most recent matching event; the cursor is neither read nor written. */
async function fetchTestEvent(
	this: IPollFunctions,
	settings: TriggerSettings,
	saved: TriggerState,
): Promise<INodeExecutionData[][]> {
	const { api, budgetMs } = runContext(this);
	const { listing, filter } = await prepare.call(this, api, settings, saved);
	const run = await fetchRun(api, {
		path: listing.path,
		qs: settings.query,
		isLastPage: (page) => page.some((event) => matchesFilter(event, filter)),
		maxPages: TEST_EVENT_MAX_PAGES,
		budgetMs,
	});
	const newest = run.events.find((event) => matchesFilter(event, filter));
	if (!newest) {
		if (run.error) throw run.error;
		throw new NodeOperationError(this.getNode(), 'No matching Direct Message event found', {
			description: `Looked at the ${run.events.length} most recent events of the last 30 days. Send a Direct Message to the account (or relax the filters) and fetch again.`,
		});
	}
	return [await toItems(this, settings, [newest], run.includes)];
}

async function pollOnce(this: IPollFunctions, settings: TriggerSettings, saved: TriggerState, now: number): Promise<Outcome> {
	const run = runContext(this);
	const prepared = await prepare.call(this, run.api, settings, { ...saved, resetAt: undefined });
	// Other settings of what is watched start afresh, like an activation: the cursor, the resume stops and an
	// unfinished backfill belong to the old watch.
	if (prepared.watchChanged) {
		const fresh = { ...prepared.state, cursor: undefined, backlog: undefined, backfill: undefined };
		return await firstPoll(run, settings, { ...prepared, state: fresh }, now);
	}
	return saved.cursor === undefined
		? await firstPoll(run, settings, prepared, now)
		: await pollNewEvents(run, settings, prepared, saved.cursor);
}

export async function pollDirectMessages(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const settings = readSettings(this);
	const staticData = this.getWorkflowStaticData('node');
	const saved = loadState(staticData);
	if (this.getMode() === 'manual') {
		try {
			return await fetchTestEvent.call(this, settings, saved);
		} catch (error) {
			throw toNodeError(this.getNode(), error);
		}
	}

	const now = Date.now();
	// An exhausted rate-limit window: any request before the reset would only earn a 429.
	const pause = savedPause(saved, now);
	if (pause.resetAt !== undefined) {
		if (pause.resetAt !== saved.resetAt || pause.resetWaitMs !== saved.resetWaitMs) saveState(staticData, { ...saved, ...pause });
		return null;
	}

	let outcome: Outcome;
	let items: INodeExecutionData[];
	try {
		outcome = await pollOnce.call(this, settings, saved, now);
		items = outcome.events.length ? await toItems(this, settings, outcome.events, outcome.includes) : [];
	} catch (error) {
		const kind = classifyFailure(error);
		const activated = saved.cursor !== undefined || saved.backfill !== undefined;
		if (!activated || kind === 'persistent') throw toNodeError(this.getNode(), error);
		// Nothing was emitted and the cursor did not move: the next poll covers the same window.
		const waitMs = kind === 'rateLimit' ? rateLimitWaitFromError(error, now) : undefined;
		saveState(staticData, { ...saved, ...pauseUntil(waitMs === undefined ? undefined : Date.now() + waitMs, now) });
		this.logger.warn(`X Direct Messages Trigger: ${toNodeError(this.getNode(), error).message}. Retrying on the next poll.`);
		return null;
	}

	saveState(staticData, { ...outcome.state, ...pauseUntil(outcome.state.resetAt, now) });
	if (outcome.failure !== undefined) {
		const carriesOn = outcome.state.cursor
			? 'Nothing was emitted; the next poll carries on from where this one stopped.'
			: 'Nothing was emitted yet; the backfill carries on from where this poll stopped.';
		this.logger.warn(`X Direct Messages Trigger: ${toNodeError(this.getNode(), outcome.failure).message}. ${carriesOn}`);
	}
	if (!items.length) return null;
	return [items];
}
