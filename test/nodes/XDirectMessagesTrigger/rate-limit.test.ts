// X's rate limit on the DM event lists: once a window is exhausted (announced by the headers or by a 429), polls
// skip without a request until the reset, then carry on where they stopped.
import { eventTexts, useTriggerEnv } from '../../fixtures/trigger';

const env = useTriggerEnv();

test('an exhausted window skips polls without requests until the reset', async () => {
	const { emu, me, users } = env;
	emu.setRateLimitProfile({ base: 'launch', dmList: { user15: 3 } });
	const trigger = env.createTrigger();
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
