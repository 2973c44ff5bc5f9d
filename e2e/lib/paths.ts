import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const E2E_DIR = path.join(REPO_ROOT, 'e2e');
// One folder per n8n version (e2e/lib/runtimes.ts); Node.js majors other than the machine's install into e2e/node/<major>.
export const RUNTIMES_DIR = path.join(E2E_DIR, 'runtimes');
export const NODE_DIR = path.join(E2E_DIR, 'node');
// Builds reused across runtimes within and between runs (git-ignored): the sqlite3 binary.
export const CACHE_DIR = path.join(E2E_DIR, '.cache');
export const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');
// `npm start` keeps its n8n user folder here (git-ignored), so a second start reuses the database and login; an
// n8n version other than the default gets a folder of its own (a database one version migrated may not open in another).
export const localUserFolder = (runtimeId: string, isDefault: boolean): string =>
	path.join(REPO_ROOT, isDefault ? '.n8n-local' : `.n8n-local-${runtimeId}`);
// Per-run n8n user folders of the e2e suite (outside the repo: they hold an installed copy of the package): one
// folder per checkout (two clones may run their suites at the same time) and per N8N_VERSION (a matrix run keeps each
// version's logs).
const CHECKOUT_TAG = crypto.createHash('sha256').update(REPO_ROOT).digest('hex').slice(0, 8);
export const WORK_DIR = path.join(os.tmpdir(), `n8n-nodes-x-dm-e2e-${CHECKOUT_TAG}`, process.env.N8N_VERSION?.trim() || 'default');
export const SCREENSHOTS_DIR = path.join(E2E_DIR, 'screenshots');
export const DOCS_DIR = path.join(REPO_ROOT, 'docs');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
