// The adaptive first page on its own: how recent activity is remembered, decays and sizes the first page, and how it
// is kept in the trigger's static data.
import { lastIdBefore } from '../../../nodes/XDirectMessagesTrigger/cursor';
import { costAwareFirstPage, MAX_ACTIVITY, nextActivity, QUIET_FIRST_PAGE } from '../../../nodes/XDirectMessagesTrigger/page-size';
import { loadState, saveState } from '../../../nodes/XDirectMessagesTrigger/state';

const NOW = Date.UTC(2026, 2, 1, 12, 0, 0);
/** A cursor whose newest event is `agoMs` old and whose late window is settled (nothing remembered above the floor). */
const settledCursor = (agoMs: number) => {
	const newest = lastIdBefore(NOW - agoMs);
	return { newest, floor: newest, seen: [] };
};

test('activity takes the larger of the new count and half of what was remembered, capped', () => {
	expect(nextActivity(undefined, 0)).toBe(0);
	expect(nextActivity(undefined, 7)).toBe(7);
	expect(nextActivity(10, 3)).toBe(5);
	expect(nextActivity(10, 30)).toBe(30);
	expect([10, 5, 2, 1].map((previous) => nextActivity(previous, 0))).toEqual([5, 2, 1, 0]);
	expect(nextActivity(MAX_ACTIVITY, 5000)).toBe(MAX_ACTIVITY);
});

test('the first page: quiet size plus twice the activity, at most 100; pages of 100 when resuming', () => {
	const cursor = settledCursor(60_000);
	expect(costAwareFirstPage(cursor, false, NOW)).toBe(QUIET_FIRST_PAGE);
	expect(costAwareFirstPage(cursor, false, NOW, 10)).toBe(QUIET_FIRST_PAGE + 20);
	expect(costAwareFirstPage(cursor, false, NOW, 60)).toBe(100);
	expect(costAwareFirstPage(cursor, true, NOW, 10)).toBeUndefined();
	// The late window is due: the remembered ids and the one below the floor come first.
	const floor = lastIdBefore(NOW - 60_000);
	const seen = [lastIdBefore(NOW - 50_000), lastIdBefore(NOW - 55_000)];
	expect(costAwareFirstPage({ newest: seen[0], floor, seen }, false, NOW, 3)).toBe(2 + 2 + 6);
});

test('no growth once the newest passed event is from an earlier UTC day', () => {
	const midnight = Date.UTC(2026, 2, 2);
	const newest = lastIdBefore(midnight - 60_000);
	expect(costAwareFirstPage({ newest, floor: newest, seen: [] }, false, midnight - 1000, 40)).toBe(QUIET_FIRST_PAGE + 80);
	expect(costAwareFirstPage({ newest, floor: newest, seen: [] }, false, midnight + 1000, 40)).toBe(QUIET_FIRST_PAGE);
});

test('activity is saved only while positive; malformed values are dropped', () => {
	const staticData = {};
	saveState(staticData, { activity: 12 });
	expect(staticData).toEqual({ version: 1, activity: 12 });
	expect(loadState(staticData).activity).toBe(12);
	saveState(staticData, { activity: 0 });
	expect(staticData).toEqual({ version: 1 });
	for (const activity of [-1, 1.5, '3', Number.NaN, null]) expect(loadState({ version: 1, activity }).activity).toBeUndefined();
	expect(loadState({ version: 1, activity: 1e6 }).activity).toBe(MAX_ACTIVITY);
});
