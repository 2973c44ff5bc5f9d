// The cursor as the trigger meets X's listing over time: deleted events, events aging out of the 30-day window,
// and thousands of events without the stored state growing.
import { ALL_EVENT_TYPES, DAY_MS, eventIds, useTriggerEnv } from '../../fixtures/trigger';

const env = useTriggerEnv();

test('the cursor event being deleted does not break the cursor; deleted unseen events are not emitted', async () => {
	const { emu, me, users } = env;
	const trigger = env.createTrigger();
	const cursorEvent = env.send(users.alice, me, 'cursor');
	expect(await trigger.poll()).toBeNull();
	emu.deleteEventFor(me.id, cursorEvent.id);
	const kept = env.send(users.bob, me, 'kept');
	const deleted = env.send(users.bob, me, 'deleted before the poll');
	emu.deleteEventFor(me.id, deleted.id);
	expect(eventIds(await trigger.poll())).toEqual([kept.id]);
	expect(await trigger.poll()).toBeNull();
});

test('30-day aging: when the cursor event leaves the window, new events are still all emitted once', async () => {
	const { emu, me, users } = env;
	// Pages of 100 (Cost-Aware Page Sizes off): the request counts below are those of full pages.
	const trigger = env.createTrigger({ options: { costAwarePages: false } });
	env.send(users.alice, me, 'will age out');
	expect(await trigger.poll()).toBeNull();
	env.tick(31 * DAY_MS);
	const fresh = [env.send(users.alice, me, 'a'), env.send(users.bob, me, 'b'), env.send(users.carol, me, 'c')];
	emu.clearRequests();
	expect(eventIds(await trigger.poll())).toEqual(eventIds(fresh));
	expect(env.listRequests()).toHaveLength(1);
	expect(await trigger.poll()).toBeNull();
});

test('state stays bounded after thousands of events', async () => {
	const { emu, me, users } = env;
	const trigger = env.createTrigger({ ignoreOwnMessages: false, eventTypes: ALL_EVENT_TYPES });
	expect(await trigger.poll()).toBeNull();
	let emitted = 0;
	let largest = 0;
	for (let round = 0; round < 30; round++) {
		// 100 events within the same second: all inside the late-arrival window.
		for (let index = 0; index < 100; index++) emu.sendAs(users.alice.id, { to: me.id, text: `m${round}-${index}` });
		emitted += (await trigger.poll())?.length ?? 0;
		largest = Math.max(largest, JSON.stringify(trigger.savedStaticData).length);
		env.tick(60_000);
	}
	expect(emitted).toBe(3000);
	expect(largest).toBeLessThan(4096);
});
