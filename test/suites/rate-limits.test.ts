// How the node handles X's rate limits and usage caps, whatever the operation: waits within "Max Rate-Limit Wait",
// otherwise a plain-language error naming the reset time, and never more than one repeat of a send.
import type { INodeParameters } from 'n8n-workflow';

import { apiRequests, messages, runAction, sendToUser, useEmulator } from '../fixtures/x-node';

const x = useEmulator();

const sendToBob = (extra: INodeParameters = {}): INodeParameters => sendToUser(x.people.bob.id, extra);

function rateLimitHeaders(resetInSeconds: number): Record<string, string> {
	return {
		'x-rate-limit-limit': '200',
		'x-rate-limit-remaining': '0',
		'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000) + resetInSeconds),
	};
}

const TOO_MANY = { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 };

test('a 429 whose reset is within "Max Rate-Limit Wait" is waited out, then the send is repeated once', async () => {
	const { emu } = x;
	emu.addFault({ method: 'POST', path: '/2/dm_conversations/with/', status: 429, body: TOO_MANY, headers: rateLimitHeaders(1) });
	const { error, json } = await runAction({ setup: x.auth('oAuth2'), parameters: sendToBob() });
	expect(error).toBeUndefined();
	expect(apiRequests(emu).map((request) => request.status)).toEqual([429, 201]);
	expect(messages(emu)).toHaveLength(1);
	expect(json[0].dm_event_id).toBe(messages(emu)[0].id);
});

test('a 429 whose reset is later than "Max Rate-Limit Wait" fails at once, naming the reset time', async () => {
	const { emu } = x;
	emu.setRateLimitProfile({ base: 'launch', dmPost: { user15: 1, user24: 1000, app24: 15000, dayHeaders: true } });
	const setup = x.auth('oAuth1');
	const first = await runAction({ setup, parameters: sendToBob({ text: 'one' }) });
	expect(first.error).toBeUndefined();
	const second = await runAction({ setup, parameters: sendToBob({ text: 'two' }) });
	const rejected = apiRequests(emu)[1];
	expect(rejected.status).toBe(429);
	expect(second.error?.message).toMatch(
		/^X rate limit reached: the limit resets at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z \(in \d+ s; Max Rate-Limit Wait is 60 s\)$/,
	);
	expect(second.error?.description).toContain('Max Rate-Limit Wait');
	// The 15-minute window that the first send opened.
	const resetAt = Date.parse(/resets at (\S+)/.exec(second.error?.message ?? '')?.[1] ?? '');
	expect(resetAt - emu.clock.now()).toBeGreaterThan(14 * 60 * 1000);
	expect(resetAt - emu.clock.now()).toBeLessThanOrEqual(15 * 60 * 1000 + 1000);
	expect(apiRequests(emu)).toHaveLength(2);
	expect(messages(emu).map((event) => event.text)).toEqual(['one']);
	emu.setRateLimitProfile('launch');
});

test('the reset time in the error is the one X announced (24-hour user window)', async () => {
	const { emu } = x;
	const userReset = Math.ceil(Date.now() / 1000) + 6 * 3600;
	emu.addFault({
		method: 'POST',
		path: '/2/dm_conversations/with/',
		status: 429,
		body: TOO_MANY,
		headers: {
			'x-rate-limit-limit': '200',
			'x-rate-limit-remaining': '150',
			'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000) + 600),
			'x-user-limit-24hour-limit': '1000',
			'x-user-limit-24hour-remaining': '0',
			'x-user-limit-24hour-reset': String(userReset),
		},
	});
	const { error } = await runAction({ setup: x.auth('oAuth2'), parameters: sendToBob() });
	expect(error?.message).toContain(`the limit resets at ${new Date(userReset * 1000).toISOString()}`);
	expect(apiRequests(emu)).toHaveLength(1);
	expect(messages(emu)).toHaveLength(0);
});

test('"Max Rate-Limit Wait" 0 never waits', async () => {
	const { emu } = x;
	emu.addFault({ method: 'GET', path: '/2/dm_events', status: 429, body: TOO_MANY, headers: rateLimitHeaders(1) });
	const { error } = await runAction({
		setup: x.auth('oAuth2'),
		parameters: { resource: 'event', operation: 'getMany', scope: 'all', returnAll: true, options: { maxRateLimitWait: 0 } },
	});
	expect(error?.message).toMatch(/^X rate limit reached: the limit resets at .* Max Rate-Limit Wait is 0 s\)$/);
	expect(apiRequests(emu)).toHaveLength(1);
});

test('a usage-capped 429 is never waited on, even when a reset is announced soon', async () => {
	const { emu } = x;
	emu.addFault({
		method: 'POST',
		path: '/2/dm_conversations/with/',
		status: 429,
		body: {
			title: 'UsageCapExceeded',
			detail: 'Usage cap exceeded: Monthly product cap',
			type: 'https://api.x.com/2/problems/usage-capped',
			period: 'Monthly',
			scope: 'Product',
		},
		headers: rateLimitHeaders(1),
	});
	const { error } = await runAction({ setup: x.auth('oAuth2'), parameters: sendToBob() });
	expect(error?.message).toBe('X usage cap exceeded (Monthly Product cap): no more requests are accepted until the cap resets');
	expect(apiRequests(emu)).toHaveLength(1);
	expect(messages(emu)).toHaveLength(0);
});

test("the emulator's own usage cap gives the same error", async () => {
	const { emu } = x;
	emu.setUsageCap({ period: 'Daily', scope: 'Account' });
	const { error } = await runAction({ setup: x.auth('oAuth1'), parameters: sendToBob() });
	expect(error?.message).toContain('X usage cap exceeded (Daily Account cap)');
	emu.setUsageCap(undefined);
});

test('an absurd x-rate-limit-reset (1e14) fails with a plain message, never "Invalid time value"', async () => {
	const { emu } = x;
	emu.addFault({
		method: 'POST',
		path: '/2/dm_conversations/with/',
		status: 429,
		body: TOO_MANY,
		headers: { 'x-rate-limit-limit': '200', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '100000000000000' },
	});
	const { error } = await runAction({ setup: x.auth('oAuth2'), parameters: sendToBob() });
	expect(error?.message).toBe(
		'X rate limit reached: X announced a reset time that cannot be right (x-rate-limit-reset: 100000000000000)',
	);
	expect(error?.description).toContain('Max Rate-Limit Wait');
	expect(apiRequests(emu)).toHaveLength(1);
	expect(messages(emu)).toHaveLength(0);
});
