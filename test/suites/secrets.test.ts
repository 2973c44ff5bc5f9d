// Whatever goes wrong, the credentials' secrets never reach an error or the execution data, for both kinds.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Emulator } from '../fixtures/emulator';
import { AUTH_KINDS, rl, runAction, sendToUser, useEmulator, type CredentialSetup, type People } from '../fixtures/x-node';

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

// ---- an upstream that echoes credentials back ----
// A proxy or a misconfigured gateway may copy the request's credentials into its error texts. Whatever field they land
// in, the node's error (message, description, cause, context, the attached body) and the execution data never show
// them: the transport redacts the credential's known secret values from every string of a failure.

/** The secret values of a credential: access and refresh tokens, token secrets, client and consumer secrets. */
function secretsOf(setup: CredentialSetup): string[] {
	const { data, tokenData } = setup;
	return [tokenData.access_token, tokenData.refresh_token, tokenData.oauth_token, tokenData.oauth_token_secret, data.clientSecret, data.consumerSecret].filter(
		(secret): secret is string => typeof secret === 'string' && secret !== '',
	);
}

/** Every string reachable from a value through its own properties, enumerable or not (an Error's message, stack, cause). */
function allStrings(root: unknown): string[] {
	const strings: string[] = [];
	const seen = new Set<unknown>();
	const pending: unknown[] = [root];
	while (pending.length) {
		const value = pending.pop();
		if (typeof value === 'string') strings.push(value);
		if (value === null || typeof value !== 'object' || seen.has(value)) continue;
		seen.add(value);
		for (const key of Object.getOwnPropertyNames(value)) {
			strings.push(key);
			pending.push((value as Record<string, unknown>)[key]);
		}
	}
	return strings;
}

function expectNoSecret(secrets: string[], ...values: unknown[]): void {
	expect(secrets.length).toBeGreaterThan(0);
	const text = values.flatMap(allStrings).join('\n');
	for (const secret of secrets) expect(text).not.toContain(secret);
	expect(text).not.toMatch(/Bearer [A-Za-z0-9_-]{10,}/);
	expect(text).not.toContain('oauth_signature');
}

/** An error body that repeats `leak` in every field X's problems have, top level and in `errors[]`. */
function echoingBody(status: number, leak: string): Record<string, unknown> {
	return {
		title: `Gateway error: ${leak}`,
		detail: `The upstream rejected the request with Authorization: ${leak}`,
		type: 'about:blank',
		status,
		message: `token ${leak} rejected`,
		reason: leak,
		errors: [{ message: `bad credentials ${leak}`, detail: leak, value: leak, title: leak, parameters: { [leak]: [leak] } }],
	};
}

const EVENT_ID = '1234567890123456789';
const getEvent = { resource: 'event', operation: 'get', eventId: EVENT_ID };

describe('an upstream that writes the secrets into its error body', () => {
	test.each([400, 401, 403, 404, 409, 429, 500])('%i to a read', async (status) => {
		for (const kind of AUTH_KINDS) {
			x.emu.clearFaults();
			const setup = x.auth(kind);
			const secrets = secretsOf(setup);
			const leak = `Bearer ${secrets.join(' ')} OAuth oauth_token="${secrets[0]}", oauth_signature="c2lnbmF0dXJl"`;
			x.emu.addFault({ method: 'GET', path: `/2/dm_events/${EVENT_ID}`, status, body: echoingBody(status, leak), times: 2 });
			const { error, run } = await runAction({ setup, parameters: getEvent });
			expect(error).toBeDefined();
			// The fault was served: the error is about X's answer, not about something that stopped earlier.
			expect(x.emu.requests().some((request) => request.path === `/2/dm_events/${EVENT_ID}`)).toBe(true);
			expectNoSecret(secrets, error, run);
		}
	});

	test.each([403, 400])('%i to a send', async (status) => {
		for (const kind of AUTH_KINDS) {
			x.emu.clearFaults();
			const setup = x.auth(kind);
			const secrets = secretsOf(setup);
			x.emu.addFault({ method: 'POST', path: '/2/dm_conversations/with/', status, body: echoingBody(status, secrets.join(' and ')) });
			const { error, run } = await runAction({ setup, parameters: sendToUser(x.people.bob.id) });
			expect(error?.message).toContain('[redacted]');
			expectNoSecret(secrets, error, run);
		}
	});

	test('a username lookup answered with errors only', async () => {
		for (const kind of AUTH_KINDS) {
			x.emu.clearFaults();
			const setup = x.auth(kind);
			const secrets = secretsOf(setup);
			const problem = { ...echoingBody(200, secrets.join(' ')), type: 'https://api.twitter.com/2/problems/resource-not-found', resource_type: 'user' };
			x.emu.addFault({ method: 'GET', path: '/2/users/by/username/', status: 200, body: { errors: [problem] } });
			const { error, run } = await runAction({ setup, parameters: sendToUser('', { recipient: rl('username', 'nobody_here') }) });
			expect(error).toBeDefined();
			expectNoSecret(secrets, error, run);
		}
	});

	test('text that only looks like a secret stays readable', async () => {
		const setup = x.auth('oAuth2');
		x.emu.addFault({ method: 'GET', path: `/2/dm_events/${EVENT_ID}`, status: 409, body: { title: 'Conflict', detail: 'Bearer tokens and OAuth 1.0a are both fine' } });
		const { error } = await runAction({ setup, parameters: getEvent });
		expect(error?.message).toBe(`X returned an error (409) for GET /2/dm_events/${EVENT_ID}: Conflict`);
		expect(error?.description).toBe('Bearer tokens and OAuth 1.0a are both fine');
	});
});

/**
 * A loopback HTTP server that answers with the request's Authorization header in its body: the n-th request gets the
 * n-th of `statuses` (the last one from then on).
 */
async function startEchoUpstream(...statuses: number[]): Promise<{ url: string; authorizations: string[]; close: () => Promise<void> }> {
	const authorizations: string[] = [];
	const server = createServer((request, response) => {
		const authorization = String(request.headers.authorization ?? '');
		authorizations.push(authorization);
		const status = statuses[Math.min(authorizations.length, statuses.length) - 1];
		response.writeHead(status, { 'content-type': 'application/json' });
		// The header as it came, and the bare token (Bearer's, or OAuth 1.0a's oauth_token) as a gateway might log it.
		const bare = /oauth_token="([^"]*)"/.exec(authorization)?.[1] ?? authorization.replace(/^Bearer\s+/, '');
		const body = { title: 'Proxy Error', detail: `Rejected Authorization: ${authorization}`, message: `Unknown token ${bare}`, type: 'about:blank', status };
		response.end(JSON.stringify(body));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		authorizations,
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

describe('a proxy that echoes the Authorization header it received', () => {
	test.each([403, 400, 404])('%i', async (status) => {
		const upstream = await startEchoUpstream(status);
		try {
			for (const kind of AUTH_KINDS) {
				upstream.authorizations.length = 0;
				const setup = x.auth(kind);
				setup.data.baseUrl = upstream.url;
				const secrets = secretsOf(setup);
				for (const parameters of [getEvent, sendToUser(x.people.bob.id)]) {
					const { error, run } = await runAction({ setup, parameters });
					expect(error).toBeDefined();
					expectNoSecret(secrets, error, run);
				}
				// The upstream did receive the credential, so the test would see a leak.
				const token = String(kind === 'oAuth2' ? setup.tokenData.access_token : setup.tokenData.oauth_token);
				expect(upstream.authorizations.length).toBeGreaterThan(0);
				for (const authorization of upstream.authorizations) expect(authorization).toContain(token);
			}
		} finally {
			await upstream.close();
		}
	});
	test('a token refreshed after a 401 is redacted too', async () => {
		const upstream = await startEchoUpstream(401, 403);
		try {
			const setup = x.auth('oAuth2');
			setup.data.baseUrl = upstream.url;
			const { error, run, credentialsHelper } = await runAction({ setup, parameters: getEvent });
			expect(error).toBeDefined();
			const refreshed = credentialsHelper.tokenUpdates.map((update) => update.oauthTokenData as Record<string, string>);
			expect(refreshed).toHaveLength(1);
			const newSecrets = [refreshed[0].access_token, refreshed[0].refresh_token];
			// The second request carried the new token, and the upstream echoed it.
			expect(upstream.authorizations[1]).toContain(newSecrets[0]);
			expectNoSecret([...secretsOf(setup), ...newSecrets], error, run);
		} finally {
			await upstream.close();
		}
	});
});

// ---- the API Base URL ----

describe('the API Base URL must be https, except on this machine', () => {
	test.each(['http://api.example.test', 'http://api.x.com', 'http://localhost.example.test', 'http://127.0.0.1.example.test:8787'])(
		'%s is refused before any request, for both credentials',
		async (baseUrl) => {
			for (const kind of AUTH_KINDS) {
				const setup = x.auth(kind);
				setup.data.baseUrl = baseUrl;
				const { error } = await runAction({ setup, parameters: sendToUser(x.people.bob.id) });
				expect(error?.name).toBe('NodeOperationError');
				expect(error?.message).toBe(`The credential's API Base URL "${baseUrl}" uses plain http: the X credentials would travel unencrypted`);
				expect(error?.description).toContain('https://');
				expect(error?.description).toContain('localhost, 127.0.0.0/8 and [::1]');
			}
			expect(x.emu.requests()).toEqual([]);
		},
	);

	test('the emulator on a loopback address over http is fine', async () => {
		const setup = x.auth('oAuth1');
		expect(setup.data.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:/);
		const { error } = await runAction({ setup, parameters: sendToUser(x.people.bob.id) });
		expect(error).toBeUndefined();
	});
});
