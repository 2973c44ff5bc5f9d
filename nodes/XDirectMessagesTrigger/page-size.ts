/**
 * The first page of a cost-aware poll. X bills every DM event a response returns, once per app and UTC day, and
 * allows few list requests (15 per 15 minutes in its current docs). A quiet account is polled with a page of two
 * events (billed once a day); an account that has been busy starts with a page sized after its recent polls, so that
 * a busy trigger does not pay a second request on every poll.
 */
import { MAX_PAGE_SIZE } from '../shared/transport';
import type { DmCursor } from './cursor';
import { lateCheckDue, snowflakeTimeMs } from './cursor';

/** Upper bound of the remembered activity: twice this is more than a page holds. */
export const MAX_ACTIVITY = MAX_PAGE_SIZE;

/**
 * The first page of a quiet poll: the event at the cursor and one new event. One event would be enough when nothing
 * is new, but then every poll that finds a single new event needs a second request, a page of 100 that also re-reads
 * (and has X bill again, once a day) up to 99 older events; two events cost one more billed read per idle day.
 */
export const QUIET_FIRST_PAGE = 2;

const utcDay = (ms: number): number => Math.floor(ms / 86_400_000);

/**
 * Recent activity after a poll that found `fresh` unseen events: the count itself when it is the larger, else half of
 * what was remembered, so that idle polls bring the first page back to one event within a few polls.
 */
export function nextActivity(previous: number | undefined, fresh: number): number {
	const decayed = Math.floor((previous ?? 0) / 2);
	return Math.min(MAX_ACTIVITY, Math.max(fresh, decayed));
}

/**
 * The size of the first page, or undefined for pages of 100 (a run resumed from a stop). What reaches the bound with
 * one new event: QUIET_FIRST_PAGE, or, when the poll will page back over the late window, the remembered events of the
 * window plus the one below the floor. To that come twice the recent activity while the newest event the trigger
 * passed is from the current UTC day: whatever a larger page re-reads was then billed today already, unless it is
 * older. A page that does not reach its target is followed by pages of 100, so k new events cost at most
 * ceil((k + 1) / 100) + 1 requests, and up to twice the recent activity plus one fit the first page.
 */
export function costAwareFirstPage(cursor: DmCursor, resuming: boolean, hostNowMs: number, activity = 0): number | undefined {
	if (resuming) return undefined;
	const base = lateCheckDue(cursor, hostNowMs) ? cursor.seen.length + 2 : QUIET_FIRST_PAGE;
	const sameDay = utcDay(snowflakeTimeMs(cursor.newest)) === utcDay(hostNowMs);
	const growth = sameDay && activity > 0 ? 2 * activity : 0;
	return Math.min(MAX_PAGE_SIZE, base + growth);
}
