import type { IDataObject } from 'n8n-workflow';

function headerValue(headers: IDataObject, name: string): string | undefined {
	const value = headers[name] ?? headers[name.toLowerCase()];
	if (value === undefined || value === null) return undefined;
	return Array.isArray(value) ? String(value[0]) : String(value);
}

/** Parses the reset time the server announced, as epoch milliseconds (the latest of all windows that are exhausted). */
export function rateLimitResetMs(headers: IDataObject): number | undefined {
	const candidates: number[] = [];
	const windows: Array<[string, string]> = [
		['x-rate-limit-remaining', 'x-rate-limit-reset'],
		['x-user-limit-24hour-remaining', 'x-user-limit-24hour-reset'],
		['x-app-limit-24hour-remaining', 'x-app-limit-24hour-reset'],
	];
	for (const [remainingName, resetName] of windows) {
		const reset = Number(headerValue(headers, resetName));
		if (!Number.isFinite(reset) || reset <= 0) continue;
		const remainingRaw = headerValue(headers, remainingName);
		const remaining = remainingRaw === undefined ? 0 : Number(remainingRaw);
		// A window with requests left is not the one that caused the 429.
		if (Number.isFinite(remaining) && remaining > 0) continue;
		candidates.push(reset * 1000);
	}
	if (candidates.length === 0) {
		// No exhausted window announced: fall back to the 15-minute window's reset.
		const reset = Number(headerValue(headers, 'x-rate-limit-reset'));
		if (Number.isFinite(reset) && reset > 0) candidates.push(reset * 1000);
	}
	return candidates.length ? Math.max(...candidates) : undefined;
}

/** "Now" as the server sees it (Date header), so that clock skew does not distort the wait. */
export function serverNowMs(headers: IDataObject): number {
	const date = Date.parse(headerValue(headers, 'date') ?? '');
	return Number.isFinite(date) ? date : Date.now();
}

/** What a successful answer says about the rate-limit window of its endpoint. */
export interface RateLimitState {
	/** No request of this group is left in the current 15-minute window: the next one would get a 429. */
	exhausted: boolean;
	/** When the exhausted window resets (epoch ms), if the server said so. */
	resetAtMs?: number;
}

export function readRateLimit(headers: IDataObject): RateLimitState {
	const exhausted = headerValue(headers, 'x-rate-limit-remaining') === '0';
	return exhausted ? { exhausted, resetAtMs: rateLimitResetMs(headers) } : { exhausted };
}
