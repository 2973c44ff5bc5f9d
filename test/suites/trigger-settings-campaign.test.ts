// Randomized, seeded campaign of the trigger's settings changes and credential reconnections, under 5xx answers,
// 429s, connection resets, one-page polls, a tight rate limit and restarts from the last saved static data.
//
// What the README promises, checked phase by phase. A phase starts when the trigger starts afresh (activation, or
// the first poll that finds what is watched changed: it remembers the newest event S of the new listing) or when
// the credential is reconnected to another account (the cursor carries on: S is where it stood). In a phase the
// trigger emits, oldest first and once, the events after S that the phase's settings select for the connected
// account: never one of that account's own messages while "Ignore My Own Messages" is on, never one from before S
// (after a reconnection the cursor's 10-second tie window may add the new account's events just below S, each at
// most once). A change ends the phase: what it had not emitted yet may be left behind (so what it emitted is a
// prefix of its events), unless the trigger was drained before the change, when it must have emitted them all.
// Output-only changes (fields, Resolve Includes) must not start a phase. Reproduce a run with
// TRIGGER_SETTINGS_SEED=<seed> (and TRIGGER_SETTINGS_EVENTS=<count>).
import type { INodeParameters } from 'n8n-workflow';

import type { Emulator } from '../fixtures/emulator';
import type { Random } from '../fixtures/random';
import { createRandom } from '../fixtures/random';
import type { DmEvent, EmittedEvent, TriggerInstance, XUser } from '../fixtures/trigger';
import { ALL_EVENT_TYPES, eventIds, useTriggerEnv } from '../fixtures/trigger';

const SEED = Number(process.env.TRIGGER_SETTINGS_SEED || 20261207);
const TARGET_EVENTS = Number(process.env.TRIGGER_SETTINGS_EVENTS || 2500);
const POLL_INTERVAL_MS = 60_000;
const BUDGET_MS = 300_000;
const OTHERS = ['alice', 'bob', 'carol', 'dave', 'erin'];
// Weighted: joins and leaves only now and then.
const TYPE_CHOICES = [['MessageCreate'], ['MessageCreate'], ALL_EVENT_TYPES, ALL_EVENT_TYPES, ['ParticipantsJoin', 'ParticipantsLeave']];

const env = useTriggerEnv({ others: OTHERS });

/** The settings that decide which events trigger. */
interface Watch {
	scope: 'all' | 'participant' | 'conversation';
	eventTypes: string[];
	/** Only From Senders "@alice, @bob". */
	senders: boolean;
	ignoreOwn: boolean;
}

interface Phase {
	watch: Watch;
	account: XUser;
	/** Events at or below this id are before the phase. */
	start: bigint;
	/** After a reconnection: the cursor's tie window below `start`, whose unseen events may be emitted. */
	window?: { floor: bigint; seen: Set<string> };
	/** Events above this id arrived after the phase ended. */
	end?: bigint;
	emitted: string[];
	drained: boolean;
}

interface World {
	emu: Emulator;
	me: XUser;
	second: XUser;
	users: Record<string, XUser>;
	/** A group of both accounts, alice and bob (the scope "One Conversation"). */
	shared: string;
	/** A group of the first account, carol and dave. */
	other: string;
	/** Who of the other users is in `shared` (they join and leave). */
	sharedGuests: Set<string>;
}

function newCounts() {
	return {
		events: 0,
		polls: 0,
		freshStarts: 0,
		watchChanges: 0,
		outputOnlyChanges: 0,
		reconnections: 0,
		drainedChanges: 0,
		phases: 0,
		restarts: 0,
		lostSaves: 0,
		faults: 0,
		onePagePolls: 0,
		emitted: 0,
		optionalEmitted: 0,
	};
}
type Counts = ReturnType<typeof newCounts>;

function parametersOf(watch: Watch, world: World, random: Random): INodeParameters {
	return {
		scope: watch.scope,
		...(watch.scope === 'participant' ? { participant: { mode: 'username', value: '@alice' } } : {}),
		...(watch.scope === 'conversation' ? { conversation: { mode: 'id', value: world.shared } } : {}),
		eventTypes: watch.eventTypes,
		senders: watch.senders ? '@alice, @bob' : '',
		ignoreOwnMessages: watch.ignoreOwn,
		// Output only: must not change what is watched.
		resolveIncludes: random.chance(0.5),
		dmEventFields: random.pick([['text'], ['text', 'entities', 'attachments'], []]),
	};
}

function randomWatch(random: Random): Watch {
	return {
		scope: random.pick(['all', 'all', 'participant', 'conversation'] as const),
		eventTypes: random.pick(TYPE_CHOICES),
		senders: random.chance(0.3),
		ignoreOwn: random.chance(0.8),
	};
}

/** Whether the phase's settings select the event for the phase's account (as the README describes the filters). */
function selects(phase: Phase, event: DmEvent, world: World): boolean {
	const { watch, account } = phase;
	if (watch.scope === 'conversation' && event.dm_conversation_id !== world.shared) return false;
	if (watch.scope === 'participant') {
		const pair = event.dm_conversation_id.split('-');
		if (pair.length !== 2 || !pair.includes(account.id) || !pair.includes(world.users.alice.id)) return false;
	}
	if (!watch.eventTypes.includes(event.event_type)) return false;
	if (watch.ignoreOwn && event.event_type === 'MessageCreate' && event.sender_id === account.id) return false;
	const allowed = [world.users.alice.id, world.users.bob.id];
	return !watch.senders || (event.sender_id !== undefined && allowed.includes(event.sender_id));
}

/** Messages between everybody, my own, the second account's own, group traffic, joins and leaves. */
function addEvent(world: World, random: Random, counts: Counts): void {
	const { emu, me, second, users } = world;
	emu.clock.advance(random.int(0, 3000));
	const others = OTHERS.map((name) => users[name]);
	const roll = random.next();
	const sharedMembers = [me, second, users.alice, users.bob].map((user) => user.id).concat([...world.sharedGuests]);
	if (roll < 0.3) emu.sendAs(random.pick(others).id, { to: me.id, text: `to me ${counts.events}` });
	else if (roll < 0.45) emu.sendAs(random.pick(others).id, { to: second.id, text: `to second ${counts.events}` });
	else if (roll < 0.53) emu.sendAs(me.id, { to: random.pick([...others, second]).id, text: `mine ${counts.events}` });
	else if (roll < 0.61) emu.sendAs(second.id, { to: random.pick([...others, me]).id, text: `second's ${counts.events}` });
	else if (roll < 0.8) emu.sendAs(random.pick(sharedMembers), { conversationId: world.shared, text: `shared ${counts.events}` });
	else if (roll < 0.88) emu.sendAs(random.pick([me.id, users.carol.id, users.dave.id]), { conversationId: world.other, text: 'other group' });
	else {
		const guest = random.pick([users.carol, users.dave, users.erin]);
		if (world.sharedGuests.has(guest.id)) {
			emu.leaveAs(world.shared, guest.id);
			world.sharedGuests.delete(guest.id);
		} else {
			emu.joinAs(world.shared, [guest.id], random.pick([me.id, second.id, users.alice.id]));
			world.sharedGuests.add(guest.id);
		}
	}
	counts.events += 1;
}

function injectFaults(random: Random, counts: Counts): void {
	const fault = (spec: Record<string, unknown>) => {
		env.emu.addFault({ path: '/2/dm_events', ...spec });
		counts.faults += 1;
	};
	if (random.chance(0.3)) fault({ latencyMs: 1, times: random.int(1, 2) });
	if (random.chance(0.15)) fault({ status: random.pick([500, 503]), times: 2 });
	if (random.chance(0.06)) {
		const reset = String(Math.ceil((env.emu.clock.now() + random.int(1, 5) * 60_000) / 1000));
		fault({ status: 429, body: { title: 'Too Many Requests', status: 429 }, headers: { 'x-rate-limit-limit': '15', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': reset } });
	}
	if (random.chance(0.06)) fault({ reset: 'before', times: 2 });
}

/** The newest event id overall (0 before any). */
function newestId(world: World): bigint {
	const ids = [world.me, world.second].flatMap((user) => world.emu.visibleEvents(user.id).slice(0, 1).map((event: DmEvent) => BigInt(event.id)));
	return ids.reduce((max, id) => (id > max ? id : max), 0n);
}

/** The newest event of the phase's listing (scope and event types, before the client-side filters). */
function newestListed(phase: Phase, world: World): bigint {
	const listed = { ...phase, watch: { ...phase.watch, senders: false, ignoreOwn: false } };
	const event = world.emu.visibleEvents(phase.account.id).find((candidate: DmEvent) => selects(listed, candidate, world));
	return event ? BigInt(event.id) : 0n;
}

function checkPhase(phase: Phase, world: World, seenAnywhere: Set<string>, counts: Counts): void {
	const visible: DmEvent[] = [...world.emu.visibleEvents(phase.account.id)].reverse();
	const inPhase = (id: bigint) => id > phase.start && (phase.end === undefined || id <= phase.end);
	const expected = visible.filter((event) => inPhase(BigInt(event.id)) && selects(phase, event, world)).map((event) => event.id);
	const { window } = phase;
	const optional = new Set(
		window === undefined
			? []
			: visible
					.filter((event) => BigInt(event.id) > window.floor && BigInt(event.id) <= phase.start && !window.seen.has(event.id))
					.filter((event) => selects(phase, event, world))
					.map((event) => event.id),
	);
	const context = `phase ${JSON.stringify({ ...phase, start: String(phase.start), end: String(phase.end), window: undefined, emitted: phase.emitted.length })}`;
	for (const id of phase.emitted) {
		expect({ context, id, emittedTwice: seenAnywhere.has(id) }).toEqual({ context, id, emittedTwice: false });
		seenAnywhere.add(id);
		expect({ context, id, belongs: expected.includes(id) || optional.has(id) }).toEqual({ context, id, belongs: true });
	}
	const sorted = [...phase.emitted].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
	expect(phase.emitted).toEqual(sorted);
	const fromExpected = phase.emitted.filter((id) => !optional.has(id));
	counts.optionalEmitted += phase.emitted.length - fromExpected.length;
	expect({ context, emitted: fromExpected }).toEqual({ context, emitted: expected.slice(0, fromExpected.length) });
	if (phase.drained) expect({ context, emitted: fromExpected }).toEqual({ context, emitted: expected });
}

/** Drives one trigger through polls, changes and restarts, and records the phases as the README defines them. */
class Campaign {
	readonly phases: Phase[] = [];

	private awaitingFreshStart = true;

	private reconnected = false;

	/** The stored watch fingerprint since the last fresh start. */
	private freshWatch: string | undefined;

	constructor(
		private readonly world: World,
		private readonly random: Random,
		private readonly counts: Counts,
		private watch: Watch,
		private account: XUser,
		private readonly trigger: TriggerInstance,
	) {}

	private get current(): Phase | undefined {
		return this.phases[this.phases.length - 1];
	}

	private closeCurrent(): void {
		const phase = this.current;
		if (phase && phase.end === undefined) phase.end = newestId(this.world);
	}

	get activated(): boolean {
		return this.phases.length > 0;
	}

	/** One poll; true when it made requests and all of them succeeded. */
	async poll(budgetMs: number): Promise<boolean> {
		const { trigger, counts } = this;
		env.emu.clearRequests();
		if (this.reconnected) this.startAccountPhase();
		const before = { activated: trigger.staticData?.cursor !== undefined, watch: trigger.staticData?.watch };
		let emitted: EmittedEvent[] | null = null;
		try {
			emitted = await trigger.poll({ budgetMs });
		} catch (error) {
			// Only an activation may fail: afterwards every injected fault is transient.
			if (before.activated) throw error;
		}
		counts.polls += 1;
		const after = trigger.staticData;
		if (after?.cursor !== undefined && (!before.activated || before.watch !== after.watch)) this.startFreshPhase(after.cursor.newest, after.watch);
		const events = eventIds(emitted);
		// Nothing may be emitted between a change of what is watched and the fresh start.
		expect({ emittedBeforeFreshStart: this.awaitingFreshStart && events.length > 0 }).toEqual({ emittedBeforeFreshStart: false });
		this.current?.emitted.push(...events);
		counts.emitted += events.length;
		const requests = env.requests();
		return requests.length > 0 && requests.every((request) => request.status === 200);
	}

	/** The cursor carries on: the first poll with the new account starts from it (after a restart: the saved one). */
	private startAccountPhase(): void {
		const cursor = this.trigger.staticData?.cursor;
		if (!cursor) throw new Error('reconnected before the first poll');
		const window = { floor: BigInt(cursor.floor), seen: new Set(cursor.seen) };
		this.phases.push({ watch: this.watch, account: this.account, start: BigInt(cursor.newest), window, emitted: [], drained: false });
		this.reconnected = false;
	}

	private startFreshPhase(cursorNewest: string, watchFingerprint: string | undefined): void {
		expect({ unexpectedFreshStart: !this.awaitingFreshStart }).toEqual({ unexpectedFreshStart: false });
		this.counts.freshStarts += 1;
		this.closeCurrent();
		const phase: Phase = { watch: this.watch, account: this.account, start: 0n, emitted: [], drained: false };
		phase.start = newestListed(phase, this.world);
		expect(cursorNewest).toBe(String(phase.start));
		this.phases.push(phase);
		this.freshWatch = watchFingerprint;
		this.awaitingFreshStart = false;
	}

	/** Without faults, polls once a minute until nothing is pending. */
	async drain(): Promise<void> {
		env.emu.clearFaults();
		for (let attempt = 0; attempt < 40; attempt++) {
			const succeeded = await this.poll(BUDGET_MS);
			env.emu.clock.advance(POLL_INTERVAL_MS);
			if (succeeded && !this.awaitingFreshStart && this.trigger.staticData?.backlog === undefined) {
				if (this.current) this.current.drained = true;
				return;
			}
		}
		throw new Error('the trigger did not drain in 40 polls');
	}

	/** The credential is reconnected to the other account. */
	reconnect(): void {
		this.account = this.account === this.world.me ? this.world.second : this.world.me;
		this.trigger.reconnect(env.credentialsOf(this.account));
		this.closeCurrent();
		this.reconnected = true;
		this.counts.reconnections += 1;
	}

	/** The workflow is saved with other settings: another watch, or the same one with other output settings. */
	reconfigure(next: Watch): void {
		if (JSON.stringify(next) === JSON.stringify(this.watch)) this.counts.outputOnlyChanges += 1;
		else {
			this.counts.watchChanges += 1;
			this.awaitingFreshStart = true;
			this.closeCurrent();
		}
		this.watch = next;
		this.trigger.reconfigure(parametersOf(next, this.world, this.random));
	}

	/** The workflow is saved with other output settings only. */
	reconfigureOutput(): void {
		this.reconfigure({ ...this.watch });
	}

	/** Events arrive: the phase, if it goes on, is no longer drained. */
	traffic(count: number): void {
		const open = this.current;
		if (open && open.end === undefined) open.drained = false;
		for (let index = count; index > 0; index--) addEvent(this.world, this.random, this.counts);
	}

	restart(loseLastSave: boolean): void {
		this.counts.restarts += 1;
		if (!this.trigger.restart({ loseLastSave })) return;
		this.counts.lostSaves += 1;
		// The lost save was that of a fresh start: the next poll starts afresh again.
		if (this.trigger.staticData?.watch !== this.freshWatch) this.awaitingFreshStart = true;
	}

	finish(): void {
		this.closeCurrent();
		this.counts.phases = this.phases.length;
	}
}

function createWorld(): World {
	const { emu, me, users } = env;
	const second = emu.addUser({ username: 'second_account' }) as XUser;
	return {
		emu,
		me,
		second,
		users,
		shared: emu.createGroupAs(users.alice.id, [me.id, second.id, users.bob.id], 'shared').conversationId,
		other: emu.createGroupAs(users.carol.id, [me.id, users.dave.id], 'other').conversationId,
		sharedGuests: new Set(),
	};
}

test(`settings changes and reconnections under faults: each phase exactly as promised (seed ${SEED})`, async () => {
	const random = createRandom(SEED);
	const counts = newCounts();
	env.emu.setRateLimitProfile({ base: 'launch', dmList: { user15: 15 } });
	const world = createWorld();
	for (let index = 0; index < 30; index++) addEvent(world, random, counts);
	const watch = randomWatch(random);
	const campaign = new Campaign(world, random, counts, watch, world.me, env.createTrigger(parametersOf(watch, world, random)));

	while (!campaign.activated) {
		await campaign.poll(BUDGET_MS);
		env.emu.clock.advance(POLL_INTERVAL_MS);
	}
	while (counts.events < TARGET_EVENTS) {
		const roll = random.next();
		if (roll < 0.2 && random.chance(0.4)) {
			await campaign.drain();
			counts.drainedChanges += 1;
		}
		if (roll < 0.05) campaign.reconnect();
		else if (roll < 0.08) campaign.reconfigureOutput();
		else if (roll < 0.2) campaign.reconfigure(randomWatch(random));
		campaign.traffic(random.int(0, 50));
		injectFaults(random, counts);
		if (random.chance(0.1)) campaign.restart(random.chance(0.5));
		const onePage = random.chance(0.15);
		if (onePage) counts.onePagePolls += 1;
		await campaign.poll(onePage ? 0 : BUDGET_MS);
		env.emu.clock.advance(POLL_INTERVAL_MS);
	}
	await campaign.drain();
	campaign.finish();

	const seenAnywhere = new Set<string>();
	for (const phase of campaign.phases) checkPhase(phase, world, seenAnywhere, counts);
	console.log(`trigger settings campaign, seed ${SEED}: ${JSON.stringify(counts)}`);
	// The run did exercise what it is about.
	expect(counts.freshStarts).toBeGreaterThan(3);
	expect(counts.reconnections).toBeGreaterThan(0);
	expect(campaign.phases.filter((phase) => phase.drained).length).toBeGreaterThan(1);
	expect(counts.emitted).toBeGreaterThan(100);
});
