import type { IDataObject } from 'n8n-workflow';

/** X's longest rate-limit window (the 24-hour limits): a reset announced further ahead of X's clock cannot be right. */
export const MAX_RESET_AHEAD_MS = 24 * 60 * 60 * 1000;

/** The resolution of the Date header: a host clock this close to it agrees with the server's. */
const DATE_RESOLUTION_MS = 1000;

function headerValue(headers: IDataObject, name: string): string | undefined {
	const value = headers[name] ?? headers[name.toLowerCase()];
	if (value === undefined || value === null) return undefined;
	return Array.isArray(value) ? String(value[0]) : String(value);
}

/** The server's clock as its Date header says (whole seconds), if the answer carried one. */
export function serverDateMs(headers: IDataObject): number | undefined {
	const date = Date.parse(headerValue(headers, 'date') ?? '');
	return Number.isFinite(date) ? date : undefined;
}

/**
 * "Now" as the server sees it (the Date header), so that a host clock ahead of or behind X's does not distort a wait.
 * The header has whole seconds: a host clock less than one second ahead of it agrees, and its milliseconds are used.
 * This is the one reader of the server's clock; both nodes' waits and the trigger's pauses come from it.
 */
export function serverNowMs(headers: IDataObject, hostNowMs: number = Date.now()): number {
	const date = serverDateMs(headers);
	if (date === undefined) return hostNowMs;
	return date <= hostNowMs && hostNowMs - date < DATE_RESOLUTION_MS ? hostNowMs : date;
}

/** The reset X announced for an exhausted window, read once from the headers. */
export interface AnnouncedReset {
	/** When the window resets (epoch ms on X's clock). */
	resetAtMs?: number;
	/** How long from the answer until then (ms, at least 0): what a host should wait, whatever its own clock says. */
	waitMs?: number;
	/** A reset header no real window can have (beyond 24 hours, or not a time at all): not trusted, only reported. */
	implausible?: { header: string; value: string };
}

const WINDOWS: Array<[remaining: string, reset: string]> = [
	['x-rate-limit-remaining', 'x-rate-limit-reset'],
	['x-user-limit-24hour-remaining', 'x-user-limit-24hour-reset'],
	['x-app-limit-24hour-remaining', 'x-app-limit-24hour-reset'],
];

/** The reset headers of the windows that are exhausted (or the 15-minute window's, when none says so). */
function exhaustedResetHeaders(headers: IDataObject): Array<{ header: string; value: string }> {
	const exhausted: Array<{ header: string; value: string }> = [];
	for (const [remainingName, resetName] of WINDOWS) {
		const value = headerValue(headers, resetName);
		const reset = Number(value);
		if (value === undefined || !Number.isFinite(reset) || reset <= 0) continue;
		const remainingRaw = headerValue(headers, remainingName);
		const remaining = remainingRaw === undefined ? 0 : Number(remainingRaw);
		// A window with requests left is not the one that caused the 429.
		if (Number.isFinite(remaining) && remaining > 0) continue;
		exhausted.push({ header: resetName, value });
	}
	const fallback = headerValue(headers, 'x-rate-limit-reset');
	// No exhausted window announced: fall back to the 15-minute window's reset.
	if (!exhausted.length && fallback !== undefined && Number(fallback) > 0) exhausted.push({ header: 'x-rate-limit-reset', value: fallback });
	return exhausted;
}

/**
 * The reset the server announced (the latest of all exhausted windows), with the wait measured on the server's clock.
 * A reset further than X's longest window ahead of the server's "now" is reported as implausible instead.
 */
export function announcedReset(headers: IDataObject, hostNowMs: number = Date.now()): AnnouncedReset {
	const now = serverNowMs(headers, hostNowMs);
	let resetAtMs: number | undefined;
	for (const candidate of exhaustedResetHeaders(headers)) {
		const ms = Number(candidate.value) * 1000;
		if (!Number.isFinite(ms) || ms - now > MAX_RESET_AHEAD_MS) return { implausible: candidate };
		resetAtMs = Math.max(resetAtMs ?? ms, ms);
	}
	return resetAtMs === undefined ? {} : { resetAtMs, waitMs: Math.max(0, resetAtMs - now) };
}

/** Parses the reset time the server announced, as epoch milliseconds (the latest of all windows that are exhausted). */
export function rateLimitResetMs(headers: IDataObject): number | undefined {
	return announcedReset(headers).resetAtMs;
}

/** What a successful answer says about the rate-limit window of its endpoint. */
export interface RateLimitState extends AnnouncedReset {
	/** No request of this group is left in the current 15-minute window: the next one would get a 429. */
	exhausted: boolean;
}

export function readRateLimit(headers: IDataObject): RateLimitState {
	const exhausted = headerValue(headers, 'x-rate-limit-remaining') === '0';
	return exhausted ? { exhausted, ...announcedReset(headers) } : { exhausted };
}
