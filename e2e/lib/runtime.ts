import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, RUNTIME_DIR, RUNTIME_MODULES } from './paths';
import { cleanEnv, runOrThrow } from './proc';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// Written after a successful install; holds the hash of the manifest + lockfile it was installed from.
const RUNTIME_STAMP = path.join(RUNTIME_MODULES, '.e2e-runtime-stamp');

export const sha256 = (data: crypto.BinaryLike): string => crypto.createHash('sha256').update(data).digest('hex');

function runtimeManifestHash(): string {
	return sha256(['package.json', 'package-lock.json', '.npmrc']
		.map((name) => (fs.existsSync(path.join(RUNTIME_DIR, name)) ? fs.readFileSync(path.join(RUNTIME_DIR, name), 'utf8') : ''))
		.join('\0'));
}

export function runtimeInstalled(): boolean {
	return fs.existsSync(RUNTIME_STAMP) && fs.readFileSync(RUNTIME_STAMP, 'utf8') === runtimeManifestHash();
}

/**
 * Installs real n8n 2.8.4 + playwright-core into e2e/runtime from its lockfile unless that exact install is already
 * there. `npm ci` cannot be used (npm bug with optional platform deps in this lockfile), so it is `npm install`,
 * with --no-save so that the committed lockfile stays as it is.
 */
export async function ensureRuntime({ log = console.log }: { log?: (message: string) => void } = {}): Promise<{ installed: boolean }> {
	if (runtimeInstalled()) return { installed: false };
	log('Installing the n8n runtime into e2e/runtime (n8n 2.8.4, about 1.7 GB; 2-4 minutes the first time)...');
	const started = Date.now();
	await runOrThrow(NPM, ['install', '--no-save', '--no-audit', '--no-fund'], {
		cwd: RUNTIME_DIR,
		// scarf's postinstall would try to phone home (no network here); sqlite3 still builds from source.
		env: cleanEnv({ SCARF_ANALYTICS: 'false' }),
		echo: true,
	});
	fs.writeFileSync(RUNTIME_STAMP, runtimeManifestHash());
	log(`n8n runtime installed in ${Math.round((Date.now() - started) / 1000)} s.`);
	return { installed: true };
}

/** `npm run build` in the repo: tsc + icons into dist/. */
export async function buildPackage({ echo = false }: { echo?: boolean } = {}): Promise<void> {
	await runOrThrow(NPM, ['run', 'build'], { cwd: REPO_ROOT, echo });
}

/** `npm pack` of the repo into `destination`; returns the tarball path. */
export async function packPackage(destination: string): Promise<string> {
	fs.mkdirSync(destination, { recursive: true });
	const { stdout } = await runOrThrow(NPM, ['pack', '--json', '--pack-destination', destination], { cwd: REPO_ROOT });
	const [{ filename }] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string }>;
	return path.join(destination, filename);
}

/**
 * Installs the packed package into <userFolder>/.n8n/nodes the way n8n installs a community package, so node types
 * read `n8n-nodes-x-dm.<node>`. Skipped when the same tarball is already installed. Returns whether it installed.
 */
export async function installPackageIntoN8n(userFolder: string, tarball: string): Promise<boolean> {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const stampFile = path.join(nodesDir, '.x-dm-package.sha256');
	const tarballHash = sha256(fs.readFileSync(tarball));
	const installedPackage = path.join(nodesDir, 'node_modules', 'n8n-nodes-x-dm', 'package.json');
	if (fs.existsSync(installedPackage) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === tarballHash) return false;
	fs.mkdirSync(nodesDir, { recursive: true });
	const manifest = path.join(nodesDir, 'package.json');
	if (!fs.existsSync(manifest)) fs.writeFileSync(manifest, JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2));
	// Keep the tarball next to the manifest so the saved `file:` dependency stays valid.
	const localTarball = path.join(nodesDir, path.basename(tarball));
	if (path.resolve(tarball) !== localTarball) fs.copyFileSync(tarball, localTarball);
	// --legacy-peer-deps: otherwise npm adds the peer n8n-workflow@latest; n8n's own copy is used at run time.
	await runOrThrow(NPM, ['install', '--omit=dev', '--legacy-peer-deps', '--ignore-scripts', '--no-audit', '--no-fund', `./${path.basename(localTarball)}`], { cwd: nodesDir });
	fs.writeFileSync(stampFile, tarballHash);
	return true;
}

// `tsx e2e/lib/runtime.ts`: only the runtime install (e2e/ci.sh runs it first, to keep the install apart in the log).
if (require.main === module) {
	ensureRuntime().catch((error) => {
		console.error(error.message);
		process.exit(1);
	});
}
