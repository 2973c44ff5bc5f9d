'use strict';

// What the emulator received, for assertions in tests. Credentials never reach the log: Authorization keeps
// only its scheme, and secret-bearing fields of bodies and query strings (authorization codes, PKCE verifiers,
// tokens, client secrets, OAuth 1.0a verifiers) read "[redacted]".
const REDACTED = '[redacted]';
const SECRET_FIELDS = new Set(['code', 'code_verifier', 'refresh_token', 'client_secret', 'oauth_verifier', 'token', 'access_token']);

function redactHeaders(headers) {
	const copy = { ...headers };
	if (copy.authorization !== undefined) copy.authorization = String(copy.authorization).split(' ')[0];
	return copy;
}

function redactFields(fields) {
	if (!fields || typeof fields !== 'object' || Array.isArray(fields)) return fields;
	const copy = { ...fields };
	for (const name of Object.keys(copy)) if (SECRET_FIELDS.has(name)) copy[name] = REDACTED;
	return copy;
}

function loggedBody(ctx) {
	if (ctx.json !== undefined) return redactFields(ctx.json);
	if (ctx.form !== undefined) return redactFields(ctx.form);
	if (!ctx.rawBody.length) return undefined;
	return { contentType: ctx.headers['content-type'] || null, bytes: ctx.rawBody.length };
}

function createRequestLog() {
	let entries = [];
	let nextId = 1;
	return {
		start(ctx, atMs) {
			const entry = {
				id: nextId++,
				at: atMs,
				method: ctx.method,
				path: ctx.path,
				query: redactFields(ctx.query),
				headers: redactHeaders(ctx.headers),
				body: loggedBody(ctx),
				status: undefined,
			};
			entries.push(entry);
			return entry;
		},
		entries() {
			return entries.slice();
		},
		clear() {
			entries = [];
		},
	};
}

module.exports = { createRequestLog, redactHeaders, redactFields, SECRET_FIELDS };
