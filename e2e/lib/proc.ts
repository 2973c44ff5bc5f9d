import { spawn } from 'node:child_process';
import net from 'node:net';

export type Env = Record<string, string | undefined>;

export interface RunResult {
	code: number;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	output: string;
}

export interface RunOptions {
	cwd?: string;
	env?: Env;
	/** Stream the output to this process (for long installs) besides collecting it. */
	echo?: boolean;
	input?: string;
}

/** Set by jest for the suites; n8n reads NODE_ENV=test as its own unit-test mode (it would not serve, for one). */
const isJestVariable = (key: string, value: string | undefined): boolean =>
	key === 'JEST_WORKER_ID' || (key === 'NODE_ENV' && value === 'test');

/**
 * The environment without the npm_* variables that `npm start` / `npm run` export: a nested npm would read
 * them as its own config (the repo's `ignore-scripts=true` would then apply to the runtimes' `npm rebuild sqlite3`).
 * Jest's variables are left out too.
 */
export function cleanEnv(extra: Env = {}): Env {
	const env: Env = {};
	for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key) && !isJestVariable(key, value)) env[key] = value;
	return { ...env, ...extra };
}

/**
 * Runs a command to completion. `echo` streams its output to this process (for long installs), otherwise the
 * output is collected. Resolves { code, stdout, stderr, output } and never rejects on a non-zero exit.
 */
export function run(command: string, args: string[], { cwd, env = cleanEnv(), echo = false, input }: RunOptions = {}): Promise<RunResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd, env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		let output = '';
		if (!child.stdout || !child.stderr) throw new Error(`${command}: no output pipes`);
		child.stdout.on('data', (chunk: Buffer) => {
			stdout += chunk;
			output += chunk;
			if (echo) process.stdout.write(chunk);
		});
		child.stderr.on('data', (chunk: Buffer) => {
			stderr += chunk;
			output += chunk;
			if (echo) process.stderr.write(chunk);
		});
		if (input !== undefined) child.stdin?.end(input);
		child.once('error', reject);
		child.once('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), signal, stdout, stderr, output }));
	});
}

export async function runOrThrow(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
	const result = await run(command, args, options);
	if (result.code !== 0) {
		const tail = result.output.split('\n').slice(-40).join('\n');
		throw new Error(`${command} ${args.join(' ')} failed (exit ${result.code})${options.echo ? '' : `:\n${tail}`}`);
	}
	return result;
}

/** `preferred` when it is free on 127.0.0.1, otherwise any free port. */
export function freePort(preferred = 0): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.once('error', (error: NodeJS.ErrnoException) => {
			if (preferred !== 0 && error.code === 'EADDRINUSE') resolve(freePort(0));
			else reject(error);
		});
		server.listen(preferred, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Thrown from a waitFor check to stop waiting at once (the awaited thing can no longer happen). */
export class WaitAborted extends Error {}

type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

/** Polls `check` until it returns a truthy value; throws with `what` after `timeoutMs` (at once for WaitAborted). */
export async function waitFor<T>(
	what: string,
	check: () => T | Promise<T>,
	{ timeoutMs = 60000, intervalMs = 250 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<Truthy<T>> {
	const deadline = Date.now() + timeoutMs;
	let lastError: Error | undefined;
	while (Date.now() < deadline) {
		try {
			const value = await check();
			if (value) return value as Truthy<T>;
		} catch (error) {
			if (error instanceof WaitAborted) throw error;
			lastError = error;
		}
		await delay(intervalMs);
	}
	throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${lastError.message})` : ''}`);
}
