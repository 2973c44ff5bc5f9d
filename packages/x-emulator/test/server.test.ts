// The HTTP front end: the Date header follows the emulator clock, not wall time.
import type { Emulator } from '../src';
import { call, closeAndExpectCleanRun, createUserWithToken, START_MS, startTestEmulator, type UserWithToken } from './helpers';

describe('Date response header', () => {
	let emu: Emulator;
	let alice: UserWithToken;

	beforeEach(async () => {
		emu = await startTestEmulator();
		alice = createUserWithToken(emu, { username: 'alice' });
	});

	afterEach(() => closeAndExpectCleanRun(emu));

	const httpDate = (ms: number) => new Date(ms).toUTCString();

	test('API, 401, unknown-path, OAuth and control responses all carry the emulator time', async () => {
		expect((await call(emu, 'GET', '/2/users/me', { token: alice.token })).headers.date).toBe(httpDate(START_MS));
		expect((await call(emu, 'GET', '/2/dm_events', { token: 'nope' })).headers.date).toBe(httpDate(START_MS));
		expect((await call(emu, 'GET', '/2/no/such/path')).headers.date).toBe(httpDate(START_MS));
		expect((await call(emu, 'POST', '/2/oauth2/revoke', { body: 'token=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).headers.date).toBe(httpDate(START_MS));
		expect((await call(emu, 'GET', '/_emulator/clock')).headers.date).toBe(httpDate(START_MS));
	});

	test('moves with the clock, so reset minus Date is the wait the server means', async () => {
		emu.clock.advance(90 * 60 * 1000);
		const response = await call(emu, 'GET', '/2/dm_events', { token: alice.token });
		expect(response.headers.date).toBe(httpDate(START_MS + 90 * 60 * 1000));
		const waitSeconds = Number(response.headers['x-rate-limit-reset']) - Date.parse(String(response.headers.date)) / 1000;
		expect(waitSeconds).toBe(15 * 60);
	});

	test('a fault can send its own Date (a server clock that is off)', async () => {
		emu.addFault({ path: '/2/users/me', headers: { date: httpDate(START_MS - 3600_000) } });
		expect((await call(emu, 'GET', '/2/users/me', { token: alice.token })).headers.date).toBe(httpDate(START_MS - 3600_000));
	});
});
