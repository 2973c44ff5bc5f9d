'use strict';

// The shared transport's view of failures without a usable answer (connection resets, timeouts, refused
// connections), and of rate limits judged on the server's clock.
const net = require('net');
const path = require('path');
const { NodeApiError } = require('n8n-workflow');
const { startEmulator } = require('../emulator');
const { shutdown } = require('../helpers/n8n-harness');
const { rl, runAction, addPeople, apiRequests, credentialSetup } = require('../helpers/x-node');

// axios as n8n-core resolves it: the errors below are built the way n8n-core's HTTP helper receives them.
const { AxiosError } = require(require.resolve('axios', { paths: [path.dirname(require.resolve('n8n-core'))] }));
const { classifyNetworkError } = require('../../dist/nodes/shared/transport');

const NODE = { id: 'n', name: 'X DM', type: 'x', typeVersion: 1, position: [0, 0], parameters: {} };

// What n8n-core's httpRequestWithAuthentication throws: the axios error wrapped in a NodeApiError.
const wrapped = (message, code) => new NodeApiError(NODE, new AxiosError(message, code));

afterAll(() => shutdown());

describe('classifyNetworkError', () => {
	test('n8n drops .cause, but the axios code survives and decides', () => {
		const reset = wrapped('socket hang up', 'ECONNRESET');
		expect(reset.cause).toBeUndefined();
		expect(classifyNetworkError(reset)).toEqual({ kind: 'reset', code: 'ECONNRESET' });
		expect(classifyNetworkError(wrapped('timeout of 200ms exceeded', 'ECONNABORTED'))).toEqual({ kind: 'timeout', code: 'ECONNABORTED' });
		expect(classifyNetworkError(wrapped('connect ECONNREFUSED 127.0.0.1:9', 'ECONNREFUSED'))).toEqual({ kind: 'refused', code: 'ECONNREFUSED' });
		expect(classifyNetworkError(wrapped('getaddrinfo ENOTFOUND api.x.invalid', 'ENOTFOUND'))).toEqual({ kind: 'dns', code: 'ENOTFOUND' });
		expect(classifyNetworkError(wrapped('canceled', 'ERR_CANCELED'))).toEqual({ kind: 'cancelled', code: 'ERR_CANCELED' });
	});

	test('a code is trusted over a misleading text', () => {
		expect(classifyNetworkError(wrapped('request timed out while connecting', 'ECONNREFUSED')).kind).toBe('refused');
	});

	test('a response cut short (ERR_BAD_RESPONSE "stream has been aborted") is a reset; other bad responses are unknown', () => {
		expect(classifyNetworkError(wrapped('stream has been aborted', 'ERR_BAD_RESPONSE'))).toEqual({ kind: 'reset', code: 'ERR_BAD_RESPONSE' });
		expect(classifyNetworkError(wrapped('maxContentLength size of 10 exceeded', 'ERR_BAD_RESPONSE')).kind).toBe('unknown');
		expect(classifyNetworkError(wrapped('Request failed with status code 400', 'ERR_BAD_REQUEST')).kind).toBe('unknown');
	});

	test('codes kept in errorResponse, cause or a plain error are found too', () => {
		expect(classifyNetworkError(new NodeApiError(NODE, { code: 'ECONNRESET', message: 'something broke' })).kind).toBe('reset');
		expect(classifyNetworkError(new TypeError('fetch failed', { cause: { code: 'ETIMEDOUT' } })).kind).toBe('timeout');
		expect(classifyNetworkError(Object.assign(new Error('x'), { code: 'EHOSTUNREACH' })).kind).toBe('unreachable');
		expect(classifyNetworkError(new Error('no idea'))).toEqual({ kind: 'unknown' });
	});
});

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
