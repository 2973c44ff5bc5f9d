// Stream faults: operational disconnects, resets, stalls, dropped and duplicated events, refused connections, faults
// on the next connection, the control API commands, and reset()/close() ending every connection and timer.
import { runtimeOf } from '../src/emulator';
import { OPERATIONAL_DISCONNECT } from '../src/push/stream';
import { closeAndExpectCleanRun } from './helpers';
import { APP_ID, pause, startPushWorld, waitFor, type PushWorld } from './push-helpers';
import { openStream, sendDm, subscribeStreamOnly, waitForMessages, type StreamClient } from './push-stream-client';

const texts = (client: StreamClient) => client.messages().map((message) => message.data?.payload.direct_message_events[0].message_create.message_data.text ?? 'error');

async function control(world: PushWorld, name: string, body: unknown): Promise<{ status: number; body: any }> {
	const answer = await fetch(`${world.emu.url}/_emulator/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	return { status: answer.status, body: await answer.json() };
}

describe('activity stream faults', () => {
	let world: PushWorld;
	const clients: StreamClient[] = [];
	async function connect(query = ''): Promise<StreamClient> {
		const client = await openStream(world.emu, world.bearer, query);
		clients.push(client);
		return client;
	}
	async function setUp(options: Parameters<typeof startPushWorld>[0] = {}) {
		world = await startPushWorld({ streamHeartbeatMs: 0, ...options });
		await subscribeStreamOnly(world, world.alice, 'dm.received');
	}
	const dm = (text: string) => sendDm(world, world.bob, world.alice, text);
	afterEach(async () => {
		clients.splice(0).forEach((client) => client.close());
		await world.close();
		await closeAndExpectCleanRun(world.emu);
	});

	it('disconnect: the operational-disconnect line, then the response ends (control API)', async () => {
		await setUp();
		const stream = await connect();
		await dm('before');
		await waitForMessages(stream, 1);
		const answer = await control(world, 'streamFault', { kind: 'disconnect' });
		expect(answer).toEqual({ status: 200, body: { streams: [] } });
		await stream.done;
		expect(stream.finished).toBe('end');
		expect(stream.lines()[1]).toBe(JSON.stringify(OPERATIONAL_DISCONNECT));
		expect(stream.raw.endsWith('\r\n')).toBe(true);
		expect(world.emu.streams()).toEqual([]);
		const none = await control(world, 'streamFault', { kind: 'disconnect' });
		expect(none).toEqual({ status: 400, body: { error: 'no open stream connection matches the fault' } });
	});

	it('reset drops the connection without a word; closeStreams ends them, with disconnect after the error line', async () => {
		await setUp();
		const dropped = await connect();
		world.emu.streamFault({ kind: 'reset', appId: APP_ID });
		await dropped.done;
		expect(dropped.finished).toBe('aborted');
		expect(dropped.raw).toBe('');
		const [plain, told] = [await connect(), await connect()];
		expect(world.emu.closeStreams({ appId: 'another-app' })).toBe(0);
		world.emu.streamFault({ kind: 'disconnect', connectionId: world.emu.streams()[1].id });
		await told.done;
		expect(told.messages()).toEqual([OPERATIONAL_DISCONNECT]);
		expect((await control(world, 'closeStreams', {})).body).toEqual({ closed: 1 });
		await plain.done;
		expect(plain.finished).toBe('end');
		expect(plain.raw).toBe('');
		const third = await connect();
		expect((await control(world, 'closeStreams', { disconnect: true })).body).toEqual({ closed: 1 });
		await third.done;
		expect(third.messages()).toEqual([OPERATIONAL_DISCONNECT]);
	});

	it('stall: the connection stays open and sends nothing, no heartbeats; events meanwhile are lost to it', async () => {
		await setUp({ streamHeartbeatMs: 20 });
		const stream = await connect();
		await waitFor(() => stream.lines().length >= 2, 1000, 'heartbeats');
		const [view] = world.emu.streamFault({ kind: 'stall' });
		expect(view).toMatchObject({ stalled: true });
		await pause(30);
		const frozen = stream.raw;
		await dm('while stalled');
		await pause(120);
		expect(stream.raw).toBe(frozen);
		expect(stream.finished).toBeUndefined();
		expect(world.emu.streams()).toEqual([expect.objectContaining({ stalled: true, eventsSent: 0 })]);
		world.emu.streamFault({ kind: 'resume' });
		await waitFor(() => stream.raw.length > frozen.length, 1000, 'heartbeats again');
		await dm('after');
		await waitForMessages(stream, 1);
		expect(texts(stream)).toEqual(['after']);
		// A backfill brings the lost one back.
		stream.close();
		const again = await connect('?backfill_minutes=5');
		await waitForMessages(again, 2);
		expect(texts(again)).toEqual(['while stalled', 'after']);
	});

	it('drop-next and duplicate-next act on the next events of the matching connections', async () => {
		await setUp();
		const [one, two] = [await connect(), await connect()];
		const [oneId] = world.emu.streams().map((view) => view.id);
		world.emu.streamFault({ kind: 'drop-next', connectionId: oneId, count: 2 });
		const answer = await control(world, 'streamFault', { kind: 'duplicate-next' });
		expect(answer.body.streams).toEqual([expect.objectContaining({ dropNext: 2, duplicateNext: 1 }), expect.objectContaining({ dropNext: 0, duplicateNext: 1 })]);
		for (const text of ['a', 'b', 'c']) await dm(text);
		await waitForMessages(one, 2);
		await waitForMessages(two, 4);
		expect(texts(one)).toEqual(['c', 'c']);
		expect(texts(two)).toEqual(['a', 'a', 'b', 'c']);
		expect(world.emu.streams().map((view) => view.eventsSent)).toEqual([1, 3]);
		expect((await control(world, 'streamFault', { kind: 'drop-next', count: 0 })).status).toBe(400);
		expect((await control(world, 'streamFault', { kind: 'explode' })).status).toBe(400);
	});

	it('too-many-connections refuses the next attempts; onConnect faults hit the next connection before its backfill', async () => {
		await setUp();
		await dm('old');
		world.emu.streamFault({ kind: 'too-many-connections', count: 2 });
		expect((await connect()).status).toBe(429);
		expect((await connect()).body).toMatchObject({ connection_issue: 'TooManyConnections' });
		const stalled = await connect('?backfill_minutes=1');
		expect(stalled.status).toBe(200);
		stalled.close();
		world.emu.streamFault({ kind: 'stall', onConnect: true });
		world.emu.streamFault({ kind: 'duplicate-next', onConnect: true, appId: APP_ID });
		const quiet = await connect('?backfill_minutes=1');
		await pause(50);
		expect(quiet.raw).toBe('');
		expect(world.emu.streams()).toEqual([expect.objectContaining({ stalled: true })]);
		quiet.close();
		const doubled = await connect('?backfill_minutes=1');
		await waitForMessages(doubled, 2);
		expect(texts(doubled)).toEqual(['old', 'old']);
		world.emu.streamFault({ kind: 'disconnect', onConnect: true });
		const cut = await connect('?backfill_minutes=1');
		await cut.done;
		expect(cut.messages()).toEqual([OPERATIONAL_DISCONNECT]);
		expect(() => world.emu.streamFault({ kind: 'resume', onConnect: true })).toThrow('open connections only');
	});

	it('streams is a read-only control command; reset() and close() end every stream and heartbeat', async () => {
		await setUp({ streamHeartbeatMs: 20 });
		const stream = await connect();
		await dm('kept until reset');
		const listed = await fetch(`${world.emu.url}/_emulator/streams?appId=${APP_ID}`);
		expect(await listed.json()).toEqual([expect.objectContaining({ appId: APP_ID, mode: 'live', eventsSent: 1 })]);
		const hub = runtimeOf(world.emu).push.stream;
		expect(hub.pendingTimers).toBe(1);
		world.emu.reset();
		await stream.done;
		expect(stream.finished).toBe('end');
		expect(hub.pendingTimers).toBe(0);
		expect(hub.history.size).toBe(0);
		expect(world.emu.streams()).toEqual([]);
		// A fresh app after the reset: the stream opens, then close() ends it.
		world.emu.registerOAuth1App({ consumerKey: 'k', consumerSecret: 's', appId: APP_ID });
		const token = world.emu.issueAppToken({ appId: APP_ID });
		const later = await openStream(world.emu, token, '?backfill_minutes=5');
		clients.push(later);
		await pause(30);
		expect(later.messages()).toEqual([]);
		await world.emu.close();
		await later.done;
		expect(hub.pendingTimers).toBe(0);
		expect(world.emu.streams()).toEqual([]);
	});
});
