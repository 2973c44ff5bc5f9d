// node:http front end: reads the body (at most 8 MiB, request-body.ts), builds the request context, runs the
// pipeline (log -> faults -> route -> auth -> rate limit -> scopes -> OpenAPI validation -> handler) and writes the
// Reply.
import * as http from 'node:http';
import * as auth from './auth';
import type { ApiContext, RequestContext, Route } from './context';
import type { Fault } from './faults';
import type { Api, Operation } from './openapi-loader';
import * as responses from './responses';
import { MAX_BODY_BYTES, declaredTooLarge, readBody } from './request-body';
import { bodySummary } from './request-log';
import type { Runtime } from './runtime';
import { checkResponse, findOperation, matchOperation, validateRequest } from './validation';

type Reply = responses.Reply;
/** Answers /_emulator/ control requests. */
export type ControlHandler = (ctx: RequestContext) => Promise<Reply>;

function parseUrl(req: http.IncomingMessage, fallbackHost: string): { url: URL; host: string } {
	const host = req.headers.host || fallbackHost;
	try {
		return { url: new URL(`http://${host}${req.url}`), host };
	} catch {
		return { url: new URL(`http://${fallbackHost}${req.url}`), host };
	}
}

function buildContext(emulator: Runtime, req: http.IncomingMessage, rawBody: Buffer): RequestContext {
	const { url, host } = parseUrl(req, `${emulator.host}:${emulator.port}`);
	const query: Record<string, string> = {};
	for (const [name, value] of url.searchParams) query[name] = value;
	const mediaType = String(req.headers['content-type'] || '')
		.split(';')[0]
		.trim()
		.toLowerCase();
	const ctx: RequestContext = {
		method: req.method ?? 'GET',
		url,
		host,
		path: url.pathname,
		query,
		headers: { ...req.headers },
		rawBody,
		json: undefined,
		form: undefined,
		params: {},
		operation: undefined,
		emulator,
		auth: undefined,
	};
	if (mediaType === 'application/json' && rawBody.length) {
		try {
			ctx.json = JSON.parse(rawBody.toString('utf8'));
		} catch {
			ctx.jsonInvalid = true;
		}
	} else if (mediaType === 'application/x-www-form-urlencoded') {
		const form: Record<string, string> = {};
		for (const [name, value] of new URLSearchParams(rawBody.toString('utf8'))) form[name] = value;
		ctx.form = form;
	}
	return ctx;
}

function toResponse(emulator: Runtime, thrown: unknown): Reply {
	if (responses.isResponse(thrown)) return thrown;
	emulator.internalErrors.push(thrown);
	return responses.genericProblem(500);
}

async function invoke(emulator: Runtime, run: () => Reply | Promise<Reply>): Promise<Reply> {
	try {
		const response = await run();
		return response || responses.genericProblem(500, 'Handler returned no response');
	} catch (thrown) {
		return toResponse(emulator, thrown);
	}
}

function operationFor(api: Api, route: Route, ctx: RequestContext): Operation | undefined {
	if (route.operationId) return findOperation(api, route.operationId);
	if (route.raw || !ctx.path.startsWith('/2/')) return undefined;
	return matchOperation(api, ctx.method, ctx.path) || undefined;
}

async function runApiRoute(emulator: Runtime, route: Route, ctx: RequestContext, operation: Operation): Promise<Reply> {
	let limitHeaders: Record<string, string> | undefined;
	let response: Reply;
	try {
		ctx.operation = operation;
		const caller = auth.authenticate(ctx);
		ctx.auth = caller;
		// Counted before the scope check: X sends the bucket's headers on 403s too (x-dm-api.md §4.1).
		limitHeaders = emulator.rateLimiter.check(ctx).headers;
		auth.checkScopes(ctx, operation);
		const { query, vocabulary } = validateRequest(emulator.apiFor(ctx.path), { ...ctx, operation });
		const apiCtx: ApiContext = Object.assign(ctx, { operation, auth: caller, apiQuery: query, vocabulary });
		response = await route.handler(apiCtx);
	} catch (thrown) {
		response = toResponse(emulator, thrown);
	}
	// 401s never carry rate-limit headers on the real API.
	if (limitHeaders && response.status !== 401) response = { ...response, headers: { ...limitHeaders, ...response.headers } };
	return response;
}

async function route(emulator: Runtime, ctx: RequestContext): Promise<Reply> {
	const match = emulator.router.match(ctx.method, ctx.path);
	if (!match) return responses.unknownRoute();
	if (match.malformed) return responses.malformedParameter(match.malformed.name, match.malformed.value);
	ctx.params = match.params;
	const matched = match.route;
	const operation = operationFor(emulator.apiFor(ctx.path), matched, ctx);
	if (operation) return runApiRoute(emulator, matched, ctx, operation);
	if (matched.operationId !== undefined) return toResponse(emulator, new Error(`the spec has no operation ${matched.operationId}`));
	return invoke(emulator, () => matched.handler(ctx));
}

function faultResponse(fault: Fault & { status: number }): Reply {
	const base = fault.body === undefined ? responses.genericProblem(fault.status) : { status: fault.status, body: fault.body };
	return { ...base, status: fault.status, headers: { ...base.headers, ...fault.headers } };
}

interface Serialized {
	status: number;
	headers: Record<string, string>;
	payload: string | Buffer;
}

// The Date header comes from the emulator clock (clients compute rate-limit waits as reset minus Date); a fault's
// or handler's own `date` header wins.
function serialize(response: Reply, { problemHost, nowMs }: { problemHost: string; nowMs: number }): Serialized {
	const headers: Record<string, string> = { date: new Date(nowMs).toUTCString(), ...response.headers };
	let payload: string | Buffer;
	let contentType = response.contentType;
	const body = response.body;
	if (body === undefined || body === null) {
		payload = '';
	} else if (Buffer.isBuffer(body)) {
		payload = body;
		contentType = contentType || 'application/octet-stream';
	} else if (typeof body === 'object') {
		payload = JSON.stringify(responses.withProblemHost(body, problemHost));
		contentType = contentType || responses.JSON_TYPE;
	} else {
		payload = String(body);
		contentType = contentType || 'text/plain; charset=utf-8';
	}
	if (contentType) headers['content-type'] = contentType;
	headers['content-length'] = String(Buffer.byteLength(payload));
	return { status: response.status, headers, payload };
}

function serializeOptions(emulator: Runtime) {
	return { problemHost: emulator.options.problemHost, nowMs: emulator.clock.now() };
}

function recordViolations(emulator: Runtime, ctx: RequestContext, response: Reply): void {
	if (!emulator.options.validateResponses || !ctx.operation) return;
	const body = responses.withProblemHost(response.body, emulator.options.problemHost);
	const errors = checkResponse(emulator.apiFor(ctx.path), ctx.operation, { status: response.status, body });
	if (errors.length) {
		emulator.responseViolations.push({ method: ctx.method, path: ctx.path, operationId: ctx.operation.operationId, status: response.status, errors, body });
	}
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function hasStatus(fault: Fault | undefined): fault is Fault & { status: number } {
	return fault?.status !== undefined && fault.status !== 0;
}

// Headers and half of the body, then the connection drops: the client sees a response cut short. A body too
// short to cut drops like 'after'.
function sendHalf(req: http.IncomingMessage, res: http.ServerResponse, { status, headers, payload }: Serialized): void {
	const bytes = Buffer.from(payload);
	if (req.method === 'HEAD' || bytes.length < 2) {
		req.socket.destroy();
		return;
	}
	res.writeHead(status, headers);
	res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => req.socket.destroy());
}

function isControlPath(path: string): boolean {
	return path === '/_emulator' || path.startsWith('/_emulator/');
}

// 413 before the body was read (or as soon as it passed the limit). /2 and OAuth requests are logged with the size
// they announced or sent. The answer goes out at once; then the rest of the body is read and dropped (never kept)
// for a little while, so that the client reads the answer instead of a connection reset, and the connection goes.
function refuseTooLarge(emulator: Runtime, ctx: RequestContext, req: http.IncomingMessage, res: http.ServerResponse, bytes: number): void {
	const detail = `The request body is larger than ${MAX_BODY_BYTES} bytes.`;
	const control = isControlPath(ctx.path);
	if (!control) {
		const entry = emulator.requestLog.start(ctx, emulator.clock.now());
		entry.body = bodySummary(ctx.headers['content-type'], bytes);
		entry.status = 413;
	}
	const reply = control ? responses.json(413, { error: detail }) : responses.payloadTooLarge(detail);
	const { status, headers, payload } = serialize(reply, serializeOptions(emulator));
	res.writeHead(status, headers).end(payload);
	dropRestOfBody(req);
}

const LINGER_MS = 2000;

function dropRestOfBody(req: http.IncomingMessage): void {
	const socket = req.socket;
	let dropped = 0;
	const timer = setTimeout(() => socket.destroy(), LINGER_MS);
	timer.unref();
	socket.once('close', () => clearTimeout(timer));
	req.on('data', (chunk: Buffer) => {
		dropped += chunk.length;
		if (dropped > MAX_BODY_BYTES) socket.destroy();
	});
	req.resume();
}

async function handle(emulator: Runtime, control: ControlHandler, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
	const read = await readBody(req);
	const ctx = buildContext(emulator, req, read.body ?? Buffer.alloc(0));
	if (read.tooLarge !== undefined) {
		refuseTooLarge(emulator, ctx, req, res, read.tooLarge);
		return;
	}
	if (isControlPath(ctx.path)) {
		const { status, headers, payload } = serialize(await control(ctx), serializeOptions(emulator));
		res.writeHead(status, headers).end(payload);
		return;
	}
	const entry = emulator.requestLog.start(ctx, emulator.clock.now());
	const fault = emulator.faults.take(ctx.method, ctx.path);
	if (fault) {
		entry.faulted = true;
		if (fault.latencyMs) await sleep(fault.latencyMs);
		if (fault.reset === 'before') {
			entry.status = null;
			req.socket.destroy();
			return;
		}
	}
	let response = hasStatus(fault) ? faultResponse(fault) : await route(emulator, ctx);
	if (fault && !hasStatus(fault) && fault.headers) response = { ...response, headers: { ...response.headers, ...fault.headers } };
	entry.status = response.status;
	if (fault?.reset === 'after') {
		req.socket.destroy();
		return;
	}
	if (!hasStatus(fault)) recordViolations(emulator, ctx, response);
	const serialized = serialize(response, serializeOptions(emulator));
	if (response.stream && !hasStatus(fault) && fault?.reset !== 'during' && req.method !== 'HEAD') {
		const { 'content-length': _length, 'content-type': _type, ...headers } = serialized.headers;
		response.stream(res, headers);
		return;
	}
	if (fault?.reset === 'during') {
		sendHalf(req, res, serialized);
		return;
	}
	res.writeHead(serialized.status, serialized.headers).end(req.method === 'HEAD' ? undefined : serialized.payload);
}

export function createServer(emulator: Runtime, control: ControlHandler): http.Server {
	const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
		handle(emulator, control, req, res).catch((error: unknown) => {
			emulator.internalErrors.push(error);
			if (!res.headersSent) res.writeHead(500, { 'content-type': responses.JSON_TYPE, date: new Date(emulator.clock.now()).toUTCString() });
			res.end(JSON.stringify(responses.genericProblem(500).body));
		});
	};
	const server = http.createServer(listener);
	// Expect: 100-continue (curl sends it for large bodies): an oversized body is refused before the client sends it.
	server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
		if (declaredTooLarge(req) === undefined) res.writeContinue();
		listener(req, res);
	});
	return server;
}
