// n8n restarts (closeFunction, then trigger() again with the static data n8n saved): the DMs sent while the workflow
// was not listening are read from GET /2/dm_events, each emitted once as its own execution, oldest first.
import type { XUser } from '../../fixtures/credentials';
import { oneToOneId } from '../../fixtures/x-node';
import { settleFor, useStreamEnv, waitFor } from './stream-env';

const env = useStreamEnv();
const HOUR = 60 * 60_000;

function send(from: XUser, text: string, to: XUser = env.people.alice): string {
	return env.emu.sendAs(from.id, { to: to.id, text }).id;
}

const listings = () => env.emu.requests().filter((request) => request.method === 'GET' && request.path === '/2/dm_events');

async function settled(wf: ReturnType<typeof env.workflow>, count: number): Promise<string[]> {
	await waitFor(() => wf.emitted().length >= count, `${count} items`, 10_000).catch(() => undefined);
	await settleFor(800);
	return wf.emitted().map((item) => String(item.id));
}

/**
 * Every DM of `all` emitted once; the caught-up ones (no event_uuid: read from GET /2/dm_events) are exactly
 * `missed`, oldest first. Live events may come before the catch-up has finished.
 */
async function expectCatchUp(wf: ReturnType<typeof env.workflow>, all: string[], missed: string[]): Promise<void> {
	const emitted = await settled(wf, all.length);
	expect([...emitted].sort()).toEqual([...all].sort());
	expect(emitted).toHaveLength(all.length);
	expect(wf.emitted().filter((item) => item.event_uuid === undefined).map((item) => String(item.id))).toEqual(missed);
}

test('a restart a few seconds later: the DMs of the downtime arrive once each, oldest first, as their own executions', async () => {
	const { alice, bob, carol } = env.people;
	const wf = env.workflow('wf-restart');
	await wf.start();
	const before = send(bob, 'before');
	await waitFor(() => wf.executions.length === 1, 'the first DM');

	let missed: string[] = [];
	await wf.restart(() => {
		expect(env.subscriptions()).toEqual([]);
		missed = [send(bob, 'while down 1'), send(carol, 'while down 2'), send(bob, 'while down 3')];
	});
	const after = send(carol, 'after');
	await expectCatchUp(wf, [before, ...missed, after], missed);
	// One execution per caught-up DM.
	expect(wf.executions.map((execution) => execution.items.length)).toEqual([1, 1, 1, 1, 1]);
	expect(wf.executions.map((execution) => execution.generation)).toEqual([1, 2, 2, 2, 2]);
	const caughtUp = wf.emitted().filter((item) => item.event_uuid === undefined);
	expect(caughtUp).toHaveLength(3);
	for (const item of caughtUp) {
		expect(item).toMatchObject({ event_type: 'MessageCreate', x_event_type: 'dm.received', direction: 'received', recipient_id: alice.id, dm_conversation_id: expect.any(String) });
		expect(item.sender).toEqual(expect.objectContaining({ username: expect.any(String) }));
	}
	expect(caughtUp[1]).toMatchObject({ text: 'while down 2', sender_id: carol.id, dm_conversation_id: oneToOneId(alice, carol) });
	// The gap is read once (X bills every event a read returns): no page is asked for twice.
	const pages = listings().map((request) => JSON.stringify(request.query));
	expect(pages.length).toBeGreaterThanOrEqual(1);
	expect(pages).toEqual([...new Set(pages)]);
	expect(env.subscriptions()).toHaveLength(1);
	expect(wf.errors).toEqual([]);
});

test('a long gap: n8n down while X\'s clock moves by hours; each DM of the gap once, nothing from before it again', async () => {
	const { bob, carol, dave } = env.people;
	const wf = env.workflow('wf-long');
	await wf.start();
	const before = [send(bob, 'before 1'), send(carol, 'before 2')];
	await waitFor(() => wf.executions.length === 2, 'the DMs before');

	const missed: string[] = [];
	await wf.restart(() => {
		missed.push(send(bob, 'gap at 0 h'));
		env.emu.clock.advance(2 * HOUR);
		missed.push(send(carol, 'gap at 2 h'), send(dave, 'gap at 2 h too'));
		env.emu.clock.advance(3 * HOUR);
		missed.push(send(bob, 'gap at 5 h'));
	});
	const after = send(dave, 'after');
	await expectCatchUp(wf, [...before, ...missed, after], missed);
	expect(listings().length).toBeGreaterThanOrEqual(1);
	// The saved state after the catch-up: alive again on X's clock (5 h later than at the start).
	expect(Number(wf.nodeState.lastAliveAt)).toBeGreaterThan(env.emu.clock.now() - 60_000);
});

test('two restarts in a row: the second catches up only what the first did not emit', async () => {
	const { bob, carol } = env.people;
	const wf = env.workflow('wf-twice');
	await wf.start();
	const first = send(bob, 'first');
	await waitFor(() => wf.executions.length === 1, 'the first DM');
	let a = '';
	await wf.restart(() => void (a = send(carol, 'gap a')));
	await waitFor(() => wf.executions.length === 2, 'gap a');
	let b = '';
	await wf.restart(() => {
		env.emu.clock.advance(10 * 60_000);
		b = send(bob, 'gap b');
	});
	expect(await settled(wf, 3)).toEqual([first, a, b]);
});

test('Message Sent in the gap: x_event_type dm.sent by the sender', async () => {
	const { alice, bob } = env.people;
	const wf = env.workflow('wf-sent-gap', { events: ['dm.received', 'dm.sent'] });
	await wf.start();
	let sent = '';
	let received = '';
	await wf.restart(() => {
		sent = send(alice, 'mine', bob);
		received = send(bob, 'theirs');
	});
	expect(await settled(wf, 2)).toEqual([sent, received]);
	expect(wf.emitted()[0]).toMatchObject({ x_event_type: 'dm.sent', direction: 'sent', sender_id: alice.id });
	expect(wf.emitted()[1]).toMatchObject({ x_event_type: 'dm.received', direction: 'received', sender_id: bob.id });
});

test('the account\'s own messages in the gap are not emitted when only Message Received is chosen', async () => {
	const { alice, bob, carol } = env.people;
	const wf = env.workflow('wf-own-gap');
	await wf.start();
	let theirs: string[] = [];
	await wf.restart(() => {
		send(alice, 'mine to bob', bob);
		theirs = [send(bob, 'from bob'), send(carol, 'from carol')];
		send(alice, 'mine to carol', carol);
	});
	expect(await settled(wf, 2)).toEqual(theirs);
});

test('Only From Senders applies to caught-up messages too', async () => {
	const { bob, carol } = env.people;
	const wf = env.workflow('wf-senders-gap', { options: { senders: '@carol' } });
	await wf.start();
	let fromCarol = '';
	await wf.restart(() => {
		send(bob, 'from bob');
		fromCarol = send(carol, 'from carol');
	});
	expect(await settled(wf, 1)).toEqual([fromCarol]);
});

test('Catch Up After Downtime off: no GET /2/dm_events, the DMs of the downtime are not emitted, later ones are', async () => {
	const { bob, carol } = env.people;
	const wf = env.workflow('wf-nocatch', { options: { catchUp: false } });
	await wf.start();
	const before = send(bob, 'before');
	await waitFor(() => wf.executions.length === 1, 'the first DM');
	await wf.restart(() => void send(carol, 'while down'));
	const after = send(bob, 'after');
	expect(await settled(wf, 2)).toEqual([before, after]);
	expect(wf.emitted().every((item) => typeof item.event_uuid === 'string')).toBe(true);
	expect(listings()).toEqual([]);
});

test.each(['update', 'leadershipChange'] as const)('an activation that resumes the running workflow (%s) catches up', async (activation) => {
	const { bob, carol } = env.people;
	const wf = env.workflow(`wf-${activation}`);
	await wf.start();
	const before = send(bob, 'before');
	await waitFor(() => wf.executions.length === 1, 'the first DM');
	await wf.close();
	const missed = send(carol, 'while saving');
	await wf.start(activation);
	await expectCatchUp(wf, [before, missed], [missed]);
	expect(env.logged('info')).toEqual(expect.arrayContaining([expect.stringMatching(/caught up from .*: 1 message\(s\) the stream had not delivered/)]));
});

test('an activation by hand after a deactivation starts afresh: what was sent while it was off is not emitted', async () => {
	const { bob, carol } = env.people;
	const wf = env.workflow('wf-by-hand');
	await wf.start();
	const before = send(bob, 'before');
	await waitFor(() => wf.executions.length === 1, 'the first DM');
	await wf.close();
	send(carol, 'while off');
	await wf.start('activate');
	const after = send(bob, 'after');
	expect(await settled(wf, 2)).toEqual([before, after]);
	expect(listings()).toEqual([]);
});

test('the first activation catches nothing up: DMs from before it are not emitted', async () => {
	const { bob } = env.people;
	send(bob, 'long before');
	const wf = env.workflow('wf-fresh');
	await wf.start();
	const after = send(bob, 'after');
	expect(await settled(wf, 1)).toEqual([after]);
});
