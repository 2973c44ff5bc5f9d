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

test('"Emit the Last Hours" counts the hours on X\'s clock, not on a host clock 3 hours behind it', async () => {
	const { me, users } = env;
	env.send(users.alice, me, '4 hours ago');
	env.tick(2 * HOUR_MS);
	const recent = env.send(users.bob, me, '2 hours ago');
	env.tick(2 * HOUR_MS);
	env.setHostClockSkew(-3 * HOUR_MS);
	const trigger = env.createTrigger({ firstPoll: 'lastHours', lastHours: 3 });
	expect(eventIds(await trigger.poll())).toEqual([recent.id]);
});

test('a failing first poll re-throws and leaves no cursor', async () => {
	env.emu.addFault({ path: '/2/dm_events', status: 503, times: 2 });
	const trigger = env.createTrigger();
	await expect(trigger.poll()).rejects.toThrow(/server error \(503\)/);
	expect(trigger.staticData?.cursor).toBeUndefined();
	expect(await trigger.poll()).toBeNull();
	expect(trigger.staticData?.cursor).toBeDefined();
});

describe('a backfill cut short is resumed on the next polls', () => {
	const TOO_MANY = { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 };

	/** Polls once a minute until `count` events were emitted (or 30 polls); returns them in emitted order. */
	async function emittedAcrossPolls(trigger: ReturnType<typeof env.createTrigger>, count: number, budgetMs?: number) {
		const emitted: string[] = [];
		for (let poll = 0; poll < 30 && emitted.length < count; poll++) {
			env.tick(60_000);
			emitted.push(...eventIds(await trigger.poll({ budgetMs })));
		}
		return emitted;
	}

	test('"Emit the Last Events: 300" with a 429 on page 2: all 300 once, oldest first, then only new events', async () => {
		const { emu, me, users } = env;
		const history = env.sendMany(users.alice, me, 400, 'history');
		// Page 1 succeeds (the latency fault is used up by it), page 2 meets an exhausted rate-limit window.
		emu.addFault({ path: '/2/dm_events', latencyMs: 1 });
		emu.addFault({
			path: '/2/dm_events',
			status: 429,
			body: TOO_MANY,
			headers: { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(Math.ceil((emu.clock.now() + 120_000) / 1000)) },
		});
		const trigger = env.createTrigger({ firstPoll: 'lastEvents', lastEventsCount: 300 });
		expect(await trigger.poll()).toBeNull();
		expect(env.warnings.join('\n')).toMatch(/X rate limit reached.*the backfill carries on/);
		const emitted = await emittedAcrossPolls(trigger, 300);
		expect(emitted).toEqual(eventIds(history.slice(-300)));
		const fresh = env.send(users.bob, me, 'after the backfill');
		env.tick(60_000);
		expect(eventIds(await trigger.poll())).toEqual([fresh.id]);
		expect(await trigger.poll()).toBeNull();
	});

	test('"Emit the Last Hours" on a host that allows one page per poll: every event of the window once, in order', async () => {
		const { me, users } = env;
		env.sendMany(users.alice, me, 20, 'too old');
		env.tick(3 * HOUR_MS);
		const inWindow = env.sendMany(users.bob, me, 250, 'recent');
		const trigger = env.createTrigger({ firstPoll: 'lastHours', lastHours: 2 });
		const first = eventIds(await trigger.poll({ budgetMs: 0 }));
		// Events that arrive while the backfill is under way are emitted after it, in order.
		const during = env.send(users.carol, me, 'during the backfill');
		const emitted = [...first, ...(await emittedAcrossPolls(trigger, 251 - first.length, 0))];
		expect(emitted).toEqual([...eventIds(inWindow), during.id]);
		env.tick(60_000);
		expect(await trigger.poll({ budgetMs: 0 })).toBeNull();
	});
});
