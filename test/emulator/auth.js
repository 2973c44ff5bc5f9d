'use strict';
// Authentication for /2 API routes: OAuth 2.0 user tokens, app-only bearer tokens and OAuth 1.0a user context.

const crypto = require('node:crypto');
const oauth1 = require('./oauth1');
const responses = require('./responses');
const { DEFAULT_OPTIONS } = require('./options');

const ACCESS_TOKEN_TTL_S = 7200;
// Refresh tokens reportedly live about six months (x-dm-api.md §5.1, unverified).
const REFRESH_TOKEN_TTL_MS = 180 * 24 * 60 * 60 * 1000;
const PERMISSION_RANK = { read: 0, 'read-write': 1, 'read-write-dm': 2 };

// ---- token material ----

/** Shaped like X's tokens: base64 of "<random>:<ms>:1:0:<at|rt>:1". */
function opaqueToken(kind, nowMs) {
	return Buffer.from(`${crypto.randomBytes(24).toString('base64url')}:${nowMs}:1:0:${kind}:1`)
		.toString('base64url');
}

function alphanumeric(length) {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	return Array.from(crypto.randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join('');
}

function toScopeList(scopes) {
	if (Array.isArray(scopes)) return [...scopes];
	return String(scopes || '').split(/\s+/).filter(Boolean);
}

// ---- OAuth 2.0 ----

function registerOAuth2Client(
	state,
	{ clientId, clientSecret, redirectUris = [], confidential = clientSecret !== undefined, appId = clientId },
) {
	const client = { clientId, clientSecret, redirectUris: [...redirectUris], confidential, appId };
	state.oauth2Clients.set(clientId, client);
	return client;
}

/** Issues an access token (and a refresh token with offline.access) in the token endpoint's response shape. */
function issueOAuth2Token(state, clock, options) {
	const { userId, clientId, expiresIn = ACCESS_TOKEN_TTL_S, familyId = alphanumeric(16) } = options;
	const scopes = toScopeList(options.scopes);
	const withRefresh = options.withRefresh ?? scopes.includes('offline.access');
	const now = clock.now();
	const appId = state.oauth2Clients.get(clientId)?.appId ?? clientId;
	const common = { userId: String(userId), clientId, appId, scopes, familyId, revoked: false };
	// Fixed token values (accessToken / refreshToken) let a demo recreate the same credentials on every start.
	const access = { ...common, kind: 'access', token: options.accessToken ?? opaqueToken('at', now), expiresAt: now + expiresIn * 1000 };
	state.oauth2Tokens.set(access.token, access);
	const response = { token_type: 'bearer', expires_in: expiresIn, access_token: access.token, scope: scopes.join(' ') };
	if (withRefresh) {
		const refresh = { ...common, kind: 'refresh', token: options.refreshToken ?? opaqueToken('rt', now), expiresAt: now + REFRESH_TOKEN_TTL_MS, used: false };
		state.oauth2Tokens.set(refresh.token, refresh);
		response.refresh_token = refresh.token;
	}
	return response;
}

function revokeOAuth2Token(state, token) {
	const record = state.oauth2Tokens.get(token);
	if (!record) return false;
	record.revoked = true;
	return true;
}

/** Kills every token descended from one authorization (used when a spent refresh token comes back). */
function revokeTokenFamily(state, familyId) {
	for (const record of state.oauth2Tokens.values()) if (record.familyId === familyId) record.revoked = true;
}

/** App-only bearer token (what X issues for client_credentials); returns the token string. */
function issueAppToken(state, { appId }) {
	const token = `AAAAAAAAAAAAAAAAAAAAA${alphanumeric(24)}%3D${alphanumeric(40)}`;
	state.oauth2Tokens.set(token, { kind: 'app', token, appId, revoked: false });
	return token;
}

// ---- OAuth 1.0a ----

function registerOAuth1App(state, { consumerKey, consumerSecret, permission = 'read-write-dm', appId = consumerKey }) {
	if (!(permission in PERMISSION_RANK)) throw new Error(`Unknown OAuth 1.0a app permission: ${permission}`);
	const app = { consumerKey, consumerSecret, permission, appId };
	state.oauth1Apps.set(consumerKey, app);
	return app;
}

/** User access token; X's tokens are "<user id>-<random>". */
function issueOAuth1Token(state, { consumerKey, userId, oauthToken, oauthTokenSecret }) {
	const token = oauthToken ?? `${userId}-${alphanumeric(40)}`;
	const secret = oauthTokenSecret ?? alphanumeric(45);
	state.oauth1Tokens.set(token, { token, secret, consumerKey, userId: String(userId) });
	return { oauth_token: token, oauth_token_secret: secret };
}

function formPairsOf(ctx) {
	const contentType = String(ctx.headers['content-type'] || '');
	if (!contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) return [];
	return [...new URLSearchParams((ctx.rawBody || Buffer.alloc(0)).toString('utf8'))];
}

function timestampFresh(oauthParams, nowMs, skewSeconds) {
	const timestamp = Number(oauthParams.oauth_timestamp);
	return Number.isInteger(timestamp) && Math.abs(nowMs / 1000 - timestamp) <= skewSeconds;
}

/** Records the nonce; false when it was already used by this consumer within the skew window. */
function claimNonce(state, oauthParams, nowMs, skewSeconds) {
	for (const [key, expiresAt] of state.nonces) if (expiresAt <= nowMs) state.nonces.delete(key);
	const key = `${oauthParams.oauth_consumer_key}|${oauthParams.oauth_nonce}`;
	if (!oauthParams.oauth_nonce || state.nonces.has(key)) return false;
	state.nonces.set(key, nowMs + 2 * skewSeconds * 1000);
	return true;
}

/**
 * Verifies an `Authorization: OAuth ...` request against the URL the client must have signed:
 * http://<Host header><path>, query + form parameters (JSON bodies are never signed).
 * collection: where oauth_token must be found ('oauth1Tokens' for API calls,
 * 'oauth1RequestTokens' for /oauth/access_token); tokenRequired=false allows a missing oauth_token.
 * Returns { app, token, oauthParams } or { error: reason }.
 */
function verifyOAuth1(ctx, { collection = 'oauth1Tokens', tokenRequired = true } = {}) {
	const { state, clock, options = {} } = ctx.emulator;
	const skewSeconds = options.oauth1TimestampSkewSeconds ?? DEFAULT_OPTIONS.oauth1TimestampSkewSeconds;
	const oauthParams = oauth1.parseAuthorizationHeader(ctx.headers.authorization);
	if (!oauthParams) return { error: 'malformed OAuth header' };
	const app = state.oauth1Apps.get(oauthParams.oauth_consumer_key);
	if (!app) return { error: 'unknown consumer key' };
	let token;
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

function allowsScheme(operation, scheme) {
	return Boolean(operation && (operation.security || []).some((entry) => scheme in entry));
}

function authenticateBearer(ctx, tokenValue) {
	const { state, clock } = ctx.emulator;
	const record = state.oauth2Tokens.get(tokenValue);
	if (!record || record.revoked) throw responses.unauthorized();
	if (record.kind === 'app') {
		if (!allowsScheme(ctx.operation, 'BearerToken')) throw responses.unsupportedAuthentication();
		return { kind: 'app', userId: undefined, appId: record.appId, scopes: [] };
	}
	if (record.kind !== 'access' || record.expiresAt <= clock.now()) throw responses.unauthorized();
	const { userId, appId, scopes, clientId } = record;
	return { kind: 'oauth2', userId, appId, scopes: [...scopes], clientId };
}

/** Returns ctx.auth for a /2 request or throws the 401/403 Response (401s carry no rate-limit headers). */
function authenticate(ctx) {
	const header = String(ctx.headers.authorization || '');
	const scheme = header.split(' ', 1)[0].toLowerCase();
	if (scheme === 'bearer') return authenticateBearer(ctx, header.slice(7).trim());
	if (scheme === 'oauth') {
		const verified = verifyOAuth1(ctx);
		if (verified.error) throw responses.unauthorized();
		const { app, token } = verified;
		return { kind: 'oauth1', userId: token.userId, appId: app.appId, scopes: [], permission: app.permission };
	}
	throw responses.unauthorized();
}

// Captured v2 body for an OAuth 1.0a app whose permission level is too low (node-twitter-api-v2 #493).
function oauth1PermissionsProblem() {
	return responses.problem(403, {
		title: 'Forbidden',
		status: 403,
		detail: 'Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.',
		type: responses.problemType('oauth1-permissions'),
	});
}

// Same shape as the captured app-only body, for OAuth 1.0a on an OAuth 2.0-only endpoint (media download).
function oauth1UnsupportedProblem() {
	return responses.problem(403, {
		title: 'Unsupported Authentication',
		detail:
			'Authenticating with OAuth 1.0a User Context is forbidden for this endpoint.  Supported authentication types are [OAuth 2.0 User Context].',
		type: responses.problemType('unsupported-authentication'),
		status: 403,
	});
}

// DM endpoints need the "Read, write, and Direct Messages" app permission; other writes need read-write.
function requiredPermission(operation, method) {
	if (/DirectMessages|Dms$|^dmConversations/.test(operation.operationId || '')) return 'read-write-dm';
	return method === 'GET' ? 'read' : 'read-write';
}

/** Throws 403 when ctx.auth may not call `operation` (missing scope, wrong auth type, low app permission). */
function checkScopes(ctx, operation = ctx.operation) {
	const security = (operation && operation.security) || [];
	const auth = ctx.auth;
	if (!security.length || !auth) return;
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

module.exports = {
	ACCESS_TOKEN_TTL_S,
	authenticate,
	checkScopes,
	verifyOAuth1,
	registerOAuth2Client,
	issueOAuth2Token,
	revokeOAuth2Token,
	revokeTokenFamily,
	issueAppToken,
	registerOAuth1App,
	issueOAuth1Token,
	toScopeList,
	opaqueToken,
	alphanumeric,
};
