// Every emulator option with its default, in one place: startEmulator(options) starts from these, and
// emu.setOption(name, value) accepts exactly these names. The README's option table describes them.
import type { EventUuidStyle } from './push/payloads';
import type { RateLimitProfile } from './rate-limits';
import { DEFAULT_PROBLEM_HOST } from './responses';

/** The options that can change while the emulator runs (`emu.options`, `emu.setOption`). */
export interface EmulatorSettings {
	/** 'demo' loads the demo world (demo-data.ts) now and on every reset(). */
	seed: 'none' | 'demo';
	rateLimitProfile: RateLimitProfile;
	/** Also emit next_token on the last non-empty page (a possible real behaviour). */
	nextTokenOnLastPage: boolean;
	pageSizeDefault: number;
	problemHost: string;
	/** Check every /2 response against the spec and collect violations in emu.responseViolations. */
	validateResponses: boolean;
	/** Rewrite URLs in sent text to t.co links like the real service (off: sent text round-trips unchanged). */
	wrapUrls: boolean;
	/** Only the sender may delete an event (off: anyone can delete an event from their own view). */
	deleteOwnOnly: boolean;
	/** Video/GIF processing time after finalize (media.ts). */
	mediaProcessingMs: number;
	/** Whether video/GIF processing ends 'succeeded' or 'failed'. */
	mediaProcessingOutcome: 'succeeded' | 'failed';
	/**
	 * The `resource_id` of a DM media download (routes/dm-media.ts): 'fileName' an opaque file name with extension that
	 * only the media's TON URL (`url`, `variants[].url`) reveals; 'mediaId' `<media id>.<extension>`.
	 */
	dmMediaResourceId: 'fileName' | 'mediaId';
	/** Content-Type of a DM media download: 'media' the uploaded MIME type, 'octet-stream' the spec's application/octet-stream. */
	dmMediaContentType: 'media' | 'octet-stream';
	/** How far an OAuth 1.0a oauth_timestamp may be from the emulator clock (auth.ts). */
	oauth1TimestampSkewSeconds: number;

	// ---- push delivery (X Activity API webhooks, src/push; README "Push delivery") ----
	/** 'x': https, no port, a host name, 1-200 chars; 'sandbox' also allows http://127.0.0.1:<port>/ and http://localhost:<port>/. */
	webhookUrlPolicy: 'x' | 'sandbox';
	/** Webhooks per app (GUESS). */
	webhookLimit: number;
	/** How long X waits for a CRC answer (v2 docs: 10 s; legacy: 3 s). */
	crcTimeoutMs: number;
	/** Period of the automatic CRC re-check (hourly; 0 = off). Real time, not the emulator clock. */
	crcIntervalMs: number;
	/** Activity subscriptions per app. */
	subscriptionLimit: number;
	/** Shape of the create-subscription answer: 'nested' (2.167 schema), 'object' or 'array' (the two quickstart examples). */
	subscriptionResponseStyle: 'nested' | 'object' | 'array';
	/** Deliver dm.* events of group conversations (GUESS; off as AAA documents for groups). */
	pushGroupDms: boolean;
	/** 'signed-decimal' (X's samples) or 'uuid'. */
	eventUuidStyle: EventUuidStyle;
	/** A delivery succeeds on a 2XX within this time. */
	deliveryTimeoutMs: number;
	/** Waits before each retry of a failed delivery (legacy: 3 s, 27 s, 242 s); then X gives up. */
	deliveryRetryScheduleMs: readonly number[];
	/** Wait before the first delivery attempt. */
	deliveryDelayMs: number;
	/** Share of deliveries POSTed twice (0-1). */
	duplicateRate: number;
	/** Share of first attempts that never reach the webhook (0-1): failed, not retried, recoverable by replay. */
	dropRate: number;
	/** Hold deliveries this long and release them shuffled (0 = off). */
	reorderWindowMs: number;
	/** Seed of the fault knobs' random draws. */
	pushSeed: number | string;
	/** Replay `to_date` is exclusive (M2) instead of inclusive to the end of its minute (2.167). */
	replayToExclusive: boolean;
	/** Wait before a replay job starts POSTing. */
	replayDelayMs: number;

	// ---- the Activity stream (GET /2/activity/stream, src/push/stream.ts; README "Activity stream") ----
	/** `\r\n` heartbeat period on open streams (X: at least every 20 s); 0 = none. Real time, read at connect. */
	streamHeartbeatMs: number;
	/** Concurrent stream connections per app (X: 2). */
	streamConnectionLimit: number;
	/** Which subscriptions the stream carries: 'all' of the app's (GUESS), or only those 'without-webhook'. */
	streamSubscriptions: 'all' | 'without-webhook';
	/** 'once': a stream delivery shares the webhook's billing resource (GUESS); 'per-channel': billed apart. */
	streamBilling: 'once' | 'per-channel';
	/** After the start_time/end_time range: 'close' the connection (Post-stream docs) or go on 'live'. */
	streamRecoveryMode: 'close' | 'live';
	/** How far back start_time may reach (docs: 24 h; the history keeps 24 h). */
	streamRecoveryWindowMs: number;
}

/** What startEmulator accepts: every setting, plus where to listen and the clock's start. */
export interface EmulatorOptions extends Partial<EmulatorSettings> {
	/** 0 (default) picks a free port. */
	port?: number;
	/** Default 127.0.0.1; the emulator is meant for loopback use. */
	host?: string;
	/** When given, the clock is frozen at this ms value and moves only via emu.clock.advance/set. */
	now?: number;
}

export const DEFAULT_OPTIONS: Readonly<EmulatorSettings> = Object.freeze({
	seed: 'none',
	rateLimitProfile: 'launch',
	nextTokenOnLastPage: false,
	pageSizeDefault: 100,
	problemHost: DEFAULT_PROBLEM_HOST,
	validateResponses: false,
	wrapUrls: false,
	deleteOwnOnly: false,
	mediaProcessingMs: 5000,
	mediaProcessingOutcome: 'succeeded',
	oauth1TimestampSkewSeconds: 300,
	dmMediaResourceId: 'fileName',
	dmMediaContentType: 'media',
	webhookUrlPolicy: 'x',
	webhookLimit: 5,
	crcTimeoutMs: 10_000,
	crcIntervalMs: 3_600_000,
	subscriptionLimit: 1500,
	subscriptionResponseStyle: 'nested',
	pushGroupDms: false,
	eventUuidStyle: 'signed-decimal',
	deliveryTimeoutMs: 10_000,
	deliveryRetryScheduleMs: Object.freeze([3000, 27_000, 242_000]),
	deliveryDelayMs: 0,
	duplicateRate: 0,
	dropRate: 0,
	reorderWindowMs: 0,
	pushSeed: 1,
	replayToExclusive: false,
	replayDelayMs: 0,
	streamHeartbeatMs: 20_000,
	streamConnectionLimit: 2,
	streamSubscriptions: 'all',
	streamBilling: 'once',
	streamRecoveryMode: 'close',
	streamRecoveryWindowMs: 24 * 60 * 60 * 1000,
});

// Fixed when the emulator starts; the clock moves with emu.clock.advance/set instead.
export const START_ONLY_OPTIONS: readonly string[] = ['port', 'host', 'now'];

export function isSettingName(name: string): name is keyof EmulatorSettings {
	return Object.hasOwn(DEFAULT_OPTIONS, name);
}
