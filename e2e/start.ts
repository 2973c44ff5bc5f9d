// `npm start`: a real n8n (2.8.4 unless N8N_VERSION picks another runtime of e2e/runtimes) with this package installed
// as a community package, wired to the local X API emulator (demo data), with credentials and the example workflows
// imported and the instant auto-reply example active. The first start installs n8n into e2e/runtimes/<version> (a few
// minutes); later starts reuse it and the user folder.
import fs from 'node:fs';
import path from 'node:path';
import { localUserFolder } from './lib/paths';
import { freePort } from './lib/proc';
import { ensureRuntime, buildPackage, packPackage, installPackageIntoN8n, sha256 } from './lib/runtime';
import { OWNER, n8nEnv, startN8n, RestClient, type N8nServer } from './lib/n8n';
import { startDemoEmulator, demoCredentials, oauthCallbackUrls, stubModelCredential, CREDENTIAL_NAMES, STUB_MODEL_CREDENTIAL } from './lib/demo';
import { demoResponder, startOpenAiStub } from './lib/openai-stub';
import { loadExamples, activeExamples } from './lib/examples';
import { importCredentials, importWorkflows, activateWorkflow } from './lib/setup';
import { selectedRuntime } from './lib/runtimes';
import type { DemoInfo, Emulator } from './lib/emulator';

const DEFAULT_N8N_PORT = 5678;
const DEFAULT_EMULATOR_PORT = 8787;
// N8N_VERSION=<version> picks another runtime of e2e/runtimes (`npm start` uses the default otherwise).
const RUNTIME = selectedRuntime();
const USER_FOLDER = localUserFolder(RUNTIME.id, RUNTIME.isDefault);
const STATE_FILE = path.join(USER_FOLDER, 'start-state.json');

const startedAt = Date.now();
const elapsed = (): string => `${((Date.now() - startedAt) / 1000).toFixed(1)} s`;
const step = (message: string): void => console.log(`[start ${elapsed()}] ${message}`);

interface StartState {
	examplesHash?: string;
}

function readState(): StartState {
	try {
		return JSON.parse(fs.readFileSync(STATE_FILE, 'utf8')) as StartState;
	} catch {
		return {};
	}
}

function writeState(state: StartState): void {
	fs.writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
}

function portFromEnv(name: string, fallback: number): number {
	const value = Number(process.env[name]);
	return Number.isInteger(value) && value > 0 ? value : fallback;
}

function banner({ n8nUrl, emu, demo, logFile }: { n8nUrl: string; emu: Emulator; demo: DemoInfo; logFile: string }): string {
	const { users } = demo;
	const sendAsBob = `curl -X POST -H 'content-type: application/json' -d '{"userId":"${users.bob.id}","to":"${users.alice.id}","text":"Hello Alice"}' ${emu.url}/_emulator/sendAs`;
	return [
		'',
		`n8n ${RUNTIME.n8nVersion} (Node ${RUNTIME.nodeMajor}) with the X Direct Messages nodes is ready.`,
		'',
		`  Editor:    ${n8nUrl}`,
		`  Login:     ${OWNER.email} / ${OWNER.password}`,
		`  Emulator:  ${emu.url}  (X API v2 DMs, demo data; signed in as @${users.alice.username})`,
		`  Credentials: "${CREDENTIAL_NAMES.xDmOAuth2Api}", "${CREDENTIAL_NAMES.xDmOAuth1Api}",`,
		`               "${STUB_MODEL_CREDENTIAL.name}" (the AI agent example's model: a local stub, no AI)`,
		'  Workflows: the examples/ folder; "X DM example: instant auto-reply to every inbound DM" is active (X pushes',
		'             each DM to n8n\'s webhook). The polling auto-reply, the stream auto-reply (Stream Trigger: no webhook)',
		'             and the AI agent examples are imported inactive; activate only one auto-reply at a time.',
		'',
		'  Make @bob_builder send @alice_dm a DM (the instant auto-reply answers within a second):',
		`    ${sendAsBob}`,
		`  What the emulator stored: curl ${emu.url}/_emulator/events`,
		`  Webhooks and deliveries: curl ${emu.url}/_emulator/webhooks ; curl ${emu.url}/_emulator/deliveries`,
		`  Stream connections (Stream Trigger): curl ${emu.url}/_emulator/streams`,
		'',
		`  n8n log: ${logFile}.  Ctrl-C stops n8n and the emulator.`,
		'',
	].join('\n');
}

/** Builds, installs the runtime when needed and installs the packed package into the local user folder. */
async function preparePackage(userFolder: string): Promise<void> {
	step('Building the package (npm run build)');
	await buildPackage();

	await ensureRuntime({ log: step });

	step('Packing the package and installing it into n8n');
	const tarball = await packPackage(path.join(userFolder, 'pack'));
	if (await installPackageIntoN8n(userFolder, tarball)) step(`Installed ${path.basename(tarball)} into ${path.join(userFolder, '.n8n', 'nodes')}`);
	else step('Package unchanged since the last start');
}

/** The example workflows are imported again only when a file in examples/ changed (edits made in n8n stay). */
async function importExamplesWhenChanged(env: ReturnType<typeof n8nEnv>, scratchDir: string): Promise<void> {
	const state = readState();
	const examples = loadExamples();
	const examplesHash = sha256(JSON.stringify(examples));
	if (state.examplesHash !== examplesHash) {
		step(`Importing ${examples.length} example workflows from examples/`);
		await importWorkflows(env, examples.map(({ workflow }) => workflow), scratchDir);
		for (const { workflow } of activeExamples(examples)) await activateWorkflow(env, workflow.id);
		writeState({ ...state, examplesHash });
	} else {
		step('Example workflows unchanged since the last start (kept with your edits)');
	}
}

async function main(): Promise<void> {
	const userFolder = USER_FOLDER;
	step(`n8n ${RUNTIME.n8nVersion} on Node ${RUNTIME.nodeMajor} (e2e/runtimes/${RUNTIME.folder}${RUNTIME.variant ? `, ${RUNTIME.variant.description}` : ''}; N8N_VERSION picks another), user folder ${path.basename(userFolder)}/`);
	const scratchDir = path.join(userFolder, 'scratch');
	fs.mkdirSync(scratchDir, { recursive: true });
	await preparePackage(userFolder);

	const n8nPort = await freePort(portFromEnv('N8N_PORT', DEFAULT_N8N_PORT));
	const emulatorPort = await freePort(portFromEnv('X_EMULATOR_PORT', DEFAULT_EMULATOR_PORT));
	const brokerPort = await freePort(0);
	const n8nUrl = `http://localhost:${n8nPort}`;
	const callbacks = oauthCallbackUrls(n8nUrl);

	step(`Starting the X API emulator with demo data on port ${emulatorPort}`);
	const { emu, demo, tokens } = await startDemoEmulator({ port: emulatorPort, redirectUris: [callbacks.oauth2] });
	const env = n8nEnv({ userFolder, port: n8nPort, brokerPort });
	// The AI agent example's chat model: a local OpenAI-compatible stub that reads the conversation and replies.
	const stub = await startOpenAiStub({ respond: demoResponder });

	let n8n: N8nServer | undefined;
	let stopping = false;
	const shutdown = async (exitCode: number): Promise<void> => {
		if (stopping) return;
		stopping = true;
		console.log('\nStopping n8n and the emulator...');
		if (n8n) await n8n.stop();
		await emu.close();
		await stub.close();
		process.exit(exitCode);
	};
	process.on('SIGINT', () => void shutdown(0));
	process.on('SIGTERM', () => void shutdown(0));
	process.on('exit', () => n8n?.child.kill('SIGTERM'));

	try {
		// Re-imported on every start: the emulator forgets tokens from earlier runs (e.g. refreshed or reconnected ones),
		// and its URL may have moved to another port.
		step('Importing the demo credentials');
		await importCredentials(env, [...demoCredentials(emu, tokens), stubModelCredential(stub.url)], scratchDir);
		await importExamplesWhenChanged(env, scratchDir);

		step(`Starting n8n on ${n8nUrl}`);
		const logFile = path.join(userFolder, 'n8n.log');
		fs.writeFileSync(logFile, '');
		n8n = await startN8n({ env, logFile, detached: true });
		n8n.child.once('exit', (code) => {
			if (!stopping) {
				console.error(`n8n exited unexpectedly (${code}); see ${logFile}`);
				void shutdown(1);
			}
		});

		const rest = new RestClient(n8n.probeUrl);
		if (await rest.setupOwner()) step(`Created the owner account ${OWNER.email}`);
		step(`Ready in ${elapsed()}`);
		console.log(banner({ n8nUrl, emu, demo, logFile }));
	} catch (error) {
		console.error(`\nnpm start failed: ${error.message}`);
		await shutdown(1);
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
