'use strict';

// Parent side of bench/worker.js: forks a fresh measured process and calls its commands over IPC.
const path = require('path');
const { fork } = require('child_process');

const WORKER = path.join(__dirname, 'worker.js');

/** Forks a worker and initialises the client `kind` in it. */
async function startWorker(kind, config) {
	const child = fork(WORKER, [], {
		execArgv: ['--expose-gc'],
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
	});
	const pending = new Map();
	let nextId = 1;
	let exited = false;

	child.on('message', ({ id, result, error }) => {
		const waiter = pending.get(id);
		if (!waiter) return;
		pending.delete(id);
		if (error) waiter.reject(new Error(`[${kind} worker] ${error}`));
		else waiter.resolve(result);
	});
	child.on('exit', (code, signal) => {
		exited = true;
		for (const waiter of pending.values()) waiter.reject(new Error(`[${kind} worker] exited (${code ?? signal})`));
		pending.clear();
	});

	/** Runs a client method in the worker; resolves to { value, ms, memory? }. */
	function call(command, args = {}, { memory = false } = {}) {
		if (exited) return Promise.reject(new Error(`[${kind} worker] has exited`));
		const id = nextId++;
		return new Promise((resolve, reject) => {
			pending.set(id, { resolve, reject });
			child.send({ id, command, args, memory });
		});
	}

	async function close() {
		if (exited) return;
		const done = new Promise((resolve) => child.once('exit', resolve));
		child.disconnect();
		await done;
	}

	try {
		await call('init', { kind, config });
	} catch (error) {
		child.kill();
		throw error;
	}
	return { kind, pid: child.pid, call, close };
}

module.exports = { startWorker };
