import { request } from 'undici';
import type { Emulator } from '../src';
import { call, closeAndExpectCleanRun, startWithAliceAndBob, type UserWithToken } from './helpers';

describe('fault injection', () => {
	let emu: Emulator;
	let alice: UserWithToken;
	let bob: UserWithToken;

	beforeEach(async () => {
		({ emu, alice, bob } = await startWithAliceAndBob());
	});

	afterEach(() => closeAndExpectCleanRun(emu));

	const send = (text: string) => call(emu, 'POST', `/2/dm_conversations/with/${bob.user.id}/messages`, { token: alice.token, json: { text } });
	const list = () => call(emu, 'GET', '/2/dm_events', { token: alice.token });

	test('a status fault answers instead of the handler, once by default, with a generic body', async () => {
		emu.addFault({ path: '/2/dm_conversations', status: 503 });
		const failed = await send('lost');
		expect(failed).toMatchObject({ status: 503, body: { title: 'Service Unavailable', type: 'about:blank', status: 503, detail: 'Service Unavailable' } });
		expect(emu.events()).toEqual([]);
		expect((await send('delivered')).status).toBe(201);
		expect(emu.requests().map((entry) => [entry.status, entry.faulted])).toEqual([[503, true], [201, undefined]]);
	});

	test('custom body and headers, `times`, and method matching', async () => {
		emu.addFault({ method: 'GET', path: /^\/2\/dm_events$/, status: 429, body: { title: 'Too Many Requests', type: 'about:blank', status: 429, detail: 'Too Many Requests' }, headers: { 'x-rate-limit-remaining': '0' }, times: 2 });
		expect((await send('post is not matched')).status).toBe(201);
		for (let index = 0; index < 2; index += 1) {
			const response = await list();
			expect(response.status).toBe(429);
			expect(response.headers['x-rate-limit-remaining']).toBe('0');
		}
		expect((await list()).status).toBe(200);
	});

	test('faults match in order and a headers-only fault decorates the real response', async () => {
		emu.addFault({ path: '/2/dm_events', headers: { 'x-extra': 'yes' } });
		emu.addFault({ path: '/2/dm_events', status: 500 });
		const decorated = await list();
		expect(decorated.status).toBe(200);
		expect(decorated.headers['x-extra']).toBe('yes');
		expect((await list()).status).toBe(500);
		emu.addFault({ path: '/2/', status: 502, times: 5 });
		emu.clearFaults();
		expect((await list()).status).toBe(200);
	});

	test("reset 'before' drops the connection without running the handler", async () => {
		emu.addFault({ method: 'POST', reset: 'before' });
		await expect(send('never')).rejects.toThrow();
		expect(emu.events()).toEqual([]);
		expect(emu.requests()[0]).toMatchObject({ faulted: true, status: null });
	});

	test("reset 'after' drops the connection after the message was stored", async () => {
		emu.addFault({ method: 'POST', path: '/2/dm_conversations/with/', reset: 'after' });
		await expect(send('stored anyway')).rejects.toThrow();
		expect(emu.events()).toEqual([expect.objectContaining({ text: 'stored anyway' })]);
		expect(emu.requests()[0]).toMatchObject({ faulted: true, status: 201 });
	});

	test("reset 'during' sends the headers and half of the body, then drops the connection", async () => {
		emu.addFault({ method: 'POST', path: '/2/dm_conversations/with/', reset: 'during' });
		const response = await request(`${emu.url}/2/dm_conversations/with/${bob.user.id}/messages`, {
			method: 'POST',
			headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' },
			body: JSON.stringify({ text: 'cut short' }),
		});
		expect(response.statusCode).toBe(201);
		const declared = Number(response.headers['content-length']);
		await expect(response.body.text()).rejects.toThrow();
		expect(declared).toBeGreaterThan(0);
		expect(emu.events()).toEqual([expect.objectContaining({ text: 'cut short' })]);
		expect(emu.requests()[0]).toMatchObject({ faulted: true, status: 201 });
	});

	test('latency delays the real response', async () => {
		emu.addFault({ path: '/2/dm_events', latencyMs: 30 });
		expect((await list()).status).toBe(200);
		expect(emu.requests()[0].faulted).toBe(true);
	});

	test('over HTTP, a path starting with ^ is a regular expression', async () => {
		const added = await call(emu, 'POST', '/_emulator/addFault', { json: { path: '^/2/dm_conversations/with/[0-9]+/messages$', status: 500 } });
		expect(added.status).toBe(200);
		expect((await send('x')).status).toBe(500);
		await call(emu, 'POST', '/_emulator/addFault', { json: { pathRegex: 'dm_events$', status: 504 } });
		expect((await list()).status).toBe(504);
		expect((await call(emu, 'POST', '/_emulator/addFault', { json: { reset: 'sideways' } })).status).toBe(400);
	});
});
