'use strict';

const { spawn } = require('node:child_process');
const net = require('node:net');

/**
 * The environment without the npm_* variables that `npm start` / `npm run` export: a nested npm would read
 * them as its own config (the repo's `ignore-scripts=true` would then stop sqlite3 from building in e2e/runtime).
 */
function cleanEnv(extra = {}) {
	const env = {};
	for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
	return { ...env, ...extra };
}

/**
 * Runs a command to completion. `echo` streams its output to this process (for long installs), otherwise the
 * output is collected. Resolves { code, stdout, stderr, output } and never rejects on a non-zero exit.
 */
function run(command, args, { cwd, env = cleanEnv(), echo = false, input } = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd, env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		let output = '';
		child.stdout.on('data', (chunk) => {
			stdout += chunk;
			output += chunk;
			if (echo) process.stdout.write(chunk);
		});
		child.stderr.on('data', (chunk) => {
			stderr += chunk;
			output += chunk;
			if (echo) process.stderr.write(chunk);
		});
		if (input !== undefined) child.stdin.end(input);
		child.once('error', reject);
		child.once('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), signal, stdout, stderr, output }));
	});
}

async function runOrThrow(command, args, options = {}) {
	const result = await run(command, args, options);
	if (result.code !== 0) {
		const tail = result.output.split('\n').slice(-40).join('\n');
		throw new Error(`${command} ${args.join(' ')} failed (exit ${result.code})${options.echo ? '' : `:\n${tail}`}`);
	}
	return result;
}

/** `preferred` when it is free on 127.0.0.1, otherwise any free port. */
function freePort(preferred = 0) {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.once('error', (error) => {
			if (preferred !== 0 && error.code === 'EADDRINUSE') resolve(freePort(0));
			else reject(error);
		});
		server.listen(preferred, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a truthy value; throws with `what` after `timeoutMs` (at once for `error.fatal`). */
async function waitFor(what, check, { timeoutMs = 60000, intervalMs = 250 } = {}) {
	const deadline = Date.now() + timeoutMs;
	let lastError;
	while (Date.now() < deadline) {
		try {
			const value = await check();
			if (value) return value;
		} catch (error) {
			if (error.fatal) throw error;
			lastError = error;
		}
		await delay(intervalMs);
	}
	throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${lastError.message})` : ''}`);
}

module.exports = { cleanEnv, run, runOrThrow, freePort, delay, waitFor };
