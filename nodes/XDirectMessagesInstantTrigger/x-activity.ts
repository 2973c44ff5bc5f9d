import type { IDataObject } from 'n8n-workflow';

import { isRecord, records } from '../shared/models/json';
import { settle } from '../shared/settle';
import type { XApi } from '../shared/transport';
import { isXApiFailure, serverNowMs } from '../shared/transport';

/**
 * The X Activity API calls of the trigger (x-activity-api.md §3, §8): webhooks, subscriptions and replay jobs. Reads
 * are defensive about the shapes X documents in several variants (§13).
 */

export interface XWebhook {
	id: string;
	url: string;
	valid: boolean;
}

export interface XSubscription {
	id: string;
	eventType: string;
	userId?: string;
	tag?: string;
	webhookId?: string;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined);

function decodeWebhook(value: unknown): XWebhook | undefined {
	if (!isRecord(value)) return undefined;
	const id = str(value.id);
	const url = str(value.url);
	return id && url ? { id, url, valid: value.valid !== false } : undefined;
}

function decodeSubscription(value: unknown): XSubscription | undefined {
	if (!isRecord(value)) return undefined;
	const id = str(value.subscription_id) ?? str(value.id);
	const eventType = str(value.event_type);
	if (!id || !eventType) return undefined;
	const filter = isRecord(value.filter) ? value.filter : {};
	return { id, eventType, userId: str(filter.user_id), tag: str(value.tag), webhookId: str(value.webhook_id) };
}

/** GET /2/webhooks: the app's webhooks, and X's "now" (its Date header) for replay windows. */
export async function listWebhooks(app: XApi): Promise<{ webhooks: XWebhook[]; nowMs: number }> {
	const { body, headers } = await app.get('/2/webhooks');
	const webhooks = records(body.data).map(decodeWebhook).filter((hook): hook is XWebhook => hook !== undefined);
	return { webhooks, nowMs: serverNowMs(headers) };
}

/** POST /2/webhooks: X runs its CRC check against the URL before it answers. */
export async function registerWebhook(app: XApi, url: string): Promise<XWebhook> {
	const { body } = await app.write('POST', '/2/webhooks', { url });
	return decodeWebhook(body.data) ?? { id: str(isRecord(body.data) ? body.data.id : undefined) ?? '', url, valid: true };
}

/** PUT /2/webhooks/{id}: a new CRC check; whether the webhook is valid afterwards. */
export async function revalidateWebhook(app: XApi, id: string): Promise<boolean> {
	const { body } = await app.write('PUT', `/2/webhooks/${encodeURIComponent(id)}`);
	return isRecord(body.data) && body.data.valid === true;
}

export async function deleteWebhook(app: XApi, id: string): Promise<void> {
	await app.write('DELETE', `/2/webhooks/${encodeURIComponent(id)}`);
}

/** The most pages of subscriptions read (1,000 each): X's self-serve limit is 1,500 per app. */
const MAX_SUBSCRIPTION_PAGES = 20;

/** GET /2/activity/subscriptions, every page: all subscriptions of the app. */
export async function listSubscriptions(app: XApi): Promise<XSubscription[]> {
	const all: XSubscription[] = [];
	let token: string | undefined;
	for (let page = 0; page < MAX_SUBSCRIPTION_PAGES; page++) {
		const qs: IDataObject = { max_results: 1000, ...(token === undefined ? {} : { pagination_token: token }) };
		const { body } = await app.get('/2/activity/subscriptions', qs);
		for (const entry of records(body.data)) {
			const subscription = decodeSubscription(entry);
			if (subscription) all.push(subscription);
		}
		token = isRecord(body.meta) ? str(body.meta.next_token) : undefined;
		if (token === undefined) break;
	}
	return all;
}

export interface NewSubscription {
	eventType: string;
	userId: string;
	tag: string;
	/** The webhook X delivers to; none for a subscription read from the Activity stream. */
	webhookId?: string;
}

/** POST /2/activity/subscriptions with the user's token (DM events are private: X wants that user's consent). */
export async function createSubscription(user: XApi, wanted: NewSubscription): Promise<XSubscription> {
	const { body } = await user.write('POST', '/2/activity/subscriptions', {
		event_type: wanted.eventType,
		filter: { user_id: wanted.userId },
		tag: wanted.tag,
		...(wanted.webhookId === undefined ? {} : { webhook_id: wanted.webhookId }),
	});
	const data = body.data;
	// Documented as {data:{subscription}}, {data:{...}} and {data:[{...}]} (x-activity-api.md §3.1).
	const created = isRecord(data) && isRecord(data.subscription) ? data.subscription : Array.isArray(data) ? data[0] : data;
	const subscription = decodeSubscription(created);
	if (!subscription) throw new Error('X did not return the subscription it created');
	return subscription;
}

export async function deleteSubscription(app: XApi, id: string): Promise<void> {
	await app.write('DELETE', `/2/activity/subscriptions/${encodeURIComponent(id)}`);
}

/** Runs a delete; what X no longer has counts as deleted. */
export async function deleted(run: Promise<void>): Promise<void> {
	const outcome = await settle(run);
	if (!outcome.ok && !(isXApiFailure(outcome.error) && outcome.error.kind === 'not-found')) throw outcome.error;
}

/** Deletes subscriptions; one X no longer has counts as deleted. */
export async function deleteSubscriptions(app: XApi, ids: string[]): Promise<void> {
	for (const id of ids) await deleted(deleteSubscription(app, id));
}

/** yyyymmddhhmm in UTC, the replay endpoint's time format. */
export function replayTime(ms: number): string {
	return new Date(ms).toISOString().slice(0, 16).replace(/[-T:]/g, '');
}

/** POST /2/webhooks/replay: X delivers again what it attempted to deliver in [from, to] (minutes); the job id. */
export async function requestReplay(app: XApi, webhookId: string, fromMs: number, toMs: number): Promise<string | undefined> {
	const { body } = await app.write('POST', '/2/webhooks/replay', {
		webhook_id: webhookId,
		from_date: replayTime(fromMs),
		to_date: replayTime(toMs),
	});
	const data = isRecord(body.data) ? body.data : body;
	return str(data.job_id);
}
