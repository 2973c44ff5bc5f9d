'use strict';

// One throw-away real n8n for a test suite: its own user folder under e2e/.work, the package installed as a
// community package, a demo emulator on a free port, the demo credentials and chosen workflows imported.
const fs = require('node:fs');
const path = require('node:path');
const { WORK_DIR } = require('./paths');
const { freePort } = require('./proc');
const { installPackageIntoN8n } = require('./runtime');
const { n8nEnv, n8nCli, startN8n, RestClient, executionsOf } = require('./n8n');
const { startDemoEmulator, demoCredentials, oauthCallbackUrls } = require('./demo');
const { importCredentials, importWorkflows, publishWorkflow } = require('./setup');

async function createInstance({ name, tarball, workflows = [], publish = [] }) {
	const userFolder = path.join(WORK_DIR, `${name}-${Date.now()}`);
	fs.mkdirSync(userFolder, { recursive: true });
	const scratchDir = path.join(userFolder, 'scratch');
	await installPackageIntoN8n(userFolder, tarball);

	const port = await freePort(0);
	const brokerPort = await freePort(0);
	const instanceUrl = `http://localhost:${port}`;
	const { emu, tokens } = await startDemoEmulator({ port: 0, redirectUris: [oauthCallbackUrls(instanceUrl).oauth2] });
	const env = n8nEnv({ userFolder, port, brokerPort });

	const instance = {
		userFolder,
		env,
		emu,
		tokens,
		instanceUrl,
		server: undefined,
		logFile: path.join(userFolder, 'n8n.log'),
		/** One n8n CLI command on this folder (n8n must not be running for imports). */
		cli: (args) => n8nCli(args, env),
		async execute(workflowId) {
			return n8nCli(['execute', `--id=${workflowId}`, '--rawOutput'], env);
		},
		async start() {
			instance.server = await startN8n({ env, logFile: instance.logFile });
			return instance.server;
		},
		async stop() {
			if (instance.server) await instance.server.stop();
			instance.server = undefined;
		},
		async rest() {
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
		for (const workflowId of publish) await publishWorkflow(env, workflowId);
	} catch (error) {
		await instance.close();
		throw error;
	}
	return instance;
}

module.exports = { createInstance };
