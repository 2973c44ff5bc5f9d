// The demo world n8n talks to: the emulator's demo seed plus fixed OAuth 2.0 tokens, and the n8n credentials for it.
// The emulator is in-memory, so every start recreates the same users, apps and tokens; the credentials stored in n8n
// (re-imported on each start) therefore keep working across restarts.
import { startEmulator, type DemoInfo, type Emulator, type EmulatorOptions, type XOAuth2TokenResponse } from './emulator';

// Fixed ids so the example workflows can reference the credentials; keyed by credential type.
export const CREDENTIAL_IDS = Object.freeze({
	xDmOAuth2Api: 'xdm-demo-oauth2',
	xDmOAuth1Api: 'xdm-demo-oauth1',
});
export const CREDENTIAL_NAMES = Object.freeze({
	xDmOAuth2Api: 'X DM OAuth2 (alice_dm on the emulator)',
	xDmOAuth1Api: 'X DM OAuth1 (alice_dm on the emulator)',
});

// Fixed OAuth 2.0 token values: the emulator recreates them on every start, so a stored credential survives a restart.
export const FIXED_OAUTH2_TOKENS = Object.freeze({
	alice: { access: 'demoAliceOAuth2AccessToken0000000000000001', refresh: 'demoAliceOAuth2RefreshToken000000000000001' },
	bob: { access: 'demoBobOAuth2AccessToken00000000000000001', refresh: 'demoBobOAuth2RefreshToken0000000000000001' },
});
const TOKEN_LIFETIME_S = 365 * 24 * 3600;

type DemoUserKey = keyof typeof FIXED_OAUTH2_TOKENS;

/** A demo user's OAuth 2.0 token response (what n8n stores as oauthTokenData); the demo scopes include offline.access. */
export type DemoOAuth2Token = XOAuth2TokenResponse & { refresh_token: string };

export type DemoTokens = Record<DemoUserKey, DemoOAuth2Token>;

/** The emulator's demo world (users, group conversation, OAuth client and app); only an emulator seeded with 'demo' has one. */
export function demoOf(emu: Emulator): DemoInfo {
	const { demo } = emu;
	if (!demo) throw new Error(`The emulator at ${emu.url} has no demo data: start it with seed: 'demo'.`);
	return demo;
}

/** OAuth 2.0 tokens for a demo user with fixed values. */
function issueFixedOAuth2Token(emu: Emulator, demo: DemoInfo, userKey: DemoUserKey): DemoOAuth2Token {
	const fixed = FIXED_OAUTH2_TOKENS[userKey];
	const token = emu.issueOAuth2Token({
		userId: demo.users[userKey].id,
		clientId: demo.oauth2Client.clientId,
		scopes: [...demo.scopes],
		expiresIn: TOKEN_LIFETIME_S,
		accessToken: fixed.access,
		refreshToken: fixed.refresh,
	});
	const { refresh_token: refreshToken } = token;
	if (!refreshToken) throw new Error(`The emulator issued no refresh token for the demo user ${userKey} (scopes: ${token.scope}).`);
	return { ...token, refresh_token: refreshToken };
}

/**
 * The emulator options of the demo: X's webhook URL rules would refuse n8n's local http://127.0.0.1:<port> webhook
 * URL, so the sandbox policy allows loopback http with a port (the Instant Trigger's webhook).
 */
export const DEMO_EMULATOR_OPTIONS: Readonly<EmulatorOptions> = Object.freeze({ webhookUrlPolicy: 'sandbox' });

/**
 * Starts the emulator with the demo seed, pins alice's and bob's OAuth 2.0 tokens and registers `redirectUris`
 * (n8n's OAuth callbacks) on the demo OAuth 2.0 client so the credential's "Connect" button works.
 */
export async function startDemoEmulator({ port = 0, redirectUris = [], options = {} }: {
	port?: number;
	redirectUris?: string[];
	/** More emulator options (DEMO_EMULATOR_OPTIONS apply unless overridden). */
	options?: EmulatorOptions;
} = {}): Promise<{ emu: Emulator; demo: DemoInfo; tokens: DemoTokens }> {
	const emu = await startEmulator({ ...DEMO_EMULATOR_OPTIONS, ...options, port, seed: 'demo' });
	try {
		const demo = demoOf(emu);
		const tokens = { alice: issueFixedOAuth2Token(emu, demo, 'alice'), bob: issueFixedOAuth2Token(emu, demo, 'bob') };
		const client = demo.oauth2Client;
		emu.registerOAuth2Client({ ...client, redirectUris: [...new Set([...client.redirectUris, ...redirectUris])] });
		return { emu, demo, tokens };
	} catch (error) {
		await emu.close();
		throw error;
	}
}

/** n8n's OAuth callback URLs for an instance base URL (what the emulator must accept as redirect URIs). */
export function oauthCallbackUrls(instanceBaseUrl: string): { oauth2: string; oauth1: string } {
	return { oauth2: `${instanceBaseUrl}/rest/oauth2-credential/callback`, oauth1: `${instanceBaseUrl}/rest/oauth1-credential/callback` };
}

export interface CredentialImport {
	id: string;
	name: string;
	type: keyof typeof CREDENTIAL_IDS;
	data: Record<string, unknown>;
}

/** The credentials file for `n8n import:credentials`: alice on OAuth 2.0 and OAuth 1.0a, both pointed at the emulator. */
export function demoCredentials(emu: Emulator, tokens: DemoTokens): CredentialImport[] {
	const demo = demoOf(emu);
	const alice = demo.users.alice;
	const oauth1Tokens = demo.tokens.alice.oauth1;
	return [
		{
			id: CREDENTIAL_IDS.xDmOAuth2Api,
			name: CREDENTIAL_NAMES.xDmOAuth2Api,
			type: 'xDmOAuth2Api',
			data: {
				clientId: demo.oauth2Client.clientId,
				clientSecret: demo.oauth2Client.clientSecret,
				authUrl: `${emu.url}/i/oauth2/authorize`,
				accessTokenUrl: `${emu.url}/2/oauth2/token`,
				baseUrl: emu.url,
				// The demo app's API Key and Secret: the Instant Trigger registers its webhook with them.
				apiKey: demo.oauth1App.consumerKey,
				apiKeySecret: demo.oauth1App.consumerSecret,
				oauthTokenData: tokens.alice,
			},
		},
		{
			id: CREDENTIAL_IDS.xDmOAuth1Api,
			name: CREDENTIAL_NAMES.xDmOAuth1Api,
			type: 'xDmOAuth1Api',
			data: {
				consumerKey: demo.oauth1App.consumerKey,
				consumerSecret: demo.oauth1App.consumerSecret,
				requestTokenUrl: `${emu.url}/oauth/request_token`,
				authUrl: `${emu.url}/oauth/authorize`,
				accessTokenUrl: `${emu.url}/oauth/access_token`,
				signatureMethod: 'HMAC-SHA1',
				baseUrl: emu.url,
				oauthTokenData: {
					oauth_token: oauth1Tokens.oauth_token,
					oauth_token_secret: oauth1Tokens.oauth_token_secret,
					user_id: alice.id,
					screen_name: alice.username,
				},
			},
		},
	];
}

/** n8n's OpenAI credential of the demo, pointed at the local OpenAI-compatible stub (e2e/lib/openai-stub.ts). */
export const STUB_MODEL_CREDENTIAL = Object.freeze({ id: 'xdm-demo-openai', name: 'Stub chat model (local, no AI)' });

/** The `n8n import:credentials` entry of the stub model's credential: `baseUrl` is the stub's /v1 URL. */
export function stubModelCredential(baseUrl: string): { id: string; name: string; type: 'openAiApi'; data: Record<string, unknown> } {
	// The stub accepts any key; OpenAI's client refuses to start without one.
	return { ...STUB_MODEL_CREDENTIAL, type: 'openAiApi', data: { apiKey: 'stub-key-for-the-local-demo-model', url: baseUrl } };
}
