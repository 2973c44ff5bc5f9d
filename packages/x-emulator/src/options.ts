// Every emulator option with its default, in one place: startEmulator(options) starts from these, and
// emu.setOption(name, value) accepts exactly these names. The README's option table describes them.
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
});

// Fixed when the emulator starts; the clock moves with emu.clock.advance/set instead.
export const START_ONLY_OPTIONS: readonly string[] = ['port', 'host', 'now'];

export function isSettingName(name: string): name is keyof EmulatorSettings {
	return Object.hasOwn(DEFAULT_OPTIONS, name);
}
