// Late arrivals: X mints ids on many machines, so an event can be listed a moment after events with higher ids that
// the trigger already emitted. Such an event is still emitted, once, if X lists it within 10 seconds of its own
// timestamp, however many newer events are in front of it; the remembered ids stay bounded.
import { MAX_SEEN_IDS } from '../../../nodes/XDirectMessagesTrigger/cursor';
import type { DmEvent } from '../../fixtures/trigger';
import { eventIds, useTriggerEnv } from '../../fixtures/trigger';

const env = useTriggerEnv();
const POLL_INTERVAL_MS = 60_000;

/** `count` messages to me from the other users, `gapMs` apart. */
function burst(count: number, gapMs: number): DmEvent[] {
	const { emu, me, users } = env;
	const senders = Object.values(users);
	return Array.from({ length: count }, (_, index) => {
		emu.clock.advance(gapMs);
		return emu.sendAs(senders[index % senders.length].id, { to: me.id, text: `burst ${index}` }) as DmEvent;
	});
}

describe.each([
	{ lateMs: 2_000, newer: 100, gapMs: 10 },
	{ lateMs: 5_000, newer: 150, gapMs: 10 },
	{ lateMs: 9_000, newer: 250, gapMs: 30 },
])('an event listed $lateMs ms after its timestamp, behind $newer newer events', ({ lateMs, newer, gapMs }) => {
	test('is emitted once, at the first poll after it shows up', async () => {
		const { emu, me, users } = env;
		const trigger = env.createTrigger();
		expect(await trigger.poll()).toBeNull();
		const lateAt = emu.clock.now();
		const late = emu.sendAs(users.alice.id, { to: me.id, text: 'late', visibleAfterMs: lateMs }) as DmEvent;
		const fresh = burst(newer, gapMs);
		// The poll comes while the late event is not listed yet: it emits the newer events only.
		expect(emu.clock.now()).toBeLessThan(lateAt + lateMs);
		expect(eventIds(await trigger.poll())).toEqual(eventIds(fresh));
		env.tick(POLL_INTERVAL_MS);
		expect(eventIds(await trigger.poll())).toEqual([late.id]);
		env.tick(POLL_INTERVAL_MS);
		expect(await trigger.poll()).toBeNull();
		expect(env.warnings).toEqual([]);
	});
});

test('a burst larger than the remembered ids is emitted over the next polls, the late event too, each once', async () => {
	const { emu, me, users } = env;
	const trigger = env.createTrigger();
	expect(await trigger.poll()).toBeNull();
	const late = emu.sendAs(users.bob.id, { to: me.id, text: 'late', visibleAfterMs: 8_000 }) as DmEvent;
	const fresh = burst(MAX_SEEN_IDS + 500, 2);
	const emitted: string[] = [];
	for (let poll = 0; poll < 6; poll++) {
		emitted.push(...eventIds(await trigger.poll()));
		env.tick(POLL_INTERVAL_MS);
	}
	expect(emitted.filter((id) => id !== late.id)).toEqual(eventIds(fresh));
	expect(emitted.filter((id) => id === late.id)).toHaveLength(1);
	expect(trigger.staticData?.cursor?.seen.length ?? Infinity).toBeLessThanOrEqual(MAX_SEEN_IDS);
});

test('the remembered ids shrink back once a poll 10 s later has looked for late arrivals', async () => {
	const { me, users } = env;
	const trigger = env.createTrigger();
	expect(await trigger.poll()).toBeNull();
	const fresh = env.sendMany(users.carol, me, 300, 'dense');
	expect(eventIds(await trigger.poll())).toEqual(eventIds(fresh));
	const remembered = trigger.staticData?.cursor?.seen.length ?? 0;
	expect(remembered).toBe(300);
	env.tick(POLL_INTERVAL_MS);
	env.emu.clearRequests();
	expect(await trigger.poll()).toBeNull();
	// That poll paged back over the 300 events once; from now on an idle poll is one request again.
	expect(env.listRequests()).toHaveLength(3);
	expect(trigger.staticData?.cursor?.seen).toEqual([]);
	expect(JSON.stringify(trigger.savedStaticData).length).toBeLessThan(600);
	env.tick(POLL_INTERVAL_MS);
	env.emu.clearRequests();
	expect(await trigger.poll()).toBeNull();
	expect(env.listRequests()).toHaveLength(1);
});
