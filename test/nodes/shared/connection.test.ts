// The request options of every action operation (nodes/shared/connection.ts): Timeout and Max Rate-Limit Wait are
// checked before any request and bounded, so that a value the timers cannot hold never turns a stored DM into an
// "unknown outcome" and a tiny value never silently means "no timeout".
import type { INodeParameters } from 'n8n-workflow';

import { bad } from '../../fixtures/bad-input';
import { AUTH_KINDS, messages, runAction, sendToUser, useEmulator } from '../../fixtures/x-node';

const x = useEmulator();

const sendWithOptions = (options: INodeParameters): INodeParameters => sendToUser(x.people.bob.id, { options });
const getEvent = (eventId: string, options: INodeParameters): INodeParameters => ({ resource: 'event', operation: 'get', eventId, options });

describe('Timeout', () => {
	test.each([
		['2147484 (the timer would overflow)', 2147484, '2147484'],
		['3601', 3601, '3601'],
		['1e-9', 1e-9, '1e-9'],
		['0.0004 (below one millisecond)', 0.0004, '0.0004'],
		['0', 0, '0'],
		['-5', -5, '-5'],
		['a text', 'soon', 'soon'],
	])('%s is refused before any request, and nothing is sent', async (_case, value, shown) => {
		for (const kind of AUTH_KINDS) {
			const { error } = await runAction({ setup: x.auth(kind), parameters: sendWithOptions({ timeout: bad(value) }) });
			expect(error?.name).toBe('NodeOperationError');
			expect(error?.message).toBe(`Timeout must be a number of seconds from 0.001 to 3600, got "${shown}"`);
			expect(error?.description).toBe('Seconds to wait for X to answer one request: at least 0.001 (one millisecond), at most 3600 (one hour).');
		}
		expect(x.emu.requests()).toEqual([]);
		expect(messages(x.emu)).toHaveLength(0);
	});

	test('the largest Timeout, 3600 s, is accepted: the DM is sent once', async () => {
		const { error } = await runAction({ setup: x.auth('oAuth2'), parameters: sendWithOptions({ timeout: 3600 }) });
		expect(error).toBeUndefined();
		expect(messages(x.emu)).toHaveLength(1);
	});

	test('the smallest Timeout, 0.001 s, is a real timeout, not "no timeout"', async () => {
		const sent = x.emu.sendAs(x.people.bob.id, { to: x.people.alice.id, text: 'hi' });
		x.emu.addFault({ method: 'GET', path: `/2/dm_events/${sent.id}`, latencyMs: 300, times: 2 });
		const { error } = await runAction({ setup: x.auth('oAuth2'), parameters: getEvent(sent.id, { timeout: 0.001 }) });
		expect(error?.message).toBe(`Could not reach X: the request timed out (GET /2/dm_events/${sent.id})`);
	});
});

describe('Max Rate-Limit Wait', () => {
	test.each([
		['86401 (more than a day)', 86401, '86401'],
		['1e12', 1e12, '1000000000000'],
		['-1', -1, '-1'],
	])('%s is refused before any request', async (_case, value, shown) => {
		const { error } = await runAction({ setup: x.auth('oAuth1'), parameters: sendWithOptions({ maxRateLimitWait: bad(value) }) });
		expect(error?.name).toBe('NodeOperationError');
		expect(error?.message).toBe(`Max Rate-Limit Wait must be a number of seconds from 0 to 86400, got "${shown}"`);
		expect(error?.description).toBe('0 means: never wait, fail at once. At most 86400 (one day, the longest window X announces).');
		expect(x.emu.requests()).toEqual([]);
	});

	test('a day, 86400 s, is accepted', async () => {
		const { error } = await runAction({ setup: x.auth('oAuth2'), parameters: sendWithOptions({ maxRateLimitWait: 86400 }) });
		expect(error).toBeUndefined();
		expect(messages(x.emu)).toHaveLength(1);
	});
});
