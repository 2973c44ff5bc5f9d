// Whatever goes wrong, the credentials' secrets never reach an error or the execution data, for both kinds.
import type { Emulator } from '../fixtures/emulator';
import { AUTH_KINDS, rl, runAction, useEmulator, type People } from '../fixtures/x-node';

const x = useEmulator();

test.each([
	[
		'401 (also after an OAuth2 refresh)',
		(emu: Emulator) =>
			emu.addFault({
				method: 'POST',
				path: '/2/dm_conversations',
				status: 401,
				body: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' },
				times: 2,
			}),
	],
	['reset', (emu: Emulator) => emu.addFault({ method: 'POST', path: '/2/dm_conversations', reset: 'after' })],
	['403', (emu: Emulator, people: People) => emu.block(people.bob.id, people.alice.id)],
])('%s', async (_name, inject) => {
	const { people, emu } = x;
	for (const kind of AUTH_KINDS) {
		emu.clearFaults();
		const setup = x.auth(kind);
		inject(emu, people);
		const { error, run } = await runAction({
			setup,
			parameters: { resource: 'message', operation: 'sendToUser', recipient: rl('id', people.bob.id), text: 'hello' },
			continueOnFail: false,
		});
		expect(error).toBeDefined();
		const serialized = JSON.stringify(run);
		const { data, tokenData } = setup;
		const secrets = [tokenData.access_token, tokenData.refresh_token, tokenData.oauth_token_secret, data.clientSecret, data.consumerSecret].filter(
			(secret): secret is string => typeof secret === 'string' && secret !== '',
		);
		for (const secret of secrets) expect(serialized).not.toContain(secret);
		expect(serialized).not.toMatch(/Bearer [A-Za-z0-9_-]{10,}/);
		expect(serialized).not.toContain('oauth_signature');
	}
});
