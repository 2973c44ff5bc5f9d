'use strict';

// Behaviour of the X Direct Messages Trigger through the real n8n-core PollContext against the emulator.
const { PollContext } = require('n8n-core');
const { runWorkflow, shutdown } = require('../helpers/n8n-harness');
const { createTriggerEnv, captureWarnings, NODE_NAME } = require('./trigger-env');

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
const ALL_TYPES = ['MessageCreate', 'ParticipantsJoin', 'ParticipantsLeave'];

let env;
let emu;
let me;
let users;
let warnings;

beforeEach(async () => {
	env = await createTriggerEnv();
	({ emu, me, users } = env);
	warnings = captureWarnings();
});

afterEach(async () => {
	warnings.restore();
	await env.close();
});

afterAll(() => shutdown());

const ids = (events) => (events ?? []).map((event) => event.id);
const texts = (events) => (events ?? []).map((event) => event.text);
const tick = (ms = 1000) => emu.clock.advance(ms);

function send(from, to, text) {
	tick(10);
	return emu.sendAs(from.id, { to: to.id, text });
}

describe('first activation', () => {
	test('records the newest event as the cursor and emits nothing', async () => {
		send(users.alice, me, 'before activation');
		const last = send(users.bob, me, 'also before');
		const trigger = env.createTrigger();
		expect(await trigger.poll()).toBeNull();
		expect(trigger.staticData).toMatchObject({ version: 1, cursor: { newest: last.id }, me: { id: me.id } });

		const fresh = send(users.alice, me, 'after activation');
		expect(ids(await trigger.poll())).toEqual([fresh.id]);
		expect(await trigger.poll()).toBeNull();
	});

	test('with no events at all, everything that arrives later is new', async () => {
		const trigger = env.createTrigger();
		expect(await trigger.poll()).toBeNull();
		expect(trigger.staticData.cursor).toEqual({ newest: '0', floor: '0', seen: [] });
		const first = send(users.alice, me, 'first ever');
		expect(ids(await trigger.poll())).toEqual([first.id]);
	});

	test('"Emit the Last Events" emits the N most recent matching events once, oldest first', async () => {
		const history = [];
		for (let index = 0; index < 12; index++) {
			history.push(send(index % 3 === 0 ? me : users.alice, index % 3 === 0 ? users.alice : me, `history ${index}`));
		}
		const inbound = history.filter((event) => event.sender_id !== me.id);
		const trigger = env.createTrigger({ firstPoll: 'lastEvents', lastEventsCount: 5 });
		expect(ids(await trigger.poll())).toEqual(ids(inbound.slice(-5)));
		expect(await trigger.poll()).toBeNull();
		const fresh = send(users.bob, me, 'new');
		expect(ids(await trigger.poll())).toEqual([fresh.id]);
	});

	test('"Emit the Last Hours" emits the matching events of the last N hours', async () => {
		const old = send(users.alice, me, '30 hours ago');
		tick(10 * HOUR_MS);
		const twentyHours = send(users.alice, me, '20 hours ago');
		tick(15 * HOUR_MS);
		const fiveHours = send(users.bob, me, '5 hours ago');
		tick(4 * HOUR_MS);
		const oneHour = send(users.carol, me, '1 hour ago');
		tick(HOUR_MS);
		const trigger = env.createTrigger({ firstPoll: 'lastHours', lastHours: 6 });
		expect(ids(await trigger.poll())).toEqual([fiveHours.id, oneHour.id]);
		expect(ids([old, twentyHours])).toHaveLength(2);
		expect(await trigger.poll()).toBeNull();
	});

	test('a failing first poll re-throws and leaves no cursor', async () => {
		emu.addFault({ path: '/2/dm_events', status: 503, times: 2 });
		const trigger = env.createTrigger();
		await expect(trigger.poll()).rejects.toThrow(/server error \(503\)/);
		expect(trigger.staticData?.cursor).toBeUndefined();
		expect(await trigger.poll()).toBeNull();
		expect(trigger.staticData.cursor).toBeDefined();
	});
});

describe('manual "Fetch Test Event"', () => {
	test('returns the most recent matching event without touching the cursor', async () => {
		const inbound = send(users.alice, me, 'latest inbound');
		send(me, users.alice, 'my reply (ignored)');
		const trigger = env.createTrigger();
		const sample = await trigger.poll({ mode: 'manual' });
		expect(ids(sample)).toEqual([inbound.id]);
		expect(sample[0].sender).toMatchObject({ id: users.alice.id, username: 'alice' });
		expect(trigger.staticData ?? {}).toEqual({});

		// With a cursor in place, a manual fetch still returns the sample and leaves the cursor alone.
		expect(await trigger.poll()).toBeNull();
		const before = JSON.parse(JSON.stringify(trigger.staticData));
		send(users.bob, me, 'newer');
		expect(texts(await trigger.poll({ mode: 'manual' }))).toEqual(['newer']);
		expect(trigger.staticData).toEqual(before);
		expect(texts(await trigger.poll())).toEqual(['newer']);
	});

	test('runs as the start node of a manual workflow execution (the editor\'s "Fetch Test Event")', async () => {
		const inbound = send(users.carol, me, 'sample for the editor');
		const { outputOf, error, staticData } = await runWorkflow({
			nodes: [env.node()],
			credentials: env.credentials.credentials,
			mode: 'manual',
		});
		expect(error).toBeUndefined();
		expect(ids(outputOf(NODE_NAME))).toEqual([inbound.id]);
		expect(staticData[`node:${NODE_NAME}`] ?? {}).toEqual({});
	});

	test('fails with a clear message when nothing matches', async () => {
		send(me, users.alice, 'only my own message');
		const trigger = env.createTrigger();
		await expect(trigger.poll({ mode: 'manual' })).rejects.toThrow('No matching Direct Message event found');
	});
});

describe('filters', () => {
	test('event types: joins and leaves of groups, messages excluded', async () => {
		const { conversationId } = emu.createGroupAs(users.alice.id, [me.id, users.bob.id], 'group created');
		const trigger = env.createTrigger({ eventTypes: ['ParticipantsJoin', 'ParticipantsLeave'] });
		expect(await trigger.poll()).toBeNull();
		tick();
		const join = emu.joinAs(conversationId, [users.carol.id], users.alice.id);
		send(users.alice, me, 'a message');
		tick();
		emu.sendAs(users.bob.id, { conversationId, text: 'group message' });
		const leave = emu.leaveAs(conversationId, users.bob.id);
		const events = await trigger.poll();
		expect(ids(events)).toEqual([join.id, leave.id]);
		expect(events.map((event) => event.event_type)).toEqual(['ParticipantsJoin', 'ParticipantsLeave']);
		expect(events[1].participant_ids).toEqual([users.bob.id]);
		const listQuery = env.listRequests().at(-1).query;
		expect(listQuery.event_types).toBe('ParticipantsJoin,ParticipantsLeave');
	});

	test('ignore own messages (default on) still moves the cursor over them', async () => {
		const trigger = env.createTrigger();
		expect(await trigger.poll()).toBeNull();
		const mine = send(me, users.alice, 'mine');
		expect(await trigger.poll()).toBeNull();
		expect(trigger.staticData.cursor.newest).toBe(mine.id);
		emu.clearRequests();
		expect(await trigger.poll()).toBeNull();
		expect(emu.requests()).toHaveLength(1);
	});

	test('ignore own messages off emits them too', async () => {
		const trigger = env.createTrigger({ ignoreOwnMessages: false });
		expect(await trigger.poll()).toBeNull();
		const mine = send(me, users.alice, 'mine');
		const theirs = send(users.alice, me, 'theirs');
		expect(ids(await trigger.poll())).toEqual([mine.id, theirs.id]);
		expect(emu.requests().some((entry) => entry.path === '/2/users/me')).toBe(false);
	});

	test('sender allow-list by @username and ID; leave events (no sender) are skipped', async () => {
		const { conversationId } = emu.createGroupAs(users.alice.id, [me.id, users.bob.id, users.carol.id], 'hi');
		const trigger = env.createTrigger({ senders: `@Alice, ${users.carol.id}`, eventTypes: ALL_TYPES });
		expect(await trigger.poll()).toBeNull();
		const fromAlice = send(users.alice, me, 'from alice');
		send(users.bob, me, 'from bob');
		tick();
		const fromCarol = emu.sendAs(users.carol.id, { conversationId, text: 'carol in group' });
		emu.leaveAs(conversationId, users.carol.id);
		expect(ids(await trigger.poll())).toEqual([fromAlice.id, fromCarol.id]);
		expect(trigger.staticData.usernames).toEqual({ alice: users.alice.id });
		// The resolved username is cached: later polls do not look it up again.
		emu.clearRequests();
		send(users.alice, me, 'again');
		expect(texts(await trigger.poll())).toEqual(['again']);
		expect(emu.requests().map((entry) => entry.path)).toEqual(['/2/dm_events']);
	});

	test('an unknown username surfaces as an error', async () => {
		const trigger = env.createTrigger({ senders: '@nobody_here' });
		await expect(trigger.poll()).rejects.toThrow('X could not find the user "nobody_here"');
	});
});

describe('scopes', () => {
	test('one-to-one conversation by @username lists only that conversation', async () => {
		const trigger = env.createTrigger({ scope: 'participant', participant: { mode: 'username', value: '@bob' } });
		expect(await trigger.poll()).toBeNull();
		send(users.alice, me, 'alice');
		const fromBob = send(users.bob, me, 'bob');
		expect(ids(await trigger.poll())).toEqual([fromBob.id]);
		expect(env.listRequests().at(-1).path).toBe(`/2/dm_conversations/with/${users.bob.id}/dm_events`);
	});

	test('one-to-one conversation by ID', async () => {
		const trigger = env.createTrigger({ scope: 'participant', participant: { mode: 'id', value: users.carol.id } });
		expect(await trigger.poll()).toBeNull();
		send(users.bob, me, 'bob');
		const fromCarol = send(users.carol, me, 'carol');
		expect(ids(await trigger.poll())).toEqual([fromCarol.id]);
	});

	test('conversation by ID (group) lists only that group', async () => {
		const { conversationId } = emu.createGroupAs(users.alice.id, [me.id, users.bob.id], 'group one');
		emu.createGroupAs(users.carol.id, [me.id, users.dave.id], 'group two');
		const trigger = env.createTrigger({ scope: 'conversation', conversation: { mode: 'id', value: conversationId } });
		expect(await trigger.poll()).toBeNull();
		tick();
		const inGroup = emu.sendAs(users.bob.id, { conversationId, text: 'in group one' });
		send(users.dave, me, 'elsewhere');
		expect(ids(await trigger.poll())).toEqual([inGroup.id]);
		expect(env.listRequests().at(-1).path).toBe(`/2/dm_conversations/${conversationId}/dm_events`);
	});

	test('an invalid conversation ID is rejected before any request', async () => {
		const trigger = env.createTrigger({ scope: 'conversation', conversation: { mode: 'id', value: '12-x' } });
		await expect(trigger.poll()).rejects.toThrow('is not a valid conversation ID');
		expect(emu.requests()).toHaveLength(0);
	});
});

describe('cursor robustness', () => {
	test('the cursor event being deleted does not break the cursor; deleted unseen events are not emitted', async () => {
		const trigger = env.createTrigger();
		const cursorEvent = send(users.alice, me, 'cursor');
		expect(await trigger.poll()).toBeNull();
		emu.deleteEventFor(me.id, cursorEvent.id);
		const kept = send(users.bob, me, 'kept');
		const deleted = send(users.bob, me, 'deleted before the poll');
		emu.deleteEventFor(me.id, deleted.id);
		expect(ids(await trigger.poll())).toEqual([kept.id]);
		expect(await trigger.poll()).toBeNull();
	});

	test('30-day aging: when the cursor event leaves the window, new events are still all emitted once', async () => {
		const trigger = env.createTrigger();
		send(users.alice, me, 'will age out');
		expect(await trigger.poll()).toBeNull();
		tick(31 * DAY_MS);
		const fresh = [send(users.alice, me, 'a'), send(users.bob, me, 'b'), send(users.carol, me, 'c')];
		emu.clearRequests();
		expect(ids(await trigger.poll())).toEqual(ids(fresh));
		expect(env.listRequests()).toHaveLength(1);
		expect(await trigger.poll()).toBeNull();
	});

	test('state stays bounded after thousands of events', async () => {
		const trigger = env.createTrigger({ ignoreOwnMessages: false, eventTypes: ALL_TYPES });
		expect(await trigger.poll()).toBeNull();
		let emitted = 0;
		let largest = 0;
		for (let round = 0; round < 30; round++) {
			// 100 events within the same second: all inside the late-arrival window.
			for (let index = 0; index < 100; index++) emu.sendAs(users.alice.id, { to: me.id, text: `m${round}-${index}` });
			emitted += (await trigger.poll())?.length ?? 0;
			largest = Math.max(largest, JSON.stringify(trigger.savedStaticData).length);
			tick(60_000);
		}
		expect(emitted).toBe(3000);
		expect(largest).toBeLessThan(4096);
	});
});

describe('failures', () => {
	test('a transient failure after the first poll is logged, emits nothing and is retried next poll', async () => {
		const trigger = env.createTrigger();
		expect(await trigger.poll()).toBeNull();
		const cursorBefore = trigger.staticData.cursor;
		const fresh = send(users.alice, me, 'during the outage');
		// Two 503s: the transport's own retry of a GET does not hide it.
		emu.addFault({ path: '/2/dm_events', status: 503, times: 2 });
		expect(await trigger.poll()).toBeNull();
		expect(trigger.staticData.cursor).toEqual(cursorBefore);
		expect(warnings.warnings.join('\n')).toMatch(/server error \(503\).*Retrying on the next poll/);
		expect(ids(await trigger.poll())).toEqual([fresh.id]);
	});

	test('connection resets are transient too', async () => {
		const trigger = env.createTrigger();
		expect(await trigger.poll()).toBeNull();
		const fresh = send(users.alice, me, 'x');
		emu.addFault({ path: '/2/dm_events', reset: 'before', times: 2 });
		expect(await trigger.poll()).toBeNull();
		emu.clearFaults();
		expect(warnings.warnings.join('\n')).toMatch(/Could not reach X.*Retrying on the next poll/);
		expect(ids(await trigger.poll())).toEqual([fresh.id]);
	});

	test('a failing later page keeps the cursor, and the next polls emit everything once, in order', async () => {
		const trigger = env.createTrigger();
		expect(await trigger.poll()).toBeNull();
		const fresh = [];
		for (let index = 0; index < 250; index++) fresh.push(send(users.alice, me, `burst ${index}`));
		// Page 1 succeeds (the latency fault is used up by it), page 2 fails twice.
		emu.addFault({ path: '/2/dm_events', latencyMs: 1 });
		emu.addFault({ path: '/2/dm_events', status: 500, times: 2 });
		expect(await trigger.poll()).toBeNull();
		expect(trigger.staticData.backlog.stops).toHaveLength(1);
		expect(warnings.warnings.join('\n')).toMatch(/server error \(500\)/);
		const emitted = [];
		for (let poll = 0; poll < 4; poll++) emitted.push(...ids(await trigger.poll()));
		expect(emitted).toEqual(ids(fresh));
		expect(trigger.staticData.backlog).toBeUndefined();
	});

	test('401 surfaces as an error and leaves the state untouched', async () => {
		const trigger = env.createTrigger();
		expect(await trigger.poll()).toBeNull();
		const before = JSON.parse(JSON.stringify(trigger.staticData));
		// Revoke every token of the account: the OAuth2 refresh fails too.
		for (const [token, record] of emu.state.oauth2Tokens) if (record.userId === me.id) emu.state.oauth2Tokens.delete(token);
		send(users.alice, me, 'unseen');
		await expect(trigger.poll()).rejects.toMatchObject({ name: 'NodeApiError', httpCode: '401' });
		expect(trigger.staticData).toEqual(before);
	});

	test('a usage cap is not retried quietly', async () => {
		const trigger = env.createTrigger();
		expect(await trigger.poll()).toBeNull();
		emu.setUsageCap({ period: 'Monthly', scope: 'Product' });
		await expect(trigger.poll()).rejects.toThrow(/usage cap/i);
	});

	test('rate limit: an exhausted window skips polls without requests until the reset', async () => {
		emu.setRateLimitProfile({ base: 'launch', dmList: { user15: 3 } });
		const trigger = env.createTrigger();
		expect(await trigger.poll()).toBeNull();
		send(users.alice, me, 'one');
		expect(texts(await trigger.poll())).toEqual(['one']);
		send(users.alice, me, 'two');
		expect(texts(await trigger.poll())).toEqual(['two']);
		// That was the third request of the window: x-rate-limit-remaining is 0.
		const resetAt = trigger.staticData.resetAt;
		expect(resetAt).toBeGreaterThan(emu.clock.now());
		send(users.alice, me, 'three');
		emu.clearRequests();
		tick(60_000);
		expect(await trigger.poll()).toBeNull();
		tick(60_000);
		expect(await trigger.poll()).toBeNull();
		expect(emu.requests()).toHaveLength(0);
		emu.clock.set(resetAt + 1000);
		expect(texts(await trigger.poll())).toEqual(['three']);
		expect(trigger.staticData.resetAt).toBeUndefined();
	});

	test('rate limit: a 429 records the reset time from the response and skips until then', async () => {
		const trigger = env.createTrigger();
		expect(await trigger.poll()).toBeNull();
		send(users.alice, me, 'waiting');
		const resetSeconds = Math.ceil((emu.clock.now() + 5 * 60_000) / 1000);
		emu.addFault({
			path: '/2/dm_events',
			status: 429,
			body: { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
			headers: { 'x-rate-limit-limit': '15', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(resetSeconds) },
		});
		expect(await trigger.poll()).toBeNull();
		expect(trigger.staticData.resetAt).toBe(resetSeconds * 1000);
		emu.clearRequests();
		tick(60_000);
		expect(await trigger.poll()).toBeNull();
		expect(emu.requests()).toHaveLength(0);
		emu.clock.set(resetSeconds * 1000);
		expect(texts(await trigger.poll())).toEqual(['waiting']);
	});

	test('the poll budget: a backlog larger than one poll may fetch is emitted over several polls, in order', async () => {
		const trigger = env.createTrigger();
		expect(await trigger.poll()).toBeNull();
		const fresh = [];
		for (let index = 0; index < 450; index++) fresh.push(send(users.bob, me, `backlog ${index}`));
		// A host that allows no time beyond the first page of each poll.
		PollContext.prototype.getPollBudgetMs = () => 0;
		emu.clearRequests();
		try {
			const emitted = [];
			let polls = 0;
			while (emitted.length < fresh.length && polls < 30) {
				emitted.push(...ids(await trigger.poll()));
				polls++;
				expect(env.listRequests().length).toBeLessThanOrEqual(polls);
			}
			expect(emitted).toEqual(ids(fresh));
			expect(polls).toBeLessThanOrEqual(10);
		} finally {
			delete PollContext.prototype.getPollBudgetMs;
		}
	});
});

describe('authentication', () => {
	test('OAuth 1.0a works the same way', async () => {
		await env.close();
		env = await createTriggerEnv({ auth: 'oAuth1' });
		({ emu, me, users } = env);
		const trigger = env.createTrigger();
		expect(await trigger.poll()).toBeNull();
		const fresh = send(users.alice, me, 'signed');
		expect(ids(await trigger.poll())).toEqual([fresh.id]);
		expect(emu.requests().every((entry) => entry.headers.authorization === 'OAuth')).toBe(true);
	});
});

describe('output shape', () => {
	test('Resolve Includes off attaches the raw includes each event references', async () => {
		const trigger = env.createTrigger({ resolveIncludes: false });
		expect(await trigger.poll()).toBeNull();
		send(users.alice, me, 'hello');
		const [event] = await trigger.poll();
		expect(event.sender).toBeUndefined();
		expect(event.includes.users).toEqual([expect.objectContaining({ id: users.alice.id, username: 'alice' })]);
	});

	test('the chosen fields and expansions are requested; the trigger adds the fields it needs', async () => {
		const trigger = env.createTrigger({ dmEventFields: ['text'], expansions: [], userFields: ['description'] });
		expect(await trigger.poll()).toBeNull();
		const query = env.listRequests().at(-1).query;
		expect(query['dm_event.fields'].split(',')).toEqual(
			expect.arrayContaining(['id', 'event_type', 'created_at', 'sender_id', 'dm_conversation_id', 'text']),
		);
		expect(query.expansions).toBeUndefined();
		expect(query.max_results).toBe('100');
	});
});
