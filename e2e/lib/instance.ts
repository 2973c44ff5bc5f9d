// One throw-away real n8n for a test suite: its own user folder under the run's work directory, the package
// installed as a community package, a demo emulator on a free port, the demo credentials and chosen workflows imported.
import fs from 'node:fs';
import path from 'node:path';
import { WORK_DIR } from './paths';
import { freePort, type Env, type RunResult } from './proc';
import { installPackageIntoN8n } from './runtime';
import { selectedRuntime, type Runtime } from './runtimes';
import { n8nEnv, n8nCli, startN8n, RestClient, executionsOf, type N8nServer, type StoredExecution } from './n8n';
import { startDemoEmulator, demoCredentials, oauthCallbackUrls, type DemoTokens } from './demo';
import { importCredentials, importWorkflows, activateWorkflow } from './setup';
import type { DemoInfo, Emulator } from './emulator';
import type { Workflow } from './examples';

export interface Instance {
	/** The n8n version (and Node) this instance runs: the one N8N_VERSION selects. */
	runtime: Runtime;
	/** What the activation command printed for each workflow activated at setup. */
	activations: Record<string, RunResult>;
	userFolder: string;
	env: Env;
	emu: Emulator;
	/** The emulator's demo world (users, group conversation, OAuth client). */
	demo: DemoInfo;
	tokens: DemoTokens;
	instanceUrl: string;
	server: N8nServer | undefined;
	logFile: string;
	/** One n8n CLI command on this folder (n8n must not be running for imports); `envChanges` on top of `env`. */
	cli(args: string[], envChanges?: Env): Promise<RunResult>;
	execute(workflowId: string): Promise<RunResult>;
	start(): Promise<N8nServer>;
	stop(): Promise<void>;
	/** Kills n8n with SIGKILL (see N8nServer.crash). */
	crash(): Promise<void>;
	/** A REST client signed in as the owner (created on first use); n8n must be running. */
	rest(): Promise<RestClient>;
	executions(workflowId: string): Promise<StoredExecution[]>;
	close(): Promise<void>;
}

export async function createInstance({ name, tarball, workflows = [], publish = [] }: {
	name: string;
	tarball: string;
	workflows?: Workflow[];
	/** Workflow ids to publish (activate) before n8n starts, with the command of the runtime's n8n version. */
	publish?: string[];
}): Promise<Instance> {
	const runtime = selectedRuntime();
	const userFolder = path.join(WORK_DIR, `${name}-${Date.now()}`);
	fs.mkdirSync(userFolder, { recursive: true });
	const scratchDir = path.join(userFolder, 'scratch');
	await installPackageIntoN8n(userFolder, tarball);

	const port = await freePort(0);
	const brokerPort = await freePort(0);
	const instanceUrl = `http://localhost:${port}`;
	const { emu, demo, tokens } = await startDemoEmulator({ port: 0, redirectUris: [oauthCallbackUrls(instanceUrl).oauth2] });
	const env = n8nEnv({ userFolder, port, brokerPort, runtime });

	const instance: Instance = {
		runtime,
		activations: {},
		userFolder,
		env,
		emu,
		demo,
		tokens,
		instanceUrl,
		server: undefined,
		logFile: path.join(userFolder, 'n8n.log'),
		cli: (args, envChanges = {}) => n8nCli(args, { ...env, ...envChanges }, runtime),
		async execute(workflowId) {
			return n8nCli(['execute', `--id=${workflowId}`, '--rawOutput'], env, runtime);
		},
		async start() {
			instance.server = await startN8n({ env, logFile: instance.logFile, runtime });
			return instance.server;
		},
		async stop() {
			if (instance.server) await instance.server.stop();
			instance.server = undefined;
		},
		async crash() {
			if (instance.server) await instance.server.crash();
			instance.server = undefined;
		},
		async rest() {
			if (!instance.server) throw new Error('n8n is not running');
			const client = new RestClient(instance.server.probeUrl);
			await client.setupOwner();
			await client.login();
			return client;
		},
		executions: (workflowId) => executionsOf(userFolder, workflowId),
		async close() {
			await instance.stop();
			await emu.close();
		},
	};

	try {
		await importCredentials(env, demoCredentials(emu, tokens), scratchDir);
		if (workflows.length) await importWorkflows(env, workflows, scratchDir);
		for (const workflowId of publish) instance.activations[workflowId] = await activateWorkflow(env, workflowId, runtime);
	} catch (error) {
		await instance.close();
		throw error;
	}
	return instance;
}
