// A seeded fault campaign for the instant trigger: over 1,000 DMs while X duplicates, reorders and drops deliveries,
// and n8n goes down and restarts (checkExists → replay). Every DM must start the workflow exactly once.
// INSTANT_CAMPAIGN_SEED replays a run.
import { forgetMemory } from '../../nodes/XDirectMessagesInstantTrigger/state';
import { createRandom } from '../fixtures/random';
import { settleFor, useInstantEnv, waitFor } from '../nodes/XDirectMessagesInstantTrigger/instant-env';

const env = useInstantEnv();
const SEED = Number(process.env.INSTANT_CAMPAIGN_SEED ?? 20261129);
const ROUNDS = 10;

jest.setTimeout(120_000);

test(`fault campaign (seed ${SEED}): duplicates, reordering, drops, downtime and restarts; every DM exactly once`, async () => {
	const random = createRandom(SEED);
	const { emu, host } = env;
	const { alice, bob, carol, dave } = env.people;
	emu.setOption('pushSeed', SEED);
	emu.setOption('duplicateRate', 0.15);
	emu.setOption('dropRate', 0.05);
	emu.setOption('reorderWindowMs', 30);
	emu.setOption('deliveryRetryScheduleMs', [100, 300]);
	const wf = env.workflow('wf-campaign', { events: ['dm.received'] });
	await wf.activate();
	const webhookId = String(wf.nodeState.webhookId);
	const sent: string[] = [];
	let downtimes = 0;
	let restarts = 0;

	/** n8n restarts: a new process (no memory), then the activation that checks and catches up. */
	const restart = async (): Promise<void> => {
		await host.down();
		forgetMemory(`wf-campaign:node-wf-campaign:live`);
		await host.up();
		await wf.activate('init');
		restarts++;
	};
	const replaysDone = () => emu.replayJobs().every((job) => job.state !== 'Running');

	for (let round = 0; round < ROUNDS; round++) {
		const down = random.chance(0.3);
		if (down) {
			await host.down();
			downtimes++;
		}
		const count = random.int(100, 120);
		for (let index = 0; index < count; index++) {
			const from = random.pick([bob, carol, dave]);
			sent.push(emu.sendAs(from.id, { to: alice.id, text: `r${round} #${index}` }).id);
			if (index % 20 === 19) await settleFor(random.int(0, 40));
		}
		if (down) {
			await settleFor(600);
			await host.up();
		}
		if (down || random.chance(0.5)) {
			await waitFor(replaysDone, 'running replay jobs', 20_000);
			await restart();
		}
	}
	// A last restart after X gave up on everything still pending: recovers what was dropped since the last one.
	const done = () => new Set(wf.emitted().map((item) => String(item.id))).size === sent.length;
	for (let attempt = 0; attempt < 5 && !done(); attempt++) {
		await settleFor(800);
		await waitFor(replaysDone, 'running replay jobs', 20_000);
		await restart();
		await waitFor(() => done() && replaysDone(), 'every DM', 15_000).catch(() => undefined);
	}
	await waitFor(replaysDone, 'running replay jobs', 20_000);
	await settleFor(500);

	const emittedIds = wf.emitted().map((item) => String(item.id));
	const deliveries = emu.deliveries({ webhookId });
	const posts = host.answers.filter((answer) => answer.method === 'POST' && answer.status === 200).length;
	console.log(
		[
			`instant fault campaign, seed ${SEED}:`,
			`${sent.length} DMs sent, ${emittedIds.length} items emitted in ${wf.executions.length} executions`,
			`${posts} signed POSTs answered (${posts - wf.executions.length} without an execution: duplicates, replays, job statuses)`,
			`${deliveries.filter((entry) => !entry.delivered).length} deliveries X still failed at the end`,
			`${deliveries.filter((entry) => entry.replayed).length} replayed, ${emu.replayJobs().length} replay jobs`,
			`${downtimes} downtimes, ${restarts} restarts`,
		].join('\n  '),
	);
	expect(new Set(emittedIds).size).toBe(emittedIds.length);
	expect([...emittedIds].sort()).toEqual([...sent].sort());
	expect(sent.length).toBeGreaterThanOrEqual(1000);
});
