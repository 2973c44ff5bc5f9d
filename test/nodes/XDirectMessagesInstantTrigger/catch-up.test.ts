// Nothing lost across downtime: after n8n was down, the activation asks X to replay, and each DM starts one execution.
import { replayWindow, REPLAY_WINDOW_MS } from '../../../nodes/XDirectMessagesInstantTrigger/catch-up';
import { forgetMemory } from '../../../nodes/XDirectMessagesInstantTrigger/state';
import { APP_ID, settleFor, useInstantEnv, waitFor } from './instant-env';

const env = useInstantEnv();
const MINUTE = 60_000;

describe('replay window', () => {
	const now = Date.UTC(2026, 2, 1, 12, 30, 45);

	test('from the minute of the last delivered event to the current minute', () => {
		expect(replayWindow({ lastDeliveryAt: now - 10 * MINUTE - 5000 }, now)).toEqual({ fromMs: Date.UTC(2026, 2, 1, 12, 20), toMs: Date.UTC(2026, 2, 1, 12, 30) });
	});

	test('from where the previous catch-up ended, even when newer events were delivered since (one may have been dropped)', () => {
		const state = { coveredUntil: now - 20 * MINUTE, lastDeliveryAt: now - 2 * MINUTE, activatedAt: now - 60 * MINUTE };
		expect(replayWindow(state, now)?.fromMs).toBe(Date.UTC(2026, 2, 1, 12, 10));
	});

	test('never before the newest event the dedupe memory has forgotten', () => {
		const state = { coveredUntil: now - 20 * MINUTE, seenFloor: now - 5 * MINUTE };
		expect(replayWindow(state, now)?.fromMs).toBe(Date.UTC(2026, 2, 1, 12, 25));
	});

	test('without a delivery, from the activation', () => {
		expect(replayWindow({ activatedAt: now - 3 * MINUTE }, now)).toEqual({ fromMs: Date.UTC(2026, 2, 1, 12, 27), toMs: Date.UTC(2026, 2, 1, 12, 30) });
	});

	test('nothing to start from: no replay', () => {
		expect(replayWindow({}, now)).toBeUndefined();
	});

	test('a gap longer than X keeps: clamped into the 24 hours, the rest reported as uncovered', () => {
		const window = replayWindow({ lastDeliveryAt: now - 30 * 60 * MINUTE }, now);
		expect(window?.fromMs).toBeGreaterThanOrEqual(now - REPLAY_WINDOW_MS);
		expect(window?.uncovered).toEqual({ fromMs: Date.UTC(2026, 1, 28, 6, 30), toMs: window?.fromMs });
	});
});

/** Waits until the emulator gave up delivering every event to the webhook (n8n was down). */
async function deliveriesGivenUp(webhookId: string, count: number): Promise<void> {
	await waitFor(() => env.emu.deliveries({ webhookId }).filter((entry) => !entry.delivered && entry.attempts >= 4).length === count, `${count} failed deliveries`, 8000);
}

/** An active workflow that got one DM, then n8n went down and X gave up on two more. */
async function downWithTwoMissed(workflowId: string) {
	const { alice, bob, carol } = env.people;
	const wf = env.workflow(workflowId);
	await wf.activate();
	env.emu.sendAs(bob.id, { to: alice.id, text: 'before' });
	await waitFor(() => wf.executions.length === 1, 'the first DM');

	await env.host.down();
	env.emu.sendAs(bob.id, { to: alice.id, text: 'while down 1' });
	env.emu.sendAs(carol.id, { to: alice.id, text: 'while down 2' });
	await deliveriesGivenUp(String(wf.nodeState.webhookId), 2);
	return wf;
}

test('DMs sent while n8n was down arrive once after the restart (checkExists → replay)', async () => {
	const wf = await downWithTwoMissed('wf-down');
	expect(wf.executions).toHaveLength(1);

	await env.host.up();
	await wf.activate('init');
	await waitFor(() => wf.emitted().length === 3, 'the replayed DMs');
	await waitFor(() => env.host.logged('info').some((line) => line.includes('Complete')), 'the replay job status');
	await settleFor(200);
	expect(wf.emitted().map((item) => item.text)).toEqual(['before', 'while down 1', 'while down 2']);
	expect(env.emu.replayJobs().filter((job) => job.webhookId === wf.nodeState.webhookId)).toHaveLength(1);
	expect(env.host.logged('info')).toEqual(expect.arrayContaining([expect.stringContaining('asked X to replay deliveries from')]));
});

test('a restart that runs no activation (n8n 2.36+, a webhook processor): the first delivery after it asks for the replay', async () => {
	const { alice, bob, carol } = env.people;
	const wf = await downWithTwoMissed('wf-restart');
	// A new process: no memory of the activation; n8n serves the webhook again without calling checkExists.
	forgetMemory('wf-restart:node-wf-restart:live');
	await env.host.up();
	await settleFor(200);
	expect(env.emu.replayJobs().filter((job) => job.webhookId === wf.nodeState.webhookId)).toHaveLength(0);

	env.emu.sendAs(carol.id, { to: alice.id, text: 'after the restart' });
	await waitFor(() => wf.emitted().length === 4, 'the new DM and the replayed ones');
	await waitFor(() => env.host.logged('info').some((line) => line.includes('Complete')), 'the replay job status');
	env.emu.sendAs(bob.id, { to: alice.id, text: 'later' });
	await waitFor(() => wf.emitted().length === 5, 'a later DM');
	await settleFor(200);
	expect(wf.emitted().map((item) => item.text).sort()).toEqual(['after the restart', 'before', 'later', 'while down 1', 'while down 2']);
	// One catch-up per process: the later delivery asked for none.
	expect(env.emu.replayJobs().filter((job) => job.webhookId === wf.nodeState.webhookId)).toHaveLength(1);
});

test('a webhook invalidated during the downtime is re-validated and the missed DMs are replayed', async () => {
	const { alice, bob } = env.people;
	const wf = env.workflow('wf-inv-down');
	await wf.activate();
	env.emu.sendAs(bob.id, { to: alice.id, text: 'first' });
	await waitFor(() => wf.executions.length === 1, 'the first DM');
	await env.host.down();
	env.emu.sendAs(bob.id, { to: alice.id, text: 'missed' });
	await deliveriesGivenUp(String(wf.nodeState.webhookId), 1);
	env.emu.invalidateWebhook(String(wf.nodeState.webhookId));
	await env.host.up();
	await wf.activate('init');
	await waitFor(() => wf.emitted().length === 2, 'the missed DM');
	expect(wf.emitted().map((item) => item.text)).toEqual(['first', 'missed']);
	expect(env.emu.webhooks().filter((hook) => hook.appId === APP_ID)).toEqual([expect.objectContaining({ valid: true })]);
});

test('Catch Up After Downtime off: the restart asks for no replay', async () => {
	const { alice, bob } = env.people;
	const wf = env.workflow('wf-nocatch', { options: { catchUp: false } });
	await wf.activate();
	env.emu.sendAs(bob.id, { to: alice.id, text: 'one' });
	await waitFor(() => wf.executions.length === 1, 'the DM');
	await wf.activate('init');
	expect(env.emu.replayJobs()).toEqual([]);
});

test('a test run in the editor asks for no replay', async () => {
	const { alice, bob } = env.people;
	const wf = env.workflow('wf-test', {}, { test: true });
	await wf.activate();
	expect(wf.url).toContain('/webhook-test/');
	env.emu.sendAs(bob.id, { to: alice.id, text: 'test event' });
	await waitFor(() => wf.executions.length === 1, 'the test event');
	await wf.activate();
	expect(env.emu.replayJobs()).toEqual([]);
	expect(env.emu.subscriptions().filter((sub) => sub.appId === APP_ID)).toEqual([expect.objectContaining({ tag: 'n8n:wf-test:node-wf-test:test' })]);
});

test('a gap beyond X\'s 24 hours: the warning names the span that cannot be replayed, the rest is replayed', async () => {
	const wf = env.workflow('wf-long');
	await wf.activate();
	wf.nodeState.lastDeliveryAt = Date.now() - 30 * 60 * MINUTE;
	wf.nodeState.activatedAt = Date.now() - 40 * 60 * MINUTE;
	await wf.activate('init');
	expect(env.host.logged('warn')).toEqual([expect.stringMatching(/events between .* and .* cannot be replayed \(X replays the last 24 hours only\)/)]);
	expect(env.emu.replayJobs()).toHaveLength(1);
});

test('a workflow active for more than 24 hours with recent deliveries replays the last 24 hours without a warning', async () => {
	const wf = env.workflow('wf-uptime');
	await wf.activate();
	wf.nodeState.activatedAt = Date.now() - 40 * 60 * MINUTE;
	wf.nodeState.lastDeliveryAt = Date.now() - 5 * MINUTE;
	await wf.activate('init');
	expect(env.host.logged('warn')).toEqual([]);
	expect(env.emu.replayJobs()).toHaveLength(1);
});

test('a replay already running is logged, not fatal', async () => {
	const wf = env.workflow('wf-conflict');
	env.emu.setOption('replayDelayMs', 2000);
	await wf.activate();
	env.emu.sendAs(env.people.bob.id, { to: env.people.alice.id, text: 'x' });
	await waitFor(() => wf.executions.length === 1, 'the DM');
	await wf.activate('init');
	await wf.activate('init');
	expect(env.host.logged('warn')).toEqual([expect.stringContaining('a replay job is already running')]);
});
