'use strict';

// Runs the package's compiled nodes (dist/, built by `npx tsc`) inside the real n8n-core engine: WorkflowExecute for
// action nodes, PollContext for triggers. Credentials come from a test helper instead of n8n's database, so
// OAuth1 signing, OAuth2 bearer tokens and the OAuth2 refresh flow all run through n8n-core's own code.
const path = require('path');
const os = require('os');
const fs = require('fs');
const crypto = require('crypto');

// n8n-core writes its encryption key into <N8N_USER_FOLDER>/.n8n/config on first use: keep that out of $HOME.
if (!process.env.N8N_USER_FOLDER) {
	process.env.N8N_USER_FOLDER = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-harness-'));
	// A pre-made key keeps n8n-core from announcing that it generated one.
	fs.mkdirSync(path.join(process.env.N8N_USER_FOLDER, '.n8n'), { recursive: true });
	fs.writeFileSync(
		path.join(process.env.N8N_USER_FOLDER, '.n8n', 'config'),
		JSON.stringify({ encryptionKey: crypto.randomBytes(24).toString('hex') }),
		{ mode: 0o600 },
	);
}

const { Workflow, ICredentialsHelper, NodeHelpers, isExpression, createDeferredPromise } = require('n8n-workflow');
const { WorkflowExecute, ExecutionLifecycleHooks, PackageDirectoryLoader, PollContext, LoadOptionsContext } = require('n8n-core');

const PACKAGE_DIR = path.resolve(__dirname, '..', '..');
const PACKAGE_NAME = require(path.join(PACKAGE_DIR, 'package.json')).name;
const ACTION_NODE_TYPE = `${PACKAGE_NAME}.xDirectMessages`;
const TRIGGER_NODE_TYPE = `${PACKAGE_NAME}.xDirectMessagesTrigger`;
const OAUTH2_SCOPES = ['tweet.read', 'users.read', 'dm.read', 'dm.write', 'offline.access', 'media.write'];

// n8n's base credential types live in n8n-nodes-base, which is not installed: minimal stand-ins with the same
// property names, so that parent-type dispatch and defaults behave as in n8n.
const BUILTIN_CREDENTIAL_TYPES = {
	oAuth2Api: {
		name: 'oAuth2Api',
		displayName: 'OAuth2 API',
		properties: [
			{ displayName: 'Grant Type', name: 'grantType', type: 'options', default: 'authorizationCode' },
			{ displayName: 'Authorization URL', name: 'authUrl', type: 'string', default: '' },
			{ displayName: 'Access Token URL', name: 'accessTokenUrl', type: 'string', default: '' },
			{ displayName: 'Client ID', name: 'clientId', type: 'string', default: '' },
			{ displayName: 'Client Secret', name: 'clientSecret', type: 'string', typeOptions: { password: true }, default: '' },
			{ displayName: 'Scope', name: 'scope', type: 'string', default: '' },
			{ displayName: 'Auth URI Query Parameters', name: 'authQueryParameters', type: 'string', default: '' },
			{ displayName: 'Authentication', name: 'authentication', type: 'options', default: 'header' },
			{ displayName: 'Ignore SSL Issues', name: 'ignoreSSLIssues', type: 'boolean', default: false },
		],
	},
	oAuth1Api: {
		name: 'oAuth1Api',
		displayName: 'OAuth1 API',
		properties: [
			{ displayName: 'Authorization URL', name: 'authUrl', type: 'string', default: '' },
			{ displayName: 'Access Token URL', name: 'accessTokenUrl', type: 'string', default: '' },
			{ displayName: 'Consumer Key', name: 'consumerKey', type: 'string', default: '' },
			{ displayName: 'Consumer Secret', name: 'consumerSecret', type: 'string', typeOptions: { password: true }, default: '' },
			{ displayName: 'Request Token URL', name: 'requestTokenUrl', type: 'string', default: '' },
			{ displayName: 'Signature Method', name: 'signatureMethod', type: 'options', default: 'HMAC-SHA1' },
		],
	},
};

class TestCredentialsHelper extends ICredentialsHelper {
	constructor(loader, credentialsByType = {}) {
		super();
		this.loader = loader;
		// Copied so a run never mutates the caller's object; refreshed tokens land here and in tokenUpdates.
		this.credentialsByType = structuredClone(credentialsByType);
		this.tokenUpdates = [];
	}

	getCredentialType(name) {
		if (name in this.loader.credentialTypes) return this.loader.getCredential(name).type;
		if (BUILTIN_CREDENTIAL_TYPES[name]) return BUILTIN_CREDENTIAL_TYPES[name];
		throw new Error(`Unknown credential type ${name}`);
	}

	getParentTypes(name) {
		const parents = this.getCredentialType(name).extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	getCredentialsProperties(name) {
		const type = this.getCredentialType(name);
		return [...(type.extends ?? []).flatMap((parent) => this.getCredentialsProperties(parent)), ...type.properties];
	}

	isCredentialUsableByNode() {
		return true;
	}

	async getDecrypted(_additionalData, _nodeCredentials, type) {
		const defaults = {};
		for (const property of this.getCredentialsProperties(type)) {
			if (property.default !== undefined && property.type !== 'notice') defaults[property.name] = property.default;
		}
		const data = this.credentialsByType[type];
		if (!data) throw new Error(`No test credentials for type ${type}`);
		return { ...defaults, ...structuredClone(data) };
	}

	async authenticate(credentials, typeName, requestOptions, workflow, node) {
		const { authenticate } = this.getCredentialType(typeName);
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (authenticate && authenticate.type === 'generic') {
			const resolve = (value) =>
				isExpression(value)
					? String(
							workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials }, undefined, '') ??
								'',
						)
					: value;
			for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
				requestOptions[outerKey] = requestOptions[outerKey] ?? {};
				for (const [key, value] of Object.entries(outerValue)) requestOptions[outerKey][resolve(key)] = resolve(value);
			}
		}
		return requestOptions;
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials() {
		throw new Error('getCredentials is not implemented in the harness');
	}

	async updateCredentials(_nodeCredentials, type, data) {
		this.credentialsByType[type] = data;
	}

	async updateCredentialsOauthTokenData(nodeCredentials, type, data) {
		this.credentialsByType[type] = { ...this.credentialsByType[type], oauthTokenData: data.oauthTokenData };
		this.tokenUpdates.push({ type, nodeCredentials, oauthTokenData: data.oauthTokenData });
	}
}

const loaderCache = new Map();

/** Loads the package from its compiled dist/ exactly like n8n loads an installed community package. */
async function loadPackage(packageDir = PACKAGE_DIR) {
	if (loaderCache.has(packageDir)) return loaderCache.get(packageDir);
	const loader = new PackageDirectoryLoader(packageDir);
	const loading = loader.loadAll().then(() => loader);
	loaderCache.set(packageDir, loading);
	try {
		return await loading;
	} catch (error) {
		loaderCache.delete(packageDir);
		throw new Error(`Could not load ${packageDir} (run \`npx tsc\` first): ${error.message}`);
	}
}

function makeNodeTypes(loader) {
	const resolve = (type) =>
		loader.getNode(type.startsWith(`${loader.packageName}.`) ? type.slice(loader.packageName.length + 1) : type).type;
	return {
		getByName: (type) => resolve(type),
		getByNameAndVersion: (type, version) => NodeHelpers.getVersionedNodeType(resolve(type), version),
		getKnownTypes: () => ({}),
	};
}

function makeAdditionalData(credentialsHelper, hooks) {
	return {
		hooks,
		credentialsHelper,
		currentNodeParameters: undefined,
		executionId: 'test-exec',
		userId: 'test-user',
		variables: {},
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		setExecutionStatus: () => {},
		executeWorkflow: async () => {
			throw new Error('executeWorkflow is not supported in the harness');
		},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('the task runner is not supported in the harness');
		},
	};
}

/**
 * Runs nodes + connections through the real WorkflowExecute, starting at startNodeName (default: first node) with
 * `input` items. `staticData` (optional) is the workflow's static data; pass the returned one back to keep it.
 */
async function runWorkflow({
	packageDir,
	loader,
	nodes,
	connections = {},
	credentials = {},
	startNodeName,
	input = [{ json: {} }],
	mode = 'manual',
	staticData = {},
}) {
	loader = loader ?? (await loadPackage(packageDir));
	const nodeTypes = makeNodeTypes(loader);
	const credentialsHelper = new TestCredentialsHelper(loader, credentials);
	const workflow = new Workflow({
		id: 'test-wf',
		name: 'test',
		nodes,
		connections,
		nodeTypes,
		active: false,
		staticData,
		settings: { executionOrder: 'v1' },
	});
	const hooks = new ExecutionLifecycleHooks(mode, 'test-exec', {
		id: 'test-wf',
		name: 'test',
		nodes,
		connections,
		active: false,
		settings: {},
		createdAt: new Date(),
		updatedAt: new Date(),
		isArchived: false,
		activeVersionId: null,
	});
	const done = createDeferredPromise();
	hooks.addHandler('workflowExecuteAfter', (run) => done.resolve(run));
	const additionalData = makeAdditionalData(credentialsHelper, hooks);
	const startNode = workflow.getNode(startNodeName ?? nodes[0].name);
	const runExecutionData = {
		startData: {},
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: null,
			nodeExecutionStack: [{ node: startNode, data: { main: [input] }, source: null }],
		},
	};
	const run = await new WorkflowExecute(additionalData, mode, runExecutionData).processRunExecutionData(workflow);
	await done.promise;
	const itemsOf = (name) => run.data.resultData.runData[name]?.[0]?.data?.main?.[0] ?? [];
	const outputOf = (name) => itemsOf(name).map((item) => item.json);
	return {
		run,
		itemsOf,
		outputOf,
		error: run.data.resultData.error,
		credentialsHelper,
		workflow,
		staticData: workflow.staticData,
	};
}

/** poll() through a real PollContext; pass the returned `workflow` back in to keep static data between polls. */
async function poll({ loader, node, workflow, credentials = {}, mode = 'trigger', activation = 'activate', staticData = {} }) {
	loader = loader ?? (await loadPackage());
	const nodeTypes = makeNodeTypes(loader);
	workflow =
		workflow ?? new Workflow({ id: 'poll-wf', nodes: [node], connections: {}, nodeTypes, active: true, staticData, settings: {} });
	const credentialsHelper = new TestCredentialsHelper(loader, credentials);
	const additionalData = makeAdditionalData(credentialsHelper, undefined);
	const workflowNode = workflow.getNode(node.name);
	const context = new PollContext(workflow, workflowNode, additionalData, mode, activation);
	const result = await nodeTypes.getByNameAndVersion(workflowNode.type, workflowNode.typeVersion).poll.call(context);
	return { result, workflow, staticData: workflow.staticData, credentialsHelper };
}

/**
 * Calls a node's listSearch method through a real LoadOptionsContext (what the editor does for a resource locator's
 * list mode). `node` carries the parameters the editor would send as the current node parameters.
 */
async function listSearch({ loader, node, credentials = {}, method, filter, paginationToken }) {
	loader = loader ?? (await loadPackage());
	const nodeTypes = makeNodeTypes(loader);
	const workflow = new Workflow({ id: 'list-wf', nodes: [node], connections: {}, nodeTypes, active: false, settings: {} });
	const credentialsHelper = new TestCredentialsHelper(loader, credentials);
	const additionalData = { ...makeAdditionalData(credentialsHelper, undefined), currentNodeParameters: node.parameters };
	const workflowNode = workflow.getNode(node.name);
	const context = new LoadOptionsContext(workflow, workflowNode, additionalData, `parameters.${method}`);
	const nodeType = nodeTypes.getByNameAndVersion(workflowNode.type, workflowNode.typeVersion);
	const search = nodeType.methods?.listSearch?.[method];
	if (!search) throw new Error(`${workflowNode.type} has no listSearch method ${method}`);
	const result = await search.call(context, filter, paginationToken);
	return { result, credentialsHelper };
}

/** Stops n8n-core's SSHClientsManager 60 s interval so that jest can exit. Call in afterAll. */
function shutdown() {
	const { Container } = require('@n8n/di');
	const { SSHClientsManager } = require('n8n-core/dist/execution-engine/ssh-clients-manager');
	if (Container.has(SSHClientsManager)) Container.get(SSHClientsManager).onShutdown();
}

// ---- credentials pointing at the emulator ----

const TEST_REDIRECT_URI = 'http://localhost:5678/rest/oauth2-credential/callback';

/**
 * Registers a confidential OAuth2 client on the emulator (once), issues a user token and returns the data of an
 * xDmOAuth2Api credential that uses it. expiresIn (seconds) <= 0 gives a token that is already expired.
 */
function oauth2Credentials(emu, user, { scopes = OAUTH2_SCOPES, expiresIn, clientId = 'n8n-test-client', clientSecret = 'n8n-test-secret' } = {}) {
	if (!emu.state.oauth2Clients.has(clientId)) {
		emu.registerOAuth2Client({ clientId, clientSecret, redirectUris: [TEST_REDIRECT_URI], confidential: true });
	}
	let token;
	if (expiresIn !== undefined && expiresIn <= 0) {
		token = emu.issueOAuth2Token({ userId: user.id, clientId, scopes, expiresIn: 1 });
		const record = emu.state.oauth2Tokens.get(token.access_token);
		record.expiresAt = emu.clock.now() - 1000;
	} else {
		token = emu.issueOAuth2Token({ userId: user.id, clientId, scopes, ...(expiresIn === undefined ? {} : { expiresIn }) });
	}
	return {
		grantType: 'pkce',
		authUrl: `${emu.url}/i/oauth2/authorize`,
		accessTokenUrl: `${emu.url}/2/oauth2/token`,
		clientId,
		clientSecret,
		scope: scopes.join(' '),
		authQueryParameters: '',
		authentication: 'header',
		baseUrl: emu.url,
		oauthTokenData: { ...token },
	};
}

/** Registers an OAuth 1.0a app (read-write-dm unless told otherwise), issues a user token, returns xDmOAuth1Api data. */
function oauth1Credentials(emu, user, { consumerKey = 'n8n-test-consumer', consumerSecret = 'n8n-test-consumer-secret', permission = 'read-write-dm' } = {}) {
	const existing = emu.state.oauth1Apps.get(consumerKey);
	if (!existing || existing.permission !== permission) emu.registerOAuth1App({ consumerKey, consumerSecret, permission });
	const token = emu.issueOAuth1Token({ consumerKey, userId: user.id });
	return {
		requestTokenUrl: `${emu.url}/oauth/request_token`,
		authUrl: `${emu.url}/oauth/authorize`,
		accessTokenUrl: `${emu.url}/oauth/access_token`,
		consumerKey,
		consumerSecret,
		signatureMethod: 'HMAC-SHA1',
		baseUrl: emu.url,
		oauthTokenData: { ...token },
	};
}

/**
 * What a node needs for one authentication kind: the `authentication` parameter, the node's credential reference
 * and the harness `credentials` map. kind: 'oAuth2' | 'oAuth1'.
 */
function credentialSetup(emu, user, kind = 'oAuth2', options = {}) {
	const type = kind === 'oAuth1' ? 'xDmOAuth1Api' : 'xDmOAuth2Api';
	const data = kind === 'oAuth1' ? oauth1Credentials(emu, user, options) : oauth2Credentials(emu, user, options);
	return {
		authentication: kind,
		type,
		nodeCredentials: { [type]: { id: `cred-${kind}-${user.id}`, name: `X ${kind} ${user.username}` } },
		credentials: { [type]: data },
	};
}

/** Binary data in n8n's in-memory shape, for input items. */
function binaryItem(buffer, { mimeType, fileName = 'file', propertyName = 'data', json = {} } = {}) {
	return {
		json,
		binary: {
			[propertyName]: {
				data: buffer.toString('base64'),
				mimeType,
				fileName,
				fileSize: String(buffer.length),
			},
		},
	};
}

module.exports = {
	PACKAGE_DIR,
	PACKAGE_NAME,
	ACTION_NODE_TYPE,
	TRIGGER_NODE_TYPE,
	OAUTH2_SCOPES,
	BUILTIN_CREDENTIAL_TYPES,
	TestCredentialsHelper,
	loadPackage,
	runWorkflow,
	poll,
	listSearch,
	shutdown,
	oauth2Credentials,
	oauth1Credentials,
	credentialSetup,
	binaryItem,
};
