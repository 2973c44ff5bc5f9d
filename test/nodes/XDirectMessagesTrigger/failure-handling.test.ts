// How a poll after activation meets failures: transient ones (5xx, connection resets, a failing later page) are
// logged, emit nothing and are carried on from next poll, with nothing lost; the ones that need the user (401, a usage
// cap) surface as errors.
import { eventIds, useTriggerEnv } from '../../fixtures/trigger';

const env = useTriggerEnv();

test('a transient failure after the first poll is logged, emits nothing and is retried next poll', async () => {
	const { emu, me, users } = env;
	const trigger = env.createTrigger();
	expect(await trigger.poll()).toBeNull();
	const cursorBefore = trigger.staticData?.cursor;
	const fresh = env.send(users.alice, me, 'during the outage');
	// Two 503s: the transport's own retry of a GET does not hide it.
	emu.addFault({ path: '/2/dm_events', status: 503, times: 2 });
	expect(await trigger.poll()).toBeNull();
	expect(trigger.staticData?.cursor).toEqual(cursorBefore);
	expect(env.warnings.join('\n')).toMatch(/server error \(503\).*Retrying on the next poll/);
	expect(eventIds(await trigger.poll())).toEqual([fresh.id]);
});

test('connection resets are transient too', async () => {
	const { emu, me, users } = env;
	const trigger = env.createTrigger();
	expect(await trigger.poll()).toBeNull();
	const fresh = env.send(users.alice, me, 'x');
	emu.addFault({ path: '/2/dm_events', reset: 'before', times: 2 });
	expect(await trigger.poll()).toBeNull();
	emu.clearFaults();
	expect(env.warnings.join('\n')).toMatch(/Could not reach X.*Retrying on the next poll/);
	expect(eventIds(await trigger.poll())).toEqual([fresh.id]);
});

test('a failing later page keeps the cursor, and the next polls emit everything once, in order', async () => {
	const { emu, me, users } = env;
	const trigger = env.createTrigger();
	expect(await trigger.poll()).toBeNull();
	const fresh = env.sendMany(users.alice, me, 250, 'burst');
	// Page 1 succeeds (the latency fault is used up by it), page 2 fails twice.
	emu.addFault({ path: '/2/dm_events', latencyMs: 1 });
	emu.addFault({ path: '/2/dm_events', status: 500, times: 2 });
	expect(await trigger.poll()).toBeNull();
	expect(trigger.staticData?.backlog?.stops).toHaveLength(1);
	expect(env.warnings.join('\n')).toMatch(/server error \(500\)/);
	const emitted: string[] = [];
	for (let poll = 0; poll < 4; poll++) emitted.push(...eventIds(await trigger.poll()));
	expect(emitted).toEqual(eventIds(fresh));
	expect(trigger.staticData?.backlog).toBeUndefined();
});

test('401 surfaces as an error and leaves the state untouched', async () => {
	const { emu, me, users } = env;
	const trigger = env.createTrigger();
	expect(await trigger.poll()).toBeNull();
	const before = JSON.parse(JSON.stringify(trigger.staticData)) as unknown;
	// Revoke every token of the account: the OAuth2 refresh fails too.
	emu.revokeUserTokens(me.id);
	env.send(users.alice, me, 'unseen');
	await expect(trigger.poll()).rejects.toMatchObject({ name: 'NodeApiError', httpCode: '401' });
	expect(trigger.staticData).toEqual(before);
});

test('a usage cap is not retried quietly', async () => {
	const trigger = env.createTrigger();
	expect(await trigger.poll()).toBeNull();
	env.emu.setUsageCap({ period: 'Monthly', scope: 'Product' });
	await expect(trigger.poll()).rejects.toThrow(/usage cap/i);
});
