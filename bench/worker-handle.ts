// Parent side of bench/worker.ts: forks a fresh measured process and calls its commands over IPC.
import path from 'node:path';
import { fork } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import type { ClientKind, WorkerConfig } from './clients';
import type { CallResult, WorkerAnswer, WorkerRequest } from './worker';

const WORKER = path.join(__dirname, 'worker.ts');
// The worker is TypeScript: tsx's loader, by absolute URL so that it resolves from any working directory.
const TSX_LOADER = pathToFileURL(require.resolve('tsx')).href;

export interface Worker {
	kind: ClientKind;
	pid: number | undefined;
	/** Runs a client method in the worker; resolves to { value, ms, cpuMs } or, with memory: true, { value, memory }. */
	call<T = unknown>(command: string, args?: object, options?: { memory?: boolean }): Promise<CallResult<T>>;
	close(): Promise<void>;
}

/** Forks a worker and initialises the client `kind` in it. */
export async function startWorker(kind: ClientKind, config: WorkerConfig): Promise<Worker> {
	const child = fork(WORKER, [], {
		execArgv: ['--expose-gc', '--import', TSX_LOADER],
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
	});
	const pending = new Map<number, { resolve: (result: CallResult<never>) => void; reject: (error: Error) => void }>();
	let nextId = 1;
	let exited = false;

	child.on('message', ({ id, result, error }: WorkerAnswer) => {
		const waiter = pending.get(id);
		if (!waiter) return;
		pending.delete(id);
		if (error !== undefined) waiter.reject(new Error(`[${kind} worker] ${error}`));
		else waiter.resolve(result as CallResult<never>);
	});
	child.on('exit', (code, signal) => {
		exited = true;
		for (const waiter of pending.values()) waiter.reject(new Error(`[${kind} worker] exited (${code ?? signal})`));
		pending.clear();
	});

	function call<T = unknown>(command: string, args: object = {}, { memory = false }: { memory?: boolean } = {}): Promise<CallResult<T>> {
		if (exited) return Promise.reject(new Error(`[${kind} worker] has exited`));
		const id = nextId++;
		return new Promise<CallResult<T>>((resolve, reject) => {
			pending.set(id, { resolve, reject });
			const request: WorkerRequest = { id, command, args, memory };
			child.send(request);
		});
	}

	async function close(): Promise<void> {
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
