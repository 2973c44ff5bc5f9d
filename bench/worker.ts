// One measured client in a fresh process (forked by run.ts with --expose-gc, tsx loaded). The emulator runs in the
// parent, so server work never lands in this process's time, CPU or memory. Commands arrive over IPC:
//   { id, command: 'init', args: { kind, config } }  then  { id, command: <client method>, args, memory }
// and each answer is { id, result: { value, ms, cpuMs, memory? } } or { id, error }.
// A timed call runs without instrumentation; `memory: true` asks for a separate, sampled call (see measureMemory).
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Session } from 'node:inspector';
import { createClient, type Client, type ClientKind, type WorkerConfig } from './clients';

const SAMPLE_INTERVAL_MS = 5;
// BENCH_CPU_PROF=<dir>: a V8 CPU profile of each timed call (not of start-up), for finding where time goes.
// Timing figures are not meaningful in such a run.
const PROFILE_DIR = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : undefined;

export interface MemoryFigures {
	heapUsedBefore: number;
	rssBefore: number;
	peakHeapUsedDelta: number;
	peakRssDelta: number;
}

/** The answer to one call: its value, and either its times or (memory: true) its memory figures. */
export interface CallResult<T = unknown> {
	value: T;
	ms: number;
	cpuMs: number;
	memory: MemoryFigures;
}

export interface WorkerRequest {
	id: number;
	command: string;
	args: unknown;
	memory?: boolean;
}

export type WorkerAnswer = { id: number; result: Partial<CallResult>; error?: undefined } | { id: number; error: string; result?: undefined };

let client: Client | undefined;
let clientKind: ClientKind | undefined;
let profileCount = 0;

function post<T = unknown>(session: Session, method: string, params?: object): Promise<T> {
	return new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T))));
}

/** Runs `call` under the inspector's CPU profiler and writes <kind>-<command>-<pid>-<n>.cpuprofile. */
async function profiled<T>(profileDir: string, command: string, call: () => Promise<T>): Promise<T> {
	const session = new Session();
	session.connect();
	await post(session, 'Profiler.enable');
	await post(session, 'Profiler.setSamplingInterval', { interval: 100 });
	await post(session, 'Profiler.start');
	try {
		return await call();
	} finally {
		const { profile } = await post<{ profile: object }>(session, 'Profiler.stop');
		session.disconnect();
		fs.mkdirSync(profileDir, { recursive: true });
		const file = path.join(profileDir, `${clientKind}-${command}-${process.pid}-${++profileCount}.cpuprofile`);
		fs.writeFileSync(file, JSON.stringify(profile));
	}
}

function collectGarbage(): void {
	if (typeof global.gc !== 'function') throw new Error('bench/worker.ts needs --expose-gc');
	global.gc();
	global.gc();
}

function cpuMs({ user, system }: NodeJS.CpuUsage): number {
	return (user + system) / 1000;
}

/** Wall time and CPU time of this process (the server's work is not in it). */
async function measureTime(call: () => Promise<unknown>): Promise<Omit<CallResult, 'memory'>> {
	const cpuBefore = process.cpuUsage();
	const started = performance.now();
	const value = await call();
	const ms = performance.now() - started;
	return { value, ms, cpuMs: cpuMs(process.cpuUsage(cpuBefore)) };
}

/**
 * Peak memory of one call: the heap is collected first, process.memoryUsage() is sampled every few milliseconds
 * and once more after the call (while its result is still alive), and the kernel's peak RSS (ru_maxrss, which
 * also sees peaks between samples) is read at the end.
 */
async function measureMemory(call: () => Promise<unknown>): Promise<Pick<CallResult, 'value' | 'memory'>> {
	collectGarbage();
	const before = process.memoryUsage();
	let peakHeapUsed = before.heapUsed;
	let peakRss = before.rss;
	const sample = (): void => {
		const now = process.memoryUsage();
		if (now.heapUsed > peakHeapUsed) peakHeapUsed = now.heapUsed;
		if (now.rss > peakRss) peakRss = now.rss;
	};
	const timer = setInterval(sample, SAMPLE_INTERVAL_MS);
	let value;
	try {
		value = await call();
		sample();
	} finally {
		clearInterval(timer);
	}
	const maxRss = process.resourceUsage().maxRSS * 1024;
	return {
		value,
		memory: {
			heapUsedBefore: before.heapUsed,
			rssBefore: before.rss,
			peakHeapUsedDelta: peakHeapUsed - before.heapUsed,
			peakRssDelta: Math.max(peakRss, maxRss) - before.rss,
		},
	};
}

async function init({ kind, config }: { kind: ClientKind; config: WorkerConfig }): Promise<Partial<CallResult>> {
	clientKind = kind;
	client = createClient(kind, config);
	await client.init();
	return { value: { pid: process.pid } };
}

/** A client method by the name that arrived over IPC (the arguments were made for it by run.ts). */
function clientMethod(command: string): (args: unknown) => Promise<unknown> {
	const method = client?.[command as keyof Client];
	if (!client || typeof method !== 'function') throw new Error(`worker: no command ${command}`);
	return (method as (args: unknown) => Promise<unknown>).bind(client);
}

async function handle({ command, args, memory }: WorkerRequest): Promise<Partial<CallResult>> {
	if (command === 'init') return await init(args as Parameters<typeof init>[0]);
	const method = clientMethod(command);
	const run = (): Promise<unknown> => method(args);
	if (memory) return await measureMemory(run);
	return await measureTime(PROFILE_DIR ? () => profiled(PROFILE_DIR, command, run) : run);
}

process.on('message', async (request: WorkerRequest) => {
	let answer: WorkerAnswer;
	try {
		answer = { id: request.id, result: await handle(request) };
	} catch (error) {
		answer = { id: request.id, error: error && error.stack ? `${error.message}\n${error.stack}` : String(error) };
	}
	process.send?.(answer);
});

process.on('disconnect', () => process.exit(0));
