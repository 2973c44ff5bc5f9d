// The stream trigger keeps its one connection: X's disconnects, dropped sockets, stalls, refused and failing
// reconnects, duplicated and reordered events. Every DM sent to the account arrives exactly once.
import type { XUser } from '../../fixtures/credentials';
import type { RequestLogEntry } from '../../fixtures/emulator';
import { APP_ID, settleFor, useStreamEnv, waitFor } from './stream-env';

const env = useStreamEnv();

const ARRIVAL_MS = 800;

function send(from: XUser, text: string): string {
	return env.emu.sendAs(from.id, { to: env.people.alice.id, text }).id;
}

/** An active workflow that got one DM over its first connection. */
async function running(id: string) {
	const wf = env.workflow(id);
	await wf.start();
	const first = send(env.people.bob, 'before');
	await waitFor(() => wf.executions.length === 1, 'the first DM');
	const [connection] = env.streams();
	return { wf, first, connection };
}

/** Waits until exactly the DMs `ids` were emitted, then a little longer for any duplicate, and checks the order-free set. */
async function expectExactly(wf: ReturnType<typeof env.workflow>, ids: string[], timeoutMs = 8000): Promise<void> {
	await waitFor(() => wf.emitted().length >= ids.length, `${ids.length} items`, timeoutMs).catch(() => undefined);
	await settleFor(ARRIVAL_MS);
	const emitted = wf.emitted().map((item) => String(item.id));
	expect([...emitted].sort()).toEqual([...ids].sort());
	expect(emitted).toHaveLength(ids.length);
}

const statuses = (requests: RequestLogEntry[]) => requests.map((request) => request.status);

describe.each(['disconnect', 'reset'] as const)('%s', (kind) => {
	test('reconnects at once with backfill_minutes=1; the DMs sent meanwhile arrive once, later ones live', async () => {
		const { bob, carol, dave } = env.people;
		const { wf, first, connection } = await running(`wf-${kind}`);
		const faultAt = env.emu.clock.now();
		env.emu.streamFault({ kind, appId: APP_ID });
		// Sent while no connection is open: only the app's history has them.
		const gap = [send(carol, 'gap 1'), send(bob, 'gap 2')];
		const fresh = await env.waitForConnection([connection.id]);
		expect(fresh.backfillMinutes).toBe(1);
		const after = send(dave, 'after');
		await expectExactly(wf, [first, ...gap, after]);
		const requests = env.streamRequests();
		expect(statuses(requests)).toEqual([200, 200]);
		expect(requests[1].query.backfill_minutes).toBe('1');
		// "Immediate first": no back-off before the first reconnect after a connection that worked.
		expect(requests[1].at - faultAt).toBeLessThan(1000);
		expect(wf.errors).toEqual([]);
		expect(wf.executions.filter((execution) => execution.items.length !== 1)).toEqual([]);
	});
});

test('stall: no byte for silenceSeconds → the stalled connection is dropped and a new one backfills what it lost', async () => {
	const { carol } = env.people;
	const { wf, first, connection } = await running('wf-stall');
	env.emu.streamFault({ kind: 'stall', appId: APP_ID });
	const stalledAt = Date.now();
	const lost = send(carol, 'while stalled');
	const fresh = await env.waitForConnection([connection.id], 8000);
	const detectedAfterMs = Date.now() - stalledAt;
	expect(detectedAfterMs).toBeGreaterThanOrEqual(900);
	expect(detectedAfterMs).toBeLessThan(5000);
	expect(fresh.backfillMinutes).toBeGreaterThanOrEqual(1);
	await expectExactly(wf, [first, lost]);
	expect(env.streams().map((view) => view.id)).toEqual([fresh.id]);
});

test('heartbeats alone keep the connection: no reconnect while only \\r\\n arrives', async () => {
	await running('wf-quiet');
	await settleFor(3000);
	expect(env.streamRequests()).toHaveLength(1);
	expect(env.streams()[0].heartbeatsSent).toBeGreaterThanOrEqual(10);
});

test('duplicate-next: X sends events twice, each DM is emitted once', async () => {
	const { bob, carol } = env.people;
	const { wf, first } = await running('wf-dup');
	env.emu.streamFault({ kind: 'duplicate-next', appId: APP_ID, count: 3 });
	const sent = [send(carol, 'dup 1'), send(bob, 'dup 2'), send(carol, 'dup 3')];
	await expectExactly(wf, [first, ...sent]);
	expect(env.streams()[0].duplicateNext).toBe(0);
	expect(wf.executions).toHaveLength(4);
});

test('out of order: a DM the live stream dropped comes back by backfill after newer ones, once; the others are not repeated', async () => {
	const { bob, carol } = env.people;
	const { wf, first, connection } = await running('wf-order');
	env.emu.streamFault({ kind: 'drop-next', appId: APP_ID });
	const dropped = send(carol, 'dropped live');
	const newer = send(bob, 'newer');
	await waitFor(() => wf.emitted().length === 2, 'the newer DM');
	env.emu.streamFault({ kind: 'disconnect', appId: APP_ID });
	await env.waitForConnection([connection.id]);
	await expectExactly(wf, [first, newer, dropped]);
	expect(wf.emitted().map((item) => item.id)).toEqual([first, newer, dropped]);
});

test('TooManyConnections on a reconnect: retried after the (capped) back-off, nothing lost, the workflow stays active', async () => {
	const { carol } = env.people;
	const { wf, first, connection } = await running('wf-429');
	env.emu.streamFault({ kind: 'too-many-connections', appId: APP_ID, count: 2 });
	env.emu.streamFault({ kind: 'disconnect', appId: APP_ID });
	const gap = send(carol, 'while refused');
	await env.waitForConnection([connection.id], 10_000);
	const requests = env.streamRequests();
	expect(statuses(requests)).toEqual([200, 429, 429, 200]);
	// X: 60 s after a 429, capped here by Max Reconnect Wait = 1 s.
	expect(requests[2].at - requests[1].at).toBeGreaterThanOrEqual(900);
	expect(requests[3].at - requests[2].at).toBeGreaterThanOrEqual(900);
	expect(requests[3].at - requests[1].at).toBeLessThan(5000);
	await expectExactly(wf, [first, gap]);
	expect(wf.errors).toEqual([]);
	expect(wf.active).toBe(true);
});

test('HTTP errors on a reconnect (503): retried after the capped back-off', async () => {
	const { carol } = env.people;
	const { wf, first, connection } = await running('wf-503');
	env.emu.addFault({ method: 'GET', path: '/2/activity/stream', status: 503, times: 2 });
	env.emu.streamFault({ kind: 'disconnect', appId: APP_ID });
	const gap = send(carol, 'while failing');
	await env.waitForConnection([connection.id], 10_000);
	const requests = env.streamRequests();
	expect(statuses(requests)).toEqual([200, 503, 503, 200]);
	expect(requests[2].at - requests[1].at).toBeGreaterThanOrEqual(900);
	expect(requests[3].at - requests[2].at).toBeGreaterThanOrEqual(900);
	await expectExactly(wf, [first, gap]);
	expect(wf.errors).toEqual([]);
});

test('network errors on a reconnect: 250 ms more per attempt', async () => {
	const { carol } = env.people;
	const { wf, first, connection } = await running('wf-net');
	env.emu.addFault({ method: 'GET', path: '/2/activity/stream', reset: 'before', times: 3 });
	env.emu.streamFault({ kind: 'disconnect', appId: APP_ID });
	const gap = send(carol, 'while unreachable');
	await env.waitForConnection([connection.id], 10_000);
	const requests = env.streamRequests();
	expect(requests).toHaveLength(5);
	expect(requests.slice(1, 4).every((request) => request.faulted === true)).toBe(true);
	const waits = [2, 3, 4].map((index) => requests[index].at - requests[index - 1].at);
	expect(waits[0]).toBeGreaterThanOrEqual(200);
	expect(waits[1]).toBeGreaterThanOrEqual(450);
	expect(waits[2]).toBeGreaterThanOrEqual(700);
	expect(Math.max(...waits)).toBeLessThan(1500);
	await expectExactly(wf, [first, gap]);
});

test('a stall while X\'s clock moves past backfill reach (10 min): the gap is read from GET /2/dm_events, each DM once', async () => {
	const { bob, carol } = env.people;
	const { wf, first, connection } = await running('wf-longstall');
	env.emu.streamFault({ kind: 'stall', appId: APP_ID });
	const early = send(carol, 'early in the gap');
	env.emu.clock.advance(10 * 60_000);
	const late = send(bob, 'late in the gap');
	await env.waitForConnection([connection.id], 8000);
	const live = send(carol, 'live again');
	await expectExactly(wf, [first, early, late, live]);
	const listings = env.emu.requests().filter((request) => request.method === 'GET' && request.path === '/2/dm_events');
	expect(listings.length).toBeGreaterThanOrEqual(1);
	expect(wf.errors).toEqual([]);
});
