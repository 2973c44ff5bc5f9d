'use strict';

// node:http front end: builds the request context, runs the pipeline (log -> faults -> route -> auth -> rate limit ->
// scopes -> OpenAPI validation -> handler) and writes the Response.
const http = require('http');
const responses = require('./responses');
const { validateRequest, findOperation, matchOperation, checkResponse } = require('./validation');
const { handleControl } = require('./control');
const auth = require('./auth');

function readBody(req) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

function parseUrl(req, fallbackHost) {
	const host = req.headers.host || fallbackHost;
	try {
		return { url: new URL(`http://${host}${req.url}`), host };
	} catch {
		return { url: new URL(`http://${fallbackHost}${req.url}`), host };
	}
}

function buildContext(emulator, req, rawBody) {
	const { url, host } = parseUrl(req, `${emulator.host}:${emulator.port}`);
	const query = {};
	for (const [name, value] of url.searchParams) query[name] = value;
	const mediaType = String(req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
	const ctx = {
		method: req.method,
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
		ctx.form = {};
		for (const [name, value] of new URLSearchParams(rawBody.toString('utf8'))) ctx.form[name] = value;
	}
	return ctx;
}

function toResponse(emulator, thrown) {
	if (responses.isResponse(thrown)) return thrown;
	emulator.internalErrors.push(thrown);
	return responses.genericProblem(500);
}

async function invoke(emulator, handler, ctx) {
	try {
		const response = await handler(ctx);
		return response || responses.genericProblem(500, 'Handler returned no response');
	} catch (thrown) {
		return toResponse(emulator, thrown);
	}
}

function operationFor(api, route, ctx) {
	if (route.operationId) return findOperation(api, route.operationId);
	if (route.raw || !ctx.path.startsWith('/2/')) return undefined;
	return matchOperation(api, ctx.method, ctx.path) || undefined;
}

async function runApiRoute(emulator, route, ctx) {
	let limitHeaders;
	let response;
	try {
		ctx.auth = await auth.authenticate(ctx);
		// Counted before the scope check: X sends the bucket's headers on 403s too (x-dm-api.md §4.1).
		limitHeaders = emulator.rateLimiter.check(ctx).headers;
		auth.checkScopes(ctx, ctx.operation);
		const { query, vocabulary } = validateRequest(emulator.api, ctx);
		ctx.apiQuery = query;
		ctx.vocabulary = vocabulary;
		response = await route.handler(ctx);
	} catch (thrown) {
		response = toResponse(emulator, thrown);
	}
	// 401s never carry rate-limit headers on the real API.
	if (limitHeaders && response.status !== 401) response = { ...response, headers: { ...limitHeaders, ...response.headers } };
	return response;
}

async function route(emulator, ctx) {
	const match = emulator.router.match(ctx.method, ctx.path);
	if (!match) return responses.unknownRoute();
	ctx.params = match.params;
	ctx.operation = operationFor(emulator.api, match.route, ctx);
	if (!ctx.operation) return invoke(emulator, match.route.handler, ctx);
	return runApiRoute(emulator, match.route, ctx);
}

function faultResponse(fault) {
	const base = fault.body === undefined ? responses.genericProblem(fault.status) : { status: fault.status, body: fault.body };
	return { ...base, status: fault.status, headers: { ...base.headers, ...fault.headers } };
}

// The Date header comes from the emulator clock (clients compute rate-limit waits as reset minus Date); a fault's
// or handler's own `date` header wins.
function serialize(response, { problemHost, nowMs }) {
	const headers = { date: new Date(nowMs).toUTCString(), ...response.headers };
	let payload = response.body;
	let contentType = response.contentType;
	if (payload === undefined || payload === null) {
		payload = '';
	} else if (Buffer.isBuffer(payload)) {
		contentType = contentType || 'application/octet-stream';
	} else if (typeof payload === 'object') {
		payload = JSON.stringify(responses.withProblemHost(payload, problemHost));
		contentType = contentType || responses.JSON_TYPE;
	} else {
		payload = String(payload);
		contentType = contentType || 'text/plain; charset=utf-8';
	}
	if (contentType) headers['content-type'] = contentType;
	headers['content-length'] = String(Buffer.byteLength(payload));
	return { status: response.status, headers, payload };
}

function serializeOptions(emulator) {
	return { problemHost: emulator.options.problemHost, nowMs: emulator.clock.now() };
}

function recordViolations(emulator, ctx, response) {
	if (!emulator.options.validateResponses || !ctx.operation) return;
	const body = responses.withProblemHost(response.body, emulator.options.problemHost);
	const errors = checkResponse(emulator.api, ctx.operation, { status: response.status, body });
	if (errors.length) {
		emulator.responseViolations.push({ method: ctx.method, path: ctx.path, operationId: ctx.operation.operationId, status: response.status, errors, body });
	}
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function handle(emulator, req, res) {
	const ctx = buildContext(emulator, req, await readBody(req));
	if (ctx.path === '/_emulator' || ctx.path.startsWith('/_emulator/')) {
		const { status, headers, payload } = serialize(await handleControl(emulator, ctx), serializeOptions(emulator));
		res.writeHead(status, headers).end(payload);
		return;
	}
	const entry = emulator.requestLogStore.start(ctx, emulator.clock.now());
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
	let response = fault && fault.status ? faultResponse(fault) : await route(emulator, ctx);
	if (fault && !fault.status && fault.headers) response = { ...response, headers: { ...response.headers, ...fault.headers } };
	entry.status = response.status;
	if (fault && fault.reset === 'after') {
		req.socket.destroy();
		return;
	}
	if (!fault || !fault.status) recordViolations(emulator, ctx, response);
	const { status, headers, payload } = serialize(response, serializeOptions(emulator));
	if (fault && fault.reset === 'during') {
		// Headers and half of the body, then the connection drops: the client sees a response cut short. A body too
		// short to cut drops like 'after'.
		const bytes = Buffer.from(payload);
		if (req.method === 'HEAD' || bytes.length < 2) {
			req.socket.destroy();
			return;
		}
		res.writeHead(status, headers);
		res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => req.socket.destroy());
		return;
	}
	res.writeHead(status, headers).end(req.method === 'HEAD' ? undefined : payload);
}

function createServer(emulator) {
	return http.createServer((req, res) => {
		handle(emulator, req, res).catch((error) => {
			emulator.internalErrors.push(error);
			if (!res.headersSent) res.writeHead(500, { 'content-type': responses.JSON_TYPE, date: new Date(emulator.clock.now()).toUTCString() });
			res.end(JSON.stringify(responses.genericProblem(500).body));
		});
	});
}

module.exports = { createServer };
