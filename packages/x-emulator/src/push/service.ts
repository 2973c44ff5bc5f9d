// The push side of one emulator (X Activity API webhook delivery): webhooks with their CRC checks, subscriptions,
// signed deliveries with retries and fault knobs, the bounded delivery log and replay jobs. Every timer is unref'd
// and tracked; reset() and stop() clear them and abort calls in flight, and work started before a reset() never
// touches the state that follows it.
import { PRICES_USD } from '../billing';
import type { Runtime } from '../runtime';
import type { StoredEvent } from '../state';
import { EmulatorError, findEvent } from '../store';
import { postSigned, runCrc, type CrcOutcome } from './outgoing';
import { dmPayload, envelopeBody, newEventUuid, readPayload, typingPayload } from './payloads';
import type { DeliveryRecord, ReplayJobRecord, SubscriptionRecord, WebhookRecord } from './records';
import { StreamHub } from './stream';

const HOUR_MS = 60 * 60 * 1000;
/** W1: invalid once no CRC passed for more than 28 hours (24 h plus a 4-hour grace period). */
export const CRC_GRACE_MS = 28 * HOUR_MS;
/** The delivery log keeps the last 24 hours (X's replay window) and at most this many records per app. */
export const DELIVERY_LOG_MS = 24 * HOUR_MS;
export const MAX_DELIVERIES_PER_APP = 50_000;
export const MAX_REPLAY_JOBS = 100;
/** How long after the first POST a fault-injected duplicate follows. */
export const DUPLICATE_AFTER_MS = 20;

// mulberry32 over a string hash: the fault knobs draw from it so a pushSeed replays the same faults.
function seededRandom(seed: string): () => number {
	let state = 0;
	for (const char of seed) state = (Math.imul(state ^ char.charCodeAt(0), 2654435761) + 1) >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let value = state;
		value = Math.imul(value ^ (value >>> 15), value | 1);
		value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
		return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
	};
}

export class PushService {
	readonly webhooks = new Map<string, WebhookRecord>();
	readonly subscriptions = new Map<string, SubscriptionRecord>();
	/** appId -> its delivery records, oldest first. */
	readonly deliveryLog = new Map<string, DeliveryRecord[]>();
	readonly replayJobs: ReplayJobRecord[] = [];
	/** GET /2/activity/stream: open connections and the per-app event history. */
	readonly stream: StreamHub;
	random: () => number;
	private readonly timers = new Set<NodeJS.Timeout>();
	private readonly controllers = new Set<AbortController>();
	private generation = 0;
	private seq = 0;
	private crcTimer: NodeJS.Timeout | undefined;
	private reorderBuffer: DeliveryRecord[] = [];
	private reorderTimer: NodeJS.Timeout | undefined;
	private stopped = false;

	constructor(readonly runtime: Runtime) {
		this.random = seededRandom(String(runtime.options.pushSeed));
		this.stream = new StreamHub(this);
	}

	get options() {
		return this.runtime.options;
	}

	now(): number {
		return this.runtime.clock.now();
	}

	// ---- lifecycle and timers ----

	/** Runs fn after ms (unref'd); errors land in internalErrors; nothing runs after a reset() or stop(). */
	later(ms: number, fn: () => unknown): NodeJS.Timeout {
		const generation = this.generation;
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			if (generation !== this.generation) return;
			Promise.resolve()
				.then(fn)
				.catch((error: unknown) => this.runtime.internalErrors.push(error));
		}, Math.max(0, ms));
		timer.unref();
		this.timers.add(timer);
		return timer;
	}

	/** Whether work begun in `generation` may still change state. */
	current(generation: number): boolean {
		return generation === this.generation;
	}

	get currentGeneration(): number {
		return this.generation;
	}

	/** An abort signal for one outgoing call; aborted by reset() and stop(). */
	async withSignal<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
		const controller = new AbortController();
		this.controllers.add(controller);
		try {
			return await run(controller.signal);
		} finally {
			this.controllers.delete(controller);
		}
	}

	/** How many timers are pending (tests check that reset and close leave none). */
	get pendingTimers(): number {
		return this.timers.size;
	}

	private haltAll(): void {
		this.generation += 1;
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		for (const controller of this.controllers) controller.abort();
		this.controllers.clear();
		this.crcTimer = undefined;
		this.reorderTimer = undefined;
		this.reorderBuffer = [];
	}

	/** close(): timers stop, calls in flight are aborted; the records stay readable. */
	stop(): void {
		this.stopped = true;
		this.haltAll();
		this.stream.stop();
	}

	start(): void {
		this.stopped = false;
		this.armCrcTimer();
	}

	/** reset(): everything goes, timers stop. */
	reset(): void {
		this.haltAll();
		this.webhooks.clear();
		this.subscriptions.clear();
		this.deliveryLog.clear();
		this.replayJobs.length = 0;
		this.stream.reset();
		this.seq = 0;
		this.reseed();
	}

	reseed(): void {
		this.random = seededRandom(String(this.options.pushSeed));
	}

	// ---- apps ----

	/** The app's API Key Secret (its OAuth 1.0a consumer secret), which signs deliveries and CRC answers. */
	appSecret(appId: string): string | undefined {
		for (const app of this.runtime.state.oauth1Apps.values()) if (app.appId === appId) return app.consumerSecret;
		return undefined;
	}

	// ---- CRC ----

	/** (Re)starts the periodic CRC timer: only while webhooks exist, crcIntervalMs > 0 and the server runs. */
	armCrcTimer(): void {
		if (this.crcTimer) {
			clearTimeout(this.crcTimer);
			this.timers.delete(this.crcTimer);
			this.crcTimer = undefined;
		}
		const interval = Number(this.options.crcIntervalMs);
		if (this.stopped || !(interval > 0) || this.webhooks.size === 0) return;
		this.crcTimer = this.later(interval, async () => {
			this.crcTimer = undefined;
			await this.recheckAll();
			this.armCrcTimer();
		});
	}

	/** Runs the CRC against the webhook's URL and applies X's invalidation rules (W1). */
	async checkWebhook(webhook: WebhookRecord): Promise<CrcOutcome> {
		const secret = this.appSecret(webhook.appId);
		const generation = this.generation;
		const outcome = secret === undefined ? 'invalid' : await this.withSignal((signal) => runCrc(webhook.url, secret, this.options.crcTimeoutMs, signal));
		if (this.current(generation)) this.applyCrc(webhook, outcome);
		return outcome;
	}

	applyCrc(webhook: WebhookRecord, outcome: CrcOutcome): void {
		const now = this.now();
		webhook.lastCrcAt = now;
		webhook.lastCrcOk = outcome === 'ok';
		if (outcome === 'ok') {
			webhook.valid = true;
			webhook.lastSuccessAt = now;
			webhook.crcFailures = 0;
			return;
		}
		webhook.crcFailures += 1;
		if (outcome === 'invalid' || now - webhook.lastSuccessAt > CRC_GRACE_MS) webhook.valid = false;
	}

	async recheckAll(): Promise<void> {
		await Promise.all([...this.webhooks.values()].map((webhook) => this.checkWebhook(webhook)));
	}

	// ---- deliveries ----

	private logFor(appId: string): DeliveryRecord[] {
		let log = this.deliveryLog.get(appId);
		if (!log) {
			log = [];
			this.deliveryLog.set(appId, log);
		}
		return log;
	}

	private record(subscription: SubscriptionRecord, webhook: WebhookRecord, envelope: { eventUuid: string; body: string }, dmEventId: string | undefined, eventAt: number): DeliveryRecord {
		const { eventUuid, body } = envelope;
		const record: DeliveryRecord = {
			seq: (this.seq += 1),
			event_uuid: eventUuid,
			event_type: subscription.event_type,
			appId: subscription.appId,
			webhookId: webhook.id,
			subscriptionId: subscription.subscription_id,
			body,
			eventAt,
			attempts: 0,
			delivered: false,
			replayed: false,
		};
		if (dmEventId !== undefined) record.dmEventId = dmEventId;
		const log = this.logFor(subscription.appId);
		log.push(record);
		const oldest = this.now() - DELIVERY_LOG_MS;
		let drop = 0;
		while (drop < log.length && (log.length - drop > MAX_DELIVERIES_PER_APP || log[drop].eventAt < oldest)) drop += 1;
		if (drop) log.splice(0, drop);
		return record;
	}

	/**
	 * One event for one subscription: recorded and sent when the subscription has a valid webhook of its app, and
	 * (same event_uuid and bytes) put on the app's stream. The event_uuid when either took it.
	 */
	private emit(subscription: SubscriptionRecord, payload: unknown, eventAt: number, dmEventId?: string): string | undefined {
		const eventUuid = newEventUuid(this.options.eventUuidStyle);
		const body = envelopeBody(subscription, eventUuid, payload);
		const webhook = subscription.webhook_id === undefined ? undefined : this.webhooks.get(subscription.webhook_id);
		const hooked = Boolean(webhook && webhook.valid && webhook.appId === subscription.appId);
		if (webhook && hooked) this.dispatch(this.record(subscription, webhook, { eventUuid, body }, dmEventId, eventAt));
		const streamed = this.options.streamSubscriptions === 'all' || subscription.webhook_id === undefined;
		if (streamed) this.stream.publish({ appId: subscription.appId, event_type: subscription.event_type, event_uuid: eventUuid, eventAt, line: body, ...(dmEventId === undefined ? {} : { dmEventId }) });
		return hooked || streamed ? eventUuid : undefined;
	}

	private matching(eventType: string, userIds: readonly string[]): SubscriptionRecord[] {
		return [...this.subscriptions.values()].filter((sub) => sub.event_type === eventType && sub.filter.user_id !== undefined && userIds.includes(sub.filter.user_id));
	}

	/** A stored MessageCreate: dm.received for its recipients, dm.sent for its sender. */
	onMessageCreated(event: StoredEvent): string[] {
		const { state } = this.runtime;
		const conversation = state.conversations.get(event.dm_conversation_id);
		const senderId = event.sender_id;
		if (!conversation || senderId === undefined) return [];
		const group = conversation.type === 'group';
		if (group && !this.options.pushGroupDms) return [];
		const recipients = [...conversation.participants].filter((id) => id !== senderId);
		const groupId = group ? conversation.id : undefined;
		const uuids: Array<string | undefined> = [];
		for (const sub of this.matching('dm.received', recipients)) {
			uuids.push(this.emit(sub, dmPayload(state, event, sub.filter.user_id ?? '', groupId), event.created_at, event.id));
		}
		// GUESS: a group DM's dm.sent names the conversation as its target.
		const target = group ? conversation.id : (recipients[0] ?? senderId);
		for (const sub of this.matching('dm.sent', [senderId])) uuids.push(this.emit(sub, dmPayload(state, event, target, groupId), event.created_at, event.id));
		return uuids.filter((uuid): uuid is string => uuid !== undefined);
	}

	/** `readerId` read `eventId` (and what came before): dm.read for the DM's sender. */
	markRead(readerId: string, eventId: string): string[] {
		const { state } = this.runtime;
		const event = findEvent(state, eventId);
		if (!event || event.event_type !== 'MessageCreate' || event.sender_id === undefined) throw new EmulatorError(`unknown message ${eventId}`);
		const conversation = state.conversations.get(event.dm_conversation_id);
		if (!conversation?.participants.has(readerId)) throw new EmulatorError(`${readerId} is not a participant of ${event.dm_conversation_id}`);
		if (event.sender_id === readerId) throw new EmulatorError('a user does not read their own message');
		if (conversation.type === 'group' && !this.options.pushGroupDms) return [];
		const atMs = this.now();
		const senderId = event.sender_id;
		return this.matching('dm.read', [senderId])
			.map((sub) => this.emit(sub, readPayload(state, { readerId, senderId, eventId: event.id, atMs }), atMs))
			.filter((uuid): uuid is string => uuid !== undefined);
	}

	/** `typistId` types in a conversation: dm.indicate_typing for the other participant(s). */
	typing(typistId: string, { to, conversationId }: { to?: string; conversationId?: string }): string[] {
		const { state } = this.runtime;
		if (!state.users.has(typistId)) throw new EmulatorError(`unknown user ${typistId}`);
		let others: string[];
		if (to !== undefined) {
			if (!state.users.has(to)) throw new EmulatorError(`unknown user ${to}`);
			others = [to];
		} else if (conversationId !== undefined) {
			const conversation = state.conversations.get(conversationId);
			if (!conversation?.participants.has(typistId)) throw new EmulatorError(`${typistId} is not a participant of ${conversationId}`);
			if (conversation.type === 'group' && !this.options.pushGroupDms) return [];
			others = [...conversation.participants].filter((id) => id !== typistId);
		} else {
			throw new EmulatorError('typingAs needs `to` or `conversationId`');
		}
		const atMs = this.now();
		return this.matching('dm.indicate_typing', others)
			.map((sub) => this.emit(sub, typingPayload(state, { typistId, recipientId: sub.filter.user_id ?? '', atMs }), atMs))
			.filter((uuid): uuid is string => uuid !== undefined);
	}

	/** Queues the first attempt: after deliveryDelayMs, or held and shuffled within reorderWindowMs. */
	private dispatch(record: DeliveryRecord): void {
		const windowMs = Number(this.options.reorderWindowMs);
		if (!(windowMs > 0)) {
			this.later(this.options.deliveryDelayMs, () => this.firstAttempt(record));
			return;
		}
		this.reorderBuffer.push(record);
		this.reorderTimer ??= this.later(windowMs, () => this.releaseReordered());
	}

	private async releaseReordered(): Promise<void> {
		this.reorderTimer = undefined;
		const held = this.reorderBuffer;
		this.reorderBuffer = [];
		for (let index = held.length - 1; index > 0; index -= 1) {
			const other = Math.floor(this.random() * (index + 1));
			[held[index], held[other]] = [held[other], held[index]];
		}
		const generation = this.generation;
		await new Promise<void>((resolve) => this.later(this.options.deliveryDelayMs, resolve));
		for (const record of held) if (this.current(generation)) await this.firstAttempt(record);
	}

	/** The webhook a record goes to, when it still exists and is valid. */
	private target(record: DeliveryRecord): { url: string; secret: string } | undefined {
		const webhook = this.webhooks.get(record.webhookId);
		const secret = this.appSecret(record.appId);
		if (!webhook || !webhook.valid || secret === undefined) return undefined;
		return { url: webhook.url, secret };
	}

	/** One POST of the record's exact bytes; true on 2XX. */
	async post(record: DeliveryRecord, body = record.body): Promise<boolean> {
		const target = this.target(record);
		if (!target) return false;
		return this.withSignal((signal) => postSigned(target.url, target.secret, body, this.options.deliveryTimeoutMs, signal));
	}

	private async firstAttempt(record: DeliveryRecord): Promise<void> {
		if (!this.target(record)) return;
		const generation = this.generation;
		record.attempts += 1;
		if (this.random() < Number(this.options.dropRate)) return;
		if (this.random() < Number(this.options.duplicateRate)) this.later(DUPLICATE_AFTER_MS, () => this.duplicate(record));
		const ok = await this.post(record);
		if (!this.current(generation)) return;
		if (ok) this.markDelivered(record);
		else this.scheduleRetry(record, 0);
	}

	private async duplicate(record: DeliveryRecord): Promise<void> {
		if (!this.target(record)) return;
		const generation = this.generation;
		record.attempts += 1;
		const ok = await this.post(record);
		if (ok && this.current(generation)) this.markDelivered(record);
	}

	private scheduleRetry(record: DeliveryRecord, index: number): void {
		const schedule = this.options.deliveryRetryScheduleMs;
		if (index >= schedule.length) return;
		this.later(schedule[index], async () => {
			if (!this.target(record)) return;
			const generation = this.generation;
			record.attempts += 1;
			const ok = await this.post(record);
			if (!this.current(generation)) return;
			if (ok) this.markDelivered(record);
			else this.scheduleRetry(record, index + 1);
		});
	}

	/** First successful delivery: X bills the event (once per app and UTC day, billing.ts). */
	markDelivered(record: DeliveryRecord): void {
		if (record.delivered) return;
		record.delivered = true;
		const resource = `${record.event_type}:${record.dmEventId ?? record.event_uuid}`;
		const price = Object.hasOwn(PRICES_USD, record.event_type) ? PRICES_USD[record.event_type] : 0;
		this.runtime.billing.charge(record.appId, 'activity_event', resource, price, this.now());
	}

	/** Every delivery record, oldest first (optionally of one webhook). */
	allDeliveries(webhookId?: string): DeliveryRecord[] {
		const all = [...this.deliveryLog.values()].flat().sort((a, b) => a.seq - b.seq);
		return webhookId === undefined ? all : all.filter((record) => record.webhookId === webhookId);
	}

	/** Keeps the last MAX_REPLAY_JOBS jobs. */
	addReplayJob(job: ReplayJobRecord): void {
		this.replayJobs.push(job);
		if (this.replayJobs.length > MAX_REPLAY_JOBS) this.replayJobs.splice(0, this.replayJobs.length - MAX_REPLAY_JOBS);
	}
}
