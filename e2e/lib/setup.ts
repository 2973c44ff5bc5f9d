// Preparing an n8n user folder through n8n's own CLI (n8n must not be running on that folder meanwhile).
import fs from 'node:fs';
import path from 'node:path';
import { n8nCliOrThrow } from './n8n';
import type { Env, RunResult } from './proc';
import { selectedRuntime, versionTraits } from './runtimes';

/** Writes `content` as JSON to a temporary file inside `dir`, runs `action(file)`, and removes the file again. */
async function withJsonFile<T>(dir: string, name: string, content: unknown, action: (file: string) => Promise<T>): Promise<T> {
	fs.mkdirSync(dir, { recursive: true });
	const file = path.join(dir, name);
	fs.writeFileSync(file, JSON.stringify(content, null, 2), { mode: 0o600 });
	try {
		return await action(file);
	} finally {
		fs.rmSync(file, { force: true });
	}
}

/** `n8n import:credentials`: plain `data` is encrypted with the folder's key; same ids overwrite. */
export async function importCredentials(env: Env, credentials: unknown[], scratchDir: string): Promise<void> {
	await withJsonFile(scratchDir, 'credentials.import.json', credentials,
		(file) => n8nCliOrThrow(['import:credentials', `--input=${file}`], env));
}

/** `n8n import:workflow` of several workflows at once (imported inactive; same ids overwrite). */
export async function importWorkflows(env: Env, workflows: unknown[], scratchDir: string): Promise<void> {
	await withJsonFile(scratchDir, 'workflows.import.json', workflows,
		(file) => n8nCliOrThrow(['import:workflow', `--input=${file}`], env));
}

/**
 * Activates a workflow the way the runtime's n8n version does it (2.x `publish:workflow`, 1.x `update:workflow
 * --active=true`); takes effect when `n8n start` runs next.
 */
export async function activateWorkflow(env: Env, workflowId: string, runtime = selectedRuntime()): Promise<RunResult> {
	return n8nCliOrThrow(versionTraits(runtime).activateArgs(workflowId), env);
}
