// What the server hands to route handlers: the parsed request, the emulator runtime and, for /2 API routes,
// who is calling and the validated query.
import type { IncomingHttpHeaders } from 'node:http';
import type { Operation } from './openapi-loader';
import type { Reply } from './responses';
import type { Runtime } from './runtime';
import type { OAuth1Permission } from './state';
import type { Query, Vocabulary } from './vocabulary';

export type { Query };

/** Who is calling, as authenticate() established it. */
export type AuthInfo =
	| { kind: 'oauth2'; userId: string; appId: string; scopes: string[]; clientId: string }
	| { kind: 'app'; userId: undefined; appId: string; scopes: string[] }
	| { kind: 'oauth1'; userId: string; appId: string; scopes: string[]; permission: OAuth1Permission };

export interface RequestContext {
	method: string;
	url: URL;
	/** The Host header as sent (what an OAuth 1.0a client signed). */
	host: string;
	path: string;
	/** Raw query parameters (the last value wins for repeated names). */
	query: Query;
	headers: IncomingHttpHeaders;
	rawBody: Buffer;
	/** The parsed body of an application/json request. */
	json: unknown;
	jsonInvalid?: boolean;
	/** The fields of an application/x-www-form-urlencoded request. */
	form?: Query;
	/** Path parameters of the matched route. */
	params: Record<string, string>;
	operation?: Operation;
	emulator: Runtime;
	auth?: AuthInfo;
}

/** A /2 request that passed authentication, rate limits, the scope check and OpenAPI validation. */
export interface ApiContext extends RequestContext {
	operation: Operation;
	auth: AuthInfo;
	/** The query in the spec's (tweet) vocabulary. */
	apiQuery: Query;
	vocabulary: Vocabulary;
}

type Awaitable<T> = T | Promise<T>;

/** A route bound to an operation of the spec: the full pipeline runs before the handler. */
export interface ApiRoute {
	method: string;
	path: string;
	operationId: string;
	raw?: undefined;
	handler: (ctx: ApiContext) => Awaitable<Reply>;
}

/** A route outside the spec (OAuth pages, the spec itself); `raw` skips the spec lookup even under /2. */
export interface PlainRoute {
	method: string;
	path: string;
	operationId?: undefined;
	raw?: boolean;
	handler: (ctx: RequestContext) => Awaitable<Reply>;
}

export type Route = ApiRoute | PlainRoute;

/** The calling user's id; API routes that reach a handler needing it have refused app-only tokens already. */
export function callerId(ctx: ApiContext): string {
	if (ctx.auth.userId === undefined) throw new Error(`${ctx.operation.operationId} reached its handler without a user context`);
	return ctx.auth.userId;
}

/** A comma-separated query parameter as a list ([] when absent or empty). */
export function listParam(query: Query, name: string): string[] {
	const value = query[name];
	return typeof value === 'string' && value.length ? value.split(',') : [];
}
