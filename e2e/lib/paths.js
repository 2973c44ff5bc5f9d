'use strict';

const os = require('node:os');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const E2E_DIR = path.join(REPO_ROOT, 'e2e');
const RUNTIME_DIR = path.join(E2E_DIR, 'runtime');

module.exports = {
	REPO_ROOT,
	E2E_DIR,
	RUNTIME_DIR,
	RUNTIME_MODULES: path.join(RUNTIME_DIR, 'node_modules'),
	N8N_BIN: path.join(RUNTIME_DIR, 'node_modules', 'n8n', 'bin', 'n8n'),
	EXAMPLES_DIR: path.join(REPO_ROOT, 'examples'),
	// `npm start` keeps its n8n user folder here (git-ignored), so a second start reuses the database and login.
	LOCAL_USER_FOLDER: path.join(REPO_ROOT, '.n8n-local'),
	// Per-run n8n user folders of the e2e suite (outside the repo: they hold an installed copy of the package).
	WORK_DIR: path.join(os.tmpdir(), 'n8n-nodes-x-dm-e2e'),
	SCREENSHOTS_DIR: path.join(E2E_DIR, 'screenshots'),
	DOCS_DIR: path.join(REPO_ROOT, 'docs'),
	CHROMIUM: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
};
