// Activation failures of the instant trigger: what users read, and that nothing is left half-registered.
import { APP_ID, useInstantEnv } from './instant-env';

const env = useInstantEnv();

const ofApp = <T extends { appId?: string }>(entries: T[]): T[] => entries.filter((entry) => entry.appId === APP_ID);

test('missing API Key and Secret: activation fails before any request and names both credential fields', async () => {
	const wf = env.workflow('wf-nokeys', {}, { credentials: env.credentials(env.people.alice, { keys: false }) });
	const failure = wf.activate();
	await expect(failure).rejects.toThrow('The X credential has no "API Key" and "API Key Secret"');
	await expect(failure).rejects.toMatchObject({ description: expect.stringContaining('Keys and tokens') });
	expect(env.emu.requests()).toEqual([]);
	expect(ofApp(env.emu.webhooks())).toEqual([]);
});

test('only the secret missing: the message names that field alone', async () => {
	const wf = env.workflow('wf-nosecret', {}, { credentials: env.credentials(env.people.alice, { apiKeySecret: '' }) });
	await expect(wf.activate()).rejects.toThrow('The X credential has no "API Key Secret": the instant trigger needs');
	expect(env.emu.requests()).toEqual([]);
});

test('a wrong API Key Secret: X refuses the app-only token and the message says what to copy again', async () => {
	const wf = env.workflow('wf-wrong', {}, { credentials: env.credentials(env.people.alice, { apiKeySecret: 'not-the-secret-of-the-app' }) });
	const failure = wf.activate();
	await expect(failure).rejects.toThrow("X did not accept the credential's API Key and API Key Secret (403)");
	await expect(failure).rejects.not.toThrow('not-the-secret-of-the-app');
	expect(ofApp(env.emu.webhooks())).toEqual([]);
});

test("X's URL rules: an http URL with a port is refused with X's reason and the WEBHOOK_URL hint", async () => {
	env.emu.setOption('webhookUrlPolicy', 'x');
	const wf = env.workflow('wf-url');
	const failure = wf.activate();
	await expect(failure).rejects.toThrow('X refused: UrlValidationFailed');
	await expect(failure).rejects.toMatchObject({ description: expect.stringContaining('WEBHOOK_URL') });
	expect(ofApp(env.emu.subscriptions())).toEqual([]);
});

test('the webhook limit of the app: the second workflow is refused with what to do', async () => {
	env.emu.setOption('webhookLimit', 1);
	await env.workflow('wf-one').activate();
	const failure = env.workflow('wf-two').activate();
	await expect(failure).rejects.toThrow('X refused: WebhookLimitExceeded');
	await expect(failure).rejects.toMatchObject({ description: expect.stringContaining('deactivate another workflow') });
	expect(ofApp(env.emu.webhooks())).toHaveLength(1);
});

test('n8n unreachable for the CRC check: registration fails with CrcValidationFailed and nothing is stored', async () => {
	await env.host.down();
	const failure = env.workflow('wf-crc').activate();
	await expect(failure).rejects.toThrow('X refused: CrcValidationFailed');
	await expect(failure).rejects.toMatchObject({ description: expect.stringContaining('reaches n8n from the internet') });
	expect(ofApp(env.emu.webhooks())).toEqual([]);
	await env.host.up();
});

test('a token without dm.read: X refuses the subscription (403) and the webhook registered before is removed again', async () => {
	const credentials = env.credentials(env.people.alice);
	const data = credentials.xDmOAuth2Api;
	const token = env.emu.issueOAuth2Token({ userId: env.people.alice.id, clientId: 'instant-client', scopes: ['tweet.read', 'users.read'] });
	data.oauthTokenData = { ...token };
	data.scope = 'tweet.read users.read';
	await expect(env.workflow('wf-scope', {}, { credentials }).activate()).rejects.toMatchObject({ httpCode: '403' });
	expect(ofApp(env.emu.webhooks())).toEqual([]);
	expect(ofApp(env.emu.subscriptions())).toEqual([]);
});

test('an unknown @username in Only From Senders fails the activation', async () => {
	const wf = env.workflow('wf-names', { options: { senders: '@nobody_here' } });
	await expect(wf.activate()).rejects.toThrow('X has no user @nobody_here');
});
