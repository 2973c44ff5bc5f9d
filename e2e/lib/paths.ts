import os from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const E2E_DIR = path.join(REPO_ROOT, 'e2e');
export const RUNTIME_DIR = path.join(E2E_DIR, 'runtime');
export const RUNTIME_MODULES = path.join(RUNTIME_DIR, 'node_modules');
export const N8N_BIN = path.join(RUNTIME_MODULES, 'n8n', 'bin', 'n8n');
export const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');
// `npm start` keeps its n8n user folder here (git-ignored), so a second start reuses the database and login.
export const LOCAL_USER_FOLDER = path.join(REPO_ROOT, '.n8n-local');
// Per-run n8n user folders of the e2e suite (outside the repo: they hold an installed copy of the package).
export const WORK_DIR = path.join(os.tmpdir(), 'n8n-nodes-x-dm-e2e');
export const SCREENSHOTS_DIR = path.join(E2E_DIR, 'screenshots');
export const DOCS_DIR = path.join(REPO_ROOT, 'docs');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
