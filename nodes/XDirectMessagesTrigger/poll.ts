import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { shapeEvents } from '../shared/includes';
import { getCredentialType, xApiRequest } from '../shared/transport';
import { lookupUsernames } from '../shared/users';
import type { UserReference } from '../shared/validation';
import type { DmBacklog, DmCursor, ResumeStop } from './cursor';
import {
	advanceCursor,
	compareIds,
	completeRun,
	emptyCursor,
	isEventId,
	nextStop,
	pushStop,
	reachesBound,
	selectUnseen,
	snowflakeTimeMs,
	stopBound,
} from './cursor';
import { asNodeError, classifyFailure, describeFailure, rateLimitResetFromError } from './failures';
import type { EventFilter } from './filters';
import { matchesFilter } from './filters';
import type { PageRun } from './paging';
import { fetchRun } from './paging';
import type { TriggerSettings } from './settings';
import { readSettings } from './settings';
import type { TriggerState } from './state';
import { loadState, saveState } from './state';

/** "Fetch Test Event" looks at most this many pages back for a matching event. */
const TEST_EVENT_MAX_PAGES = 10;
/** The first-run backfill never pages further back than this. */
const FIRST_POLL_MAX_PAGES = 50;
const HOUR_MS = 60 * 60 * 1000;

type DmEvent = IDataObject & { id: string };

interface Listing {
	path: string;
	/** Identifies endpoint + server-side filters, so resume points are never used on another listing. */
	key: string;
}

interface Prepared {
	listing: Listing;
	filter: EventFilter;
	/** The saved state with refreshed caches (authenticated user, usernames). */
	state: TriggerState;
}

interface Outcome {
	state: TriggerState;
	/** Matching events to emit, oldest first. */
	events: DmEvent[];
	includes: IDataObject;
	/** A transient failure that stopped paging early; the next poll carries on. */
	warning?: string;
}

/** X's longest rate-limit window; a reset announced further ahead (clock skew, bad header) is not trusted. */
const MAX_RATE_LIMIT_SKIP_MS = 24 * 60 * 60 * 1000;

function boundedResetAt(resetAt: number | undefined, now: number): number | undefined {
	if (resetAt === undefined || resetAt <= now) return undefined;
	return Math.min(resetAt, now + MAX_RATE_LIMIT_SKIP_MS);
}

/** n8n hosts that bound a poll's duration expose getPollBudgetMs(); older ones do not. */
function pollBudgetMs(ctx: IPollFunctions): number | undefined {
	const host = ctx as IPollFunctions & { getPollBudgetMs?: () => number };
	if (typeof host.getPollBudgetMs !== 'function') return undefined;
	const budget = host.getPollBudgetMs();
	return typeof budget === 'number' && Number.isFinite(budget) ? budget : undefined;
}

function eventTimeMs(event: IDataObject): number {
	const created = typeof event.created_at === 'string' ? Date.parse(event.created_at) : NaN;
	return Number.isFinite(created) ? created : snowflakeTimeMs(String(event.id));
}

function asEvents(events: IDataObject[]): DmEvent[] {
	return events.filter((event): event is DmEvent => isEventId(event.id));
}

function oldestFirst(events: DmEvent[]): DmEvent[] {
	return [...events].sort((a, b) => compareIds(a.id, b.id));
}

function toItems(events: DmEvent[], includes: IDataObject, resolve: boolean): INodeExecutionData[] {
	return shapeEvents(events, includes, resolve).map((json) => ({ json }));
}

function listingFor(settings: TriggerSettings, participantId: string | undefined): Listing {
	let path = '/2/dm_events';
	if (settings.scope === 'participant') path = `/2/dm_conversations/with/${participantId}/dm_events`;
	if (settings.scope === 'conversation') path = `/2/dm_conversations/${settings.conversationId}/dm_events`;
	const types = settings.query.event_types;
	return { path, key: `${path}?event_types=${Array.isArray(types) ? types.join(',') : ''}` };
}

/** Identifies the credential in use, so a cached user id is dropped when the account changes. */
function credentialKey(ctx: IPollFunctions): string {
	const type = getCredentialType(ctx);
	const credential = ctx.getNode().credentials?.[type];
	return `${type}:${credential?.id ?? credential?.name ?? ''}`;
}

async function resolveUsernames(
	this: IPollFunctions,
	names: string[],
	cache: Record<string, string> | undefined,
): Promise<Record<string, string>> {
	const resolved: Record<string, string> = {};
	const missing: string[] = [];
	for (const name of new Set(names)) {
		if (cache?.[name]) resolved[name] = cache[name];
		else missing.push(name);
	}
	for (const [name, id] of await lookupUsernames.call(this, missing, { maxRateLimitWaitSeconds: 0 })) resolved[name] = id;
	const unknown = names.filter((name) => !resolved[name]);
	if (unknown.length) {
		throw new NodeOperationError(this.getNode(), `X has no user ${unknown.map((name) => `@${name}`).join(', ')}`, {
			description: 'Check the spelling of the username, or use the user ID instead.',
		});
	}
	return resolved;
}

/** Resolves the users the settings name and the authenticated user (cached in the state) into ids. */
async function prepare(this: IPollFunctions, settings: TriggerSettings, state: TriggerState): Promise<Prepared> {
	const references = [settings.participant, ...settings.senders].filter(
		(reference): reference is UserReference => reference !== undefined,
	);
	const names = references.filter((ref) => ref.kind === 'username').map((ref) => ref.value.toLowerCase());
	const usernames = names.length ? await resolveUsernames.call(this, names, state.usernames) : {};
	const idOf = (reference: UserReference) =>
		reference.kind === 'id' ? reference.value : usernames[reference.value.toLowerCase()];

	let me = state.me;
	if (settings.ignoreOwnMessages) {
		const key = credentialKey(this);
		if (!me || me.key !== key) {
			const { body } = await xApiRequest.call(this, {
				method: 'GET',
				path: '/2/users/me',
				maxRateLimitWaitSeconds: 0,
			});
			const user = body.data as IDataObject | undefined;
			if (!user || !isEventId(user.id)) {
				throw new NodeOperationError(this.getNode(), 'X did not return the authenticated user (GET /2/users/me)');
			}
			me = { key, id: user.id };
		}
	}

	return {
		listing: listingFor(settings, settings.participant && idOf(settings.participant)),
		filter: {
			eventTypes: settings.eventTypes,
			ownUserId: settings.ignoreOwnMessages ? me?.id : undefined,
			senderIds: settings.senders.length ? new Set(settings.senders.map(idOf)) : undefined,
		},
		state: { ...state, me, usernames: Object.keys(usernames).length ? usernames : undefined },
	};
}

/** Manual "Fetch Test Event": the most recent matching event; the cursor is neither read nor written. */
async function fetchTestEvent(
	this: IPollFunctions,
	settings: TriggerSettings,
	saved: TriggerState,
): Promise<INodeExecutionData[][]> {
	const { listing, filter } = await prepare.call(this, settings, saved);
	const run = await fetchRun.call(this, {
		path: listing.path,
		qs: settings.query,
		isLastPage: (page) => page.some((event) => matchesFilter(event, filter)),
		maxPages: TEST_EVENT_MAX_PAGES,
		budgetMs: pollBudgetMs(this),
	});
	const newest = asEvents(run.events).find((event) => matchesFilter(event, filter));
	if (!newest) {
		if (run.error) throw run.error;
		throw new NodeOperationError(this.getNode(), 'No matching Direct Message event found', {
			description: `Looked at the ${run.events.length} most recent events of the last 30 days. Send a Direct Message to the account (or relax the filters) and fetch again.`,
		});
	}
	return [toItems([newest], run.includes, settings.resolveIncludes)];
}

/** First poll after activation: records the newest event as the cursor; emits a backfill only if asked to. */
async function firstPoll(
	this: IPollFunctions,
	settings: TriggerSettings,
	{ listing, filter, state }: Prepared,
	now: number,
): Promise<Outcome> {
	const cutoff = now - settings.lastHours * HOUR_MS;
	let matchingSoFar = 0;
	const isLastPage = (page: IDataObject[]): boolean => {
		if (settings.firstPoll === 'lastHours') return page.some((event) => eventTimeMs(event) < cutoff);
		if (settings.firstPoll === 'lastEvents') {
			matchingSoFar += page.filter((event) => matchesFilter(event, filter)).length;
			return matchingSoFar >= settings.lastEventsCount;
		}
		return true;
	};
	const run = await fetchRun.call(this, {
		path: listing.path,
		qs: settings.query,
		isLastPage,
		maxPages: settings.firstPoll === 'recordOnly' ? 1 : FIRST_POLL_MAX_PAGES,
		budgetMs: pollBudgetMs(this),
	});
	// The first poll has no cursor to fall back on: any failure surfaces, and activation is retried.
	if (run.end === 'failed' && run.error) throw run.error;

	const fetched = asEvents(run.events);
	const matching = fetched.filter((event) => matchesFilter(event, filter));
	let backfill: DmEvent[] = [];
	if (settings.firstPoll === 'lastEvents') backfill = matching.slice(0, settings.lastEventsCount);
	if (settings.firstPoll === 'lastHours') backfill = matching.filter((event) => eventTimeMs(event) >= cutoff);
	return {
		state: {
			...state,
			cursor: advanceCursor(
				emptyCursor(),
				fetched.map((event) => event.id),
			),
			backlog: undefined,
			resetAt: run.rateLimitResetAt,
		},
		events: oldestFirst(backfill),
		includes: run.includes,
	};
}

function isRejectedToken(error: unknown): boolean {
	return error instanceof NodeApiError && String(error.httpCode) === '400';
}

/** A regular poll: pages down to the cursor (or on from a resume stop) and emits what is new, oldest first. */
async function pollNewEvents(
	this: IPollFunctions,
	settings: TriggerSettings,
	{ listing, filter, state }: Prepared,
	cursor: DmCursor,
): Promise<Outcome> {
	const runFrom = async (backlog: DmBacklog | undefined, stop: ResumeStop | undefined) => {
		const bound = stopBound(cursor, backlog, listing.key);
		return await fetchRun.call(this, {
			path: listing.path,
			qs: settings.query,
			startToken: stop?.token,
			isLastPage: (page) => reachesBound(bound, asEvents(page).map((event) => event.id)),
			budgetMs: pollBudgetMs(this),
		});
	};

	let backlog = state.backlog;
	let stop = nextStop(backlog, listing.key);
	let run: PageRun;
	try {
		run = await runFrom(backlog, stop);
	} catch (error) {
		// A resume point the server no longer accepts only costs a re-read from the newest event.
		if (stop === undefined || !isRejectedToken(error)) throw asNodeError(this.getNode(), error);
		backlog = undefined;
		stop = undefined;
		run = await runFrom(backlog, stop);
	}

	const fetched = asEvents(run.events);
	if (run.end === 'stopped' || run.end === 'listEnd') {
		// The run closed the gap to the cursor (or reached the oldest event X still lists): every unseen event is in it.
		const unseen = selectUnseen(cursor, fetched);
		return {
			state: {
				...state,
				cursor: advanceCursor(
					cursor,
					unseen.map((event) => event.id),
				),
				backlog: completeRun(backlog, listing.key, stop),
				resetAt: run.rateLimitResetAt,
			},
			events: unseen.filter((event) => matchesFilter(event, filter)),
			includes: run.includes,
		};
	}

	// Stopped above the cursor: emitting now would leave a gap, so remember where to carry on and emit nothing.
	if (run.end === 'failed' && classifyFailure(run.error) === 'persistent') throw run.error;
	const oldest = fetched.reduce<string | undefined>(
		(lowest, event) => (lowest === undefined || compareIds(event.id, lowest) < 0 ? event.id : lowest),
		undefined,
	);
	return {
		state: {
			...state,
			backlog:
				run.resumeToken === undefined || oldest === undefined
					? backlog
					: pushStop(backlog, listing.key, { token: run.resumeToken, above: oldest }),
			resetAt: run.rateLimitResetAt,
		},
		events: [],
		includes: {},
		warning: run.error ? describeFailure(run.error) : undefined,
	};
}

export async function pollDirectMessages(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const settings = readSettings(this);
	const staticData = this.getWorkflowStaticData('node');
	const saved = loadState(staticData);
	if (this.getMode() === 'manual') return await fetchTestEvent.call(this, settings, saved);

	const now = Date.now();
	// An exhausted rate-limit window: any request before the reset would only earn a 429.
	if (saved.resetAt !== undefined && now < saved.resetAt) return null;

	const isFirstPoll = saved.cursor === undefined;
	let outcome: Outcome;
	try {
		const prepared = await prepare.call(this, settings, { ...saved, resetAt: undefined });
		outcome =
			saved.cursor === undefined
				? await firstPoll.call(this, settings, prepared, now)
				: await pollNewEvents.call(this, settings, prepared, saved.cursor);
	} catch (error) {
		const kind = classifyFailure(error);
		if (isFirstPoll || kind === 'persistent') throw asNodeError(this.getNode(), error);
		// Nothing was emitted and the cursor did not move: the next poll covers the same window.
		const resetAt = kind === 'rateLimit' ? boundedResetAt(rateLimitResetFromError(error), now) : undefined;
		saveState(staticData, { ...saved, resetAt });
		this.logger.warn(`X Direct Messages Trigger: ${describeFailure(error)}. Retrying on the next poll.`);
		return null;
	}

	saveState(staticData, { ...outcome.state, resetAt: boundedResetAt(outcome.state.resetAt, now) });
	if (outcome.warning) {
		this.logger.warn(
			`X Direct Messages Trigger: ${outcome.warning}. Nothing was emitted; the next poll carries on from where this one stopped.`,
		);
	}
	if (!outcome.events.length) return null;
	return [toItems(outcome.events, outcome.includes, settings.resolveIncludes)];
}
