// POST /oauth2/token with grant_type=client_credentials: the app-only bearer token for an app's API Key and Secret
// (X's path, without /2). The same token every time for one app, as on X.
import * as auth from '../auth';
import type { PlainRoute, RequestContext } from '../context';
import * as responses from '../responses';

function credentialsOf(header: string): { key: string; secret: string } | undefined {
	if (!/^basic\s/i.test(header)) return undefined;
	const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
	const separator = decoded.indexOf(':');
	if (separator < 0) return undefined;
	try {
		return { key: decodeURIComponent(decoded.slice(0, separator)), secret: decodeURIComponent(decoded.slice(separator + 1)) };
	} catch {
		return undefined;
	}
}

const unverified = () => responses.json(403, { errors: [{ code: 99, label: 'authenticity_token_error', message: 'Unable to verify your credentials' }] });

function appToken(ctx: RequestContext): responses.Reply {
	const { state } = ctx.emulator;
	const credentials = credentialsOf(String(ctx.headers.authorization || ''));
	const app = credentials && state.oauth1Apps.get(credentials.key);
	if (!credentials || !app || app.consumerSecret !== credentials.secret) return unverified();
	// GUESS on the body for a missing or other grant type (X's legacy code 170 wording).
	if (ctx.form?.grant_type !== 'client_credentials') {
		return responses.json(400, { errors: [{ code: 170, label: 'forbidden_missing_parameter', message: 'Missing required parameter: grant_type' }] });
	}
	let token = state.appBearerTokens.get(app.appId);
	const record = token === undefined ? undefined : state.oauth2Tokens.get(token);
	if (token === undefined || !record || record.revoked) {
		token = auth.issueAppToken(state, { appId: app.appId });
		state.appBearerTokens.set(app.appId, token);
	}
	return responses.json(200, { token_type: 'bearer', access_token: token });
}

export const appTokenRoutes: PlainRoute[] = [{ method: 'POST', path: '/oauth2/token', handler: appToken }];
