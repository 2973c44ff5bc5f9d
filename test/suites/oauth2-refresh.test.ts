// The OAuth2 refresh flow, run by n8n-core: an expired access token is refreshed once and the request repeated.
import { credentialSetup, messages, runAction, sendToUser, useEmulator, type LoggedRequest } from '../fixtures/x-node';

const x = useEmulator();

const sendToBob = (text: string) => sendToUser(x.people.bob.id, { text });

test('an expired access token is refreshed through the token endpoint, the DM is sent once', async () => {
	const { people, emu } = x;
	const setup = credentialSetup(emu, people.alice, 'oAuth2', { expiresIn: 0 });
	const expiredToken = setup.tokenData.access_token;
	const { error, json, credentialsHelper } = await runAction({ setup, parameters: sendToBob('after refresh') });
	expect(error).toBeUndefined();
	expect((emu.requests() as LoggedRequest[]).map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual([
		`POST /2/dm_conversations/with/${people.bob.id}/messages 401`,
		'POST /2/oauth2/token 200',
		`POST /2/dm_conversations/with/${people.bob.id}/messages 201`,
	]);
	expect(credentialsHelper.tokenUpdates).toHaveLength(1);
	const refreshed = credentialsHelper.tokenUpdates[0].oauthTokenData as { access_token: string };
	expect(refreshed.access_token).toEqual(expect.any(String));
	expect(refreshed.access_token).not.toBe(expiredToken);
	expect(messages(emu, json[0].dm_conversation_id as string).map((event) => event.text)).toEqual(['after refresh']);
});

test('a refresh token that X refuses asks to reconnect the credential', async () => {
	const setup = x.auth('oAuth2', { expiresIn: 0 });
	setup.tokenData.refresh_token = 'not-a-refresh-token';
	const { error } = await runAction({ setup, parameters: sendToBob('x') });
	expect(error?.message).toBe('The X access token expired and could not be refreshed: reconnect the credential');
	expect(x.emu.events()).toHaveLength(0);
});
