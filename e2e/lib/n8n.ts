import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { WORK_DIR } from './paths';
import { run, waitFor, WaitAborted, type Env, type RunResult } from './proc';
import { runtimeEnv } from './runtime';
import { nodeBinary, selectedRuntime, versionTraits, type Runtime } from './runtimes';

export const OWNER = Object.freeze({
	email: 'owner@example.com',
	password: 'Xdm-demo-2026',
	firstName: 'Demo',
	lastName: 'Owner',
});

/** The fields of the nodes' output items (X's DM event objects and the send operations' results) the suites read. */
export interface OutputItem {
	id: string;
	event_type?: string;
	text?: string;
	created_at?: string;
	sender_id?: string;
	dm_conversation_id?: string;
	sender?: { id: string; username: string };
	participants?: Array<{ id: string; username?: string }>;
	attachments?: { media?: Array<{ media_key?: string }> };
	dm_event_id?: string;
	recipient_id?: string;
}

interface NodeRun {
	data?: { main?: Array<Array<{ json: OutputItem }> | null> };
}

/** What the suites read of an execution's run data (`n8n execute --rawOutput`, or a stored execution). */
export interface ExecutionData {
	resultData?: { runData?: Record<string, NodeRun[]> };
}

/** The IRun JSON `n8n execute --rawOutput` prints. */
export interface ExecuteOutput {
	status?: string;
	data?: ExecutionData;
}

export interface N8nServer {
	url: string;
	probeUrl: string;
	/** When `/healthz` first answered (ms): n8n 2.41 activates workflows, and so polls first, 10-20 s later. */
	healthyAt: number;
	child: ChildProcess;
	logFile?: string;
	stop(): Promise<void>;
	/** SIGKILL, as a crash or a power cut would end n8n: no shutdown, nothing saved on the way out. */
	crash(): Promise<void>;
	exited(): boolean;
}

// A pid file per n8n the e2e suites start (not detached), so the run's global teardown can stop what a crashed suite
// left behind. An interrupted run needs none of this: Ctrl-C and CI's `timeout` signal the whole process group.
const PID_DIR = path.join(WORK_DIR, 'n8n-pids');

/**
 * Environment for one n8n user folder: quiet, local only, SQLite, fixed ports, the runtime's Node first on PATH and
 * what that n8n version needs (versionTraits: the legacy expression engine for 1.x on Node 20).
 */
export function n8nEnv({ userFolder, port, brokerPort, extra = {}, runtime = selectedRuntime() }: {
	userFolder: string;
	port: number;
	brokerPort: number;
	extra?: Env;
	runtime?: Runtime;
}): Env {
	return runtimeEnv(runtime, {
		// Ours (which runtime), not n8n's: n8n hands N8N_VERSION on to its task runners as its own version.
		N8N_VERSION: undefined,
		N8N_USER_FOLDER: userFolder,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: 'localhost',
		N8N_PORT: String(port),
		// The public URL n8n gives webhook nodes: X (here the emulator) calls the Instant Trigger there.
		WEBHOOK_URL: `http://127.0.0.1:${port}/`,
		// The editor's URL, which n8n builds OAuth callback URLs from (from WEBHOOK_URL when unset): the localhost URL
		// the browser opens and the emulator's demo OAuth client has as its redirect URI.
		N8N_EDITOR_BASE_URL: `http://localhost:${port}`,
		N8N_SECURE_COOKIE: 'false',
		// info, not warn: `n8n execute --rawOutput` prints the run through the logger.
		N8N_LOG_LEVEL: 'info',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		DB_TYPE: 'sqlite',
		DB_SQLITE_POOL_SIZE: '1',
		N8N_HIRING_BANNER_ENABLED: 'false',
		...versionTraits(runtime).env,
		...extra,
	});
}

/** One n8n CLI command (import:*, execute, publish:workflow ...); resolves { code, stdout, stderr, output }. */
export function n8nCli(args: string[], env: Env, runtime = selectedRuntime()): Promise<RunResult> {
	return run(nodeBinary(runtime), [runtime.n8nBin, ...args], { env });
}

export async function n8nCliOrThrow(args: string[], env: Env): Promise<RunResult> {
	const result = await n8nCli(args, env);
	if (result.code !== 0) throw new Error(`n8n ${args.join(' ')} failed (exit ${result.code}):\n${result.output.slice(-3000)}`);
	return result;
}

/** The IRun JSON that `n8n execute --rawOutput` prints after its log lines (starts at a line that is exactly `{`). */
export function parseExecuteOutput(stdout: string): ExecuteOutput | undefined {
	const start = stdout.search(/^\{$/m);
	if (start < 0) return undefined;
	try {
		return JSON.parse(stdout.slice(start)) as ExecuteOutput;
	} catch {
		return undefined;
	}
}

/** Output items (json) of a node in run data; run 0, output 0 unless told. */
function outputItems(executionData: ExecutionData | undefined, nodeName: string, runIndex = 0, outputIndex = 0): OutputItem[] | undefined {
	return executionData?.resultData?.runData?.[nodeName]?.[runIndex]?.data?.main?.[outputIndex]?.map((item) => item.json);
}

/** Output items (json) of a node in an IRun, run 0, output 0. */
export function nodeOutput(runData: ExecuteOutput | undefined, nodeName: string, { runIndex = 0, outputIndex = 0 } = {}): OutputItem[] | undefined {
	return outputItems(runData?.data, nodeName, runIndex, outputIndex);
}

/** Output items of `nodeName` in a stored execution's run data. */
export function storedNodeOutput(executionData: ExecutionData | undefined, nodeName: string): OutputItem[] | undefined {
	return outputItems(executionData, nodeName);
}

/** Records a running n8n pid in the run's pid directory (removed again when it exits), for the global teardown. */
export function trackPid(pid: number | undefined, running: boolean): void {
	if (pid === undefined) return;
	const file = path.join(PID_DIR, String(pid));
	if (running) {
		fs.mkdirSync(PID_DIR, { recursive: true });
		fs.writeFileSync(file, '');
	} else {
		fs.rmSync(file, { force: true });
	}
}

/** Parent pid -> child pids of every process (from /proc; empty where there is no /proc). */
function processTree(): Map<number, number[]> {
	const children = new Map<number, number[]>();
	if (!fs.existsSync('/proc')) return children;
	for (const name of fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
		try {
			// Field 4 of /proc/<pid>/stat is the parent pid; the command name before it may contain spaces.
			const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
			const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			children.set(parent, [...(children.get(parent) ?? []), Number(name)]);
		} catch {
			// The process ended meanwhile.
		}
	}
	return children;
}

/** The pids of a process's children, grandchildren ... */
function descendantPids(pid: number | undefined, tree = processTree()): number[] {
	if (pid === undefined) return [];
	return (tree.get(pid) ?? []).flatMap((child) => [...descendantPids(child, tree), child]);
}

/** Stops n8n processes whose pid files are still there (an e2e suite crashed before its teardown). */
export function killLeftoverN8n(): number[] {
	if (!fs.existsSync(PID_DIR)) return [];
	const killed: number[] = [];
	for (const name of fs.readdirSync(PID_DIR)) {
		try {
			process.kill(Number(name), 'SIGKILL');
			killed.push(Number(name));
		} catch {
			// Already gone.
		}
		fs.rmSync(path.join(PID_DIR, name), { force: true });
	}
	return killed;
}

/** Waits for /healthz, then for the REST API; resolves when /healthz first answered. */
async function waitUntilServing(probeUrl: string, timeoutMs: number, exitedEarly: () => string | undefined): Promise<number> {
	await waitFor('n8n /healthz', async () => {
		const exitMessage = exitedEarly();
		if (exitMessage) throw new WaitAborted(exitMessage);
		const response = await fetch(`${probeUrl}/healthz`);
		return response.ok;
	}, { timeoutMs, intervalMs: 300 });
	const healthyAt = Date.now();
	// /healthz answers while n8n still serves "n8n is starting up" for every route; wait for real JSON settings.
	await waitFor('n8n REST API', async () => {
		const response = await fetch(`${probeUrl}/rest/settings`);
		const text = await response.text();
		return response.ok && text.startsWith('{') && (JSON.parse(text) as { data?: unknown }).data !== undefined;
	}, { timeoutMs, intervalMs: 300 });
	return healthyAt;
}

/**
 * `n8n start` in the background. Returns { url, probeUrl, child, logFile, stop() } once the REST API answers.
 * Output goes to `logFile` (or is drained) so a full pipe never blocks n8n.
 */
export async function startN8n({ env, logFile, detached = false, timeoutMs = 120000, runtime = selectedRuntime() }: {
	env: Env;
	logFile?: string;
	detached?: boolean;
	timeoutMs?: number;
	runtime?: Runtime;
}): Promise<N8nServer> {
	const url = `http://localhost:${env.N8N_PORT}`;
	const probeUrl = `http://127.0.0.1:${env.N8N_PORT}`;
	const out = logFile ? fs.openSync(logFile, 'a') : 'pipe';
	// detached: own process group, so a Ctrl-C in the terminal reaches only the caller, which then stops n8n in order.
	const child = spawn(nodeBinary(runtime), [runtime.n8nBin, 'start'], { env, detached, stdio: ['ignore', out, out] });
	const tracked = !detached;
	if (tracked) trackPid(child.pid, true);
	let exited = false;
	let exitCode: number | string | undefined;
	const exitPromise = new Promise<void>((resolve) => child.once('exit', (code, signal) => {
		exited = true;
		if (tracked) trackPid(child.pid, false);
		exitCode = code ?? signal ?? undefined;
		resolve();
	}));
	if (!logFile) {
		child.stdout?.resume();
		child.stderr?.resume();
	}
	if (typeof out === 'number') fs.closeSync(out);

	const stop = async (): Promise<void> => {
		if (exited) return;
		child.kill('SIGTERM');
		// n8n stops in about 2 s; SIGKILL only if it hangs.
		const killTimer = setTimeout(() => child.kill('SIGKILL'), 30000);
		await exitPromise;
		clearTimeout(killTimer);
	};
	const crash = async (): Promise<void> => {
		if (exited) return;
		// Its task runner too: an orphaned runner would outlive the crash.
		const family = [...descendantPids(child.pid), child.pid];
		for (const pid of family) {
			try {
				if (pid !== undefined) process.kill(pid, 'SIGKILL');
			} catch {
				// Already gone.
			}
		}
		await exitPromise;
	};
	const server: N8nServer = { url, probeUrl, healthyAt: 0, child, logFile, stop, crash, exited: () => exited };
	try {
		server.healthyAt = await waitUntilServing(probeUrl, timeoutMs, () =>
			(exited ? `n8n exited early (${exitCode})${logFile ? `, see ${logFile}` : ''}` : undefined));
	} catch (error) {
		await stop();
		throw error;
	}
	return server;
}

export interface RestResponse {
	status: number;
	json: unknown;
	text: string;
}

/** Minimal cookie-keeping REST client for n8n's /rest API. */
export class RestClient {
	private cookie = '';

	constructor(readonly baseUrl: string) {}

	async request(method: string, route: string, body?: unknown): Promise<RestResponse> {
		const response = await fetch(`${this.baseUrl}/rest${route}`, {
			method,
			headers: { 'content-type': 'application/json', ...(this.cookie ? { cookie: this.cookie } : {}), 'browser-id': 'x-dm-e2e' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const setCookie = response.headers.getSetCookie?.() ?? [];
		for (const entry of setCookie) {
			const pair = entry.split(';')[0];
			if (pair.startsWith('n8n-auth=')) this.cookie = pair;
		}
		const text = await response.text();
		let json: unknown;
		try {
			json = JSON.parse(text);
		} catch {
			json = undefined;
		}
		return { status: response.status, json, text };
	}

	/** Creates the owner account on a fresh instance; returns false when an owner already exists. */
	async setupOwner(owner = OWNER): Promise<boolean> {
		const settings = await this.request('GET', '/settings');
		const data = settings.json as { data?: { userManagement?: { showSetupOnFirstLoad?: boolean } } } | undefined;
		if (data?.data?.userManagement?.showSetupOnFirstLoad === false) return false;
		const { status, text } = await this.request('POST', '/owner/setup', owner);
		if (status !== 200) throw new Error(`owner setup failed: ${status} ${text}`);
		return true;
	}

	async login(owner = OWNER): Promise<void> {
		const { status, text } = await this.request('POST', '/login', { emailOrLdapLoginId: owner.email, password: owner.password });
		if (status !== 200) throw new Error(`login failed: ${status} ${text}`);
	}
}

// The sqlite3 and flatted modules of the n8n runtime (what n8n itself uses to store executions); only what is called.
interface Sqlite3Database {
	all(sql: string, params: unknown[], callback: (error: Error | null, rows: Array<Record<string, unknown>>) => void): void;
	close(): void;
}
interface Sqlite3Module {
	OPEN_READONLY: number;
	Database: new (file: string, mode: number, callback: (error: Error | null) => void) => Sqlite3Database;
}
interface FlattedModule {
	parse(text: string): unknown;
}

/** A module of the selected runtime's node_modules, loaded into this (the machine's Node) process. */
function runtimeModule<T>(name: string): T {
	return require(path.join(selectedRuntime().modules, name)) as T;
}

/** Reads rows from n8n's SQLite database with the sqlite3 module n8n itself uses. */
export function queryDatabase(userFolder: string, sql: string, params: unknown[] = []): Promise<Array<Record<string, unknown>>> {
	const sqlite3 = runtimeModule<Sqlite3Module>('sqlite3');
	return new Promise((resolve, reject) => {
		const db = new sqlite3.Database(path.join(userFolder, '.n8n', 'database.sqlite'), sqlite3.OPEN_READONLY, (openError) => {
			if (openError) return reject(openError);
			db.all(sql, params, (error, rows) => {
				db.close();
				if (error) reject(error);
				// Copied into this module's realm: jest runs the suites in a vm context, where arrays and objects made by
				// the native module would never deep-equal the suites' own.
				else resolve(Array.from(rows, (row) => ({ ...row })));
			});
		});
	});
}

export interface StoredExecution {
	id: string;
	mode: string;
	status: string;
	data: ExecutionData | undefined;
}

/** Executions of a workflow with their decoded run data (flatted, as n8n stores it). */
export async function executionsOf(userFolder: string, workflowId: string): Promise<StoredExecution[]> {
	const rows = await queryDatabase(userFolder,
		'SELECT e.id, e.mode, e.status, d.data FROM execution_entity e LEFT JOIN execution_data d ON d.executionId = e.id WHERE e.workflowId = ? ORDER BY e.id',
		[workflowId]);
	return storedExecutions(rows);
}

/** Rows of execution_entity joined with execution_data (id, mode, status, data) as executions, run data decoded. */
export function storedExecutions(rows: Array<Record<string, unknown>>): StoredExecution[] {
	const flatted = runtimeModule<FlattedModule>('flatted');
	return rows.map((row) => ({
		id: String(row.id),
		mode: String(row.mode),
		status: String(row.status),
		data: typeof row.data === 'string' && row.data ? flatted.parse(row.data) as ExecutionData : undefined,
	}));
}
