import type { INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { pollApi } from '../shared/connection';
import { toNodeError } from '../shared/errors';
import { shapeEvents } from '../shared/includes';
import type { DmEvent, XIncludes } from '../shared/models';
import { classifyFailure, rateLimitResetFromError } from './failures';
import { matchesFilter } from './filters';
import { fetchRun } from './paging';
import { prepare } from './prepare';
import type { Outcome, RunContext } from './runs';
import { firstPoll, pollNewEvents } from './runs';
import type { TriggerSettings } from './settings';
import { readSettings } from './settings';
import type { TriggerState } from './state';
import { loadState, saveState } from './state';

/** "Fetch Test Event" looks at most this many pages back for a matching event. */
const TEST_EVENT_MAX_PAGES = 10;

/** X's longest rate-limit window; a reset announced further ahead (clock skew, bad header) is not trusted. */
const MAX_RATE_LIMIT_SKIP_MS = 24 * 60 * 60 * 1000;

function boundedResetAt(resetAt: number | undefined, now: number): number | undefined {
	if (resetAt === undefined || resetAt <= now) return undefined;
	return Math.min(resetAt, now + MAX_RATE_LIMIT_SKIP_MS);
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

function toItems(events: DmEvent[], includes: XIncludes, resolve: boolean): INodeExecutionData[] {
	return shapeEvents(events, includes, resolve).map((json) => ({ json }));
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
	return [toItems([newest], run.includes, settings.resolveIncludes)];
}

async function pollOnce(this: IPollFunctions, settings: TriggerSettings, saved: TriggerState, now: number): Promise<Outcome> {
	const run = runContext(this);
	const prepared = await prepare.call(this, run.api, settings, { ...saved, resetAt: undefined });
	// Other settings of what is watched start afresh, like an activation: the cursor belongs to the old watch.
	return saved.cursor === undefined || prepared.watchChanged
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
	if (saved.resetAt !== undefined && now < saved.resetAt) return null;

	let outcome: Outcome;
	try {
		outcome = await pollOnce.call(this, settings, saved, now);
	} catch (error) {
		const kind = classifyFailure(error);
		if (saved.cursor === undefined || kind === 'persistent') throw toNodeError(this.getNode(), error);
		// Nothing was emitted and the cursor did not move: the next poll covers the same window.
		const resetAt = kind === 'rateLimit' ? boundedResetAt(rateLimitResetFromError(error), now) : undefined;
		saveState(staticData, { ...saved, resetAt });
		this.logger.warn(`X Direct Messages Trigger: ${toNodeError(this.getNode(), error).message}. Retrying on the next poll.`);
		return null;
	}

	saveState(staticData, { ...outcome.state, resetAt: boundedResetAt(outcome.state.resetAt, now) });
	if (outcome.failure !== undefined) {
		this.logger.warn(
			`X Direct Messages Trigger: ${toNodeError(this.getNode(), outcome.failure).message}. Nothing was emitted; the next poll carries on from where this one stopped.`,
		);
	}
	if (!outcome.events.length) return null;
	return [toItems(outcome.events, outcome.includes, settings.resolveIncludes)];
}
