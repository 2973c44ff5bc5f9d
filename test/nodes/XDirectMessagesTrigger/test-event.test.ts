// The editor's "Fetch Test Event" (a manual poll): the most recent matching event, the cursor neither read nor written.
import { eventIds, eventTexts, useTriggerEnv } from '../../fixtures/trigger';

const env = useTriggerEnv();

test('returns the most recent matching event without touching the cursor', async () => {
	const { me, users } = env;
	const inbound = env.send(users.alice, me, 'latest inbound');
	env.send(me, users.alice, 'my reply (ignored)');
	const trigger = env.createTrigger();
	const sample = await trigger.poll({ mode: 'manual' });
	expect(eventIds(sample)).toEqual([inbound.id]);
	expect(sample?.[0].sender).toMatchObject({ id: users.alice.id, username: 'alice' });
	expect(trigger.staticData ?? {}).toEqual({});

	// With a cursor in place, a manual fetch still returns the sample and leaves the cursor alone.
	expect(await trigger.poll()).toBeNull();
	const before = JSON.parse(JSON.stringify(trigger.staticData)) as unknown;
	env.send(users.bob, me, 'newer');
	expect(eventTexts(await trigger.poll({ mode: 'manual' }))).toEqual(['newer']);
	expect(trigger.staticData).toEqual(before);
	expect(eventTexts(await trigger.poll())).toEqual(['newer']);
});

test('runs as the start node of a manual workflow execution (the editor\'s "Fetch Test Event")', async () => {
	const { me, users } = env;
	const inbound = env.send(users.carol, me, 'sample for the editor');
	const { events, error, staticData } = await env.runManualExecution();
	expect(error).toBeUndefined();
	expect(eventIds(events)).toEqual([inbound.id]);
	expect(staticData[`node:${env.node().name}`] ?? {}).toEqual({});
});

test('fails with a clear message when nothing matches', async () => {
	const { me, users } = env;
	env.send(me, users.alice, 'only my own message');
	const trigger = env.createTrigger();
	await expect(trigger.poll({ mode: 'manual' })).rejects.toThrow('No matching Direct Message event found');
});
