// User → Block DMs / Unblock DMs through the real n8n engine: the emulator's block list is the ground truth, and a
// DM-blocked user's messages are refused the way X refuses them.
import type { INodeParameters } from 'n8n-workflow';

import { bad, badInputTests, type BadInputCase } from '../../../../fixtures/bad-input';
import { apiRequests, AUTH_KINDS, expectPaired, rl, runAction, sendToUser, useEmulator } from '../../../../fixtures/x-node';

const x = useEmulator();

const blockDms = (mode: string, value: string): INodeParameters => ({ resource: 'user', operation: 'blockDms', user: rl(mode, value) });
const unblockDms = (mode: string, value: string): INodeParameters => ({ resource: 'user', operation: 'unblockDms', user: rl(mode, value) });

describe.each(AUTH_KINDS)('with %s', (kind) => {
	test.each([
		['ID', (id: string) => rl('id', id)],
		['@username', () => rl('username', '@bob')],
		['profile URL', () => rl('url', 'https://x.com/bob')],
	])('Block DMs by %s blocks, Unblock DMs unblocks: { blocked }', async (_mode, locator) => {
		const { emu, people } = x;
		const blocked = await runAction({ setup: x.auth(kind), parameters: { resource: 'user', operation: 'blockDms', user: locator(people.bob.id) } });
		expect(blocked.error).toBeUndefined();
		expect(blocked.json).toEqual([{ blocked: true }]);
		expectPaired(blocked.items, [0]);
		expect(apiRequests(emu).filter((request) => request.method === 'POST').map((request) => request.path)).toEqual([`/2/users/${people.bob.id}/dm/block`]);

		// Ground truth: alice's block list holds bob, and DMs between them are refused the way X refuses them.
		expect(emu.dmBlocks(people.alice.id)).toEqual([people.bob.id]);
		const refused = await runAction({ setup: x.auth(kind), parameters: sendToUser(people.bob.id) });
		expect(refused.error?.message).toBe('The recipient does not accept Direct Messages from you');

		const unblocked = await runAction({ setup: x.auth(kind), parameters: { resource: 'user', operation: 'unblockDms', user: locator(people.bob.id) } });
		expect(unblocked.json).toEqual([{ blocked: false }]);
		expect(emu.dmBlocks(people.alice.id)).toEqual([]);
		expect((await runAction({ setup: x.auth(kind), parameters: sendToUser(people.bob.id) })).error).toBeUndefined();
	});
});

describe('bad input', () => {
	const CASES: BadInputCase[] = [
		['block user ID letters', () => blockDms('id', bad('bob')), 'User'],
		['block username too long', () => blockDms('username', bad('@a_very_long_username_here')), 'User'],
		['unblock URL of a post', () => unblockDms('url', bad('https://x.com/bob/status/1')), 'User'],
	];
	badInputTests(x, CASES, 3);
});

describe('failures', () => {
	test('an unknown @username fails naming it, before any block request', async () => {
		const { error } = await runAction({ setup: x.auth('oAuth2'), parameters: blockDms('username', '@nobody') });
		expect(error?.message).toContain('nobody');
		expect(apiRequests(x.emu).filter((request) => request.method === 'POST')).toEqual([]);
	});

	test('the per-user limit of 10 blocks per 15 minutes ends in a rate-limit error', async () => {
		const { people } = x;
		const limited = { ...blockDms('id', people.bob.id), options: { maxRateLimitWait: 0 } };
		for (let index = 0; index < 10; index++) expect((await runAction({ setup: x.auth('oAuth2'), parameters: limited })).error).toBeUndefined();
		const { error } = await runAction({ setup: x.auth('oAuth2'), parameters: limited });
		expect(error?.name).toBe('NodeApiError');
		expect(error?.message).toMatch(/rate limit/i);
	});

	test("X's 5xx for a block is not repeated (a write is sent at most once)", async () => {
		x.emu.addFault({ method: 'POST', path: `/2/users/${x.people.bob.id}/dm/block`, status: 503 });
		const { error } = await runAction({ setup: x.auth('oAuth2'), parameters: blockDms('id', x.people.bob.id) });
		expect(error).toBeDefined();
		expect(apiRequests(x.emu).filter((request) => request.method === 'POST')).toHaveLength(1);
	});
});
