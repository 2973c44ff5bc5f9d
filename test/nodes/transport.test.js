'use strict';

// The shared transport through n8n-core against the emulator: failures without a usable answer (connection resets,
// timeouts, refused connections) and rate limits judged on the server's clock. The classification of network errors
// on its own is tested in test/nodes/shared/transport/network.test.ts.
const net = require('net');
const { startEmulator } = require('../emulator');
const { shutdown } = require('../helpers/n8n-harness');
const { rl, runAction, addPeople, apiRequests, credentialSetup } = require('../helpers/x-node');

afterAll(() => shutdown());

describe('through n8n-core against the emulator', () => {
	let emu;
	let people;

	beforeAll(async () => {
		emu = await startEmulator();
	});

	afterAll(() => emu.close());

	beforeEach(() => {
		emu.reset();
		people = addPeople(emu);
	});

	const messages = () => emu.events().filter((event) => event.event_type === 'MessageCreate');
	const sendToBob = (text = 'hello') => ({ resource: 'message', operation: 'sendToUser', recipient: rl('id', people.bob.id), text });

	test('a GET whose response is cut short is repeated once', async () => {
		const sent = emu.sendAs(people.bob.id, { to: people.alice.id, text: 'hi' });
		emu.addFault({ method: 'GET', path: `/2/dm_events/${sent.id}`, reset: 'during' });
		const { error, json } = await runAction({ setup: credentialSetup(emu, people.alice, 'oAuth2'), parameters: { resource: 'event', operation: 'get', eventId: sent.id } });
		expect(error).toBeUndefined();
		expect(json[0].id).toBe(sent.id);
		expect(apiRequests(emu)).toHaveLength(2);
	});

	test('a GET cut short twice names the reset', async () => {
		const sent = emu.sendAs(people.bob.id, { to: people.alice.id, text: 'hi' });
		emu.addFault({ method: 'GET', path: `/2/dm_events/${sent.id}`, reset: 'during', times: 2 });
		const { error } = await runAction({ setup: credentialSetup(emu, people.alice, 'oAuth1'), parameters: { resource: 'event', operation: 'get', eventId: sent.id } });
		expect(error.message).toBe(`Could not reach X: the connection was reset (GET /2/dm_events/${sent.id})`);
		expect(error.description).toContain('tried twice');
		expect(apiRequests(emu)).toHaveLength(2);
	});

	test('a send whose response is cut short is not repeated and says it may have been sent', async () => {
		emu.addFault({ method: 'POST', path: '/2/dm_conversations/with/', reset: 'during' });
		const { error } = await runAction({ setup: credentialSetup(emu, people.alice, 'oAuth2'), parameters: sendToBob() });
		expect(error.message).toBe('The Direct Message may or may not have been sent: the connection was reset');
		expect(apiRequests(emu).filter((request) => request.method === 'POST')).toHaveLength(1);
		expect(messages()).toHaveLength(1);
	});

	test('a refused connection never reached X: even a send is tried a second time', async () => {
		const closedPort = await new Promise((resolve) => {
			const server = net.createServer().listen(0, '127.0.0.1', () => {
				const { port } = server.address();
				server.close(() => resolve(port));
			});
		});
		const setup = credentialSetup(emu, people.alice, 'oAuth1');
		setup.credentials[setup.type].baseUrl = `http://127.0.0.1:${closedPort}`;
		const { error } = await runAction({ setup, parameters: sendToBob() });
		expect(error.message).toMatch(/^Could not reach X: the connection was refused \(POST \/2\/dm_conversations\/with\/\d+\/messages\)$/);
		expect(error.description).toContain('tried twice');
		expect(messages()).toHaveLength(0);
	});
});

describe('rate limits on the server clock', () => {
	// A frozen emulator clock far from wall time: only the server's Date header can give the right wait.
	const SERVER_NOW = Date.UTC(2021, 5, 1, 12, 0, 0);
	let emu;
	let people;

	beforeAll(async () => {
		emu = await startEmulator({ now: SERVER_NOW });
		people = addPeople(emu);
	});

	afterAll(() => emu.close());

	test('the wait is reset minus the Date header, and the reset travels on the error as data', async () => {
		emu.setRateLimitProfile({ base: 'launch', dmPost: { user15: 1, user24: 1000, app24: 15000, dayHeaders: true } });
		const setup = credentialSetup(emu, people.alice, 'oAuth2');
		const parameters = { resource: 'message', operation: 'sendToUser', recipient: rl('id', people.bob.id), text: 'one' };
		expect((await runAction({ setup, parameters })).error).toBeUndefined();
		const { error } = await runAction({ setup, parameters: { ...parameters, text: 'two' } });
		const resetMs = SERVER_NOW + 15 * 60 * 1000;
		expect(error.message).toBe(`X rate limit reached: the limit resets at ${new Date(resetMs).toISOString()} (in 900 s; Max Rate-Limit Wait is 60 s)`);
		expect(error.httpCode).toBe('429');
		expect(error.context.rateLimitResetMs).toBe(resetMs);
		// No waiting and no repeat: the second send was refused once.
		expect(apiRequests(emu).map((request) => request.status)).toEqual([201, 429]);
	});
});
