'use strict';

// What the emulator received, for assertions in tests. Credentials never reach the log: Authorization keeps
// only its scheme.
function redactHeaders(headers) {
	const copy = { ...headers };
	if (copy.authorization !== undefined) copy.authorization = String(copy.authorization).split(' ')[0];
	return copy;
}

function loggedBody(ctx) {
	if (ctx.json !== undefined) return ctx.json;
	if (ctx.form !== undefined) return ctx.form;
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
				query: { ...ctx.query },
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

module.exports = { createRequestLog, redactHeaders };
