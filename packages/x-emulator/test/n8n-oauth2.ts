// One authenticated GET made the way an n8n node makes it: this.helpers.httpRequestWithAuthentication inside n8n-core's
// WorkflowExecute, with a credential type that extends oAuth2Api. n8n-core signs the request, and on a 401 refreshes
// the token through the credential's access token URL and repeats the request, so tests prove that n8n's own OAuth2
// code works against the emulator.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Container } from '@n8n/di';
import { ExecutionLifecycleHooks, ExternalSecretsProxy, WorkflowExecute } from 'n8n-core';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';
import {
	createDeferredPromise,
	createRunExecutionData,
	ICredentialsHelper,
	NodeConnectionTypes,
	NodeHelpers,
	Workflow,
	type ExecutionError,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeProperties,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

const CREDENTIAL_TYPE = 'probeOAuth2Api';
const NODE_TYPE = 'probe-package.probe';

// n8n-core keeps its encryption key in <N8N_USER_FOLDER>/.n8n/config: a throwaway folder with a ready key keeps it out
// of $HOME (and keeps n8n-core from announcing that it generated one).
function ensureUserFolder(): void {
	if (process.env.N8N_USER_FOLDER) return;
	const folder = mkdtempSync(path.join(tmpdir(), 'x-emulator-n8n-'));
	mkdirSync(path.join(folder, '.n8n'));
	writeFileSync(path.join(folder, '.n8n', 'config'), JSON.stringify({ encryptionKey: randomBytes(24).toString('hex') }), { mode: 0o600 });
	process.env.N8N_USER_FOLDER = folder;
}

// A throwaway node type whose only job is one authenticated GET through n8n-core's helper.
const probeNode: INodeType = {
	description: {
		displayName: 'Probe',
		name: 'probe',
		group: ['transform'],
		version: 1,
		description: 'Authenticated GET',
		defaults: { name: 'Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		properties: [{ displayName: 'URL', name: 'url', type: 'string', default: '' }],
	},
	async execute(this: IExecuteFunctions) {
		const url = this.getNodeParameter('url', 0) as string;
		const body: IDataObject = await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, { method: 'GET', url, json: true });
		return [[{ json: body }]];
	},
};

const nodeTypes: INodeTypes = {
	getByName: () => probeNode,
	getByNameAndVersion: (_type, version) => NodeHelpers.getVersionedNodeType(probeNode, version),
	getKnownTypes: () => ({}),
};

export interface TokenUpdate {
	oauthTokenData: IDataObject;
}

/** Stands in for n8n's credential store: hands out the probe credential and records what n8n-core saves back. */
class ProbeCredentials extends ICredentialsHelper {
	readonly tokenUpdates: TokenUpdate[] = [];

	constructor(private data: ICredentialDataDecryptedObject) {
		super();
	}

	getParentTypes(name: string): string[] {
		return name === CREDENTIAL_TYPE ? ['oAuth2Api'] : [];
	}

	async authenticate(_credentials: ICredentialDataDecryptedObject, _typeName: string, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		return requestOptions;
	}

	async preAuthentication(): Promise<undefined> {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('getCredentials is not used by an OAuth2 request');
	}

	async getDecrypted(): Promise<ICredentialDataDecryptedObject> {
		return structuredClone(this.data);
	}

	async updateCredentials(_nodeCredentials: INodeCredentialsDetails, _type: string, data: ICredentialDataDecryptedObject): Promise<void> {
		this.data = data;
	}

	async updateCredentialsOauthTokenData(_nodeCredentials: INodeCredentialsDetails, _type: string, data: ICredentialDataDecryptedObject): Promise<void> {
		this.data = { ...this.data, oauthTokenData: data.oauthTokenData };
		this.tokenUpdates.push({ oauthTokenData: data.oauthTokenData as IDataObject });
	}

	getCredentialsProperties(): INodeProperties[] {
		return [];
	}
}

function additionalDataFor(credentialsHelper: ICredentialsHelper, hooks: ExecutionLifecycleHooks): IWorkflowExecuteAdditionalData {
	const unsupported = async (): Promise<never> => {
		throw new Error('not supported by the probe run');
	};
	return {
		hooks,
		credentialsHelper,
		currentNodeExecutionIndex: 0,
		externalSecretsProxy: new ExternalSecretsProxy(),
		executionId: 'probe-exec',
		userId: 'probe-user',
		variables: {},
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		currentNodeParameters: undefined,
		setExecutionStatus: () => {},
		executeWorkflow: unsupported,
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: unsupported,
	};
}

export interface ProbeRun {
	/** The workflow's error, undefined when the GET succeeded. */
	error: ExecutionError | undefined;
	/** The JSON the GET answered. */
	body: IDataObject | undefined;
	/** What n8n-core saved back to the credential (refreshed tokens), in order. */
	tokenUpdates: TokenUpdate[];
}

/** Runs the probe node once: GET `url` with `credential` (the data of an oAuth2Api credential). */
export async function probeGet(url: string, credential: ICredentialDataDecryptedObject): Promise<ProbeRun> {
	ensureUserFolder();
	const node: INode = {
		id: 'probe-1',
		name: 'Probe',
		type: NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: { url },
		credentials: { [CREDENTIAL_TYPE]: { id: 'cred-1', name: 'Probe' } },
	};
	const workflowData = { id: 'probe-wf', name: 'probe', nodes: [node], connections: {}, active: false };
	const workflow = new Workflow({ ...workflowData, nodeTypes, settings: { executionOrder: 'v1' } });
	const hooks = new ExecutionLifecycleHooks('manual', 'probe-exec', {
		...workflowData,
		settings: {},
		createdAt: new Date(),
		updatedAt: new Date(),
		isArchived: false,
		activeVersionId: null,
	});
	const finished = createDeferredPromise<IRun>();
	hooks.addHandler('workflowExecuteAfter', (fullRun) => finished.resolve(fullRun));
	const credentialsHelper = new ProbeCredentials(credential);
	const runExecutionData = createRunExecutionData({
		executionData: { nodeExecutionStack: [{ node, data: { main: [[{ json: {} }]] }, source: null }] },
	});
	const run = await new WorkflowExecute(additionalDataFor(credentialsHelper, hooks), 'manual', runExecutionData).processRunExecutionData(workflow);
	await finished.promise;
	const output = run.data.resultData.runData[node.name]?.[0]?.data?.main?.[0] ?? [];
	return { error: run.data.resultData.error, body: output[0]?.json, tokenUpdates: credentialsHelper.tokenUpdates };
}

/** Stops n8n-core's SSHClientsManager interval so that jest can exit. */
export function stopN8nTimers(): void {
	if (Container.has(SSHClientsManager)) Container.get(SSHClientsManager).onShutdown();
}
