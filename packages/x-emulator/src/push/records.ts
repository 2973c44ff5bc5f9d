// What the push side (X Activity API webhook delivery) keeps per emulator: webhooks, subscriptions, delivery records
// and replay jobs, plus the copies the Emulator hands out (WebhookView, SubscriptionView, DeliveryView, ReplayJobView).

/** The event types the emulator delivers (the four legacy DM events of the Activity API). */
export const DM_EVENT_TYPES = ['dm.received', 'dm.sent', 'dm.read', 'dm.indicate_typing'] as const;
export type DmActivityEventType = (typeof DM_EVENT_TYPES)[number];

export interface WebhookRecord {
	id: string;
	appId: string;
	url: string;
	valid: boolean;
	/** ms, emulator clock */
	createdAt: number;
	lastCrcAt?: number;
	lastCrcOk?: boolean;
	/** ms of the last passed CRC (creation counts): 28 h without one makes the webhook invalid. */
	lastSuccessAt: number;
	/** CRC checks that did not pass since the last one that did. */
	crcFailures: number;
}

export interface SubscriptionFilter {
	user_id?: string;
	keyword?: string;
	direction?: 'inbound' | 'outbound';
}

export interface SubscriptionRecord {
	subscription_id: string;
	appId: string;
	event_type: string;
	filter: SubscriptionFilter;
	tag?: string;
	webhook_id?: string;
	/** ms, emulator clock */
	created_at: number;
	updated_at: number;
}

export interface DeliveryRecord {
	/** Insertion order (the emulator clock may be frozen, so event times can tie). */
	seq: number;
	event_uuid: string;
	event_type: string;
	appId: string;
	webhookId: string;
	subscriptionId: string;
	dmEventId?: string;
	/** The exact bytes POSTed (signed as they are). */
	body: string;
	/** ms, emulator clock: when the event happened. */
	eventAt: number;
	/** POSTs made or dropped (first attempt, retries, fault duplicates; replays not counted). */
	attempts: number;
	delivered: boolean;
	replayed: boolean;
}

export type ReplayJobState = 'Running' | 'Complete' | 'Incomplete';

export interface ReplayJobRecord {
	job_id: string;
	appId: string;
	webhookId: string;
	/** ms: the window [fromMs, toMs) the job replays. */
	fromMs: number;
	toMs: number;
	createdAt: number;
	state: ReplayJobState;
	/** Events POSTed again, and how many of those POSTs failed. */
	replayed: number;
	failed: number;
}

/** A webhook as `emu.webhooks()` lists it (every app). */
export interface WebhookView {
	id: string;
	appId: string;
	url: string;
	valid: boolean;
	/** ISO 8601 */
	createdAt: string;
	lastCrcAt?: string;
	lastCrcOk?: boolean;
	crcFailures: number;
}

/** A subscription as `emu.subscriptions()` lists it (every app): the wire fields (ISO times) plus its app. */
export interface SubscriptionView extends Omit<SubscriptionRecord, 'created_at' | 'updated_at'> {
	created_at: string;
	updated_at: string;
}

/** One recorded delivery (`emu.deliveries()`): `at` is the event time (ms, emulator clock). */
export interface DeliveryView {
	event_uuid: string;
	event_type: string;
	dmEventId?: string;
	webhookId: string;
	attempts: number;
	delivered: boolean;
	replayed: boolean;
	at: number;
	/** The envelope as POSTed. */
	envelope: unknown;
}

export interface ReplayJobView {
	job_id: string;
	appId: string;
	webhookId: string;
	from: string;
	to: string;
	createdAt: string;
	state: ReplayJobState;
	replayed: number;
	failed: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function webhookView(webhook: WebhookRecord): WebhookView {
	const view: WebhookView = { id: webhook.id, appId: webhook.appId, url: webhook.url, valid: webhook.valid, createdAt: iso(webhook.createdAt), crcFailures: webhook.crcFailures };
	if (webhook.lastCrcAt !== undefined) view.lastCrcAt = iso(webhook.lastCrcAt);
	if (webhook.lastCrcOk !== undefined) view.lastCrcOk = webhook.lastCrcOk;
	return view;
}

/** The subscription as the API returns it (no app). */
export function subscriptionWire(record: SubscriptionRecord): Omit<SubscriptionView, 'appId'> {
	const wire: Omit<SubscriptionView, 'appId'> = {
		subscription_id: record.subscription_id,
		event_type: record.event_type,
		filter: { ...record.filter },
		created_at: iso(record.created_at),
		updated_at: iso(record.updated_at),
	};
	if (record.tag !== undefined) wire.tag = record.tag;
	if (record.webhook_id !== undefined) wire.webhook_id = record.webhook_id;
	return wire;
}

export function subscriptionView(record: SubscriptionRecord): SubscriptionView {
	return { ...subscriptionWire(record), appId: record.appId };
}

export function deliveryView(record: DeliveryRecord): DeliveryView {
	const view: DeliveryView = {
		event_uuid: record.event_uuid,
		event_type: record.event_type,
		webhookId: record.webhookId,
		attempts: record.attempts,
		delivered: record.delivered,
		replayed: record.replayed,
		at: record.eventAt,
		envelope: JSON.parse(record.body) as unknown,
	};
	if (record.dmEventId !== undefined) view.dmEventId = record.dmEventId;
	return view;
}

export function replayJobView(job: ReplayJobRecord): ReplayJobView {
	return {
		job_id: job.job_id,
		appId: job.appId,
		webhookId: job.webhookId,
		from: iso(job.fromMs),
		to: iso(job.toMs),
		createdAt: iso(job.createdAt),
		state: job.state,
		replayed: job.replayed,
		failed: job.failed,
	};
}
