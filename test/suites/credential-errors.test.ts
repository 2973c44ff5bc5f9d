// Credentials that cannot work: plain-language errors that say what to fix in the credential.
import type { INodeParameters } from 'n8n-workflow';

import { bad } from '../fixtures/bad-input';
import { messages, runAction, sendToUser, useEmulator } from '../fixtures/x-node';

const x = useEmulator();

const sendToBob = (): INodeParameters => sendToUser(x.people.bob.id);

test('OAuth2 token without dm.write: names the missing scope', async () => {
	const { error } = await runAction({ setup: x.auth('oAuth2', { scopes: ['tweet.read', 'users.read', 'dm.read'] }), parameters: sendToBob() });
	expect(error?.message).toBe('The X credential is missing the scope dm.write');
	expect(error?.description).toContain('Reconnect the credential');
});

test('OAuth1 app without the DM permission', async () => {
	const { error } = await runAction({ setup: x.auth('oAuth1', { consumerKey: 'read-write-app', permission: 'read-write' }), parameters: sendToBob() });
	expect(error?.message).toBe('The X app of this OAuth1 credential lacks the "Read and write and Direct message" permission');
});

test('an OAuth1 token X does not know: reconnect', async () => {
	const setup = x.auth('oAuth1');
	setup.tokenData.oauth_token = `${x.people.alice.id}-unknowntoken`;
	const { error } = await runAction({ setup, parameters: sendToBob() });
	expect(error?.message).toBe('X rejected the credentials (401 Unauthorized): the access token is invalid, expired or revoked');
	expect(error?.description).toContain('Reconnect the X DM OAuth1 credential');
	expect(messages(x.emu)).toHaveLength(0);
});

test('an API Base URL that is not a URL is reported before any request', async () => {
	const setup = x.auth('oAuth2');
	setup.data.baseUrl = 'api.x.com without scheme';
	const { error } = await runAction({ setup, parameters: sendToUser(bad(x.people.bob.id)) });
	expect(error?.message).toContain('API Base URL');
	expect(x.emu.requests()).toEqual([]);
});
