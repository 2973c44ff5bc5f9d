// The trigger's first poll after activation: it records where "new" starts and emits nothing, or a backfill when
// asked to ("Emit the Last Events", "Emit the Last Hours"); a failing first poll leaves no cursor behind.
import type { DmEvent } from '../../fixtures/trigger';
import { eventIds, HOUR_MS, useTriggerEnv } from '../../fixtures/trigger';

const env = useTriggerEnv();

test('records the newest event as the cursor and emits nothing', async () => {
	const { me, users } = env;
	env.send(users.alice, me, 'before activation');
	const last = env.send(users.bob, me, 'also before');
	const trigger = env.createTrigger();
	expect(await trigger.poll()).toBeNull();
	expect(trigger.staticData).toMatchObject({ version: 1, cursor: { newest: last.id }, me: { id: me.id } });

	const fresh = env.send(users.alice, me, 'after activation');
	expect(eventIds(await trigger.poll())).toEqual([fresh.id]);
	expect(await trigger.poll()).toBeNull();
});

test('with no events at all, everything that arrives later is new', async () => {
	const { me, users } = env;
	const trigger = env.createTrigger();
	expect(await trigger.poll()).toBeNull();
	expect(trigger.staticData?.cursor).toEqual({ newest: '0', floor: '0', seen: [] });
	const first = env.send(users.alice, me, 'first ever');
	expect(eventIds(await trigger.poll())).toEqual([first.id]);
});

test('"Emit the Last Events" emits the N most recent matching events once, oldest first', async () => {
	const { me, users } = env;
	const history: DmEvent[] = [];
	for (let index = 0; index < 12; index++) {
		history.push(env.send(index % 3 === 0 ? me : users.alice, index % 3 === 0 ? users.alice : me, `history ${index}`));
	}
	const inbound = history.filter((event) => event.sender_id !== me.id);
	const trigger = env.createTrigger({ firstPoll: 'lastEvents', lastEventsCount: 5 });
	expect(eventIds(await trigger.poll())).toEqual(eventIds(inbound.slice(-5)));
	expect(await trigger.poll()).toBeNull();
	const fresh = env.send(users.bob, me, 'new');
	expect(eventIds(await trigger.poll())).toEqual([fresh.id]);
});

test('"Emit the Last Hours" emits the matching events of the last N hours', async () => {
	const { me, users } = env;
	const old = env.send(users.alice, me, '30 hours ago');
	env.tick(10 * HOUR_MS);
	const twentyHours = env.send(users.alice, me, '20 hours ago');
	env.tick(15 * HOUR_MS);
	const fiveHours = env.send(users.bob, me, '5 hours ago');
	env.tick(4 * HOUR_MS);
	const oneHour = env.send(users.carol, me, '1 hour ago');
	env.tick(HOUR_MS);
	const trigger = env.createTrigger({ firstPoll: 'lastHours', lastHours: 6 });
	expect(eventIds(await trigger.poll())).toEqual([fiveHours.id, oneHour.id]);
	expect(eventIds([old, twentyHours])).toHaveLength(2);
	expect(await trigger.poll()).toBeNull();
});

test('a failing first poll re-throws and leaves no cursor', async () => {
	env.emu.addFault({ path: '/2/dm_events', status: 503, times: 2 });
	const trigger = env.createTrigger();
	await expect(trigger.poll()).rejects.toThrow(/server error \(503\)/);
	expect(trigger.staticData?.cursor).toBeUndefined();
	expect(await trigger.poll()).toBeNull();
	expect(trigger.staticData?.cursor).toBeDefined();
});
