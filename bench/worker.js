'use strict';

// One measured client in a fresh process (forked by run.js with --expose-gc). The emulator runs in the parent, so
// server work never lands in this process's time, CPU or memory. Commands arrive over IPC:
//   { id, command: 'init', args: { kind, config } }  then  { id, command: <client method>, args, memory }
// and each answer is { id, result: { value, ms, cpuMs, memory? } } or { id, error }.
// A timed call runs without instrumentation; `memory: true` asks for a separate, sampled call (see measureMemory).
const fs = require('fs');
const path = require('path');
const { performance } = require('perf_hooks');
const { Session } = require('inspector');
const { createClient } = require('./clients');

const SAMPLE_INTERVAL_MS = 5;
// BENCH_CPU_PROF=<dir>: a V8 CPU profile of each timed call (not of start-up), for finding where time goes.
// Timing figures are not meaningful in such a run.
const PROFILE_DIR = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : undefined;

let client;
let clientKind;
let profileCount = 0;

function post(session, method, params) {
	return new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
}

/** Runs `call` under the inspector's CPU profiler and writes <kind>-<command>-<pid>-<n>.cpuprofile. */
async function profiled(command, call) {
	const session = new Session();
	session.connect();
	await post(session, 'Profiler.enable');
	await post(session, 'Profiler.setSamplingInterval', { interval: 100 });
	await post(session, 'Profiler.start');
	try {
		return await call();
	} finally {
		const { profile } = await post(session, 'Profiler.stop');
		session.disconnect();
		fs.mkdirSync(PROFILE_DIR, { recursive: true });
		const file = path.join(PROFILE_DIR, `${clientKind}-${command}-${process.pid}-${++profileCount}.cpuprofile`);
		fs.writeFileSync(file, JSON.stringify(profile));
	}
}

function collectGarbage() {
	if (typeof global.gc !== 'function') throw new Error('bench/worker.js needs --expose-gc');
	global.gc();
	global.gc();
}

function cpuMs({ user, system }) {
	return (user + system) / 1000;
}

/** Wall time and CPU time of this process (the server's work is not in it). */
async function measureTime(call) {
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
async function measureMemory(call) {
	collectGarbage();
	const before = process.memoryUsage();
	let peakHeapUsed = before.heapUsed;
	let peakRss = before.rss;
	const sample = () => {
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

const commands = {
	async init({ kind, config }) {
		clientKind = kind;
		client = createClient(kind, config);
		await client.init();
		return { value: { pid: process.pid } };
	},
};

process.on('message', async ({ id, command, args, memory }) => {
	try {
		let result;
		if (commands[command]) {
			result = await commands[command](args);
		} else {
			if (!client || typeof client[command] !== 'function') throw new Error(`worker: no command ${command}`);
			const run = () => client[command](args);
			if (memory) result = await measureMemory(run);
			else result = await measureTime(PROFILE_DIR ? () => profiled(command, run) : run);
		}
		process.send({ id, result });
	} catch (error) {
		process.send({ id, error: error && error.stack ? `${error.message}\n${error.stack}` : String(error) });
	}
});

process.on('disconnect', () => process.exit(0));
