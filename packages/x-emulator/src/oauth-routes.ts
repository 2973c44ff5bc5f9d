// OAuth endpoints: OAuth 2.0 authorization code + PKCE (x-dm-api.md §5.1) and the OAuth 1.0a 3-legged flow (§5.2).
import * as crypto from 'node:crypto';
import * as auth from './auth';
import type { PlainRoute, Query, RequestContext } from './context';
import { oauth2Scopes } from './openapi-loader';
import * as responses from './responses';
import type { OAuth2Client, State, StoredUser } from './state';

type Reply = responses.Reply;

const AUTH_CODE_TTL_MS = 30 * 1000;
let knownScopes: Set<string> | undefined;
// X answers HTML pages and the OAuth 1.0a form-encoded bodies as text/html.
const HTML = 'text/html; charset=utf-8';

// ---- small helpers ----

function bodyParams(ctx: RequestContext): Query {
	if (ctx.form) return ctx.form;
	const contentType = String(ctx.headers['content-type'] || '').toLowerCase();
	if (!contentType.startsWith('application/x-www-form-urlencoded')) return {};
	return Object.fromEntries(new URLSearchParams((ctx.rawBody || Buffer.alloc(0)).toString('utf8')));
}

function escapeHtml(value: unknown): string {
	return String(value ?? '').replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function htmlPage(status: number, title: string, content: string): Reply {
	const body =
		`<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
		`<body><h1>${escapeHtml(title)}</h1>${content}</body></html>`;
	return { status, body, contentType: HTML };
}

function hiddenInputs(params: Record<string, string | undefined>): string {
	return Object.entries(params)
		.filter(([, value]) => value !== undefined)
		.map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
		.join('');
}

function redirect(target: string, params: Record<string, string | undefined>): Reply {
	const url = new URL(target);
	for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
	return { status: 302, headers: { location: url.toString() }, body: '' };
}

/** The approving user: `user` (id or @username) or the first user in the store. */
function chooseUser(state: State, wanted: string | undefined): StoredUser | undefined {
	if (wanted) {
		const name = String(wanted).replace(/^@/, '').toLowerCase();
		return state.users.get(String(wanted)) || [...state.users.values()].find((user) => user.username.toLowerCase() === name);
	}
	return state.users.values().next().value;
}

// ---- OAuth 2.0 ----

function tokenError(status: number, error: string, description: string): Reply {
	return responses.json(status, { error, error_description: description });
}

// Body captured from the real token endpoint (node-twitter-api-v2 #496); the errors[] entries are not captured.
function invalidCode(): Reply {
	const description = 'Value passed for the authorization code was invalid.';
	return responses.json(400, { error: 'invalid_request', error_description: description, errors: [{ message: description }] });
}

const invalidToken = () => tokenError(400, 'invalid_request', 'Value passed for the token was invalid.');
const missingParameter = (name: string) => tokenError(400, 'invalid_request', `Missing required parameter [${name}].`);
const missingClientAuth = () => tokenError(401, 'unauthorized_client', 'Missing valid authorization header');

/** Confidential clients must use HTTP Basic; public clients send client_id in the body. */
function authenticateClient(ctx: RequestContext, params: Query): { client: OAuth2Client; error?: undefined } | { error: Reply } {
	const { state } = ctx.emulator;
	const header = String(ctx.headers.authorization || '');
	if (/^basic\s/i.test(header)) {
		const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
		const separator = decoded.indexOf(':');
		const clientId = decoded.slice(0, separator);
		const client = state.oauth2Clients.get(clientId);
		if (!client || separator < 0) return { error: missingClientAuth() };
		if (client.confidential && decoded.slice(separator + 1) !== client.clientSecret) return { error: missingClientAuth() };
		return { client };
	}
	const client = state.oauth2Clients.get(params.client_id);
	if (!client || client.confidential) return { error: missingClientAuth() };
	return { client };
}

function pkceMatches(code: { codeChallenge: string; codeChallengeMethod: string }, verifier: string | undefined): boolean {
	if (!verifier) return false;
	if (code.codeChallengeMethod === 'plain') return verifier === code.codeChallenge;
	const digest = crypto.createHash('sha256').update(verifier).digest('base64url');
	return digest === code.codeChallenge;
}

function exchangeCode(ctx: RequestContext, client: OAuth2Client, params: Query): Reply {
	const { state, clock } = ctx.emulator;
	for (const name of ['code', 'redirect_uri', 'code_verifier']) if (!params[name]) return missingParameter(name);
	const code = state.authCodes.get(params.code);
	if (!code || code.clientId !== client.clientId) return invalidCode();
	if (code.used) {
		// A replayed code revokes what it granted (RFC 6749 §4.1.2).
		if (code.familyId) auth.revokeTokenFamily(state, code.familyId);
		return invalidCode();
	}
	if (code.expiresAt <= clock.now() || code.redirectUri !== params.redirect_uri || !pkceMatches(code, params.code_verifier)) {
		return invalidCode();
	}
	code.used = true;
	const familyId = auth.alphanumeric(16);
	code.familyId = familyId;
	const { userId, scopes } = code;
	return responses.json(200, auth.issueOAuth2Token(state, clock, { userId, clientId: client.clientId, scopes, familyId }));
}

function refreshGrant(ctx: RequestContext, client: OAuth2Client, params: Query): Reply {
	const { state, clock } = ctx.emulator;
	if (!params.refresh_token) return missingParameter('refresh_token');
	const record = state.oauth2Tokens.get(params.refresh_token);
	if (!record || record.kind !== 'refresh' || record.clientId !== client.clientId) return invalidToken();
	if (record.used) {
		// Refresh tokens rotate; a spent one coming back means it leaked, so the whole family dies.
		auth.revokeTokenFamily(state, record.familyId);
		return invalidToken();
	}
	if (record.revoked || record.expiresAt <= clock.now()) return invalidToken();
	record.used = true;
	const { userId, scopes, familyId } = record;
	return responses.json(200, auth.issueOAuth2Token(state, clock, { userId, clientId: client.clientId, scopes, familyId, withRefresh: true }));
}

function tokenEndpoint(ctx: RequestContext): Reply {
	const params = bodyParams(ctx);
	if (!params.grant_type) return missingParameter('grant_type');
	const authenticated = authenticateClient(ctx, params);
	if (authenticated.error) return authenticated.error;
	const { client } = authenticated;
	if (params.grant_type === 'authorization_code') return exchangeCode(ctx, client, params);
	if (params.grant_type === 'refresh_token') return refreshGrant(ctx, client, params);
	return tokenError(400, 'unsupported_grant_type', `Unsupported grant type: ${params.grant_type}`);
}

function revokeEndpoint(ctx: RequestContext): Reply {
	const params = bodyParams(ctx);
	const { error } = authenticateClient(ctx, params);
	if (error) return error;
	if (!params.token) return missingParameter('token');
	const { state } = ctx.emulator;
	const record = state.oauth2Tokens.get(params.token);
	if (record && record.kind === 'refresh') auth.revokeTokenFamily(state, record.familyId);
	else auth.revokeOAuth2Token(state, params.token);
	return responses.json(200, { revoked: true });
}

interface AuthorizeRequest {
	client: OAuth2Client;
	scopes: string[];
	user: StoredUser;
	error?: undefined;
}

function isKnownScope(scope: string): boolean {
	knownScopes ??= new Set(oauth2Scopes());
	return knownScopes.has(scope);
}

/** Validates an authorization request; returns { client, scopes, user } or { error: Reply }. */
function checkAuthorizeRequest(ctx: RequestContext, params: Query): AuthorizeRequest | { error: Reply } {
	const { state } = ctx.emulator;
	const fail = (reason: string) => ({ error: htmlPage(400, 'Something went wrong', `<p>${escapeHtml(reason)}</p>`) });
	const client = state.oauth2Clients.get(params.client_id);
	if (!client) return fail('Unknown client_id.');
	if (client.redirectUris.length && !client.redirectUris.includes(params.redirect_uri)) return fail('redirect_uri does not match a registered callback.');
	if (!params.redirect_uri) return fail('Missing redirect_uri.');
	if (params.response_type !== 'code') return fail('response_type must be code.');
	const scopes = auth.toScopeList(params.scope);
	if (!scopes.length || scopes.some((scope) => !isKnownScope(scope))) return fail('Invalid scope.');
	if (!params.code_challenge) return fail('Missing code_challenge (PKCE is required).');
	if (!['s256', 'plain'].includes(String(params.code_challenge_method || '').toLowerCase())) {
		return fail('code_challenge_method must be S256 or plain.');
	}
	const user = chooseUser(state, params.user);
	if (!user) return fail('No such user.');
	return { client, scopes, user };
}

function authorizePage(ctx: RequestContext): Reply {
	const params = ctx.query;
	const checked = checkAuthorizeRequest(ctx, params);
	if (checked.error) return checked.error;
	const { client, scopes, user } = checked;
	const form =
		`<p>${escapeHtml(client.clientId)} wants to access your X account @${escapeHtml(user.username)}.</p>` +
		`<p>Scopes: ${escapeHtml(scopes.join(' '))}</p>` +
		`<form method="post" action="${escapeHtml(ctx.path)}">${hiddenInputs({ ...params, user: user.id })}` +
		'<button type="submit" name="decision" value="allow">Authorize app</button> ' +
		'<button type="submit" name="decision" value="deny">Cancel</button></form>';
	return htmlPage(200, 'Authorize app', form);
}

function approveAuthorization(ctx: RequestContext): Reply {
	const { state, clock } = ctx.emulator;
	const params = { ...ctx.query, ...bodyParams(ctx) };
	const checked = checkAuthorizeRequest(ctx, params);
	if (checked.error) return checked.error;
	if (params.decision === 'deny') return redirect(params.redirect_uri, { error: 'access_denied', state: params.state });
	const now = clock.now();
	const code = auth.opaqueToken('ac', now);
	state.authCodes.set(code, {
		code,
		clientId: checked.client.clientId,
		redirectUri: params.redirect_uri,
		scopes: checked.scopes,
		userId: checked.user.id,
		codeChallenge: params.code_challenge,
		codeChallengeMethod: String(params.code_challenge_method).toLowerCase() === 'plain' ? 'plain' : 'S256',
		expiresAt: now + AUTH_CODE_TTL_MS,
		used: false,
	});
	return redirect(params.redirect_uri, { state: params.state, code });
}

// ---- OAuth 1.0a ----

const couldNotAuthenticate = () => responses.json(401, { errors: [{ code: 32, message: 'Could not authenticate you.' }] });
const formResponse = (values: Record<string, string>): Reply => ({ status: 200, body: new URLSearchParams(values).toString(), contentType: HTML });
const pageNoLongerValid = () => htmlPage(400, 'Something went wrong', '<p>This page is no longer valid.</p>');

function requestToken(ctx: RequestContext): Reply {
	const verified = auth.verifyOAuth1(ctx, { tokenRequired: false });
	if (verified.error !== undefined) return couldNotAuthenticate();
	const callback = verified.oauthParams.oauth_callback ?? ctx.query.oauth_callback ?? bodyParams(ctx).oauth_callback;
	if (!callback) return responses.json(400, { errors: [{ code: 215, message: 'Bad Authentication data.' }] });
	const token = auth.alphanumeric(27);
	const secret = auth.alphanumeric(32);
	ctx.emulator.state.oauth1RequestTokens.set(token, {
		token,
		secret,
		consumerKey: verified.app.consumerKey,
		callback,
		accessType: ctx.query.x_auth_access_type,
	});
	return formResponse({ oauth_token: token, oauth_token_secret: secret, oauth_callback_confirmed: 'true' });
}

function oauth1AuthorizePage(ctx: RequestContext): Reply {
	const record = ctx.emulator.state.oauth1RequestTokens.get(ctx.query.oauth_token);
	if (!record) return pageNoLongerValid();
	const user = chooseUser(ctx.emulator.state, ctx.query.user);
	if (!user) return htmlPage(400, 'Something went wrong', '<p>No such user.</p>');
	const form =
		`<p>${escapeHtml(record.consumerKey)} wants to access your X account @${escapeHtml(user.username)}.</p>` +
		`<form method="post" action="${escapeHtml(ctx.path)}">${hiddenInputs({ oauth_token: record.token, user: user.id })}` +
		'<button type="submit" name="decision" value="allow">Authorize app</button> ' +
		'<button type="submit" name="decision" value="deny">Cancel</button></form>';
	return htmlPage(200, 'Authorize app', form);
}

function approveOAuth1(ctx: RequestContext): Reply {
	const { state } = ctx.emulator;
	const params = { ...ctx.query, ...bodyParams(ctx) };
	const record = state.oauth1RequestTokens.get(params.oauth_token);
	if (!record) return pageNoLongerValid();
	const user = chooseUser(state, params.user);
	if (!user) return htmlPage(400, 'Something went wrong', '<p>No such user.</p>');
	if (params.decision === 'deny') {
		state.oauth1RequestTokens.delete(record.token);
		return record.callback === 'oob' ? htmlPage(200, 'Authorization denied', '') : redirect(record.callback, { denied: record.token });
	}
	record.userId = user.id;
	// PIN-based (oob) flows show a 7-digit verifier instead of redirecting.
	const verifier = record.callback === 'oob' ? String(crypto.randomInt(1000000, 10000000)) : auth.alphanumeric(32);
	record.verifier = verifier;
	if (record.callback === 'oob') return htmlPage(200, 'Authorized', `<p>PIN: <code id="oauth_pin">${verifier}</code></p>`);
	return redirect(record.callback, { oauth_token: record.token, oauth_verifier: verifier });
}

function accessToken(ctx: RequestContext): Reply {
	const { state } = ctx.emulator;
	const verified = auth.verifyOAuth1(ctx, { collection: 'oauth1RequestTokens' });
	if (verified.error !== undefined) return couldNotAuthenticate();
	const record = verified.token;
	const verifier = verified.oauthParams.oauth_verifier ?? ctx.query.oauth_verifier ?? bodyParams(ctx).oauth_verifier;
	if (!record.userId || !verifier || verifier !== record.verifier) {
		return { status: 401, body: 'Error processing your OAuth request: Invalid oauth_verifier parameter', contentType: HTML };
	}
	state.oauth1RequestTokens.delete(record.token);
	const issued = auth.issueOAuth1Token(state, { consumerKey: record.consumerKey, userId: record.userId });
	const user = state.users.get(record.userId);
	return formResponse({ ...issued, user_id: record.userId, screen_name: user ? user.username : '' });
}

export const oauthRoutes: PlainRoute[] = [
	{ method: 'POST', path: '/2/oauth2/token', handler: tokenEndpoint },
	{ method: 'POST', path: '/2/oauth2/revoke', handler: revokeEndpoint },
	{ method: 'GET', path: '/i/oauth2/authorize', handler: authorizePage },
	{ method: 'POST', path: '/i/oauth2/authorize', handler: approveAuthorization },
	// The OpenAPI securityScheme names this host/path as the authorization URL.
	{ method: 'GET', path: '/2/oauth2/authorize', handler: authorizePage },
	{ method: 'POST', path: '/2/oauth2/authorize', handler: approveAuthorization },
	{ method: 'POST', path: '/oauth/request_token', handler: requestToken },
	{ method: 'GET', path: '/oauth/authorize', handler: oauth1AuthorizePage },
	{ method: 'POST', path: '/oauth/authorize', handler: approveOAuth1 },
	{ method: 'GET', path: '/oauth/authenticate', handler: oauth1AuthorizePage },
	{ method: 'POST', path: '/oauth/authenticate', handler: approveOAuth1 },
	{ method: 'POST', path: '/oauth/access_token', handler: accessToken },
];
