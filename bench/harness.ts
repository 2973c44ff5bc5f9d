// The in-process n8n-core harness (the package's compiled nodes inside WorkflowExecute / PollContext) as the bench
// uses it: the bench's only import of the test helpers. The types below are the part of the harness the bench calls.
import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';
import type { Emulator } from './emulator';

/** Credential data by credential type name, as the harness's credentials helper serves it. */
export type CredentialsByType = Record<string, IDataObject & { oauthTokenData?: IDataObject & { access_token?: string } }>;

/** What credentialSetup() returns: the node's authentication parameter, its credential reference and the data. */
export interface CredentialSetup {
	authentication: 'oAuth2' | 'oAuth1';
	type: string;
	nodeCredentials: INode['credentials'];
	credentials: CredentialsByType;
}

/** A package loaded by n8n-core's PackageDirectoryLoader (opaque to the bench). */
export type LoadedPackage = object;

interface Harness {
	TRIGGER_NODE_TYPE: string;
	loadPackage(packageDir?: string): Promise<LoadedPackage>;
	runWorkflow(options: { loader: LoadedPackage; nodes: INode[]; credentials?: CredentialsByType; input?: INodeExecutionData[] }): Promise<{
		error?: Error;
		outputOf(nodeName: string): IDataObject[];
	}>;
	poll(options: { loader: LoadedPackage; node: INode; workflow?: object; credentials?: CredentialsByType }): Promise<{
		result: INodeExecutionData[][] | null;
		workflow: object;
		credentialsHelper: { credentialsByType: CredentialsByType };
	}>;
	/** Stops n8n-core's background interval so that the process can exit. */
	shutdown(): void;
	credentialSetup(emu: Emulator, user: { id: string; username: string }, kind?: 'oAuth2' | 'oAuth1', options?: { expiresIn?: number }): CredentialSetup;
}

interface ActionNodeHelpers {
	NODE_NAME: string;
	rl(mode: string, value: string): IDataObject;
	actionNode(parameters: IDataObject, setup: CredentialSetup): INode;
}

// The harness creates a temporary n8n user folder unless one is set (it writes n8n-core's key there).
const userFolderPreset = Boolean(process.env.N8N_USER_FOLDER);
const harness = require('../test/helpers/n8n-harness') as Harness;
const actionNodeHelpers = require('../test/helpers/x-node') as ActionNodeHelpers;

export const { TRIGGER_NODE_TYPE, loadPackage, runWorkflow, poll, shutdown, credentialSetup } = harness;
export const { NODE_NAME, rl, actionNode } = actionNodeHelpers;

/** The temporary n8n user folder the harness made in this process, if it made one (the bench removes it). */
export function harnessUserFolder(): string | undefined {
	return userFolderPreset ? undefined : process.env.N8N_USER_FOLDER;
}
