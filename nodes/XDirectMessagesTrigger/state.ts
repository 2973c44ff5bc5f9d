import type { IDataObject } from 'n8n-workflow';

import { isRecord } from '../shared/models/json';
import type { DmBacklog, DmCursor } from './cursor';
import { isEventId, parseBacklog, parseCursor } from './cursor';
import type { PendingBackfill } from './first-run';
import { parsePendingBackfill } from './first-run';
import { MAX_ACTIVITY } from './page-size';

/** Bumped when the stored shape changes incompatibly; another version reads as a first run. */
export const STATE_VERSION = 1;

/**
 * What the trigger keeps in the workflow's static data (scope 'node'). Every part is bounded, so the stored
 * object stays at a few kilobytes however long the workflow runs.
 */
export interface TriggerState {
	/** Absent until the first successful poll. */
	cursor?: DmCursor;
	/** Resume stops of polls that stopped above the cursor, and the edge left by an emitted stretch. */
	backlog?: DmBacklog;
	/** Host-clock epoch ms until which polls skip without a request (an exhausted rate-limit window). */
	resetAt?: number;
	/** How long that pause was when it began: from any later "now" it never lasts longer (a host clock set back). */
	resetWaitMs?: number;
	/** What a first-run backfill spread over several polls still has to find (with the resume stops in `backlog`). */
	backfill?: PendingBackfill;
	/** The authenticated user's id, remembered per credential (`key`) and token (`token`, a fingerprint). */
	me?: { key: string; token?: string; id: string };
	/** Resolved @usernames (lower case, without @) of the current settings only. */
	usernames?: Record<string, string>;
	/** Fingerprint of the settings that decide which events trigger; the cursor and backlog belong to them. */
	watch?: string;
	/** Unseen events the recent polls found (page-size.ts), 1..MAX_ACTIVITY; absent while the account is quiet. */
	activity?: number;
}

const FINGERPRINT = /^[0-9a-f]{16}$/;

function parseUsernames(value: unknown): Record<string, string> | undefined {
	if (!isRecord(value)) return undefined;
	const usernames: Record<string, string> = {};
	for (const [name, id] of Object.entries(value)) {
		if (/^[a-z0-9_]{1,15}$/.test(name) && isEventId(id)) usernames[name] = id;
	}
	return Object.keys(usernames).length ? usernames : undefined;
}

/** Reads the state from static data; unknown or malformed parts are dropped, never trusted. */
export function loadState(staticData: IDataObject): TriggerState {
	if (staticData.version !== STATE_VERSION) return {};
	const state: TriggerState = {};
	const cursor = parseCursor(staticData.cursor);
	if (cursor) state.cursor = cursor;
	const backlog = parseBacklog(staticData.backlog);
	if (backlog) state.backlog = backlog;
	if (typeof staticData.resetAt === 'number' && Number.isFinite(staticData.resetAt)) state.resetAt = staticData.resetAt;
	const { resetWaitMs } = staticData;
	if (typeof resetWaitMs === 'number' && Number.isFinite(resetWaitMs) && resetWaitMs >= 0) state.resetWaitMs = resetWaitMs;
	const backfill = parsePendingBackfill(staticData.backfill);
	if (backfill) state.backfill = backfill;
	const { me } = staticData;
	if (isRecord(me) && typeof me.key === 'string' && isEventId(me.id)) {
		state.me = typeof me.token === 'string' ? { key: me.key, token: me.token, id: me.id } : { key: me.key, id: me.id };
	}
	const usernames = parseUsernames(staticData.usernames);
	if (usernames) state.usernames = usernames;
	if (typeof staticData.watch === 'string' && FINGERPRINT.test(staticData.watch)) state.watch = staticData.watch;
	const { activity } = staticData;
	if (typeof activity === 'number' && Number.isSafeInteger(activity) && activity > 0) state.activity = Math.min(activity, MAX_ACTIVITY);
	return state;
}

/** Writes the state into static data in place (n8n watches that object), removing parts that are unset. */
export function saveState(staticData: IDataObject, state: TriggerState): void {
	const next: IDataObject = { version: STATE_VERSION };
	if (state.cursor) next.cursor = { ...state.cursor, seen: [...state.cursor.seen] };
	if (state.backlog) {
		const { key, stops, edge, edgeCheckedAt } = state.backlog;
		const backlog: IDataObject = { key, stops: stops.map((stop) => ({ ...stop })), ...(edge === undefined ? {} : { edge }) };
		if (edgeCheckedAt !== undefined) backlog.edgeCheckedAt = edgeCheckedAt;
		next.backlog = backlog;
	}
	if (state.resetAt !== undefined) next.resetAt = state.resetAt;
	if (state.resetWaitMs !== undefined) next.resetWaitMs = state.resetWaitMs;
	if (state.backfill) next.backfill = { ...state.backfill };
	if (state.me) next.me = { ...state.me };
	if (state.usernames) next.usernames = { ...state.usernames };
	if (state.watch !== undefined) next.watch = state.watch;
	if (state.activity !== undefined && state.activity > 0) next.activity = state.activity;
	for (const key of Object.keys(staticData)) if (!(key in next)) delete staticData[key];
	Object.assign(staticData, next);
}
