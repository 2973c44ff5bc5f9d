import type { IDataObject, INodeExecutionData, ITriggerFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { OpenedStream, StreamBody, XApi } from '../shared/transport';
import { isXApiFailure, openStream, serverDateMs } from '../shared/transport';
import { withAttachments } from '../XDirectMessagesInstantTrigger/attachments';
import type { InstantItem } from '../XDirectMessagesInstantTrigger/payload';
import { itemsOf } from '../XDirectMessagesInstantTrigger/payload';
import { selectNew } from '../XDirectMessagesInstantTrigger/select';
import { forgetMemory, memoryOf, mergeMemory, saveState } from '../XDirectMessagesInstantTrigger/state';
import type { Backoff, FailureClass } from './backoff';
import { afterFailure, failureClass, FRESH_BACKOFF, isFatal } from './backoff';
import { catchUpLoop, pollGroupsLoop } from './gaps';
import type { LineOutcome, StreamEnd } from './read-stream';
import { decodeLine, readStream } from './read-stream';
import type { StreamSettings } from './settings';
import type { StreamState } from './state';

export const NODE_LABEL = 'X Direct Messages Stream Trigger';
const STREAM_PATH = '/2/activity/stream';
const MINUTE_MS = 60_000;
/** X's backfill reaches 5 minutes back (x-activity-api.md §3.6). */
export const BACKFILL_REACH_MS = 5 * MINUTE_MS;
/** Read back this much before the last moment the stream was alive: an event may surface a little late. */
export const GAP_MARGIN_MS = 30_000;
/** How long closing waits for the background work to notice. */
const CLOSE_WAIT_MS = 5_000;
/** Saving the state only for the liveness mark: at most this often. */
const ALIVE_SAVE_MS = 5_000;

export interface SessionSetup {
	ctx: ITriggerFunctions;
	settings: StreamSettings;
	/** App-only token: the stream. */
	app: XApi;
	/** The user's token: GET /2/dm_events, downloads. */
	user: XApi;
	accountId: string;
	tag: string;
	/** An activated workflow (not a test run in the editor): catches up. */
	production: boolean;
	staticData: IDataObject;
	state: StreamState;
	scope: string;
}

/**
 * One held stream connection with everything around it: reconnects with X's back-off, backfill after short breaks,
 * catch-up through GET /2/dm_events after long ones, group polling, and the one path every item takes to emit().
 */
export class StreamSession {
	readonly setup: SessionSetup;

	private closed = false;

	private body?: StreamBody;

	private readonly abort = new AbortController();

	/** X's clock minus the host's (from Date headers). */
	private clockOffsetMs = 0;

	private backoff: Backoff = FRESH_BACKOFF;

	private savedAliveAt = 0;

	private catchUpRequests = 0;

	/** How many catch-ups were asked for: one asked while another runs makes it read again. */
	get catchUpRequestCount(): number {
		return this.catchUpRequests;
	}

	private catchingUp = false;

	private readonly tasks: Array<Promise<void>> = [];

	constructor(setup: SessionSetup) {
		this.setup = setup;
	}

	get state(): StreamState {
		return this.setup.state;
	}

	get isClosed(): boolean {
		return this.closed;
	}

	xNow(): number {
		return Date.now() + this.clockOffsetMs;
	}

	observeClock(serverMs: number | undefined): void {
		if (serverMs === undefined) return;
		const offset = serverMs - Date.now();
		// The Date header counts whole seconds: a smaller difference is its rounding, not a clock apart.
		this.clockOffsetMs = Math.abs(offset) < 1000 ? 0 : offset;
	}

	/** Saves the state (with this process's dedupe memory) into the static data n8n saves at the next emit. */
	persist(times: { deliveryAt?: number; seenAt?: number } = {}): void {
		this.setup.state = mergeMemory(this.state, memoryOf(this.setup.scope), times);
		saveState(this.setup.staticData, this.state);
	}

	private markAlive(): void {
		this.state.lastAliveAt = this.xNow();
		if (Date.now() - this.savedAliveAt < ALIVE_SAVE_MS) return;
		this.savedAliveAt = Date.now();
		saveState(this.setup.staticData, this.state);
	}

	/** Opens a connection; `backfillMinutes` asks X to send the last minutes again. */
	async open(backfillMinutes: number): Promise<OpenedStream> {
		const qs = backfillMinutes > 0 ? { backfill_minutes: backfillMinutes } : {};
		const opened = await openStream(this.setup.app.connection, { path: STREAM_PATH, qs, timeoutMs: this.setup.app.limits.timeoutMs, signal: this.abort.signal });
		this.observeClock(serverDateMs(opened.headers));
		this.markAlive();
		return opened;
	}

	/** The minutes of backfill for a reconnection now, 0 when the node does not catch up. */
	backfillMinutes(): number {
		const { lastAliveAt } = this.state;
		// A first activation asks for nothing from before it.
		if (!this.setup.production || !this.setup.settings.catchUp || lastAliveAt === undefined) return 0;
		const gap = this.xNow() - lastAliveAt + GAP_MARGIN_MS;
		return Math.min(5, Math.max(1, Math.ceil(gap / MINUTE_MS)));
	}

	/** Starts the background work around the first connection. */
	start(first: OpenedStream): void {
		this.tasks.push(this.hold(first));
		// A catch-up saved before a restart (or asked for by the activation) goes on.
		if (this.state.catchUpFrom !== undefined) this.runCatchUp();
		if (this.setup.settings.groupPollMs > 0) this.tasks.push(pollGroupsLoop(this));
	}

	/** Ends the connection and the background work (bounded wait). */
	async close(): Promise<void> {
		this.closed = true;
		this.abort.abort();
		this.body?.destroy();
		let settled = false;
		void Promise.allSettled(this.tasks).then(() => (settled = true));
		const until = Date.now() + CLOSE_WAIT_MS;
		while (!settled && Date.now() < until) await sleep(20);
		forgetMemory(this.setup.scope);
	}

	/** Sleeps in short steps so that closing is not held up. */
	async pause(ms: number): Promise<void> {
		const until = Date.now() + ms;
		while (!this.closed && Date.now() < until) await sleep(Math.min(250, until - Date.now()));
	}

	log(level: 'info' | 'warn', message: string): void {
		this.setup.ctx.logger[level](`${NODE_LABEL} "${this.setup.ctx.getNode().name}": ${message}`);
	}

	/** Holds the connection: reads it, and connects again after every end until the node closes. */
	private async hold(first: OpenedStream): Promise<void> {
		let opened: OpenedStream | undefined = first;
		while (!this.closed) {
			if (opened) {
				const worked = await this.consume(opened);
				opened = undefined;
				if (this.closed) return;
				// X: reconnect at once after a connection that worked; one that gave nothing counts as a failure.
				if (worked) this.backoff = FRESH_BACKOFF;
				else await this.waitAfter('network', undefined);
			}
			if (this.closed) return;
			const aliveAt = this.state.lastAliveAt;
			const asked = this.catchUpBeyondBackfill(aliveAt);
			try {
				opened = await this.open(this.backfillMinutes());
				// The new answer's Date header may show X's clock further on than the estimate the gap was read with.
				if (!asked) this.catchUpBeyondBackfill(aliveAt);
			} catch (error) {
				if (this.closed) return;
				if (isFatal(error)) {
					this.log('warn', `X refused the stream connection for good; n8n deactivates the workflow and retries its activation`);
					this.setup.ctx.emitError(error instanceof Error ? error : new Error(String(error)));
					return;
				}
				await this.waitAfter(failureClass(error), error);
			}
		}
	}

	/** A break since `aliveAt` longer than X's backfill reaches is read through GET /2/dm_events; whether one was asked for. */
	private catchUpBeyondBackfill(aliveAt: number | undefined): boolean {
		if (!this.setup.production || !this.setup.settings.catchUp || aliveAt === undefined) return false;
		if (this.xNow() - aliveAt + GAP_MARGIN_MS <= BACKFILL_REACH_MS) return false;
		this.requestCatchUp(aliveAt - GAP_MARGIN_MS);
		return true;
	}

	private async waitAfter(kind: FailureClass, error: unknown): Promise<void> {
		const step = afterFailure(this.backoff, kind, this.setup.settings.maxReconnectWaitMs);
		this.backoff = step.backoff;
		// A rate limit X announced (its clock) is waited for whole: an earlier attempt would only be refused again.
		const announced = isXApiFailure(error) && error.failure.kind === 'rate-limited' ? error.failure.waitMs : undefined;
		const waitMs = Math.max(step.waitMs, Math.min(announced ?? 0, 15 * MINUTE_MS));
		const why = error === undefined ? 'the stream ended without data' : isXApiFailure(error) ? `${error.failure.kind}${'status' in error.failure ? ` ${error.failure.status}` : ''}` : String(error);
		this.log('warn', `stream connection failed (${why}); connecting again in ${Math.round(waitMs / 100) / 10} s (attempt ${step.backoff.attempts})`);
		await this.pause(waitMs);
	}

	/** Reads one connection until it ends; whether anything arrived on it. */
	private async consume(opened: OpenedStream): Promise<boolean> {
		this.body = opened.body;
		let received = false;
		const end: StreamEnd = await readStream(opened.body, {
			silenceMs: this.setup.settings.silenceMs,
			isClosed: () => this.closed,
			onBytes: () => {
				received = true;
				this.markAlive();
			},
			onLine: async (line) => await this.onLine(line),
		});
		this.body = undefined;
		if (end.reason !== 'closed') this.log('warn', `stream connection ${end.reason === 'stalled' ? `silent for ${this.setup.settings.silenceMs / 1000} s` : end.reason}; connecting again`);
		return received;
	}

	/** One line of the stream: an event envelope, or an error X reports in the stream. */
	private async onLine(line: string): Promise<LineOutcome> {
		const incoming = decodeLine(line);
		if (incoming.kind === 'invalid') {
			this.log('warn', `ignored a stream line that is not JSON (${line.length} characters)`);
			return 'continue';
		}
		if (incoming.kind === 'problem') {
			this.log('warn', `X reported in the stream: ${incoming.title}${incoming.detail ? ` (${incoming.detail})` : ''}`);
			return incoming.disconnect ? 'disconnect' : 'continue';
		}
		if (incoming.kind !== 'delivery') return 'continue';
		const { delivery } = incoming;
		const chosen: string[] = this.setup.settings.events;
		// One stream carries every subscription of the app: this node's are its tag's, or its account's.
		const ours = delivery.tag === this.setup.tag || delivery.userId === this.setup.accountId;
		if (ours && chosen.includes(delivery.eventType)) await this.deliver(itemsOf(delivery), delivery.userId ?? this.setup.accountId);
		return 'continue';
	}

	/**
	 * The one way to emit(): drops what was emitted before and what the filters exclude, saves the state, then starts
	 * one execution with the rest.
	 */
	async deliver(items: InstantItem[], ownUserId: string): Promise<number> {
		const floor = this.state.seenFloor;
		// Older than what the dedupe memory still holds: it may have been emitted and forgotten.
		const recent = floor === undefined ? items : items.filter((item) => item.timeMs === undefined || item.timeMs > floor);
		const { emitted, deliveryAt } = selectNew(this.setup.scope, this.setup.settings, this.state, recent, ownUserId);
		this.persist({ deliveryAt, seenAt: Date.now() });
		if (!emitted.length || this.closed) return 0;
		const property = this.setup.settings.downloadProperty;
		const data: INodeExecutionData[] =
			property === undefined ? emitted.map((item) => ({ json: item.json })) : await withAttachments(this.setup.ctx, emitted, property, NODE_LABEL);
		this.setup.ctx.emit([data]);
		return data.length;
	}

	/** Reads the messages since `fromMs` (X's clock) through GET /2/dm_events, in the background, until complete. */
	requestCatchUp(fromMs: number): void {
		this.state.catchUpFrom = Math.min(this.state.catchUpFrom ?? fromMs, fromMs);
		this.catchUpRequests++;
		saveState(this.setup.staticData, this.state);
		this.runCatchUp();
	}

	/** Starts the catch-up task unless it runs. */
	private runCatchUp(): void {
		if (this.catchingUp || this.closed) return;
		this.catchingUp = true;
		// Removed from the tasks when done: a connection held for months catches up many times.
		const task: Promise<void> = catchUpLoop(this).finally(() => {
			this.catchingUp = false;
			const at = this.tasks.indexOf(task);
			if (at >= 0) this.tasks.splice(at, 1);
		});
		this.tasks.push(task);
	}
}
