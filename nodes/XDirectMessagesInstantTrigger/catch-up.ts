import type { INode, Logger } from 'n8n-workflow';

import { toNodeError } from '../shared/errors';
import type { XApi } from '../shared/transport';
import { isXApiFailure } from '../shared/transport';
import { refusalReason } from './refusals';
import type { InstantState } from './state';
import { replayTime, requestReplay } from './x-activity';

const MINUTE_MS = 60 * 1000;
/** How far back X replays (x-activity-api.md §8.6). */
export const REPLAY_WINDOW_MS = 24 * 60 * MINUTE_MS;

const floorMinute = (ms: number): number => Math.floor(ms / MINUTE_MS) * MINUTE_MS;

export interface ReplayWindow {
	fromMs: number;
	toMs: number;
	/** The part before `fromMs` X can no longer replay, when the gap was longer than its window. */
	uncovered?: { fromMs: number; toMs: number };
}

/**
 * Where a catch-up starts: where the previous one ended (or the activation). Not the newest delivered event: X may
 * have failed to deliver an older event (a drop, a retry still pending, events out of order) while newer ones
 * arrived. Never before the newest event the dedupe memory no longer holds, which would repeat events.
 */
function catchUpStart(state: InstantState): number | undefined {
	const since = state.coveredUntil ?? state.activatedAt ?? state.lastDeliveryAt;
	if (since === undefined || state.seenFloor === undefined) return since;
	return Math.max(since, state.seenFloor);
}

/**
 * The minutes to replay: from the catch-up start to X's current minute, at most X's 24 hours; undefined when there
 * is nothing to start from.
 */
export function replayWindow(state: InstantState, nowMs: number): ReplayWindow | undefined {
	const since = catchUpStart(state);
	if (since === undefined) return undefined;
	const toMs = floorMinute(nowMs);
	// A minute inside the window even when X's clock moves on while the request travels.
	const earliest = floorMinute(nowMs - REPLAY_WINDOW_MS) + 2 * MINUTE_MS;
	const wanted = Math.min(floorMinute(since), toMs);
	if (wanted >= earliest) return { fromMs: wanted, toMs };
	return { fromMs: Math.min(earliest, toMs), toMs, uncovered: { fromMs: wanted, toMs: earliest } };
}

/**
 * Asks X to deliver again what it sent to the webhook since the last catch-up (n8n was down, restarting or
 * the webhook invalid meanwhile); the deliveries are deduplicated as they arrive. A replay that cannot be started is
 * logged, never fatal: the trigger works on without it. Returns the job (its end is where the next catch-up starts
 * once X reports the job complete), or undefined when none was started.
 */
export async function catchUp(
	ctx: { getNode(): INode; logger: Logger },
	app: XApi,
	webhookId: string,
	state: InstantState,
	nowMs: number,
): Promise<InstantState['replayJob']> {
	const window = replayWindow(state, nowMs);
	if (!window) return undefined;
	const name = `X Direct Messages Instant Trigger "${ctx.getNode().name}"`;
	const lastSign = state.lastDeliveryAt ?? state.activatedAt;
	if (window.uncovered && lastSign !== undefined && lastSign < window.fromMs) {
		// Nothing arrived for longer than X keeps: what happened before its window is out of reach.
		ctx.logger.warn(
			`${name}: events between ${new Date(lastSign).toISOString()} and ${new Date(window.fromMs).toISOString()} cannot be replayed (X replays the last 24 hours only). Direct Messages of that time did not start the workflow; the polling trigger or the Get Many operation can list them.`,
		);
	}
	try {
		const jobId = await requestReplay(app, webhookId, window.fromMs, window.toMs);
		ctx.logger.info(
			`${name}: asked X to replay deliveries from ${replayTime(window.fromMs)} to ${replayTime(window.toMs)} (UTC, job ${jobId ?? 'unknown'})`,
		);
		return jobId === undefined ? undefined : { id: jobId, toMs: window.toMs };
	} catch (error) {
		const conflict = refusalReason(error) === 'ReplayConflictError' || (isXApiFailure(error) && 'status' in error.failure && error.failure.status === 409);
		const why = conflict ? 'a replay job is already running for this webhook' : toNodeError(ctx.getNode(), error).message;
		ctx.logger.warn(`${name}: no catch-up replay was started: ${why}`);
		return undefined;
	}
}

