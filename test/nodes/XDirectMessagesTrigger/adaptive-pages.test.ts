// Cost-Aware Page Sizes, adaptive first page: a quiet account is polled with a page of two events (one new event fits);
// polls that found new events add twice their count to the next first page (at most 100), so that a steady flow costs
// one request a poll, and idle polls halve that back. Page sizes are read off the emulator's request log, billed reads off
// its pay-per-use meter.
import type { DmEvent, XUser } from '../../fixtures/trigger';
import { DAY_MS, eventIds, START_MS, useTriggerEnv } from '../../fixtures/trigger';

const env = useTriggerEnv();
const MINUTE_MS = 60_000;

/** The max_results of each list request since the last clearRequests(). */
const pageSizes = (): number[] => env.listRequests().map((entry) => Number(entry.query.max_results));

/** DM events X billed on the UTC day of `ms`, over every app. */
function billedReads(ms: number): number {
	const day = new Date(ms).toISOString().slice(0, 10);
	return Object.values(env.emu.billing().apps)
		.flat()
		.filter((entry) => entry.day === day)
		.reduce((sum, entry) => sum + entry.billed.dm_event_read, 0);
}

/** One poll a minute after the previous one, `count` new events sent (10 ms apart) right after that one. */
async function minute(trigger: ReturnType<typeof env.createTrigger>, from: XUser, count: number): Promise<{ sizes: number[]; fresh: DmEvent[] }> {
	const fresh = env.sendMany(from, env.me, count, 'flow');
	env.tick(MINUTE_MS - count * 10);
	env.emu.clearRequests();
	const emitted = await trigger.poll();
	expect(eventIds(emitted)).toEqual(eventIds(fresh));
	return { sizes: pageSizes(), fresh };
}

test('a steady flow grows the first page to one request a poll; idle polls halve it back to two events', async () => {
	const { users } = env;
	env.sendMany(users.alice, env.me, 150, 'history');
	env.tick(MINUTE_MS);
	const trigger = env.createTrigger();
	expect(await trigger.poll()).toBeNull();

	const busy: number[][] = [];
	for (let poll = 0; poll < 4; poll++) busy.push((await minute(trigger, users.alice, 10)).sizes);
	// The first busy poll starts quiet (2, then 100); then 10 new events a minute fit the first page of 22.
	expect(busy).toEqual([[2, 100], [22], [22], [22]]);
	expect(trigger.staticData?.activity).toBe(10);

	// Idle polls re-read only events already billed today, and halve the first page: 10 -> 5 -> 2 -> 1 -> 0.
	const billedBefore = billedReads(env.emu.clock.now());
	const idle: number[][] = [];
	for (let poll = 0; poll < 6; poll++) idle.push((await minute(trigger, users.alice, 0)).sizes);
	expect(idle).toEqual([[22], [12], [6], [4], [2], [2]]);
	expect(billedReads(env.emu.clock.now())).toBe(billedBefore);
	expect(trigger.staticData?.activity).toBeUndefined();
	expect(env.warnings).toEqual([]);
});

test('a growing flow costs one extra request once, then fits the grown first page; k new events stay within ceil((k + 1) / 100) + 1', async () => {
	const { users } = env;
	const trigger = env.createTrigger();
	expect(await trigger.poll()).toBeNull();
	const table: Array<{ k: number; sizes: number[] }> = [];
	for (const k of [3, 3, 30, 30, 49, 120, 120, 0]) {
		const { sizes } = await minute(trigger, users.bob, k);
		table.push({ k, sizes });
		expect(sizes.length).toBeLessThanOrEqual(Math.ceil((k + 1) / 100) + 1);
	}
	expect(table.map(({ sizes }) => sizes)).toEqual([
		[2, 100], // quiet: 2, then 100
		[8], // 2 + 2 * 3
		[8, 100], // 30 do not fit 8
		[62], // 2 + 2 * 30
		[62], // 49 fit 62
		[100, 100], // 2 + 2 * 49; 120 need a second page
		[100, 100], // 121 events: two pages whatever the first size
		[100], // idle: 2 + 2 * 60, capped at 100
	]);
});

test('a new UTC day starts quiet: yesterday\'s events are not read again, an idle day costs two billed reads', async () => {
	const { users } = env;
	// Busy until five minutes before midnight (X's clock).
	const midnight = Math.ceil(START_MS / DAY_MS) * DAY_MS;
	const trigger = env.createTrigger();
	expect(await trigger.poll()).toBeNull();
	env.emu.clock.set(midnight - 10 * MINUTE_MS);
	for (let poll = 0; poll < 4; poll++) await minute(trigger, users.carol, 40);
	expect(trigger.staticData?.activity).toBe(40);

	// Idle polls on into the new day: the first page after midnight is two events, whatever the activity before.
	const polls: Array<{ at: number; sizes: number[] }> = [];
	for (let poll = 0; poll < 10; poll++) {
		const at = env.emu.clock.now() + MINUTE_MS;
		polls.push({ at, sizes: (await minute(trigger, users.carol, 0)).sizes });
	}
	expect(polls.filter(({ at }) => at < midnight).map(({ sizes }) => sizes)).toEqual([[82], [42], [22], [12], [6]]);
	expect(polls.filter(({ at }) => at >= midnight).map(({ sizes }) => sizes)).toEqual([[2], [2], [2], [2], [2]]);
	expect(billedReads(midnight)).toBe(2);
});
