// What a poll resolves before it lists events: the authenticated account behind "Ignore My Own Messages". The id is
// cached in the static data, tied to the credential and to the token it holds, so that reconnecting the credential
// to another X account is noticed on the very next poll (a reply workflow would otherwise answer its own messages).
import { AUTH_KINDS, credentialSetup } from '../../fixtures/credentials';
import { eventTexts, useTriggerEnv } from '../../fixtures/trigger';

const env = useTriggerEnv();

const usersMeRequests = () => env.requests().filter((entry) => entry.path === '/2/users/me');

describe.each(AUTH_KINDS)('%s', (kind) => {
	test('after the credential is reconnected to another account, that account\'s own messages are ignored at once', async () => {
		const { emu, me, users } = env;
		// Pages of 100: the request counts below are those of a poll that asks for 100 events at once.
		const trigger = env.createTrigger({ options: { costAwarePages: false } }, { credentials: env.auth(kind) });
		expect(await trigger.poll()).toBeNull();
		env.send(users.alice, me, 'to the first account');
		expect(eventTexts(await trigger.poll())).toEqual(['to the first account']);
		expect(trigger.staticData?.me?.id).toBe(me.id);

		const second = emu.addUser({ username: 'second_account' });
		trigger.reconnect(env.credentialsOf(second, kind));
		env.send(users.bob, second, 'to the second account');
		// An auto-reply workflow answering as the new account: its own message must not start the workflow.
		env.send(second, users.bob, 'auto-reply from the second account');
		emu.clearRequests();
		expect(eventTexts(await trigger.poll())).toEqual(['to the second account']);
		expect(usersMeRequests()).toHaveLength(1);
		expect(trigger.staticData?.me?.id).toBe(second.id);

		// The new account is cached in turn: an idle poll is one request again.
		emu.clearRequests();
		env.send(second, users.carol, 'another message of the second account');
		expect(await trigger.poll()).toBeNull();
		expect(env.requests()).toHaveLength(1);
	});
});

test('a refreshed OAuth2 token costs one look-up of the account on the next poll, nothing more', async () => {
	const { emu, me, users } = env;
	const trigger = env.createTrigger({}, { credentials: credentialSetup(emu, me, 'oAuth2', { expiresIn: 120 }) });
	expect(await trigger.poll()).toBeNull();
	expect(usersMeRequests()).toHaveLength(1);

	// The access token expires; n8n refreshes it on the 401 and repeats the request.
	env.tick(180_000);
	env.send(users.alice, me, 'during the refresh');
	emu.clearRequests();
	expect(eventTexts(await trigger.poll())).toEqual(['during the refresh']);
	expect(env.requests().some((entry) => entry.path === '/2/oauth2/token')).toBe(true);

	emu.clearRequests();
	env.send(me, users.alice, 'mine');
	env.send(users.alice, me, 'after the refresh');
	expect(eventTexts(await trigger.poll())).toEqual(['after the refresh']);
	expect(usersMeRequests()).toHaveLength(1);
	expect(trigger.staticData?.me?.id).toBe(me.id);
	emu.clearRequests();
	expect(await trigger.poll()).toBeNull();
	expect(env.requests()).toHaveLength(1);
});
