// Changing what an active trigger watches. The watch is what decides which events start the workflow: Scope (with
// its user or conversation), Event Types, Only From Senders and Ignore My Own Messages. A poll that finds the watch
// changed starts like a first activation (On First Activation decides what it emits) and forgets where the old
// watch had stopped; nothing from before it is emitted, nothing after it is lost or emitted twice. Settings that
// only shape the output (fields, expansions, Resolve Includes, options) change nothing of that.
import type { INodeParameters } from 'n8n-workflow';

import type { DmEvent, TriggerInstance } from '../fixtures/trigger';
import { DAY_MS, eventIds, eventTexts, HOUR_MS, useTriggerEnv } from '../fixtures/trigger';

const env = useTriggerEnv();

const ALL: INodeParameters = { scope: 'all' };
const withBob = (): INodeParameters => ({ scope: 'participant', participant: { mode: 'id', value: env.users.bob.id } });

/** Polls until nothing is pending (no resume stop left, an idle poll), returning everything emitted. */
async function drain(trigger: TriggerInstance): Promise<string[]> {
	const emitted: string[] = [];
	for (let poll = 0; poll < 20; poll++) {
		const events = await trigger.poll();
		emitted.push(...eventIds(events));
		if (events === null && trigger.staticData?.backlog === undefined) return emitted;
	}
	throw new Error('the trigger did not drain in 20 polls');
}

/** `count` messages to me, alternately from alice and bob ("<label> 0" from alice, "<label> 1" from bob, ...). */
function interleaved(count: number, label: string): DmEvent[] {
	const { me, users } = env;
	return Array.from({ length: count }, (_, index) => env.send(index % 2 ? users.bob : users.alice, me, `${label} ${index}`));
}

/** A poll that fetches one page only, so that 150 new events leave a resume point behind. */
async function pollOnePage(trigger: TriggerInstance): Promise<void> {
	expect(await trigger.poll({ budgetMs: 0 })).toBeNull();
	expect(trigger.staticData?.backlog?.stops).toHaveLength(1);
}

test('widening the scope after days on an idle conversation emits nothing from before the change', async () => {
	const { me, users } = env;
	const trigger = env.createTrigger(withBob());
	env.send(users.bob, me, 'the last message from bob');
	expect(await trigger.poll()).toBeNull();
	for (let day = 0; day < 3; day++) {
		env.sendMany(users.alice, me, 10, `day ${day}`);
		env.tick(DAY_MS);
		expect(await trigger.poll()).toBeNull();
	}

	trigger.reconfigure(ALL);
	expect(await trigger.poll()).toBeNull();
	const after = [env.send(users.alice, me, 'after the change'), env.send(users.bob, me, 'bob after the change')];
	expect(eventIds(await trigger.poll())).toEqual(eventIds(after));
	expect(await trigger.poll()).toBeNull();
});

test('narrowing the scope while a resume point is pending, then widening back: no loss, no repeat', async () => {
	const { users } = env;
	const trigger = env.createTrigger(ALL);
	expect(await trigger.poll()).toBeNull();
	interleaved(150, 'before');
	await pollOnePage(trigger);

	// Narrowed: starts afresh on bob's conversation; the stretch pending under the old watch is not emitted.
	trigger.reconfigure(withBob());
	expect(await trigger.poll()).toBeNull();
	expect(trigger.staticData?.backlog).toBeUndefined();
	const narrowed = interleaved(40, 'narrowed');
	expect(await drain(trigger)).toEqual(eventIds(narrowed.filter((event) => event.sender_id === users.bob.id)));

	// Widened back: starts afresh on all conversations.
	trigger.reconfigure(ALL);
	expect(await trigger.poll()).toBeNull();
	const widened = interleaved(150, 'widened');
	await pollOnePage(trigger);
	expect(await drain(trigger)).toEqual(eventIds(widened));
	expect(trigger.staticData?.backlog).toBeUndefined();
});

test('widening the scope while a resume point is pending: no history, no loss, no repeat', async () => {
	const { me, users } = env;
	const trigger = env.createTrigger(withBob());
	expect(await trigger.poll()).toBeNull();
	env.sendMany(users.alice, me, 30, 'alice before');
	env.sendMany(users.bob, me, 150, 'bob before');
	await pollOnePage(trigger);

	trigger.reconfigure(ALL);
	expect(await trigger.poll()).toBeNull();
	expect(trigger.staticData?.backlog).toBeUndefined();
	const after = interleaved(130, 'after');
	await pollOnePage(trigger);
	expect(await drain(trigger)).toEqual(eventIds(after));
});

test.each<[string, INodeParameters]>([
	['Event Types', { eventTypes: ['MessageCreate', 'ParticipantsJoin'] }],
	['Only From Senders', { senders: '@alice' }],
	['Ignore My Own Messages', { ignoreOwnMessages: false }],
])('a change of %s starts afresh too', async (_name, change) => {
	const { me, users } = env;
	const trigger = env.createTrigger(ALL);
	expect(await trigger.poll()).toBeNull();
	interleaved(150, 'before');
	await pollOnePage(trigger);

	trigger.reconfigure({ ...ALL, ...change });
	expect(await trigger.poll()).toBeNull();
	expect(trigger.staticData?.backlog).toBeUndefined();
	const after = [env.send(users.alice, me, 'alice after'), env.send(me, users.alice, 'mine after'), env.send(users.bob, me, 'bob after')];
	const expected = after.filter((event) => {
		if (change.senders !== undefined) return event.sender_id === users.alice.id;
		return change.ignoreOwnMessages === false || event.sender_id !== me.id;
	});
	expect(await drain(trigger)).toEqual(eventIds(expected));
});

test('a change of output fields, Resolve Includes or options carries on where the poll stopped', async () => {
	const { me, users } = env;
	const trigger = env.createTrigger(ALL);
	expect(await trigger.poll()).toBeNull();
	const pending = interleaved(150, 'pending');
	await pollOnePage(trigger);
	const watch = trigger.staticData?.watch;

	trigger.reconfigure({ ...ALL, dmEventFields: ['text', 'sender_id'], expansions: [], resolveIncludes: false, options: { timeout: 20 } });
	const more = [env.send(users.carol, me, 'one more')];
	expect(await drain(trigger)).toEqual(eventIds([...pending, ...more]));
	expect(trigger.staticData?.watch).toBe(watch);
});

test('naming the same user another way (@username, ID) is the same watch', async () => {
	const { me, users } = env;
	const trigger = env.createTrigger({ ...ALL, senders: '@bob' });
	expect(await trigger.poll()).toBeNull();
	const first = env.send(users.bob, me, 'between the polls');
	trigger.reconfigure({ ...ALL, senders: `${users.bob.id}, @BOB` });
	expect(eventIds(await trigger.poll())).toEqual([first.id]);
});

test('with "Emit the Last Events" a change emits the last events of the new watch, once', async () => {
	const { me, users } = env;
	const fromAlice = env.sendMany(users.alice, me, 4, 'alice');
	const fromBob = env.sendMany(users.bob, me, 4, 'bob');
	const trigger = env.createTrigger({ ...ALL, senders: '@alice', firstPoll: 'lastEvents', lastEventsCount: 3 });
	expect(eventIds(await trigger.poll())).toEqual(eventIds(fromAlice.slice(-3)));
	expect(await trigger.poll()).toBeNull();

	trigger.reconfigure({ ...ALL, senders: '@bob', firstPoll: 'lastEvents', lastEventsCount: 3 });
	expect(eventIds(await trigger.poll())).toEqual(eventIds(fromBob.slice(-3)));
	expect(await trigger.poll()).toBeNull();
	env.tick(HOUR_MS);
	expect(eventTexts(await trigger.poll())).toEqual([]);
	const later = env.send(users.bob, me, 'later');
	expect(eventIds(await trigger.poll())).toEqual([later.id]);
});

test('a change while a first-run backfill is unfinished drops it and starts the new watch afresh', async () => {
	const { me, users } = env;
	env.sendMany(users.alice, me, 150, 'alice history');
	const fromBob = env.sendMany(users.bob, me, 3, 'bob history');
	const trigger = env.createTrigger({ ...ALL, senders: '@alice', firstPoll: 'lastEvents', lastEventsCount: 120 });
	// One page per poll: the backfill of alice's last 120 events cannot finish in this poll.
	expect(await trigger.poll({ budgetMs: 0 })).toBeNull();
	expect(trigger.staticData?.backfill).toBeDefined();

	trigger.reconfigure({ ...ALL, senders: '@bob', firstPoll: 'lastEvents', lastEventsCount: 3 });
	expect(eventIds(await trigger.poll())).toEqual(eventIds(fromBob));
	expect(trigger.staticData?.backfill).toBeUndefined();
	expect(trigger.staticData?.backlog).toBeUndefined();
	expect(await trigger.poll()).toBeNull();
	const later = [env.send(users.alice, me, 'alice later'), env.send(users.bob, me, 'bob later')];
	expect(eventIds(await trigger.poll())).toEqual([later[1].id]);
});

test('a state saved before the watch was recorded carries on (no restart on upgrade)', async () => {
	const { me, users } = env;
	const trigger = env.createTrigger(ALL);
	expect(await trigger.poll()).toBeNull();
	expect(trigger.staticData?.watch).toMatch(/^[0-9a-f]{16}$/);
	delete trigger.staticData?.watch;
	const fresh = env.send(users.alice, me, 'after the upgrade');
	expect(eventIds(await trigger.poll())).toEqual([fresh.id]);
	expect(trigger.staticData?.watch).toMatch(/^[0-9a-f]{16}$/);
});
