// X API v2 DM emulator: `const emu = await startEmulator({ seed: 'demo' })`, then point a client at emu.url.
// The Emulator is the whole public surface: its state is private, and what it hands out are copies.
import type { Server } from 'node:http';
import { snapshotOf } from './attachments';
import * as auth from './auth';
import type { BillingView } from './billing';
import type { Clock } from './clock';
import { handleControl } from './control';
import type { DemoInfo } from './demo-data';
import { refreshProcessing } from './media';
import type { EmulatorOptions, EmulatorSettings } from './options';
import {
	deliveryView,
	replayJobView,
	subscriptionView,
	webhookView,
	type DeliveryView,
	type ReplayJobView,
	type SubscriptionView,
	type WebhookView,
} from './push/records';
import type { StreamFaultSpec, StreamView } from './push/stream';
import type { RateLimitProfile, UsageCap } from './rate-limits';
import { Runtime } from './runtime';
import { createServer } from './server';
import type { Conversation, MediaRecord, MediaSnapshot, OAuth1App, OAuth1Permission, OAuth2Client, StoredEvent, StoredUser } from './state';
import * as store from './store';
import type {
	AttachmentInput,
	ConversationView,
	DmEventRecord,
	EmulatorUser,
	EventsQuery,
	FaultSpec,
	FaultView,
	IssueOAuth1TokenInput,
	IssueOAuth2TokenInput,
	MediaView,
	OAuth1AppInput,
	OAuth2ClientInput,
	RequestLogEntry,
	ResponseViolation,
	SendAsInput,
	UserInput,
	UserPatch,
} from './types';
import type { XOAuth1TokenResponse, XOAuth2TokenResponse } from './x-types';

const runtimes = new WeakMap<Emulator, Runtime>();

/** The runtime behind an emulator, for the package's own tests; not exported from the package. */
export function runtimeOf(emulator: Emulator): Runtime {
	const runtime = runtimes.get(emulator);
	if (!runtime) throw new Error('not an Emulator');
	return runtime;
}

// Ground-truth view of a stored event (what happened, regardless of who may see it).
function publicEvent(event: StoredEvent): DmEventRecord {
	const copy = structuredClone({ ...event, created_at: new Date(event.created_at).toISOString(), deletedFor: [...event.deletedFor] });
	// Internal bookkeeping, not part of the event.
	delete copy.linkedPosts;
	delete copy.media;
	delete copy.visibleFromMs;
	return copy;
}

function userView(user: StoredUser): EmulatorUser {
	return { ...user, following: [...user.following] };
}

function conversationView(conversation: Conversation): ConversationView {
	return { id: conversation.id, type: conversation.type === '1:1' ? 'one_to_one' : 'group', participantIds: [...conversation.participants] };
}

function mediaView(media: MediaRecord): MediaView {
	return {
		id: media.id,
		media_key: media.media_key,
		ownerId: media.ownerId,
		additionalOwners: [...media.additionalOwners],
		category: media.category,
		shared: media.shared,
		size: media.size,
		totalBytes: media.totalBytes,
		mimeType: media.mime,
		state: media.state,
		createdAt: media.createdAt,
		expiresAt: media.expiresAt,
		usedCount: media.usedCount,
	};
}

export class Emulator {
	private readonly runtime: Runtime;
	private server: Server | undefined;

	constructor(options: EmulatorOptions = {}) {
		this.runtime = new Runtime(options);
		runtimes.set(this, this.runtime);
	}

	/** http://host:port once started. */
	get url(): string {
		return `http://${this.runtime.host}:${this.runtime.port}`;
	}

	get host(): string {
		return this.runtime.host;
	}

	/** The port it listens on once started. */
	get port(): number | undefined {
		return this.runtime.port;
	}

	/** The emulator's clock: every timestamp, expiry, window and the Date header come from it. */
	get clock(): Clock {
		return this.runtime.clock;
	}

	/** The current options (a copy); change them with setOption. */
	get options(): Readonly<EmulatorSettings> {
		return { ...this.runtime.options };
	}

	/** With seed 'demo': the demo users, conversation and credentials (a copy). */
	get demo(): DemoInfo | undefined {
		return this.runtime.demo && structuredClone(this.runtime.demo);
	}

	/** /2 responses that did not conform to the spec (with validateResponses on); clear it with splice(0). */
	get responseViolations(): ResponseViolation[] {
		return this.runtime.responseViolations;
	}

	/** What handlers threw that was not an HTTP answer (each one became a 500). */
	get internalErrors(): unknown[] {
		return this.runtime.internalErrors;
	}

	async start(): Promise<this> {
		const { runtime } = this;
		await runtime.loadApi();
		const server = createServer(runtime, (ctx) => handleControl(this, runtime, ctx));
		this.server = server;
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(runtime.requestedPort, runtime.host, resolve);
		});
		const address = server.address();
		if (!address || typeof address === 'string') throw new Error('the emulator is not listening on a TCP port');
		runtime.port = address.port;
		runtime.push.start();
		return this;
	}

	/** Stops the server and every push timer (CRC re-checks, deliveries, retries, replays); records stay readable. */
	async close(): Promise<void> {
		this.runtime.push.stop();
		if (!this.server) return;
		const server = this.server;
		this.server = undefined;
		await new Promise<void>((resolve) => {
			server.close(() => resolve());
			server.closeAllConnections();
		});
	}

	// ---- users and blocks ----

	addUser(input: UserInput): EmulatorUser {
		return userView(store.addUser(this.runtime.state, this.runtime.clock, input));
	}

	getUser(userId: string): EmulatorUser | undefined {
		const user = store.getUser(this.runtime.state, userId);
		return user && userView(user);
	}

	/** Changes a user's profile, DM policy or follows (`following` replaces the list). */
	updateUser(userId: string, patch: UserPatch): EmulatorUser {
		return userView(store.updateUser(this.runtime.state, String(userId), patch));
	}

	block(userId: string, blockedId: string): void {
		store.block(this.runtime.state, String(userId), String(blockedId));
	}

	/** Ground truth: the ids `userId` has DM-blocked, as strings in ascending order. */
	dmBlocks(userId: string): string[] {
		return [...(this.runtime.state.blocks.get(String(userId)) ?? [])].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
	}

	unblock(userId: string, blockedId: string): void {
		store.unblock(this.runtime.state, String(userId), String(blockedId));
	}

	// ---- acting as a user (no policy checks, no rate limits: this is ground-truth injection) ----

	private attachmentSnapshots(attachments: readonly AttachmentInput[] = []): MediaSnapshot[] {
		return attachments.map((attachment) => {
			if ('media_key' in attachment) return { type: 'photo', ...attachment };
			const stored = this.runtime.state.media.get(String(attachment.media_id));
			if (!stored) throw new store.EmulatorError(`unknown media ${attachment.media_id}`);
			return snapshotOf(stored, this.runtime.options.dmMediaResourceId);
		});
	}

	sendAs(userId: string, { to, conversationId, text, attachments, visibleAfterMs }: SendAsInput = {}): DmEventRecord {
		const { state, clock, options } = this.runtime;
		const senderId = String(userId);
		store.requireUser(state, senderId);
		if (visibleAfterMs !== undefined && !(Number.isFinite(visibleAfterMs) && visibleAfterMs >= 0)) {
			throw new store.EmulatorError('visibleAfterMs must be a number of ms >= 0');
		}
		let targetConversation = conversationId;
		if (to !== undefined) {
			store.requireUser(state, String(to));
			targetConversation = store.ensureOneToOne(state, senderId, String(to), clock.now()).id;
		}
		if (targetConversation === undefined) throw new store.EmulatorError('sendAs needs `to` or `conversationId`');
		const event = store.sendToConversation(state, {
			senderId,
			conversationId: String(targetConversation),
			text,
			media: this.attachmentSnapshots(attachments),
			atMs: clock.now(),
			wrapUrls: options.wrapUrls,
		});
		if (visibleAfterMs !== undefined) event.visibleFromMs = event.created_at + visibleAfterMs;
		return publicEvent(event);
	}

	createGroupAs(userId: string, participantIds: readonly string[], text?: string): { conversationId: string; event: DmEventRecord } {
		const { state, clock, options } = this.runtime;
		const creatorId = String(userId);
		store.requireUser(state, creatorId);
		participantIds.forEach((id) => store.requireUser(state, String(id)));
		const { conversationId, event } = store.createGroup(state, {
			creatorId,
			participantIds: participantIds.map(String),
			text,
			atMs: clock.now(),
			wrapUrls: options.wrapUrls,
		});
		return { conversationId, event: publicEvent(event) };
	}

	joinAs(conversationId: string, userIds: string | readonly string[], inviterId?: string): DmEventRecord {
		const ids = (Array.isArray(userIds) ? userIds : [userIds]).map(String);
		const atMs = this.runtime.clock.now();
		return publicEvent(store.joinGroup(this.runtime.state, { conversationId: String(conversationId), userIds: ids, inviterId, atMs }));
	}

	leaveAs(conversationId: string, userId: string): DmEventRecord {
		const atMs = this.runtime.clock.now();
		return publicEvent(store.leaveGroup(this.runtime.state, { conversationId: String(conversationId), userId: String(userId), atMs }));
	}

	/** Hides an event from one user's view, like their DELETE would. */
	deleteEventFor(userId: string, eventId: string): true {
		const event = store.findEvent(this.runtime.state, eventId);
		if (!event) throw new store.EmulatorError(`unknown event ${eventId}`);
		event.deletedFor.add(String(userId));
		return true;
	}

	// ---- ground truth ----

	/** Every stored event, oldest first (deleted-for-someone ones only with includeDeleted). */
	events({ conversationId, includeDeleted = false }: EventsQuery = {}): DmEventRecord[] {
		return this.runtime.state.events
			.filter((event) => conversationId === undefined || event.dm_conversation_id === String(conversationId))
			.filter((event) => includeDeleted || event.deletedFor.size === 0)
			.map(publicEvent);
	}

	/** The events a user can see now (not deleted for them, within 30 days, since they joined), newest first. */
	visibleEvents(userId: string, { conversationId }: { conversationId?: string } = {}): DmEventRecord[] {
		const { state, clock } = this.runtime;
		return store.visibleEvents(state, String(userId), clock.now(), { conversationId }).map(publicEvent);
	}

	getConversation(conversationId: string): ConversationView | undefined {
		const conversation = this.runtime.state.conversations.get(String(conversationId));
		return conversation && conversationView(conversation);
	}

	/** Every conversation, in the order they were created. */
	listConversations(): ConversationView[] {
		return [...this.runtime.state.conversations.values()].map(conversationView);
	}

	/** An uploaded media item with its processing state as of now. */
	getMedia(mediaId: string): MediaView | undefined {
		const media = this.runtime.state.media.get(String(mediaId));
		return media && mediaView(refreshProcessing(media, this.runtime.clock.now()));
	}

	// ---- observation and failure injection ----

	requests(): RequestLogEntry[] {
		return this.runtime.requestLog.entries();
	}

	clearRequests(): void {
		this.runtime.requestLog.clear();
	}

	addFault(spec: FaultSpec): void {
		this.runtime.faults.add(spec);
	}

	clearFaults(): void {
		this.runtime.faults.clear();
	}

	/** The faults still waiting, in matching order. */
	listFaults(): FaultView[] {
		return this.runtime.faults.list();
	}

	setRateLimitProfile(nameOrObject: RateLimitProfile): void {
		this.runtime.setRateLimitProfile(nameOrObject);
	}

	/** Every /2 request answers 429 UsageCapExceeded until cleared with a falsy cap. */
	setUsageCap(cap: Partial<UsageCap> | null | undefined): void {
		if (cap) this.runtime.rateLimiter.usageCap.set(cap);
		else this.runtime.rateLimiter.usageCap.clear();
	}

	/** Changes an option while running; `undefined` restores the default. port, host and now are fixed at start. */
	setOption<K extends keyof EmulatorSettings>(name: K, value: EmulatorSettings[K] | undefined): void {
		this.runtime.setOption(name, value);
	}

	/** What X's pay-per-use meter has charged, per app and UTC day (billing.ts). */
	billing(): BillingView {
		return this.runtime.billing.view();
	}

	// ---- push delivery (X Activity API webhooks; README "Push delivery") ----

	/** `userId` reads `eventId` (a DM someone else sent): dm.read deliveries for its sender. Returns their event_uuids. */
	markReadAs(userId: string, eventId: string): string[] {
		return this.runtime.push.markRead(String(userId), String(eventId));
	}

	/** `userId` types to `to` or in `conversationId`: dm.indicate_typing deliveries for the others. Returns their event_uuids. */
	typingAs(userId: string, { to, conversationId }: { to?: string; conversationId?: string } = {}): string[] {
		return this.runtime.push.typing(String(userId), { to: to === undefined ? undefined : String(to), conversationId: conversationId === undefined ? undefined : String(conversationId) });
	}

	/** Every registered webhook, of every app. */
	webhooks(): WebhookView[] {
		return [...this.runtime.push.webhooks.values()].map(webhookView);
	}

	/** Every Activity subscription, of every app. */
	subscriptions(): SubscriptionView[] {
		return [...this.runtime.push.subscriptions.values()].map(subscriptionView);
	}

	/** The recorded deliveries (last 24 h, at most 50,000 per app), oldest first; optionally of one webhook. */
	deliveries({ webhookId }: { webhookId?: string } = {}): DeliveryView[] {
		return this.runtime.push.allDeliveries(webhookId === undefined ? undefined : String(webhookId)).map(deliveryView);
	}

	/** Runs the CRC against every webhook now (as X's periodic check does); resolves with the webhooks afterwards. */
	async recheckWebhooks(): Promise<WebhookView[]> {
		await this.runtime.push.recheckAll();
		return this.webhooks();
	}

	/** X marks the webhook invalid (it gets no deliveries until a PUT passes the CRC). */
	invalidateWebhook(webhookId: string): WebhookView {
		const webhook = this.runtime.push.webhooks.get(String(webhookId));
		if (!webhook) throw new store.EmulatorError(`unknown webhook ${webhookId}`);
		webhook.valid = false;
		return webhookView(webhook);
	}

	// ---- the Activity stream (GET /2/activity/stream; README "Activity stream") ----

	/** The open stream connections (of one app), in the order they opened. */
	streams({ appId }: { appId?: string } = {}): StreamView[] {
		return this.runtime.push.stream.views(appId === undefined ? undefined : String(appId));
	}

	/**
	 * Injects a stream fault: `disconnect` (the operational-disconnect line, then the end), `reset` (the socket drops),
	 * `stall` / `resume`, `drop-next` / `duplicate-next` (`count` events) on the matching open connections, or with
	 * `onConnect` on the app's next connection; `too-many-connections` refuses the next `count` attempts with the 429.
	 * Returns the connections still open that it touched.
	 */
	streamFault(spec: StreamFaultSpec): StreamView[] {
		return this.runtime.push.stream.fault(spec);
	}

	/** Ends the open stream connections (of one app); with `disconnect` each first gets the operational-disconnect line. */
	closeStreams(options: { appId?: string; disconnect?: boolean } = {}): number {
		return this.runtime.push.stream.closeAll(options);
	}

	/** The replay jobs (the last 100). */
	replayJobs(): ReplayJobView[] {
		return this.runtime.push.replayJobs.map(replayJobView);
	}

	/** Fresh state (re-seeded when seed is 'demo'), no faults, empty logs, new rate-limit windows, no webhooks,
	 * subscriptions, deliveries or push timers. Options and clock stay. */
	reset(): void {
		this.runtime.reset();
	}

	// ---- credentials ----

	registerOAuth2Client(input: OAuth2ClientInput): OAuth2Client {
		const client = auth.registerOAuth2Client(this.runtime.state, input);
		return { ...client, redirectUris: [...client.redirectUris] };
	}

	hasOAuth2Client(clientId: string): boolean {
		return this.runtime.state.oauth2Clients.has(clientId);
	}

	/** `expiresIn` (seconds) of 0 or less issues a token that is already expired. */
	issueOAuth2Token(input: IssueOAuth2TokenInput): XOAuth2TokenResponse {
		return auth.issueOAuth2Token(this.runtime.state, this.runtime.clock, input);
	}

	/** Invalidates every OAuth 2.0 access and refresh token issued to the user. */
	revokeUserTokens(userId: string): void {
		auth.revokeUserTokens(this.runtime.state, String(userId));
	}

	/** An app-only bearer token; without `appId` it belongs to the default app ('default-app'). */
	issueAppToken(input: { appId?: string } = {}): string {
		return auth.issueAppToken(this.runtime.state, input);
	}

	registerOAuth1App(input: OAuth1AppInput): OAuth1App {
		return { ...auth.registerOAuth1App(this.runtime.state, input) };
	}

	getOAuth1AppPermission(consumerKey: string): OAuth1Permission | undefined {
		return this.runtime.state.oauth1Apps.get(consumerKey)?.permission;
	}

	issueOAuth1Token(input: IssueOAuth1TokenInput): XOAuth1TokenResponse {
		return auth.issueOAuth1Token(this.runtime.state, input);
	}
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	return new Emulator(options).start();
}
