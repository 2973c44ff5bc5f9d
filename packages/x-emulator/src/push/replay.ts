// POST /2/webhooks/replay (x-activity-api.md §8.6): re-POSTs the recorded, attempted deliveries of one webhook
// within [from, to] (minutes, UTC), oldest first, without retries, then a replay_job_status event.
import type { ApiContext, ApiRoute } from '../context';
import * as responses from '../responses';
import { conflict, refusal } from './errors';
import type { ReplayJobRecord, WebhookRecord } from './records';
import { DELIVERY_LOG_MS, type PushService } from './service';
import { ownWebhook } from './webhook-routes';

const MINUTE_MS = 60_000;

/** yyyymmddhhmm (UTC) as ms, or undefined when it is not a real minute. */
export function parseMinute(value: string): number | undefined {
	const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(value);
	if (!match) return undefined;
	const [year, month, day, hour, minute] = match.slice(1).map(Number);
	const ms = Date.UTC(year, month - 1, day, hour, minute);
	const date = new Date(ms);
	if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || date.getUTCHours() !== hour) return undefined;
	return minute < 60 ? ms : undefined;
}

interface Window {
	fromMs: number;
	toMs: number;
}

// GUESS on the exact bounds: from no older than 24 h (to the minute), from <= to, to not in the future.
function checkWindow(ctx: ApiContext, fromDate: string, toDate: string): Window {
	const now = ctx.emulator.clock.now();
	const fromMs = parseMinute(fromDate);
	const toStart = parseMinute(toDate);
	const invalid = (parameter: string, value: string, why: string) => refusal('QueryParamInvalid', why, parameter, value);
	if (fromMs === undefined) throw invalid('from_date', fromDate, 'from_date is not a valid yyyymmddhhmm UTC time');
	if (toStart === undefined) throw invalid('to_date', toDate, 'to_date is not a valid yyyymmddhhmm UTC time');
	if (fromMs < Math.floor((now - DELIVERY_LOG_MS) / MINUTE_MS) * MINUTE_MS) throw invalid('from_date', fromDate, 'from_date must be within the last 24 hours');
	if (fromMs > toStart) throw invalid('from_date', fromDate, 'from_date must not be after to_date');
	if (toStart > now) throw invalid('to_date', toDate, 'to_date must not be in the future');
	return { fromMs, toMs: ctx.emulator.options.replayToExclusive ? toStart : toStart + MINUTE_MS };
}

function statusBody(job: ReplayJobRecord): string {
	const complete = job.failed === 0;
	return JSON.stringify({
		replay_job_status: {
			webhook_id: job.webhookId,
			job_state: complete ? 'Complete' : 'Incomplete',
			job_state_description: complete ? 'Job completed successfully' : 'Job failed to deliver all events, please retry your replay job',
			job_id: job.job_id,
		},
	});
}

async function runJob(push: PushService, job: ReplayJobRecord): Promise<void> {
	const generation = push.currentGeneration;
	const records = push
		.allDeliveries(job.webhookId)
		.filter((record) => record.attempts > 0 && record.eventAt >= job.fromMs && record.eventAt < job.toMs)
		.sort((a, b) => a.eventAt - b.eventAt || a.seq - b.seq);
	for (const record of records) {
		const ok = await push.post(record);
		if (!push.current(generation)) return;
		job.replayed += 1;
		if (ok) {
			record.replayed = true;
			push.markDelivered(record);
		} else {
			job.failed += 1;
		}
	}
	const statusOk = await postStatus(push, job);
	if (!push.current(generation)) return;
	if (!statusOk) job.failed += 1;
	job.state = job.failed === 0 ? 'Complete' : 'Incomplete';
}

// The status event when no event was replayed: signed like any delivery of the webhook's app.
function postStatus(push: PushService, job: ReplayJobRecord): Promise<boolean> {
	const stub = { seq: 0, event_uuid: '', event_type: 'replay_job_status', appId: job.appId, webhookId: job.webhookId, subscriptionId: '', body: '', eventAt: 0, attempts: 0, delivered: false, replayed: false };
	return push.post(stub, statusBody(job));
}

function checkNoRunningJob(push: PushService, webhook: WebhookRecord): void {
	if (push.replayJobs.some((job) => job.webhookId === webhook.id && job.state === 'Running')) {
		throw conflict('ReplayConflictError', 'a replay job is already in progress for the specified webhook');
	}
}

function createReplayJob(ctx: ApiContext): responses.Reply {
	const { push, state, clock, options } = ctx.emulator;
	const body = ctx.json as { webhook_id: string; from_date: string; to_date: string };
	const webhook = ownWebhook(ctx, body.webhook_id);
	const window = checkWindow(ctx, body.from_date, body.to_date);
	// GUESS (M2 lists it as a replay failure): an invalid webhook cannot be replayed to.
	if (!webhook.valid) throw refusal('CrcValidationFailed', 'the webhook is invalid; re-validate it with PUT first', 'webhook_id', webhook.id);
	checkNoRunningJob(push, webhook);
	const now = clock.now();
	const job: ReplayJobRecord = { job_id: state.ids.next(), appId: webhook.appId, webhookId: webhook.id, ...window, createdAt: now, state: 'Running', replayed: 0, failed: 0 };
	push.addReplayJob(job);
	push.later(options.replayDelayMs, () => runJob(push, job));
	return responses.json(200, { data: { job_id: job.job_id, created_at: new Date(now).toISOString() } });
}

export const replayRoutes: ApiRoute[] = [{ method: 'POST', path: '/2/webhooks/replay', operationId: 'createWebhookReplayJob', handler: createReplayJob }];
