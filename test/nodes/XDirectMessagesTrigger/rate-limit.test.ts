// X's rate limit on the DM event lists: once a window is exhausted (announced by the headers or by a 429), polls
// skip without a request until the reset, then carry on where they stopped.
import { eventTexts, useTriggerEnv } from '../../fixtures/trigger';

const env = useTriggerEnv();

test('an exhausted window skips polls without requests until the reset', async () => {
	const { emu, me, users } = env;
	emu.setRateLimitProfile({ base: 'launch', dmList: { user15: 3 } });
	// Pages of 100 (Cost-Aware Page Sizes off): the request counts below are those of full pages.
	const trigger = env.createTrigger({ options: { costAwarePages: false } });
	expect(await trigger.poll()).toBeNull();
	env.send(users.alice, me, 'one');
	expect(eventTexts(await trigger.poll())).toEqual(['one']);
	env.send(users.alice, me, 'two');
	expect(eventTexts(await trigger.poll())).toEqual(['two']);
	// That was the third request of the window: x-rate-limit-remaining is 0.
	const resetAt = trigger.staticData?.resetAt ?? Number.NaN;
	expect(resetAt).toBeGreaterThan(emu.clock.now());
	env.send(users.alice, me, 'three');
	emu.clearRequests();
	env.tick(60_000);
	expect(await trigger.poll()).toBeNull();
	env.tick(60_000);
	expect(await trigger.poll()).toBeNull();
	expect(env.requests()).toHaveLength(0);
	emu.clock.set(resetAt + 1000);
	expect(eventTexts(await trigger.poll())).toEqual(['three']);
	expect(trigger.staticData?.resetAt).toBeUndefined();
});

test('a 429 records the reset time from the response and skips until then', async () => {
	const { emu, me, users } = env;
	const trigger = env.createTrigger();
	expect(await trigger.poll()).toBeNull();
	env.send(users.alice, me, 'waiting');
	const resetSeconds = Math.ceil((emu.clock.now() + 5 * 60_000) / 1000);
	emu.addFault({
		path: '/2/dm_events',
		status: 429,
		body: { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
		headers: { 'x-rate-limit-limit': '15', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(resetSeconds) },
	});
	expect(await trigger.poll()).toBeNull();
	expect(trigger.staticData?.resetAt).toBe(resetSeconds * 1000);
	emu.clearRequests();
	env.tick(60_000);
	expect(await trigger.poll()).toBeNull();
	expect(env.requests()).toHaveLength(0);
	emu.clock.set(resetSeconds * 1000);
	expect(eventTexts(await trigger.poll())).toEqual(['waiting']);
});

// The pause follows X's clock (the Date header of the answer), not the host's: a host clock that runs behind or
// ahead of X, or jumps back while the trigger waits, never stretches the pause beyond the wait X announced.
const MINUTE_MS = 60_000;
const TOO_MANY = { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 };

function rateLimitOnNextList(resetHeader: string): void {
	env.emu.addFault({
		path: '/2/dm_events',
		status: 429,
		body: TOO_MANY,
		headers: { 'x-rate-limit-limit': '15', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': resetHeader },
	});
}

/** Polls once a minute until one of them makes a request; returns the minutes that passed and what it emitted. */
async function minutesUntilRequest(trigger: ReturnType<typeof env.createTrigger>, maxMinutes: number) {
	for (let minutes = 1; minutes <= maxMinutes; minutes++) {
		env.tick(MINUTE_MS);
		env.emu.clearRequests();
		const emitted = await trigger.poll();
		if (env.requests().length > 0) return { minutes, texts: eventTexts(emitted) };
	}
	return { minutes: Infinity, texts: [] };
}

/** An activated trigger, with a message from alice waiting to be emitted. */
async function activeTriggerWithWaiting(text: string): Promise<ReturnType<typeof env.createTrigger>> {
	const trigger = env.createTrigger();
	expect(await trigger.poll()).toBeNull();
	env.send(env.users.alice, env.me, text);
	return trigger;
}

describe.each([
	['3 hours behind X', -3 * 60 * MINUTE_MS],
	['3 hours ahead of X', 3 * 60 * MINUTE_MS],
	['in sync with X', 0],
])('a host clock %s', (_label, skewMs) => {
	test('waits for the 15-minute reset X announced, then carries on', async () => {
		const { emu } = env;
		env.setHostClockSkew(skewMs);
		const trigger = await activeTriggerWithWaiting('waiting');
		rateLimitOnNextList(String(Math.ceil((emu.clock.now() + 15 * MINUTE_MS) / 1000)));
		expect(await trigger.poll()).toBeNull();
		const next = await minutesUntilRequest(trigger, 300);
		expect(next.minutes).toBeGreaterThanOrEqual(15);
		expect(next.minutes).toBeLessThanOrEqual(16);
		expect(next.texts).toEqual(['waiting']);
	});
});

test('a host clock that jumps back two days while paused does not stretch the pause', async () => {
	const { emu } = env;
	const trigger = await activeTriggerWithWaiting('waiting');
	rateLimitOnNextList(String(Math.ceil((emu.clock.now() + 15 * MINUTE_MS) / 1000)));
	expect(await trigger.poll()).toBeNull();
	env.tick(5 * MINUTE_MS);
	expect(await trigger.poll()).toBeNull();
	env.setHostClockSkew(-2 * 24 * 60 * MINUTE_MS);
	const next = await minutesUntilRequest(trigger, 3000);
	// The first poll after the jump cannot know how much of the pause is left: at most the whole window from then.
	expect(next.minutes).toBeLessThanOrEqual(17);
	expect(next.texts).toEqual(['waiting']);
});

test('a pause saved further ahead than X ever announces is bounded when it is loaded', async () => {
	const trigger = await activeTriggerWithWaiting('after a bad save');
	// A pause 2 days long, as an earlier version saved it on a host whose clock ran behind.
	trigger.savedStaticData['node:DM Trigger'] = { ...trigger.staticData, resetAt: env.emu.clock.now() + 2 * 24 * 60 * MINUTE_MS };
	trigger.restart();
	const next = await minutesUntilRequest(trigger, 3000);
	expect(next.minutes).toBeLessThanOrEqual(16);
	expect(next.texts).toEqual(['after a bad save']);
});

test('an absurd x-rate-limit-reset (1e14) is not trusted and never surfaces as "Invalid time value"', async () => {
	const trigger = await activeTriggerWithWaiting('despite the header');
	rateLimitOnNextList('100000000000000');
	expect(await trigger.poll()).toBeNull();
	expect(env.warnings.join('\n')).not.toMatch(/Invalid time value/);
	expect(env.warnings.join('\n')).toMatch(/X rate limit reached: X announced a reset time that cannot be right \(x-rate-limit-reset: 100000000000000\)/);
	// No pause: the next poll simply tries again.
	const next = await minutesUntilRequest(trigger, 3000);
	expect(next.minutes).toBe(1);
	expect(next.texts).toEqual(['despite the header']);
});
