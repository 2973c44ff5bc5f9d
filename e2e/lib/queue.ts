// n8n in queue mode for the e2e suite: Redis and PostgreSQL from Debian's packages (e2e/queue/services.sh), then one
// main, workers and one webhook processor, each with its own user folder and the package installed as a community
// package, all sharing one encryption key, one database and one queue. The emulator runs in the test process.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { E2E_DIR } from './paths';
import { nodeBinary, selectedRuntime } from './runtimes';
import { freePort, run, waitFor, WaitAborted, type Env } from './proc';
import { installPackageIntoN8n } from './runtime';
import { n8nEnv, startN8n, storedExecutions, trackPid, type N8nServer, type StoredExecution } from './n8n';
import { startDemoEmulator, demoCredentials, oauthCallbackUrls, type DemoTokens } from './demo';
import { activateWorkflow, importCredentials, importWorkflows } from './setup';
import type { DemoInfo, Emulator, EmulatorOptions } from './emulator';
import type { Workflow } from './examples';

const SERVICES_SCRIPT = path.join(E2E_DIR, 'queue', 'services.sh');

export type QueueRole = 'main' | 'worker' | 'webhook';

/** Whether Redis and PostgreSQL are there (installed now if they were missing); `reason` when they cannot be. */
export async function ensureQueueServices(): Promise<{ available: true; output: string } | { available: false; reason: string }> {
	const result = await run('bash', [SERVICES_SCRIPT, 'install']);
	if (result.code === 0) return { available: true, output: result.output.trim() };
	if (result.code === 3) return { available: false, reason: result.output.trim() };
	throw new Error(`e2e/queue/services.sh install failed (exit ${result.code}):\n${result.output.slice(-3000)}`);
}

export interface QueueServices {
	dir: string;
	redisPort: number;
	pgPort: number;
	stop(): Promise<void>;
}

/** Redis and a fresh PostgreSQL cluster (database `n8n`, user `n8n`) on loopback, files under `dir`. */
export async function startQueueServices(dir: string): Promise<QueueServices> {
	fs.mkdirSync(dir, { recursive: true });
	const redisPort = await freePort(0);
	const pgPort = await freePort(0);
	const stop = async (): Promise<void> => {
		await run('bash', [SERVICES_SCRIPT, 'stop', dir]);
	};
	const result = await run('bash', [SERVICES_SCRIPT, 'start', dir, String(redisPort), String(pgPort)]);
	if (result.code !== 0) {
		await stop();
		throw new Error(`starting redis/postgresql failed (exit ${result.code}):\n${result.output.slice(-3000)}`);
	}
	return { dir, redisPort, pgPort, stop };
}

/** What every process of the cluster shares: queue, database, encryption key, public webhook URL. */
export function queueSharedEnv(services: QueueServices, encryptionKey: string, webhookUrl: string, mode: 'queue' | 'regular' = 'queue'): Env {
	return {
		EXECUTIONS_MODE: mode,
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(services.redisPort),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(services.pgPort),
		DB_POSTGRESDB_DATABASE: 'n8n',
		DB_POSTGRESDB_USER: 'n8n',
		DB_POSTGRESDB_PASSWORD: 'n8n',
		DB_POSTGRESDB_POOL_SIZE: '4',
		N8N_ENCRYPTION_KEY: encryptionKey,
		WEBHOOK_URL: webhookUrl,
		// n8n 2.x in queue mode keeps binary data in the database by default; said explicitly, it is what is tested.
		N8N_DEFAULT_BINARY_DATA_MODE: mode === 'queue' ? 'database' : 'filesystem',
		// Production webhooks are served by the webhook processor only (in regular mode the one process serves them).
		N8N_DISABLE_PRODUCTION_MAIN_PROCESS: mode === 'queue' ? 'true' : 'false',
		QUEUE_HEALTH_CHECK_ACTIVE: 'false',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
	};
}

export interface QueueProcess {
	role: QueueRole;
	name: string;
	userFolder: string;
	env: Env;
	logFile: string;
	child: ChildProcess;
	log(): string;
	stop(): Promise<void>;
}

/** `n8n worker` or `n8n webhook`, ready when its log says so. */
async function spawnN8nProcess(role: 'worker' | 'webhook', name: string, userFolder: string, env: Env): Promise<QueueProcess> {
	const logFile = path.join(userFolder, 'n8n.log');
	const out = fs.openSync(logFile, 'a');
	const runtime = selectedRuntime();
	const child = spawn(nodeBinary(runtime), [runtime.n8nBin, role], { env, stdio: ['ignore', out, out] });
	fs.closeSync(out);
	trackPid(child.pid, true);
	let exited = false;
	const exit = new Promise<void>((resolve) => child.once('exit', () => {
		exited = true;
		trackPid(child.pid, false);
		resolve();
	}));
	const readLog = (): string => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '');
	const stop = async (): Promise<void> => {
		if (exited) return;
		child.kill('SIGTERM');
		const killTimer = setTimeout(() => child.kill('SIGKILL'), 20000);
		await exit;
		clearTimeout(killTimer);
	};
	const ready = role === 'worker' ? /n8n worker is now ready/ : /Webhook listener waiting for requests/;
	try {
		await waitFor(`${name} to be ready (${logFile})`, () => {
			if (exited) throw new WaitAborted(`${name} exited early, see ${logFile}:\n${readLog().slice(-2000)}`);
			return ready.test(readLog());
		}, { timeoutMs: 120000, intervalMs: 300 });
	} catch (error) {
		await stop();
		throw error;
	}
	return { role, name, userFolder, env, logFile, child, log: readLog, stop };
}

/** The main (`n8n start`) as a QueueProcess. */
function mainProcess(name: string, userFolder: string, env: Env, server: N8nServer): QueueProcess {
	const logFile = server.logFile ?? path.join(userFolder, 'n8n.log');
	return {
		role: 'main', name, userFolder, env, logFile, child: server.child,
		log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''),
		stop: () => server.stop(),
	};
}

// ---- PostgreSQL reads, with the pg module n8n itself uses ----
interface PgClient {
	connect(): Promise<void>;
	query(sql: string, params?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
	end(): Promise<void>;
}
type PgModule = { Client: new (config: Record<string, unknown>) => PgClient };

const runtimeModule = <T>(name: string): T => require(path.join(selectedRuntime().modules, name)) as T;

export async function queryPostgres(services: QueueServices, sql: string, params: unknown[] = []): Promise<Array<Record<string, unknown>>> {
	const { Client } = runtimeModule<PgModule>('pg');
	const client = new Client({ host: '127.0.0.1', port: services.pgPort, user: 'n8n', password: 'n8n', database: 'n8n' });
	await client.connect();
	try {
		const { rows } = await client.query(sql, params);
		// Copied into this realm (jest's vm context), like queryDatabase in n8n.ts.
		return Array.from(rows, (row) => ({ ...row }));
	} finally {
		await client.end();
	}
}

export type QueueExecution = StoredExecution;

/** Executions of a workflow (finished or not) with their decoded run data. */
export async function queueExecutions(services: QueueServices, workflowId: string): Promise<QueueExecution[]> {
	const rows = await queryPostgres(services,
		'SELECT e.id, e.mode, e.status, d.data FROM execution_entity e LEFT JOIN execution_data d ON d."executionId" = e.id WHERE e."workflowId" = $1 ORDER BY e.id',
		[workflowId]);
	return storedExecutions(rows);
}

/** A workflow's static data as stored (the main saves a poll's, workers an execution's, the webhook processor a webhook's). */
export async function storedStaticData(services: QueueServices, workflowId: string): Promise<Record<string, unknown>> {
	const [row] = await queryPostgres(services, 'SELECT "staticData" FROM workflow_entity WHERE id = $1', [workflowId]);
	const value = row?.staticData;
	if (typeof value === 'string') return JSON.parse(value) as Record<string, unknown>;
	return value && typeof value === 'object' ? value as Record<string, unknown> : {};
}

export interface QueueCluster {
	services: QueueServices;
	encryptionKey: string;
	emu: Emulator;
	demo: DemoInfo;
	tokens: DemoTokens;
	main: QueueProcess;
	workers: QueueProcess[];
	webhook: QueueProcess;
	/** Where X (the emulator) and the tests call production webhooks: the webhook processor. */
	webhookUrl: string;
	processes(): QueueProcess[];
	/** Which worker ran each execution id (from the workers' "Worker started execution" log lines). */
	executionsByWorker(): Map<string, string>;
	executions(workflowId: string): Promise<QueueExecution[]>;
	/** Stops every n8n process (not the services, not the emulator). */
	stopN8n(): Promise<void>;
	close(): Promise<void>;
}

/** A user folder for one process: the package installed like a community package. */
async function prepareFolder(root: string, name: string, tarball: string): Promise<string> {
	const folder = path.join(root, name);
	fs.mkdirSync(folder, { recursive: true });
	await installPackageIntoN8n(folder, tarball);
	return folder;
}

/**
 * Everything of the queue-mode setup: services (already started), a demo emulator, credentials and workflows imported
 * and published through the main's CLI, then the main, `workers` workers and a webhook processor.
 */
export async function startQueueCluster({ root, services, tarball, workflows, publish, workers = 2, emulatorOptions = {} }: {
	root: string;
	services: QueueServices;
	tarball: string;
	workflows: Workflow[];
	publish: string[];
	workers?: number;
	emulatorOptions?: EmulatorOptions;
}): Promise<QueueCluster> {
	const encryptionKey = crypto.randomBytes(24).toString('base64');
	const [mainPort, webhookPort] = [await freePort(0), await freePort(0)];
	const webhookUrl = `http://127.0.0.1:${webhookPort}/`;
	const shared = queueSharedEnv(services, encryptionKey, webhookUrl);
	const { emu, demo, tokens } = await startDemoEmulator({ redirectUris: [oauthCallbackUrls(`http://localhost:${mainPort}`).oauth2], options: emulatorOptions });
	const started: QueueProcess[] = [];
	const stopAll = async (): Promise<void> => {
		// Workers and the webhook processor first, so nothing is picked up while the main goes away.
		await Promise.all(started.filter((proc) => proc.role !== 'main').map((proc) => proc.stop()));
		await Promise.all(started.filter((proc) => proc.role === 'main').map((proc) => proc.stop()));
	};
	try {
		const envFor = async (folder: string, port: number, extra: Env = {}): Promise<Env> =>
			n8nEnv({ userFolder: folder, port, brokerPort: await freePort(0), extra: { ...shared, ...extra } });
		const mainFolder = await prepareFolder(root, 'main', tarball);
		const mainEnv = await envFor(mainFolder, mainPort);
		await importCredentials(mainEnv, demoCredentials(emu, tokens), path.join(mainFolder, 'scratch'));
		await importWorkflows(mainEnv, workflows, path.join(mainFolder, 'scratch'));
		for (const id of publish) await activateWorkflow(mainEnv, id);

		// Workers and the webhook processor first: activating the Instant Trigger makes X send a CRC check to the
		// webhook processor's URL while the main is still starting.
		const others = await Promise.all([
			...Array.from({ length: workers }, async (_, index) => {
				const folder = await prepareFolder(root, `worker${index + 1}`, tarball);
				return spawnN8nProcess('worker', `worker${index + 1}`, folder, await envFor(folder, await freePort(0)));
			}),
			(async () => {
				const folder = await prepareFolder(root, 'webhook', tarball);
				return spawnN8nProcess('webhook', 'webhook', folder, await envFor(folder, webhookPort));
			})(),
		]);
		started.push(...others);
		const server = await startN8n({ env: mainEnv, logFile: path.join(mainFolder, 'n8n.log') });
		started.push(mainProcess('main', mainFolder, mainEnv, server));
	} catch (error) {
		await stopAll();
		await emu.close();
		throw error;
	}
	const byRole = (role: QueueRole) => started.filter((proc) => proc.role === role);
	return {
		services,
		encryptionKey,
		emu,
		demo,
		tokens,
		main: byRole('main')[0],
		workers: byRole('worker'),
		webhook: byRole('webhook')[0],
		webhookUrl,
		processes: () => [...started],
		executionsByWorker() {
			const owners = new Map<string, string>();
			for (const worker of byRole('worker')) {
				for (const match of worker.log().matchAll(/Worker started execution (\d+)/g)) owners.set(match[1], worker.name);
			}
			return owners;
		},
		executions: (workflowId) => queueExecutions(services, workflowId),
		stopN8n: stopAll,
		async close() {
			await stopAll();
			await emu.close();
		},
	};
}

/** One `n8n start` in regular mode on the same database (the single-process comparison); serves webhooks itself. */
export async function startSingleProcess({ root, services, tarball, encryptionKey }: {
	root: string;
	services: QueueServices;
	tarball: string;
	/** The cluster's key: the credentials in the database are encrypted with it. */
	encryptionKey: string;
}): Promise<{ process: QueueProcess; webhookUrl: string }> {
	const folder = await prepareFolder(root, 'single', tarball);
	const port = await freePort(0);
	const webhookUrl = `http://127.0.0.1:${port}/`;
	const env = n8nEnv({ userFolder: folder, port, brokerPort: await freePort(0), extra: queueSharedEnv(services, encryptionKey, webhookUrl, 'regular') });
	const server = await startN8n({ env, logFile: path.join(folder, 'n8n.log') });
	return { process: mainProcess('single', folder, env, server), webhookUrl };
}
