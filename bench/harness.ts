// The in-process n8n-core harness as the bench uses it: the same engine fixtures the tests use (WorkflowExecute,
// PollContext, credentials pointing at the emulator), but loading the package's COMPILED build from dist/ with n8n's
// own PackageDirectoryLoader, exactly as n8n loads an installed community package.
const userFolderPreset = Boolean(process.env.N8N_USER_FOLDER);

import { PackageDirectoryLoader } from 'n8n-core';

import { PACKAGE_DIR } from '../test/fixtures/n8n';

export { poll, runWorkflow, shutdown, TRIGGER_NODE_TYPE } from '../test/fixtures/n8n';
export { credentialSetup, type CredentialSetup, type CredentialsByType } from '../test/fixtures/credentials';
export { actionNode, NODE_NAME, rl } from '../test/fixtures/x-node';

export type LoadedPackage = PackageDirectoryLoader;

/** Loads the compiled package (run `npm run build` first). */
export async function loadPackage(packageDir: string = PACKAGE_DIR): Promise<LoadedPackage> {
	const loader = new PackageDirectoryLoader(packageDir);
	await loader.loadAll();
	return loader;
}

/** The temporary n8n user folder the fixtures made in this process, if they made one (the bench removes it). */
export function harnessUserFolder(): string | undefined {
	return userFolderPreset ? undefined : process.env.N8N_USER_FOLDER;
}
