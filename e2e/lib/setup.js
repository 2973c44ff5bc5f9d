'use strict';

// Preparing an n8n user folder through n8n's own CLI (n8n must not be running on that folder meanwhile).
const fs = require('node:fs');
const path = require('node:path');
const { n8nCliOrThrow } = require('./n8n');

/** Writes `content` as JSON to a temporary file inside `dir`, runs `action(file)`, and removes the file again. */
async function withJsonFile(dir, name, content, action) {
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
async function importCredentials(env, credentials, scratchDir) {
	await withJsonFile(scratchDir, 'credentials.import.json', credentials,
		(file) => n8nCliOrThrow(['import:credentials', `--input=${file}`], env));
}

/** `n8n import:workflow` of several workflows at once (imported inactive; same ids overwrite). */
async function importWorkflows(env, workflows, scratchDir) {
	await withJsonFile(scratchDir, 'workflows.import.json', workflows,
		(file) => n8nCliOrThrow(['import:workflow', `--input=${file}`], env));
}

/** Publishes (activates) a workflow; takes effect when `n8n start` runs next. */
async function publishWorkflow(env, workflowId) {
	await n8nCliOrThrow(['publish:workflow', `--id=${workflowId}`], env);
}

module.exports = { importCredentials, importWorkflows, publishWorkflow };
