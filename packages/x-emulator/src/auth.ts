// Authentication for /2 API routes: OAuth 2.0 user tokens, app-only bearer tokens and OAuth 1.0a user context.
import * as crypto from 'node:crypto';
import type { AuthInfo, RequestContext } from './context';
import type { Clock } from './clock';
import * as oauth1 from './oauth1';
import type { Operation } from './openapi-loader';
import * as responses from './responses';
import type { AccessTokenRecord, OAuth1App, OAuth1Permission, OAuth1RequestToken, OAuth1TokenRecord, OAuth2Client, RefreshTokenRecord, State } from './state';
import type { IssueOAuth1TokenInput, IssueOAuth2TokenInput, OAuth1AppInput, OAuth2ClientInput } from './types';
import type { XOAuth1TokenResponse, XOAuth2TokenResponse } from './x-types';

export const ACCESS_TOKEN_TTL_S = 7200;
// Refresh tokens reportedly live about six months (x-dm-api.md §5.1, unverified).
const REFRESH_TOKEN_TTL_MS = 180 * 24 * 60 * 60 * 1000;
const PERMISSION_RANK: Readonly<Record<OAuth1Permission, number>> = { read: 0, 'read-write': 1, 'read-write-dm': 2 };

// ---- token material ----

/** Shaped like X's tokens: base64 of "<random>:<ms>:1:0:<at|rt>:1". */
export function opaqueToken(kind: string, nowMs: number): string {
	return Buffer.from(`${crypto.randomBytes(24).toString('base64url')}:${nowMs}:1:0:${kind}:1`).toString('base64url');
}

export function alphanumeric(length: number): string {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	return Array.from(crypto.randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join('');
}

export function toScopeList(scopes: readonly string[] | string | undefined): string[] {
	if (Array.isArray(scopes)) return [...scopes];
	return String(scopes || '')
		.split(/\s+/)
		.filter(Boolean);
}

// ---- OAuth 2.0 ----

export function registerOAuth2Client(
	state: State,
	{ clientId, clientSecret, redirectUris = [], confidential = clientSecret !== undefined, appId = clientId }: OAuth2ClientInput,
): OAuth2Client {
	const client: OAuth2Client = { clientId, clientSecret, redirectUris: [...redirectUris], confidential, appId };
	state.oauth2Clients.set(clientId, client);
	return client;
}

/**
 * Issues an access token (and a refresh token with offline.access) in the token endpoint's response shape.
 * An `expiresIn` of 0 or less gives a token that is already expired.
 */
export function issueOAuth2Token(state: State, clock: Clock, options: IssueOAuth2TokenInput): XOAuth2TokenResponse {
	const { userId, clientId, expiresIn = ACCESS_TOKEN_TTL_S, familyId = alphanumeric(16) } = options;
	const scopes = toScopeList(options.scopes);
	const withRefresh = options.withRefresh ?? scopes.includes('offline.access');
	const now = clock.now();
	const appId = state.oauth2Clients.get(clientId)?.appId ?? clientId;
	const common = { userId: String(userId), clientId, appId, scopes, familyId, revoked: false };
	// Fixed token values (accessToken / refreshToken) let a demo recreate the same credentials on every start.
	const access: AccessTokenRecord = { ...common, kind: 'access', token: options.accessToken ?? opaqueToken('at', now), expiresAt: now + expiresIn * 1000 };
	state.oauth2Tokens.set(access.token, access);
	const response: XOAuth2TokenResponse = { token_type: 'bearer', expires_in: expiresIn, access_token: access.token, scope: scopes.join(' ') };
	if (withRefresh) {
		const refresh: RefreshTokenRecord = {
			...common,
			kind: 'refresh',
			token: options.refreshToken ?? opaqueToken('rt', now),
			expiresAt: now + REFRESH_TOKEN_TTL_MS,
			used: false,
		};
		state.oauth2Tokens.set(refresh.token, refresh);
		response.refresh_token = refresh.token;
	}
	return response;
}

export function revokeOAuth2Token(state: State, token: string): boolean {
	const record = state.oauth2Tokens.get(token);
	if (!record) return false;
	record.revoked = true;
	return true;
}

/** Kills every token descended from one authorization (used when a spent refresh token comes back). */
export function revokeTokenFamily(state: State, familyId: string): void {
	for (const record of state.oauth2Tokens.values()) if (record.kind !== 'app' && record.familyId === familyId) record.revoked = true;
}

/** Revokes every OAuth 2.0 access and refresh token issued to a user. */
export function revokeUserTokens(state: State, userId: string): void {
	for (const record of state.oauth2Tokens.values()) if (record.kind !== 'app' && record.userId === userId) record.revoked = true;
}

/** The app of app-only tokens issued without an appId: they draw from its rate-limit buckets. */
export const DEFAULT_APP_ID = 'default-app';

/** App-only bearer token (what X issues for client_credentials); returns the token string. */
export function issueAppToken(state: State, { appId }: { appId?: string } = {}): string {
	const token = `AAAAAAAAAAAAAAAAAAAAA${alphanumeric(24)}%3D${alphanumeric(40)}`;
	state.oauth2Tokens.set(token, { kind: 'app', token, appId: appId === undefined || appId === '' ? DEFAULT_APP_ID : String(appId), revoked: false });
	return token;
}

// ---- OAuth 1.0a ----

export function registerOAuth1App(state: State, { consumerKey, consumerSecret, permission = 'read-write-dm', appId = consumerKey }: OAuth1AppInput): OAuth1App {
	if (!Object.hasOwn(PERMISSION_RANK, permission)) throw new Error(`Unknown OAuth 1.0a app permission: ${permission}`);
	const app: OAuth1App = { consumerKey, consumerSecret, permission, appId };
	state.oauth1Apps.set(consumerKey, app);
	return app;
}

/** User access token; X's tokens are "<user id>-<random>". */
export function issueOAuth1Token(state: State, { consumerKey, userId, oauthToken, oauthTokenSecret }: IssueOAuth1TokenInput): XOAuth1TokenResponse {
	const token = oauthToken ?? `${userId}-${alphanumeric(40)}`;
	const secret = oauthTokenSecret ?? alphanumeric(45);
	state.oauth1Tokens.set(token, { token, secret, consumerKey, userId: String(userId) });
	return { oauth_token: token, oauth_token_secret: secret };
}

function formPairsOf(ctx: RequestContext): oauth1.Pair[] {
	const contentType = String(ctx.headers['content-type'] || '');
	if (!contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) return [];
	return [...new URLSearchParams((ctx.rawBody || Buffer.alloc(0)).toString('utf8'))];
}

function timestampFresh(oauthParams: oauth1.OAuthParams, nowMs: number, skewSeconds: number): boolean {
	const timestamp = Number(oauthParams.oauth_timestamp);
	return Number.isInteger(timestamp) && Math.abs(nowMs / 1000 - timestamp) <= skewSeconds;
}

/** Records the nonce; false when it was already used by this consumer within the skew window. */
function claimNonce(state: State, oauthParams: oauth1.OAuthParams, nowMs: number, skewSeconds: number): boolean {
	for (const [key, expiresAt] of state.nonces) if (expiresAt <= nowMs) state.nonces.delete(key);
	const key = `${oauthParams.oauth_consumer_key}|${oauthParams.oauth_nonce}`;
	if (!oauthParams.oauth_nonce || state.nonces.has(key)) return false;
	state.nonces.set(key, nowMs + 2 * skewSeconds * 1000);
	return true;
}

type OAuth1Verified<T> = { app: OAuth1App; token: T; oauthParams: oauth1.OAuthParams; error?: undefined } | { error: string };

/**
 * Verifies an `Authorization: OAuth ...` request against the URL the client must have signed:
 * http://<Host header><path>, query + form parameters (JSON bodies are never signed).
 * collection: where oauth_token must be found ('oauth1Tokens' for API calls, 'oauth1RequestTokens' for
 * /oauth/access_token); tokenRequired=false allows a missing oauth_token.
 */
export function verifyOAuth1(ctx: RequestContext): OAuth1Verified<OAuth1TokenRecord>;
export function verifyOAuth1(ctx: RequestContext, options: { collection: 'oauth1RequestTokens' }): OAuth1Verified<OAuth1RequestToken>;
export function verifyOAuth1(ctx: RequestContext, options: { tokenRequired: false }): OAuth1Verified<OAuth1TokenRecord | undefined>;
export function verifyOAuth1(
	ctx: RequestContext,
	{ collection = 'oauth1Tokens', tokenRequired = true }: { collection?: 'oauth1Tokens' | 'oauth1RequestTokens'; tokenRequired?: boolean } = {},
): OAuth1Verified<OAuth1TokenRecord | OAuth1RequestToken | undefined> {
	const { state, clock, options } = ctx.emulator;
	const skewSeconds = options.oauth1TimestampSkewSeconds;
	const oauthParams = oauth1.parseAuthorizationHeader(ctx.headers.authorization);
	if (!oauthParams) return { error: 'malformed OAuth header' };
	const app = state.oauth1Apps.get(oauthParams.oauth_consumer_key);
	if (!app) return { error: 'unknown consumer key' };
	let token: OAuth1TokenRecord | OAuth1RequestToken | undefined;
	if (tokenRequired || oauthParams.oauth_token !== undefined) {
		token = state[collection].get(oauthParams.oauth_token);
		if (!token || token.consumerKey !== app.consumerKey) return { error: 'unknown token' };
	}
	const now = clock.now();
	if (!timestampFresh(oauthParams, now, skewSeconds)) return { error: 'timestamp out of bounds' };
	const valid = oauth1.verify({
		method: ctx.method,
		baseUrl: oauth1.baseUrlOf('http', ctx.host || ctx.headers.host || '', ctx.path),
		oauthParams,
		queryPairs: [...ctx.url.searchParams],
		formPairs: formPairsOf(ctx),
		consumerSecret: app.consumerSecret,
		tokenSecret: token ? token.secret : '',
	});
	if (!valid) return { error: 'invalid signature' };
	if (!claimNonce(state, oauthParams, now, skewSeconds)) return { error: 'nonce reused' };
	return { app, token, oauthParams };
}

// ---- the pipeline steps ----

function allowsScheme(operation: Operation | undefined, scheme: string): boolean {
	return Boolean(operation && (operation.security || []).some((entry) => scheme in entry));
}

function authenticateBearer(ctx: RequestContext, tokenValue: string): AuthInfo {
	const { state, clock } = ctx.emulator;
	const record = state.oauth2Tokens.get(tokenValue);
	if (!record || record.revoked) throw responses.unauthorized();
	// An app-only token on a user-context endpoint is refused by checkScopes, after the rate limiter: X sends the
	// rate-limit headers on that 403 too.
	if (record.kind === 'app') return { kind: 'app', userId: undefined, appId: record.appId, scopes: [] };
	if (record.kind !== 'access' || record.expiresAt <= clock.now()) throw responses.unauthorized();
	const { userId, appId, scopes, clientId } = record;
	return { kind: 'oauth2', userId, appId, scopes: [...scopes], clientId };
}

/** Returns ctx.auth for a /2 request or throws the 401/403 Reply (401s carry no rate-limit headers). */
export function authenticate(ctx: RequestContext): AuthInfo {
	const header = String(ctx.headers.authorization || '');
	const scheme = header.split(' ', 1)[0].toLowerCase();
	if (scheme === 'bearer') return authenticateBearer(ctx, header.slice(7).trim());
	if (scheme === 'oauth') {
		const verified = verifyOAuth1(ctx);
		if (verified.error !== undefined) throw responses.unauthorized();
		const { app, token } = verified;
		return { kind: 'oauth1', userId: token.userId, appId: app.appId, scopes: [], permission: app.permission };
	}
	throw responses.unauthorized();
}

// Captured v2 body for an OAuth 1.0a app whose permission level is too low (node-twitter-api-v2 #493).
function oauth1PermissionsProblem(): responses.Reply {
	return responses.problem(403, {
		title: 'Forbidden',
		status: 403,
		detail: 'Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.',
		type: responses.problemType('oauth1-permissions'),
	});
}

// Same shape as the captured app-only body, for OAuth 1.0a on an OAuth 2.0-only endpoint (media download).
function oauth1UnsupportedProblem(): responses.Reply {
	return responses.problem(403, {
		title: 'Unsupported Authentication',
		detail:
			'Authenticating with OAuth 1.0a User Context is forbidden for this endpoint.  Supported authentication types are [OAuth 2.0 User Context].',
		type: responses.problemType('unsupported-authentication'),
		status: 403,
	});
}

// DM endpoints need the "Read, write, and Direct Messages" app permission; other writes need read-write.
function requiredPermission(operation: Operation, method: string): OAuth1Permission {
	if (/DirectMessages|Dms$|^dmConversations/.test(operation.operationId || '')) return 'read-write-dm';
	return method === 'GET' ? 'read' : 'read-write';
}

/** Throws 403 when ctx.auth may not call `operation` (missing scope, wrong auth type, low app permission). */
export function checkScopes(ctx: RequestContext, operation: Operation | undefined = ctx.operation): void {
	const security = operation?.security || [];
	const auth = ctx.auth;
	if (!operation || !security.length || !auth) return;
	if (auth.kind === 'app') {
		if (!allowsScheme(operation, 'BearerToken')) throw responses.unsupportedAuthentication();
		return;
	}
	if (auth.kind === 'oauth1') {
		if (!allowsScheme(operation, 'UserToken')) throw oauth1UnsupportedProblem();
		const needed = requiredPermission(operation, ctx.method);
		if (PERMISSION_RANK[auth.permission] < PERMISSION_RANK[needed]) throw oauth1PermissionsProblem();
		return;
	}
	const acceptableSets = security.filter((entry) => entry.OAuth2UserToken).map((entry) => entry.OAuth2UserToken);
	if (!acceptableSets.length) throw responses.forbiddenScope();
	if (!acceptableSets.some((set) => set.every((scope) => auth.scopes.includes(scope)))) {
		throw responses.forbiddenScope();
	}
}
